#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The error document a runtime posts to `/runtime/invocation/{id}/error` or `/runtime/init/error`, and that the
/// Invoke API returns to the caller with `X-Amz-Function-Error: Unhandled`.
public struct LambdaErrorBody: Codable, Sendable, Equatable {
    public var errorMessage: String
    public var errorType: String
    public var stackTrace: [String]?

    public init(errorMessage: String, errorType: String, stackTrace: [String]? = nil) {
        self.errorMessage = errorMessage
        self.errorType = errorType
        self.stackTrace = stackTrace
    }
}

/// The error body every AWS JSON protocol uses: `{"__type": "...", "message": "..."}`.
public struct AWSErrorBody: Codable, Sendable, Equatable {
    public var type: String
    public var message: String

    enum CodingKeys: String, CodingKey {
        case type = "__type"
        case message
    }

    public init(type: String, message: String) {
        self.type = type
        self.message = message
    }
}
