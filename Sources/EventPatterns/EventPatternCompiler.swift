/// Compiles event pattern text into alternatives of fields, reading it token by token in the order AWS's compiler
/// (event-ruler's `JsonRuleCompiler`) does, so that the first error found, its words and its location are AWS's.
///
/// The result is a list of conjunctions (`$or` expanded); a field named twice keeps its last value, as AWS's
/// compiler overwrites it.
struct EventPatternCompiler {
    typealias Field = EventPattern.Field

    /// One conjunction under construction: fields in first-seen order, replaced in place when named again.
    private struct Conjunction {
        var fields: [Field] = []
        var positions: [String: Int] = [:]

        mutating func put(_ field: Field) {
            if let position = positions[field.path] {
                fields[position] = field
            } else {
                positions[field.path] = fields.count
                fields.append(field)
            }
        }
    }

    /// Names `$or` branches may not use as field names.
    private static let reservedInOr: Set<String> = [
        "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric", "cidr",
        "=", "<", "<=", ">", ">=", "regex", "equals", "starts-with", "ends-with",
    ]

    private var tokens: EventPatternTokenizer
    /// Wildcards are checked for complexity once the whole pattern is read, as AWS does when it adds the rule.
    private var wildcards: [EventPatternWildcard] = []

    static func compile(_ text: String) throws(EventPatternError) -> [[Field]] {
        var compiler = EventPatternCompiler(tokens: EventPatternTokenizer(text))
        guard try compiler.tokens.next() == .startObject else {
            throw compiler.tokens.fail("Filter is not an object")
        }
        var rules: [Conjunction] = []
        try compiler.parseObject(&rules, path: [], insideOr: false)
        for wildcard in compiler.wildcards { try wildcard.checkComplexity() }
        return rules.map(\.fields)
    }

    // MARK: Structure

    private mutating func parseObject(_ rules: inout [Conjunction], path: [String], insideOr: Bool)
        throws(EventPatternError)
    {
        var fieldsPresent = false
        while let token = try tokens.next(), token != .endObject {
            guard case .fieldName(let name) = token else { throw tokens.fail("Field name expected") }
            fieldsPresent = true
            if name == "$or" {
                try parseOr(&rules, path: path)
                continue
            }
            if insideOr, Self.reservedInOr.contains(name) {
                throw tokens.fail("\(name) is Ruler reserved fieldName which cannot be used inside $or.")
            }
            switch try tokens.next() {
            case .startObject?: try parseObject(&rules, path: path + [name], insideOr: insideOr)
            case .startArray?:
                let field = Field(path: (path + [name]).joined(separator: "."), matchers: try parseMatchers())
                if rules.isEmpty { rules = [Conjunction()] }
                for index in rules.indices { rules[index].put(field) }
            default: throw tokens.fail("\"\(name)\" must be an object or an array")
            }
        }
        if !fieldsPresent { throw tokens.fail("Empty objects are not allowed") }
    }

    private mutating func parseOr(_ rules: inout [Conjunction], path: [String]) throws(EventPatternError) {
        let before = rules.isEmpty ? [Conjunction()] : rules
        rules = []
        guard try tokens.next() == .startArray else { throw tokens.fail("It must be an Array followed with $or.") }
        var branches = 0
        while let token = try tokens.next(), token != .endArray {
            branches += 1
            guard token == .startObject else {
                throw tokens.fail("Only JSON object is allowed in array of $or relationship.")
            }
            var branch = before
            try parseObject(&branch, path: path, insideOr: true)
            rules += branch
            if rules.count > EventPattern.maximumCombinations {
                throw EventPatternError(
                    reason: "The total number of combinations of the $or patterns exceeds "
                        + "\(EventPattern.maximumCombinations)")
            }
        }
        if branches < 2 { throw tokens.fail("There must have at least 2 Objects in $or relationship.") }
    }

    /// The elements of a field's array, after its `[`.
    private mutating func parseMatchers() throws(EventPatternError) -> [EventPatternMatcher] {
        var matchers: [EventPatternMatcher] = []
        while let token = try tokens.next(), token != .endArray {
            switch token {
            case .startObject: matchers.append(try parseMatchExpression())
            case .string(let value):
                tokens.markTextRead()
                matchers.append(.exactString(value))
            case .number(let text): matchers.append(.exactNumber(Double(text) ?? .nan))
            case .bool(let value): matchers.append(.exactBool(value))
            case .null: matchers.append(.exactNull)
            default: throw tokens.fail("Match value must be String, number, true, false, or null")
            }
        }
        if matchers.isEmpty { throw tokens.fail("Empty arrays are not allowed") }
        return matchers
    }

