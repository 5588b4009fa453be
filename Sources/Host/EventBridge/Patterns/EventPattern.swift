import AWSShapes

/// An EventBridge event pattern (rules, Pipe filters and event-source-mapping filters share it).
///
/// The pattern is compiled into a disjunction of conjunctions (`$or` expanded) of leaf fields addressed by dotted
/// paths. Matching follows event-ruler's `rulesForJSONEvent`: the fields of one conjunction must be satisfied by
/// leaf values that come from the same element of every array they share.
public struct EventPattern: Sendable {
    /// One leaf of the pattern: a dotted path and the matchers OR'ed for it.
    struct Field: Sendable, Equatable {
        var path: String
        var matchers: [EventPatternMatcher]

        /// Whether the field is satisfied when the event has no leaf value at its path.
        var matchesAbsence: Bool { matchers.contains(.exists(false)) }

        func matches(_ value: JSONValue) -> Bool {
            matchers.contains { $0 != .exists(false) && $0.matches(value) }
        }
    }

    /// AWS's limit on the number of conjunctions `$or` may expand to.
    public static let maximumCombinations = 1000

    /// The alternatives (OR) of conjunctions (AND) of fields.
    let alternatives: [[Field]]

    /// Parses and validates pattern JSON text with AWS's rules.
    public init(parsing text: String) throws(EventPatternError) {
        let json: EventPatternJSON
        do {
            json = try EventPatternJSONParser.parse(text)
        } catch {
            throw EventPatternError(reason: "Invalid JSON at offset \(error.offset): \(error.reason)")
        }
        guard case .object = json else {
            throw EventPatternError(reason: "Filter is not an object")
        }
        alternatives = try Self.compileObject(json, prefix: [])
    }

    /// Whether the event matches the pattern.
    public func matches(_ event: JSONValue) -> Bool {
        let leaves = EventPatternFlattener.flatten(event)
        return alternatives.contains { Self.matchConjunction($0, leaves: leaves) }
    }

    /// Whether the event given as JSON text matches; invalid JSON never matches.
    public func matches(eventJSON text: String) -> Bool {
        guard let event = try? EventPatternJSONParser.parse(text) else { return false }
        return matches(event.jsonValue)
    }

    // MARK: Matching

    private static func matchConjunction(_ fields: [Field], leaves: [String: [EventPatternFlattener.Leaf]]) -> Bool {
        // Candidate leaves per field; a field with no candidates fails unless it accepts absence.
        var candidates: [[EventPatternFlattener.Leaf]] = []
        for field in fields {
            let present = leaves[field.path] ?? []
            if present.isEmpty {
                if field.matchesAbsence { continue }
                return false
            }
            let matching = present.filter { field.matches($0.value) }
            if matching.isEmpty { return false }
            candidates.append(matching)
        }
        candidates.sort { $0.count < $1.count }
        var chosen: [[Int: Int]] = []
        return search(candidates, index: 0, chosen: &chosen)
    }

    private static func search(_ candidates: [[EventPatternFlattener.Leaf]], index: Int, chosen: inout [[Int: Int]])
        -> Bool
    {
        guard index < candidates.count else { return true }
        for leaf in candidates[index] where chosen.allSatisfy({ consistent($0, leaf.arrays) }) {
            chosen.append(leaf.arrays)
            defer { chosen.removeLast() }
            if search(candidates, index: index + 1, chosen: &chosen) { return true }
        }
        return false
    }

    private static func consistent(_ a: [Int: Int], _ b: [Int: Int]) -> Bool {
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        return small.allSatisfy { entry in large[entry.key].map { $0 == entry.value } ?? true }
    }

    // MARK: Compiling

    private static func compileObject(_ json: EventPatternJSON, prefix: [String]) throws(EventPatternError)
        -> [[Field]]
    {
        var result: [[Field]] = [[]]
        for (key, value) in json.uniqueMembers ?? [] {
            let branch: [[Field]]
            if key == "$or" {
                branch = try compileOr(value, prefix: prefix)
            } else {
                switch value {
                case .object: branch = try compileObject(value, prefix: prefix + [key])
                case .array(let elements):
                    guard !elements.isEmpty else { throw EventPatternError(reason: "Empty arrays are not allowed") }
                    var matchers: [EventPatternMatcher] = []
                    for element in elements { matchers.append(try compileMatcher(element)) }
                    branch = [[Field(path: (prefix + [key]).joined(separator: "."), matchers: matchers)]]
                default:
                    throw EventPatternError(reason: "\"\(key)\" must be an object or an array")
                }
            }
            result = try combine(result, branch)
        }
        return result
    }

