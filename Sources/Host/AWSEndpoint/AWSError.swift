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

    var response: Response { response() }

    public var description: String { "\(type): \(message)" }
}

extension AWSError: AWSServiceError {
    var code: String { type }
    var httpStatus: Int { Int(status.code) }
    var extraHeaders: [(name: String, value: String)] { [("x-amzn-ErrorType", type)] + headers.map { ($0.0, $0.1) } }
    /// REST JSON services (Lambda) say whose fault it is.
    var extraMembers: [(name: String, value: any Encodable & Sendable)] {
        [("Type", status.code < 500 ? "User" : "Service")]
    }
}
