import AWSShapes
import Foundation

/// A FilterLogEvents `filterPattern` (the subset in LogsStore.swift's LIMITATIONS):
/// - terms: `ERROR Exception` (every term), `"exact phrase"`, `?ERROR ?WARN` (any of them), `-DEBUG` (none of
///   them); case-sensitive, as AWS.
/// - JSON: `{ $.level = "error" }`, `{ $.latency > 100 && $.user.id != "x*" }`, `{ $.flag IS TRUE }`,
///   `{ $.a NOT EXISTS }`, with `||` and parentheses; a message that is not JSON never matches.
enum LogsFilterPattern: Sendable, Equatable {
    case all
    case terms(required: [String], optional: [String], excluded: [String])
    case json(LogsJSONCondition)

    init(parsing text: String) throws(LogsError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty {
            self = .all
        } else if trimmed.hasPrefix("{") {
            guard trimmed.hasSuffix("}") else { throw Self.invalid(text) }
            var parser = LogsJSONPatternParser(String(trimmed.dropFirst().dropLast()), pattern: text)
            self = .json(try parser.parse())
        } else if trimmed.hasPrefix("[") || trimmed.hasPrefix("%") {
            throw LogsError(
                "InvalidParameterException",
                "The host supports term and JSON filter patterns only (not space-delimited or regular expressions): \(text)"
            )
        } else {
            var required: [String] = []
            var optional: [String] = []
            var excluded: [String] = []
            for term in try Self.terms(trimmed, pattern: text) {
                if term.hasPrefix("?"), term.count > 1 {
                    optional.append(Self.unquoted(term.dropFirst()))
                } else if term.hasPrefix("-"), term.count > 1 {
                    excluded.append(Self.unquoted(term.dropFirst()))
                } else {
                    required.append(Self.unquoted(Substring(term)))
                }
            }
            self = .terms(required: required, optional: optional, excluded: excluded)
        }
    }

    static func invalid(_ pattern: String) -> LogsError {
        LogsError("InvalidParameterException", "Invalid filter pattern: \(pattern)")
    }