    private static func compileOr(_ value: EventPatternJSON, prefix: [String]) throws(EventPatternError) -> [[Field]] {
        guard case .array(let alternatives) = value, alternatives.count >= 2 else {
            throw EventPatternError(reason: "Or relationship must be an array of at least 2 objects")
        }
        var result: [[Field]] = []
        for alternative in alternatives {
            guard case .object = alternative else {
                throw EventPatternError(reason: "Or relationship must be an array of at least 2 objects")
            }
            result += try compileObject(alternative, prefix: prefix)
            try checkCombinations(result.count)
        }
        return result
    }

    private static func combine(_ left: [[Field]], _ right: [[Field]]) throws(EventPatternError) -> [[Field]] {
        try checkCombinations(left.count * right.count)
        return left.flatMap { l in right.map { l + $0 } }
    }

    private static func checkCombinations(_ count: Int) throws(EventPatternError) {
        if count > maximumCombinations {
            throw EventPatternError(
                reason: "The total number of combinations of the $or patterns exceeds \(maximumCombinations)")
        }
    }

    static func compileMatcher(_ json: EventPatternJSON) throws(EventPatternError) -> EventPatternMatcher {
        switch json {
        case .string(let value): return .exactString(value)
        case .number(_, let value): return .exactNumber(value)
        case .bool(let value): return .exactBool(value)
        case .null: return .exactNull
        case .array:
            throw EventPatternError(reason: "Match value must be String, number, true, false, or null")
        case .object(let members):
            guard members.count == 1, let (type, operand) = members.first else {
                throw EventPatternError(reason: "Match expression must have exactly one key")
            }
            return try compileOperator(type, operand)
        }
    }

    private static func compileOperator(_ type: String, _ operand: EventPatternJSON) throws(EventPatternError)
        -> EventPatternMatcher
    {
        switch type {
        case "prefix", "suffix":
            let ignoreCase: Bool
            let text: String
            switch operand {
            case .string(let value): (text, ignoreCase) = (value, false)
            case .object(let inner) where inner.count == 1 && inner[0].key == "equals-ignore-case":
                guard case .string(let value) = inner[0].value else {
                    throw EventPatternError(reason: "equals-ignore-case match pattern must be a string")
                }
                (text, ignoreCase) = (value.lowercased(), true)
            default: throw EventPatternError(reason: "\(type) match pattern must be a string")
            }
            return type == "prefix" ? .prefix(text, ignoreCase: ignoreCase) : .suffix(text, ignoreCase: ignoreCase)
        case "equals-ignore-case":
            guard case .string(let value) = operand else {
                throw EventPatternError(reason: "equals-ignore-case match pattern must be a string")
            }
            return .equalsIgnoreCase(value.lowercased())
        case "wildcard":
            guard case .string(let value) = operand else {
                throw EventPatternError(reason: "wildcard match pattern must be a string")
            }
            return .wildcard(try EventPatternWildcard(parsing: value))
        case "exists":
            guard case .bool(let value) = operand else {
                throw EventPatternError(reason: "exists match pattern must be either true or false.")
            }
            return .exists(value)
        case "cidr":
            // AWS reports a non-string cidr operand with the prefix message.
            guard case .string(let value) = operand else {
                throw EventPatternError(reason: "prefix match pattern must be a string")
            }
            return .cidr(try EventPatternCIDR(parsing: value))
        case "numeric": return .numeric(try compileNumeric(operand))
        case "anything-but": return .anythingBut(try compileAnythingBut(operand))
        default: throw EventPatternError(reason: "Unrecognized match type \(type)")
        }
    }

    private static func compileNumeric(_ operand: EventPatternJSON) throws(EventPatternError)
        -> EventPatternNumericRange
    {
        guard case .array(let items) = operand else {
            throw EventPatternError(reason: "Value of numeric must be an array.")
        }
        guard !items.isEmpty else { throw EventPatternError(reason: "Empty arrays are not allowed") }
        var range = EventPatternNumericRange()
        var index = 0
        var sawEquals = false
        while index < items.count {
            guard case .string(let op) = items[index] else {
                throw EventPatternError(reason: "Invalid member in numeric match: \(describe(items[index]))")
            }
            guard ["<", "<=", "=", ">", ">="].contains(op) else {
                throw EventPatternError(reason: "Unrecognized numeric range operator: \(op)")
            }
            guard index + 1 < items.count, case .number(_, let value) = items[index + 1] else {
                throw EventPatternError(reason: "Value of \(op) must be numeric")
            }
            if sawEquals || (op == "=" && index > 0) {
                throw EventPatternError(reason: "Bad numeric range operator: \(op)")
            }
            switch op {
            case "=":
                sawEquals = true
                range.lower = (value, true)
                range.upper = (value, true)
            case ">", ">=":
                guard range.lower == nil, range.upper == nil else {
                    throw EventPatternError(reason: "Bad numeric range operator: \(op)")
                }
                range.lower = (value, op == ">=")
            default:
                guard range.upper == nil else { throw EventPatternError(reason: "Bad numeric range operator: \(op)") }
                range.upper = (value, op == "<=")
            }
            index += 2
        }
        if let lower = range.lower, let upper = range.upper, !sawEquals, lower.value >= upper.value {
            throw EventPatternError(reason: "Bad numeric range: lower bound must be below upper bound")
        }
        return range
    }