    // MARK: Match expressions

    /// `{"prefix": …}` and the other operators, after the `{`.
    private mutating func parseMatchExpression() throws(EventPatternError) -> EventPatternMatcher {
        guard case .fieldName(let type)? = try tokens.next() else {
            throw tokens.fail("Match expression name not found")
        }
        let onlyOneKey = "Only one key allowed in match expression"
        switch type {
        case "exactly", "equals-ignore-case":
            let value = try readString(orFail: type == "exactly" ? "exact" : type)
            try expectEnd(onlyOneKey)
            return type == "exactly" ? .exactString(value) : .equalsIgnoreCase(value.lowercased())
        case "prefix", "suffix":
            let token = try tokens.next()
            if token == .startObject { return try parseIgnoreCaseAffix(type) }
            guard case .string(let value)? = token else { throw tokens.fail("\(type) match pattern must be a string") }
            tokens.markTextRead()
            try expectEnd(onlyOneKey)
            return type == "prefix" ? .prefix(value, ignoreCase: false) : .suffix(value, ignoreCase: false)
        case "numeric":
            guard try tokens.next() == .startArray else { throw tokens.fail("Value of numeric must be an array.") }
            let range = try parseNumericRange()
            try expectEnd("Too many elements in numeric expression")
            return .numeric(range)
        case "anything-but":
            return .anythingBut(try parseAnythingBut())
        case "exists":
            guard case .bool(let value)? = try tokens.next() else {
                throw tokens.fail("exists match pattern must be either true or false.")
            }
            try expectEnd(onlyOneKey)
            return .exists(value)
        case "cidr":
            // AWS names the prefix operator when a cidr value is not a string.
            let value = try readString(orFail: "prefix")
            let cidr = try EventPatternCIDR(parsing: value)
            try expectEnd(onlyOneKey)
            return .cidr(cidr)
        case "wildcard":
            let value = try readString(orFail: "wildcard")
            let wildcard = try located { () throws(EventPatternError) in try EventPatternWildcard(parsing: value) }
            wildcards.append(wildcard)
            try expectEnd(onlyOneKey)
            return .wildcard(wildcard)
        default:
            throw tokens.fail("Unrecognized match type \(type)")
        }
    }

    /// `{"prefix": {"equals-ignore-case": "…"}}`, after the inner `{`.
    private mutating func parseIgnoreCaseAffix(_ type: String) throws(EventPatternError) -> EventPatternMatcher {
        let name = type == "prefix" ? "Prefix" : "Suffix"
        guard case .fieldName(let operation)? = try tokens.next() else {
            throw tokens.fail("\(name) expression name not found")
        }
        guard operation == "equals-ignore-case" else { throw tokens.fail("Unsupported \(type) pattern: \(operation)") }
        let value = try readString(orFail: "equals-ignore-case").lowercased()
        try expectEnd("Only one key allowed in match expression")
        try expectEnd("Only one key allowed in match expression")
        return type == "prefix" ? .prefix(value, ignoreCase: true) : .suffix(value, ignoreCase: true)
    }

    // MARK: numeric

    /// `["<", 5]`, `[">", 0, "<=", 5]` or `["=", 3]`, after the `[`.
    private mutating func parseNumericRange() throws(EventPatternError) -> EventPatternNumericRange {
        let first = try tokens.next()
        guard case .string(let operation)? = first else {
            throw tokens.fail("Invalid member in numeric match: \(first?.text ?? "")")
        }
        tokens.markTextRead()
        let valueToken = try tokens.next()
        func value(named name: String) throws(EventPatternError) -> Double {
            guard case .number(let text)? = valueToken else { throw tokens.fail("Value of \(name) must be numeric") }
            return try comparable(text)
        }
        var range = EventPatternNumericRange()
        switch operation {
        case "=":
            let number = try value(named: "equals")
            try expectEnd("Too many elements in numeric expression", closing: .endArray)
            range.lower = (number, true)
            range.upper = (number, true)
        case ">", ">=":
            range.lower = (try value(named: operation), operation == ">=")
            let next = try tokens.next()
            if next != .endArray { range.upper = try parseUpperBound(next, above: range.lower!.value) }
        case "<", "<=":
            range.upper = (try value(named: operation), operation == "<=")
            try expectEnd("Too many elements in numeric expression", closing: .endArray)
        default:
            throw tokens.fail("Unrecognized numeric range operator: \(operation)")
        }
        return range
    }