    /// Splits on spaces outside double quotes.
    private static func terms(_ text: String, pattern: String) throws(LogsError) -> [String] {
        var terms: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" {
                quoted.toggle()
                current.append(character)
            } else if character == " " && !quoted {
                if !current.isEmpty { terms.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        guard !quoted else { throw invalid(pattern) }
        if !current.isEmpty { terms.append(current) }
        return terms
    }

    private static func unquoted(_ term: Substring) -> String {
        term.count >= 2 && term.hasPrefix("\"") && term.hasSuffix("\"")
            ? String(term.dropFirst().dropLast()) : String(term)
    }

    func matches(_ message: String) -> Bool {
        switch self {
        case .all:
            return true
        case .terms(let required, let optional, let excluded):
            return required.allSatisfy { message.contains($0) } && !excluded.contains { message.contains($0) }
                && (optional.isEmpty || optional.contains { message.contains($0) })
        case .json(let condition):
            guard let value = try? JSONValue(parsing: Data(message.utf8)) else { return false }
            return condition.matches(value)
        }
    }
}

/// A JSON filter pattern's condition.
indirect enum LogsJSONCondition: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    enum Operator: String, Sendable, Equatable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
    }

    enum Operand: Sendable, Equatable {
        case string(String)
        case number(Double)
    }

    case and(LogsJSONCondition, LogsJSONCondition)
    case or(LogsJSONCondition, LogsJSONCondition)
    case compare([Step], Operator, Operand)
    /// `IS TRUE`, `IS FALSE`, `IS NULL`.
    case isValue([Step], JSONValue)
    /// `NOT EXISTS`.
    case notExists([Step])

    func matches(_ event: JSONValue) -> Bool {
        switch self {
        case .and(let left, let right): return left.matches(event) && right.matches(event)
        case .or(let left, let right): return left.matches(event) || right.matches(event)
        case .notExists(let path): return Self.value(at: path, in: event) == nil
        case .isValue(let path, let expected): return Self.value(at: path, in: event) == expected
        case .compare(let path, let op, let operand):
            guard let value = Self.value(at: path, in: event) else { return false }
            switch operand {
            case .number(let number):
                guard case .number(let actual) = value else { return false }
                switch op {
                case .equal: return actual == number
                case .notEqual: return actual != number
                case .less: return actual < number
                case .lessOrEqual: return actual <= number
                case .greater: return actual > number
                case .greaterOrEqual: return actual >= number
                }
            case .string(let expected):
                let text: String
                switch value {
                case .string(let string): text = string
                case .bool(let flag): text = flag ? "true" : "false"
                case .number(let number):
                    text = number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
                default: return false
                }
                let equal = Self.wildcardMatch(text, expected)
                switch op {
                case .equal: return equal
                case .notEqual: return !equal
                default: return false
                }
            }
        }
    }

    static func value(at path: [Step], in event: JSONValue) -> JSONValue? {
        var current = event
        for step in path {
            switch (step, current) {
            case (.key(let key), .object(let object)):
                guard let next = object[key] else { return nil }
                current = next
            case (.index(let index), .array(let array)):
                guard array.indices.contains(index) else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }

    /// `*` matches any run of characters.
    static func wildcardMatch(_ text: String, _ pattern: String) -> Bool {
        guard pattern.contains("*") else { return text == pattern }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        var rest = Substring(text)
        for (index, part) in parts.enumerated() {
            if index == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if index == parts.count - 1 {
                return part.isEmpty || rest.hasSuffix(part)
            } else if !part.isEmpty {
                guard let range = rest.range(of: part) else { return false }
                rest = rest[range.upperBound...]
            }
        }
        return true
    }
}

/// Recursive descent over a JSON filter pattern's body: or := and ('||' and)*; and := primary ('&&' primary)*;
/// primary := '(' or ')' | selector comparison.
struct LogsJSONPatternParser {
    private var tokens: [String] = []
    private var position = 0
    private let pattern: String
    private var tokenError = false
    private var depth = 0

    init(_ body: String, pattern: String) {
        self.pattern = pattern
        var index = body.startIndex
        func peek(_ offset: Int) -> Character? {
            body.index(index, offsetBy: offset, limitedBy: body.endIndex).flatMap {
                $0 < body.endIndex ? body[$0] : nil
            }
        }
        while index < body.endIndex {
            let character = body[index]
            if character.isWhitespace {
                index = body.index(after: index)
            } else if character == "\"" {
                var end = body.index(after: index)
                var text = "\""
                var closed = false
                while end < body.endIndex {
                    let next = body[end]
                    if next == "\\", body.index(after: end) < body.endIndex {
                        text.append(body[body.index(after: end)])
                        end = body.index(end, offsetBy: 2)
                        continue
                    }
                    end = body.index(after: end)
                    if next == "\"" {
                        closed = true
                        break
                    }
                    text.append(next)
                }
                if !closed { tokenError = true }
                tokens.append(text + "\"")
                index = end
            } else if ["&&", "||", "!=", "<=", ">="].contains(String([character, peek(1) ?? " "])) {
                tokens.append(String([character, peek(1)!]))
                index = body.index(index, offsetBy: 2)
            } else if "()=<>".contains(character) {
                tokens.append(String(character))
                index = body.index(after: index)
            } else {
                var end = index
                while end < body.endIndex, !body[end].isWhitespace, !"()=<>!&|\"".contains(body[end]) {
                    end = body.index(after: end)
                }
                if end == index {
                    tokenError = true
                    end = body.index(after: index)
                }
                tokens.append(String(body[index..<end]))
                index = end
            }
        }
    }

    private var invalid: LogsError { LogsFilterPattern.invalid(pattern) }

    mutating func parse() throws(LogsError) -> LogsJSONCondition {
        guard !tokenError else { throw invalid }
        let condition = try parseOr()
        guard position == tokens.count else { throw invalid }
        return condition
    }

    private mutating func next() -> String? {
        guard position < tokens.count else { return nil }
        defer { position += 1 }
        return tokens[position]
    }

    private func peek() -> String? { position < tokens.count ? tokens[position] : nil }

    private mutating func parseOr() throws(LogsError) -> LogsJSONCondition {
        var condition = try parseAnd()
        while peek() == "||" {
            position += 1
            condition = .or(condition, try parseAnd())
        }
        return condition
    }

    private mutating func parseAnd() throws(LogsError) -> LogsJSONCondition {
        var condition = try parsePrimary()
        while peek() == "&&" {
            position += 1
            condition = .and(condition, try parsePrimary())
        }
        return condition
    }

    private mutating func parsePrimary() throws(LogsError) -> LogsJSONCondition {
        guard let token = next() else { throw invalid }
        if token == "(" {
            // Bounded: parsing and matching recurse as deep as the parentheses go.
            depth += 1
            defer { depth -= 1 }
            guard depth <= 100 else { throw invalid }
            let condition = try parseOr()
            guard next() == ")" else { throw invalid }
            return condition
        }
        let path = try selector(token)
        guard let op = next() else { throw invalid }
        if op.uppercased() == "IS" {
            switch next()?.uppercased() {
            case "TRUE": return .isValue(path, .bool(true))
            case "FALSE": return .isValue(path, .bool(false))
            case "NULL": return .isValue(path, .null)
            default: throw invalid
            }
        }
        if op.uppercased() == "NOT" {
            guard next()?.uppercased() == "EXISTS" else { throw invalid }
            return .notExists(path)
        }
        guard let comparison = LogsJSONCondition.Operator(rawValue: op), let operandToken = next() else {
            throw invalid
        }
        let operand: LogsJSONCondition.Operand
        if operandToken.hasPrefix("\"") {
            operand = .string(String(operandToken.dropFirst().dropLast()))
        } else if let number = Double(operandToken) {
            operand = .number(number)
        } else {
            operand = .string(operandToken)
        }
        if case .string = operand, ![.equal, .notEqual].contains(comparison) { throw invalid }
        return .compare(path, comparison, operand)
    }

    /// `$.a.b[0].c`
    private func selector(_ token: String) throws(LogsError) -> [LogsJSONCondition.Step] {
        guard token.hasPrefix("$") else { throw invalid }
        var steps: [LogsJSONCondition.Step] = []
        for part in token.dropFirst().split(separator: ".", omittingEmptySubsequences: false).dropFirst() {
            var key = Substring(part)
            var indexes: [Int] = []
            while key.hasSuffix("]"), let open = key.lastIndex(of: "[") {
                guard let index = Int(key[key.index(after: open)..<key.index(before: key.endIndex)]) else {
                    throw invalid
                }
                indexes.insert(index, at: 0)
                key = key[..<open]
            }
            guard !key.isEmpty else { throw invalid }
            steps.append(.key(String(key)))
            steps += indexes.map { .index($0) }
        }
        guard !steps.isEmpty || token == "$" else { throw invalid }
        return steps
    }
}
