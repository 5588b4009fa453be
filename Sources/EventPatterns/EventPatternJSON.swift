import AWSShapes

/// A JSON value as written in an event pattern: object members keep their order (duplicates included) and numbers
/// keep their source text, so the pattern compiler can apply AWS's "last duplicate key wins" rule and exact numbers.
enum EventPatternJSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(text: String, value: Double)
    case string(String)
    case array([EventPatternJSON])
    case object([(key: String, value: EventPatternJSON)])

    static func == (lhs: EventPatternJSON, rhs: EventPatternJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a, _), .number(let b, _)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// Object members with duplicate keys collapsed (the last occurrence wins, at the first occurrence's position).
    var uniqueMembers: [(key: String, value: EventPatternJSON)]? {
        guard case .object(let members) = self else { return nil }
        var order: [String] = []
        var latest: [String: EventPatternJSON] = [:]
        for member in members {
            if latest.updateValue(member.value, forKey: member.key) == nil { order.append(member.key) }
        }
        return order.map { ($0, latest[$0]!) }
    }

    /// The same value as a `JSONValue` (duplicate keys: last wins).
    var jsonValue: JSONValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .number(_, let value): .number(value)
        case .string(let value): .string(value)
        case .array(let values): .array(values.map(\.jsonValue))
        case .object:
            .object(Dictionary((uniqueMembers ?? []).map { ($0.key, $0.value.jsonValue) }, uniquingKeysWith: { $1 }))
        }
    }
}

/// Builds `EventPatternJSON` trees (events, and patterns kept as written) from `EventPatternTokenizer`'s tokens;
/// strict RFC 8259 with nothing after the root value.
enum EventPatternJSONParser {
    static func parse(_ text: String) throws(EventPatternError) -> EventPatternJSON {
        var tokens = EventPatternTokenizer(text)
        guard let first = try tokens.next() else { throw tokens.fail("Unexpected end-of-input: expected a value") }
        let root = try value(starting: first, &tokens)
        guard tokens.isAtEndOfText else { throw tokens.fail("Unexpected characters after the root value") }
        return root
    }

    private static func value(starting token: EventPatternTokenizer.Token, _ tokens: inout EventPatternTokenizer)
        throws(EventPatternError) -> EventPatternJSON
    {
        switch token {
        case .startObject:
            var members: [(key: String, value: EventPatternJSON)] = []
            while let next = try tokens.next(), next != .endObject {
                guard case .fieldName(let key) = next, let first = try tokens.next() else {
                    throw tokens.fail("Field name expected")
                }
                members.append((key, try value(starting: first, &tokens)))
            }
            return .object(members)
        case .startArray:
            var values: [EventPatternJSON] = []
            while let next = try tokens.next(), next != .endArray { values.append(try value(starting: next, &tokens)) }
            return .array(values)
        case .string(let string): return .string(string)
        case .number(let text): return .number(text: text, value: Double(text) ?? .nan)
        case .bool(let bool): return .bool(bool)
        case .null: return .null
        case .endObject, .endArray, .fieldName: throw tokens.fail("Unexpected token")
        }
    }
}
