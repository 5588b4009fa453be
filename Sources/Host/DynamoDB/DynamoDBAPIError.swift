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

    /// The JSON body.
    func body() -> Data {
        struct Body: Encodable {
            var type: String
            var message: String
            var item: DynamoDBItem?
            var cancellationReasons: [CancellationReason]?

            enum CodingKeys: String, CodingKey {
                case type = "__type"
                case message
                case item = "Item"
                case cancellationReasons = "CancellationReasons"
            }
        }
        // SerializationException is Coral's, not DynamoDB's.
        let prefix = code == "SerializationException" ? "com.amazon.coral.service#" : Self.namespace
        let body = Body(type: prefix + code, message: message, item: item, cancellationReasons: cancellationReasons)
        return (try? JSONEncoder().encode(body)) ?? Data()
    }
}
