import AWSShapes
import CurlHTTP

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why a DynamoDB or DynamoDB Streams call failed.
public enum DynamoDBError: Error, Sendable, CustomStringConvertible {
    /// `ConditionalCheckFailedException`; `item` is the old item when the request asked for
    /// `ReturnValuesOnConditionCheckFailure = ALL_OLD` and the item exists.
    case conditionalCheckFailed(item: DynamoDBItem?)
    /// `TransactionCanceledException`: one reason per action of the transaction, in request order (`Code` "None"
    /// for the actions that did not fail).
    case transactionCanceled(reasons: [CancellationReason], message: String?)
    /// `ResourceNotFoundException`: no such table, index or stream.
    case resourceNotFound(message: String?)
    /// `ResourceInUseException`: e.g. the table already exists or is being created.
    case resourceInUse(message: String?)
    /// `ValidationException`: the request is not valid.
    case validation(message: String?)
    /// A throttling error (``RetryPolicy/throttlingErrorTypes``) that persisted through the retries.
    case throttled(type: String, message: String?)
    /// Any other error response (e.g. `TransactionConflictException`, `InternalServerError`, `ExpiredIteratorException`).
    case other(type: String, message: String?, status: Int)
    /// No answer: connection refused, timeout, … (after the retries).
    case transport(CurlError)
    /// The input could not be encoded.
    case encoding(String)
    /// A success response that is not the expected output.
    case invalidResponse(String)

    public var description: String {
        switch self {
        case .conditionalCheckFailed(let item):
            return "ConditionalCheckFailedException: The conditional request failed"
                + (item == nil ? "" : " (with item)")
        case .transactionCanceled(let reasons, let message):
            let codes = reasons.map { $0.code ?? "None" }.joined(separator: ", ")
            return "TransactionCanceledException: \(message ?? "Transaction cancelled") [\(codes)]"
        case .resourceNotFound(let message): return "ResourceNotFoundException: \(message ?? "")"
        case .resourceInUse(let message): return "ResourceInUseException: \(message ?? "")"
        case .validation(let message): return "ValidationException: \(message ?? "")"
        case .throttled(let type, let message): return "\(type): \(message ?? "")"
        case .other(let type, let message, let status): return "\(type) (HTTP \(status)): \(message ?? "")"
        case .transport(let error): return error.description
        case .encoding(let message): return "cannot encode the request: \(message)"
        case .invalidResponse(let message): return "unexpected response: \(message)"
        }
    }

    /// The AWS error type, for service errors.
    public var errorType: String? {
        switch self {
        case .conditionalCheckFailed: return "ConditionalCheckFailedException"
        case .transactionCanceled: return "TransactionCanceledException"
        case .resourceNotFound: return "ResourceNotFoundException"
        case .resourceInUse: return "ResourceInUseException"
        case .validation: return "ValidationException"
        case .throttled(let type, _), .other(let type, _, _): return type
        case .transport, .encoding, .invalidResponse: return nil
        }
    }

    /// The typed error for a service error response; reads `Item` and `CancellationReasons` from its body.
    public init(_ error: AWSServiceError) {
        struct Members: Decodable {
            var item: DynamoDBItem?
            var cancellationReasons: [CancellationReason]?

            enum CodingKeys: String, CodingKey {
                case item = "Item"
                case cancellationReasons = "CancellationReasons"
            }
        }
        func members() -> Members? { try? JSONDecoder().decode(Members.self, from: Data(error.body)) }
        switch error.type {
        case "ConditionalCheckFailedException":
            self = .conditionalCheckFailed(item: members()?.item)
        case "TransactionCanceledException":
            self = .transactionCanceled(reasons: members()?.cancellationReasons ?? [], message: error.message)
        case "ResourceNotFoundException":
            self = .resourceNotFound(message: error.message)
        case "ResourceInUseException":
            self = .resourceInUse(message: error.message)
        case "ValidationException":
            self = .validation(message: error.message)
        case let type where RetryPolicy.throttlingErrorTypes.contains(type):
            self = .throttled(type: type, message: error.message)
        default:
            self = .other(type: error.type, message: error.message, status: error.status)
        }
    }

    init(_ error: AWSClientError) {
        switch error {
        case .service(let error): self.init(error)
        case .transport(let error): self = .transport(error)
        case .encoding(let message): self = .encoding(message)
        case .invalidResponse(let status, let message): self = .invalidResponse("HTTP \(status): \(message)")
        }
    }
}
