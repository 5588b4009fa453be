import Foundation
import HTTPTypes
import Hummingbird

/// An error of an AWS API, with AWS's JSON body `{"__type": …, "message": …}` and `x-amzn-ErrorType` header,
/// which every SDK reads.
public struct AWSError: Error, Equatable {
    public var type: String
    public var message: String
    public var status: HTTPResponse.Status
    /// Headers a service adds to its errors (SQS: `x-amzn-query-error`).
    var headers: [(String, String)] = []

    public static func == (lhs: AWSError, rhs: AWSError) -> Bool {
        lhs.type == rhs.type && lhs.message == rhs.message && lhs.status == rhs.status
    }

    public init(_ type: String, _ message: String, status: HTTPResponse.Status = .badRequest) {
        self.type = type
        self.message = message
        self.status = status
    }

    var response: Response {
        let body = try? JSONSerialization.data(
            withJSONObject: ["__type": type, "message": message, "Type": status.code < 500 ? "User" : "Service"],
            options: [.sortedKeys])
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("x-amzn-ErrorType")!] = type
        headers[HTTPField.Name("x-amzn-RequestId")!] = Identifiers.uuid()
        for (name, value) in self.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body ?? Data())))
    }
}
