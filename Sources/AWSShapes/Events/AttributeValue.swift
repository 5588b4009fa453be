#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A DynamoDB item: attribute names to values.
public typealias DynamoDBItem = [String: AttributeValue]

/// A DynamoDB attribute value in DynamoDB JSON: an object with exactly one type key, such as `{"S": "text"}`,
/// `{"N": "42"}` or `{"M": {...}}`.
public indirect enum AttributeValue: Codable, Sendable, Equatable, Hashable {
    /// String (`S`).
    case s(String)
    /// Number (`N`), kept as its exact decimal text (DynamoDB numbers have up to 38 significant digits).
    case n(String)
    /// Binary (`B`), base64 on the wire.
    case b(Data)
    /// String set (`SS`).
    case ss([String])
    /// Number set (`NS`), each number kept as its exact decimal text.
    case ns([String])
    /// Binary set (`BS`), each element base64 on the wire.
    case bs([Data])
    /// Map (`M`).
    case m([String: AttributeValue])
    /// List (`L`).
    case l([AttributeValue])
    /// Null (`{"NULL": true}`).
    case null
    /// Boolean (`BOOL`).
    case bool(Bool)

    /// The DynamoDB JSON type keys.
    enum TypeKey: String, CodingKey, CaseIterable {
        case S, N, B, SS, NS, BS, M, L, NULL, BOOL
    }

    /// Any key of the object, so that unknown keys can be reported rather than silently ignored.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).sorted()
        // DynamoDB's own texts: the host answers them as ValidationException.
        guard keys.count <= 1 else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
                        + "supported datatypes"))
        }
        guard let name = keys.first, let key = TypeKey(rawValue: name) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"))
        }
        let container = try decoder.container(keyedBy: TypeKey.self)
        switch key {
        case .S:
            self = .s(try container.decode(String.self, forKey: key))
        case .N:
            self = .n(try container.decode(String.self, forKey: key))
        case .B:
            self = .b(try Self.decodeBase64(container.decode(String.self, forKey: key), key: key, in: container))
        case .SS:
            self = .ss(try container.decode([String].self, forKey: key))
        case .NS:
            self = .ns(try container.decode([String].self, forKey: key))
        case .BS:
            self = .bs(
                try container.decode([String].self, forKey: key).map {
                    try Self.decodeBase64($0, key: key, in: container)
                }
            )
        case .M:
            self = .m(try container.decode([String: AttributeValue].self, forKey: key))
        case .L:
            self = .l(try container.decode([AttributeValue].self, forKey: key))
        case .NULL:
            guard try container.decode(Bool.self, forKey: key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key,
                    in: container,
                    debugDescription:
                        "One or more parameter values were invalid: Null attribute value types must have the value of true"
                )
            }
            self = .null
        case .BOOL:
            self = .bool(try container.decode(Bool.self, forKey: key))
        }
    }

    private static func decodeBase64(
        _ text: String,
        key: TypeKey,
        in container: KeyedDecodingContainer<TypeKey>
    ) throws -> Data {
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: container,
                debugDescription: "\(key.rawValue) holds invalid base64 text \"\(text)\""
            )
        }
        return data
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        switch self {
        case .s(let value):
            try container.encode(value, forKey: .S)
        case .n(let value):
            try container.encode(value, forKey: .N)
        case .b(let value):
            try container.encode(value.base64EncodedString(), forKey: .B)
        case .ss(let value):
            try container.encode(value, forKey: .SS)
        case .ns(let value):
            try container.encode(value, forKey: .NS)
        case .bs(let value):
            try container.encode(value.map { $0.base64EncodedString() }, forKey: .BS)
        case .m(let value):
            try container.encode(value, forKey: .M)
        case .l(let value):
            try container.encode(value, forKey: .L)
        case .null:
            try container.encode(true, forKey: .NULL)
        case .bool(let value):
            try container.encode(value, forKey: .BOOL)
        }
    }
}
