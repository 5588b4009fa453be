import AWSShapes
import Foundation

/// A DynamoDB API error as AWS renders it: `{"__type": "com.amazonaws.dynamodb.v20120810#<Code>", "message": …}`,
/// with `Item` for a ConditionalCheckFailed that asked for it and `CancellationReasons` for a canceled transaction.
struct DynamoDBAPIError: Error {
    var code: String
    var message: String
    var status = 400
    var item: DynamoDBItem?
    var cancellationReasons: [CancellationReason]?

    static let namespace = "com.amazonaws.dynamodb.v20120810#"

    static func validation(_ message: String) -> DynamoDBAPIError {
        DynamoDBAPIError(code: "ValidationException", message: message)
    }

    static func resourceNotFound(_ message: String = "Requested resource not found") -> DynamoDBAPIError {
        DynamoDBAPIError(code: "ResourceNotFoundException", message: message)
    }

    static func resourceInUse(_ message: String) -> DynamoDBAPIError {
        DynamoDBAPIError(code: "ResourceInUseException", message: message)
    }

    static func conditionalCheckFailed(item: DynamoDBItem?) -> DynamoDBAPIError {
        DynamoDBAPIError(code: "ConditionalCheckFailedException", message: "The conditional request failed", item: item)
    }

    static func serialization(_ message: String) -> DynamoDBAPIError {
        DynamoDBAPIError(code: "SerializationException", message: message)
    }
}

extension DynamoDBAPIError: AWSServiceError {
    var httpStatus: Int { status }
    /// SerializationException is Coral's, not DynamoDB's.
    var qualifiedType: String {
        (code == "SerializationException" ? "com.amazon.coral.service#" : Self.namespace) + code
    }
    var extraMembers: [(name: String, value: any Encodable & Sendable)] {
        var members: [(name: String, value: any Encodable & Sendable)] = []
        if let item { members.append(("Item", item)) }
        if let cancellationReasons { members.append(("CancellationReasons", cancellationReasons)) }
        return members
    }
}
