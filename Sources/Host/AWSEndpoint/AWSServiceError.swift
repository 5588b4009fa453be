import Foundation
import HTTPTypes
import Hummingbird

/// Every error an AWS service of the host answers with. One renderer (`AWSErrorRendering`) writes them all:
/// `{"__type": …, "message": …}` plus a service's extra members, with its extra headers.
protocol AWSServiceError: Error, Sendable, CustomStringConvertible {
    /// The error code, e.g. `QueueDoesNotExist`.
    var code: String { get }
    var message: String { get }
    /// The HTTP status (400 for most client errors).
    var httpStatus: Int { get }
    /// The `__type` member: the code as the service's protocol qualifies it (DynamoDB and SQS with a namespace,
    /// EventBridge and Logs bare).
    var qualifiedType: String { get }
    /// Headers the service adds to its errors (SQS: `x-amzn-query-error`).
    var extraHeaders: [(name: String, value: String)] { get }
    /// Members besides `__type` and `message` (DynamoDB: `Item`, `CancellationReasons`).
    var extraMembers: [(name: String, value: any Encodable & Sendable)] { get }
}

extension AWSServiceError {
    var httpStatus: Int { 400 }
    var qualifiedType: String { code }
    var extraHeaders: [(name: String, value: String)] { [] }
    var extraMembers: [(name: String, value: any Encodable & Sendable)] { [] }
    /// How logs show the error: `QueueDoesNotExist: The specified queue does not exist.`, never a Swift dump.
    var description: String { "\(code): \(message)" }

    /// The JSON body: `__type`, `message` and the extra members, keys sorted, slashes unescaped.
    var jsonBody: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(AWSErrorBody(error: self))) ?? Data()
    }
}

extension AWSServiceError {
    /// The HTTP answer: the JSON body, the service's headers and a request id.
    func response(contentType: String = "application/json") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[HTTPField.Name("x-amzn-RequestId")!] = Identifiers.uuid()
        for (name, value) in extraHeaders {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(
            status: .init(code: httpStatus), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jsonBody)))
    }
}

/// The body of an AWS error, with the service's extra members.
private struct AWSErrorBody: Encodable {
    let error: any AWSServiceError

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(error.qualifiedType, forKey: Key(stringValue: "__type"))
        try container.encode(error.message, forKey: Key(stringValue: "message"))
        for (name, value) in error.extraMembers {
            try container.encode(value, forKey: Key(stringValue: name))
        }
    }
}