    /// The `"<", 5]` of `[">", 0, "<", 5]`.
    private mutating func parseUpperBound(_ token: EventPatternTokenizer.Token?, above bottom: Double)
        throws(EventPatternError) -> (value: Double, inclusive: Bool)
    {
        guard case .string(let operation)? = token else {
            throw tokens.fail("Bad value in numeric range: \(token?.text ?? "")")
        }
        tokens.markTextRead()
        guard operation == "<" || operation == "<=" else {
            throw tokens.fail("Bad numeric range operator: \(operation)")
        }
        guard case .number(let text)? = try tokens.next() else {
            throw tokens.fail("Value of \(operation) must be numeric")
        }
        try expectEnd("Too many terms in numeric range expression", closing: .endArray)
        let top = try comparable(text)
        guard bottom < top else { throw tokens.fail("Bottom must be less than top") }
        return (top, operation == "<=")
    }

    /// AWS compares numbers as doubles and refuses one a double cannot hold exactly.
    private func comparable(_ text: String) throws(EventPatternError) -> Double {
        guard let value = Double(text), value.isFinite, Self.sameDecimal(text, value.description) else {
            throw tokens.fail("Cannot compare number : \(text)")
        }
        return value
    }

    /// Whether two decimal numerals have the same value (`1.50` and `1.5e0`).
    static func sameDecimal(_ a: String, _ b: String) -> Bool {
        func normalised(_ text: String) -> (negative: Bool, digits: [Character], exponent: Int)? {
            var text = Substring(text.lowercased())
            let negative = text.first == "-"
            if negative || text.first == "+" { text = text.dropFirst() }
            var exponent = 0
            if let e = text.firstIndex(of: "e") {
                guard let value = Int(text[text.index(after: e)...]) else { return nil }
                exponent = value
                text = text[..<e]
            }
            var digits: [Character] = []
            var seenPoint = false
            for character in text {
                if character == "." {
                    seenPoint = true
                } else {
                    digits.append(character)
                    if seenPoint { exponent -= 1 }
                }
            }
            while digits.first == "0" { digits.removeFirst() }
            while digits.last == "0" {
                digits.removeLast()
                exponent += 1
            }
            return digits.isEmpty ? (false, [], 0) : (negative, digits, exponent)
        }
        guard let left = normalised(a), let right = normalised(b) else { return false }
        return left.negative == right.negative && left.digits == right.digits && left.exponent == right.exponent
    }

    // MARK: anything-but

    private enum AnythingButKind {
        case values, equalsIgnoreCase, prefix, suffix, wildcard

        /// AWS's words for a value of the wrong type.
        var notStringMessage: String {
            switch self {
            case .equalsIgnoreCase:
                "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
            case .wildcard: "wildcard match pattern must be a string"
            default: "prefix/suffix match pattern must be a string"
            }
        }
    }

    /// The value of `"anything-but"`.
    private mutating func parseAnythingBut() throws(EventPatternError) -> EventPatternAnythingBut {
        var kind = AnythingButKind.values
        var token = try tokens.next()
        if token == .startObject {
            guard case .fieldName(let operation)? = try tokens.next() else {
                throw tokens.fail("Anything-But expression name not found")
            }
            switch operation {
            case "equals-ignore-case": kind = .equalsIgnoreCase
            case "prefix": kind = .prefix
            case "suffix": kind = .suffix
            case "wildcard": kind = .wildcard
            default: throw tokens.fail("Unsupported anything-but pattern: \(operation)")
            }
            token = try tokens.next()
        }
        let result: EventPatternAnythingBut
        switch token {
        case .startArray?:
            result = kind == .values ? try parseAnythingButList() : try parseAnythingButSet(kind)
        case .string(let value)?:
            tokens.markTextRead()
            result = kind == .values ? .strings([value]) : try anythingButSet(kind, [value])
        case .number(let text)?:
            guard kind == .values else { throw tokens.fail(kind.notStringMessage) }
            guard let value = Double(text), value.isFinite, Self.sameDecimal(text, value.description) else {
                // Thrown outside AWS's parser error handling: no location.
                throw EventPatternError(reason: "Cannot compare number : \(text)")
            }
            result = .numbers([value])
        default:
            throw tokens.fail("Value of anything-but must be an array or single string/number value.")
        }
        try expectEnd("Too many elements in numeric expression")
        if kind != .values { try expectEnd("Too many elements in numeric expression") }
        return result
    }