    private static func compileAnythingBut(_ operand: EventPatternJSON) throws(EventPatternError)
        -> EventPatternAnythingBut
    {
        let scalarMessage = "Value of anything-but must be an array or single string/number value."
        switch operand {
        case .string(let value): return .strings([value])
        case .number(_, let value): return .numbers([value])
        case .array(let items):
            guard !items.isEmpty else { throw EventPatternError(reason: "Empty arrays are not allowed") }
            var strings: Set<String> = []
            var numbers: Set<Double> = []
            for item in items {
                switch item {
                case .string(let value): strings.insert(value)
                case .number(_, let value): numbers.insert(value)
                default:
                    throw EventPatternError(reason: "Inside anything but list, start|null|boolean is not supported.")
                }
            }
            if !strings.isEmpty && !numbers.isEmpty {
                throw EventPatternError(reason: "Inside anything but list, all values must be of the same type")
            }
            return strings.isEmpty ? .numbers(numbers) : .strings(strings)
        case .object(let members):
            guard members.count == 1, let (type, inner) = members.first else {
                throw EventPatternError(reason: scalarMessage)
            }
            switch type {
            case "prefix", "suffix":
                let values = try stringOperands(inner, message: "prefix/suffix match pattern must be a string")
                if values.contains("") { throw EventPatternError(reason: "Null prefix/suffix not allowed") }
                return type == "prefix" ? .prefixes(values) : .suffixes(values)
            case "equals-ignore-case":
                let values = try stringOperands(
                    inner,
                    message: "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
                return .equalsIgnoreCase(Set(values.map { $0.lowercased() }))
            case "wildcard":
                let values = try stringOperands(inner, message: "wildcard match pattern must be a string")
                var wildcards: [EventPatternWildcard] = []
                for value in values { wildcards.append(try EventPatternWildcard(parsing: value)) }
                return .wildcards(wildcards)
            default:
                throw EventPatternError(reason: "Unsupported anything-but pattern: \(type)")
            }
        default:
            throw EventPatternError(reason: scalarMessage)
        }
    }

    /// A string, or a non-empty array of strings (a nested operator object is rejected as AWS does).
    private static func stringOperands(_ json: EventPatternJSON, message: String) throws(EventPatternError) -> [String]
    {
        switch json {
        case .string(let value): return [value]
        case .object:
            throw EventPatternError(reason: "Value of anything-but must be an array or single string/number value.")
        case .array(let items):
            guard !items.isEmpty else { throw EventPatternError(reason: "Empty arrays are not allowed") }
            var values: [String] = []
            for item in items {
                guard case .string(let value) = item else { throw EventPatternError(reason: message) }
                values.append(value)
            }
            return values
        default: throw EventPatternError(reason: message)
        }
    }

    private static func describe(_ json: EventPatternJSON) -> String {
        switch json {
        case .null: "null"
        case .bool(let value): String(value)
        case .number(let text, _): text
        case .string(let value): value
        case .array: "array"
        case .object: "object"
        }
    }
}

/// Turns an event into leaf values by dotted path, remembering which element of which array each leaf came from.
enum EventPatternFlattener {
    struct Leaf: Sendable {
        var value: JSONValue
        /// Array identity → element index, for every array on the way to this leaf.
        var arrays: [Int: Int]
    }

    static func flatten(_ event: JSONValue) -> [String: [Leaf]] {
        var leaves: [String: [Leaf]] = [:]
        var nextArrayID = 0
        func walk(_ value: JSONValue, path: String, arrays: [Int: Int]) {
            switch value {
            case .object(let members):
                for (key, member) in members {
                    walk(member, path: path.isEmpty ? key : path + "." + key, arrays: arrays)
                }
            case .array(let elements):
                let id = nextArrayID
                nextArrayID += 1
                for (index, element) in elements.enumerated() {
                    var inner = arrays
                    inner[id] = index
                    walk(element, path: path, arrays: inner)
                }
            default:
                leaves[path, default: []].append(Leaf(value: value, arrays: arrays))
            }
        }
        walk(event, path: "", arrays: [:])
        return leaves
    }
}
