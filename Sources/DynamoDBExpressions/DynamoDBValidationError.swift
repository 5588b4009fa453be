/// A DynamoDB `ValidationException`. The service renders it as
/// `{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":…}` with status 400.
package struct DynamoDBValidationError: Error, Equatable, CustomStringConvertible {
    /// The message, worded as DynamoDB words it.
    package var message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { "ValidationException: \(message)" }
}

/// The kinds of expression a request can carry; the kind names the expression in error messages
/// (`Invalid ConditionExpression: …`).
package enum ExpressionKind: String, Sendable, CaseIterable {
    case condition = "ConditionExpression"
    case filter = "FilterExpression"
    case keyCondition = "KeyConditionExpression"
    case projection = "ProjectionExpression"
    case update = "UpdateExpression"
}

extension DynamoDBValidationError {
    /// `Invalid <Kind>: <detail>`.
    package static func invalid(_ kind: ExpressionKind, _ detail: String) -> Self {
        Self("Invalid \(kind.rawValue): \(detail)")
    }

    /// `Invalid <Kind>: Syntax error; token: "<token>", near: "<near>"`.
    package static func syntax(_ kind: ExpressionKind, token: String, near: String) -> Self {
        invalid(kind, "Syntax error; token: \"\(token)\", near: \"\(near)\"")
    }

    /// Arithmetic or a function in an update refers to a missing attribute.
    package static let attributeDoesNotExist = Self(
        "The provided expression refers to an attribute that does not exist in the item")

    /// An update operand has the wrong type at run time (for example `SET a = b + :n` where `b` is a string).
    package static let incorrectOperandDataType = Self("An operand in the update expression has an incorrect data type")

    /// An update writes below an attribute that is missing or of the wrong kind.
    package static let invalidDocumentPathForUpdate = Self(
        "The document path provided in the update expression is invalid for update")

    /// A condition failed (the caller raises `ConditionalCheckFailedException` with this message).
    package static let conditionalCheckFailedMessage = "The conditional request failed"
}