    /// `"anything-but": ["a", "b"]` or `[1, 2]`, after the `[`.
    private mutating func parseAnythingButList() throws(EventPatternError) -> EventPatternAnythingBut {
        var strings: Set<String> = []
        var numbers: Set<Double> = []
        do throws(EventPatternError) {
            while let token = try tokens.next(), token != .endArray {
                switch token {
                case .string(let value):
                    tokens.markTextRead()
                    strings.insert(value)
                case .number(let text): numbers.insert(try comparable(text))
                default: throw tokens.fail("Inside anything but list, start|null|boolean is not supported.")
                }
            }
        } catch {
            throw reportedAgain(error)
        }
        if strings.isEmpty == numbers.isEmpty {
            throw tokens.fail(
                "Inside anything but list, either all values are number or string, mixed type is not supported")
        }
        return strings.isEmpty ? .numbers(numbers) : .strings(strings)
    }

    /// `"anything-but": {"prefix": ["a", "b"]}` and the like, after the `[`.
    private mutating func parseAnythingButSet(_ kind: AnythingButKind) throws(EventPatternError)
        -> EventPatternAnythingBut
    {
        var values: [String] = []
        do throws(EventPatternError) {
            while let token = try tokens.next(), token != .endArray {
                guard case .string(let value) = token else { throw tokens.fail(kind.notStringMessage) }
                tokens.markTextRead()
                if value.isEmpty, kind == .prefix || kind == .suffix {
                    throw tokens.fail("Null prefix/suffix not allowed")
                }
                values.append(value)
            }
        } catch {
            throw reportedAgain(error)
        }
        return try anythingButSet(kind, values)
    }

    private mutating func anythingButSet(_ kind: AnythingButKind, _ values: [String]) throws(EventPatternError)
        -> EventPatternAnythingBut
    {
        switch kind {
        case .prefix, .suffix:
            if values.contains("") { throw tokens.fail("Null prefix/suffix not allowed") }
            return kind == .prefix ? .prefixes(values) : .suffixes(values)
        case .equalsIgnoreCase: return .equalsIgnoreCase(Set(values.map { $0.lowercased() }))
        case .wildcard:
            var parsed: [EventPatternWildcard] = []
            for value in values {
                parsed.append(try located { () throws(EventPatternError) in try EventPatternWildcard(parsing: value) })
            }
            wildcards += parsed
            return .wildcards(parsed)
        case .values: return .strings(Set(values))
        }
    }

    // MARK: Helpers

    private mutating func readString(orFail name: String) throws(EventPatternError) -> String {
        guard case .string(let value)? = try tokens.next() else {
            throw tokens.fail("\(name) match pattern must be a string")
        }
        tokens.markTextRead()
        return value
    }

    private mutating func expectEnd(_ message: String, closing: EventPatternTokenizer.Token = .endObject)
        throws(EventPatternError)
    {
        guard try tokens.next() == closing else { throw tokens.fail(message) }
    }

    /// An error of a value's own syntax (a wildcard's), reported at the parser's location.
    private func located<T>(_ body: () throws(EventPatternError) -> T) throws(EventPatternError) -> T {
        do {
            return try body()
        } catch {
            throw error.location.isEmpty ? tokens.fail(error.reason) : error
        }
    }

    /// AWS's anything-but list readers catch their own errors and report them again at the same place, so the
    /// location appears twice.
    private func reportedAgain(_ error: EventPatternError) -> EventPatternError {
        if error.location.isEmpty { return tokens.fail(error.reason) }
        return EventPatternError(reason: error.reason, location: error.location + error.location)
    }
}
