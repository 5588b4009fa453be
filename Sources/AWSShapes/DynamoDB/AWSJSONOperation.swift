/// One operation of an AWS JSON protocol service (DynamoDB, DynamoDB Streams, SQS, EventBridge): a request is
/// `POST /` with the header `X-Amz-Target: <target>`, the content type `application/x-amz-json-<jsonVersion>` and
/// the JSON encoding of `Input` as the body; a success answers with the JSON encoding of `Output`.
///
/// The function-side client sends operations through one generic `send`, and the host dispatches on the same
/// ``target`` strings.
public protocol AWSJSONOperation: Sendable {
    associatedtype Input: Encodable & Sendable
    associatedtype Output: Decodable & Sendable
    /// The `X-Amz-Target` header value, e.g. `DynamoDB_20120810.PutItem`.
    static var target: String { get }
    /// The AWS JSON protocol version in the content type: "1.0" (DynamoDB, DynamoDB Streams, SQS) or "1.1"
    /// (EventBridge).
    static var jsonVersion: String { get }
}

extension AWSJSONOperation {
    /// The `Content-Type` of requests and responses, e.g. `application/x-amz-json-1.0`.
    public static var contentType: String { "application/x-amz-json-\(jsonVersion)" }

    /// The operation name: ``target`` after its service prefix (`PutItem` for `DynamoDB_20120810.PutItem`).
    public static var operationName: String {
        guard let dot = target.lastIndex(of: ".") else { return target }
        return String(target[target.index(after: dot)...])
    }
}

/// A string-valued AWS enumeration that keeps values it does not know (AWS adds values over time, and the host must
/// answer an unknown value with a `ValidationException` rather than fail to decode the request).
public protocol AWSStringEnumeration: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
}

extension AWSStringEnumeration {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
