import Foundation

/// An SQS error as the AWS JSON protocol renders it: the body
/// `{"__type": "com.amazonaws.sqs#<type>", "message": …}` and the header
/// `x-amzn-query-error: <queryCode>;Sender` (the code the Query protocol used, which the SDKs report as the error
/// code, e.g. `AWS.SimpleQueueService.NonExistentQueue`).
struct SQSError: Error, Equatable {
    /// The JSON shape name, e.g. `QueueDoesNotExist`.
    var type: String
    /// The Query-protocol code for `x-amzn-query-error`, e.g. `AWS.SimpleQueueService.NonExistentQueue`.
    var queryCode: String
    var message: String
    var status = 400
    /// `Sender` or `Receiver`.
    var fault = "Sender"

    static let namespace = "com.amazonaws.sqs#"

    static let queueDoesNotExist = SQSError(
        type: "QueueDoesNotExist", queryCode: "AWS.SimpleQueueService.NonExistentQueue",
        message: "The specified queue does not exist.")

    static func invalidParameterValue(_ message: String) -> SQSError {
        SQSError(type: "InvalidParameterValueException", queryCode: "InvalidParameterValue", message: message)
    }

    static func invalidParameter(_ name: String, _ value: String, reason: String) -> SQSError {
        invalidParameterValue("Value \(value) for parameter \(name) is invalid. Reason: \(reason)")
    }

    static func missingParameter(_ name: String) -> SQSError {
        SQSError(
            type: "MissingRequiredParameterException", queryCode: "MissingParameter",
            message: "The request must contain the parameter \(name).")
    }

    static func invalidAttributeName(_ message: String) -> SQSError {
        SQSError(type: "InvalidAttributeName", queryCode: "InvalidAttributeName", message: message)
    }

    static func invalidAttributeValue(_ message: String) -> SQSError {
        SQSError(type: "InvalidAttributeValue", queryCode: "InvalidAttributeValue", message: message)
    }

    static func queueAlreadyExists(attribute: String) -> SQSError {
        SQSError(
            type: "QueueNameExists", queryCode: "QueueAlreadyExists",
            message: "A queue already exists with the same name and a different value for attribute \(attribute)")
    }

    static func receiptHandleIsInvalid(_ handle: String) -> SQSError {
        SQSError(
            type: "ReceiptHandleIsInvalid", queryCode: "ReceiptHandleIsInvalid",
            message: "The input receipt handle \"\(handle)\" is not a valid receipt handle.")
    }

    static func batchRequestTooLong(_ bytes: Int) -> SQSError {
        SQSError(
            type: "BatchRequestTooLong", queryCode: "AWS.SimpleQueueService.BatchRequestTooLong",
            message: "Batch requests cannot be longer than 1048576 bytes. You have sent \(bytes) bytes.")
    }

    /// A body with a character SQS does not take, named as AWS names it (`'#x7'`).
    static func invalidMessageContents(_ scalar: Unicode.Scalar) -> SQSError {
        SQSError(
            type: "InvalidMessageContents", queryCode: "InvalidMessageContents",
            message:
                "Invalid binary character '#x\(String(scalar.value, radix: 16, uppercase: true))' was found in the "
                + "message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | "
                + "[#x10000-#x10FFFF].")
    }

    static func messageNotInflight() -> SQSError {
        SQSError(
            type: "MessageNotInflight", queryCode: "AWS.SimpleQueueService.MessageNotInflight",
            message: "The message referred to isn't in flight.")
    }

    static func purgeQueueInProgress(_ queue: String) -> SQSError {
        SQSError(
            type: "PurgeQueueInProgress", queryCode: "AWS.SimpleQueueService.PurgeQueueInProgress",
            message: "Only one PurgeQueue operation on \(queue) is allowed every 60 seconds.", status: 403)
    }

    static func tooManyEntries(_ count: Int) -> SQSError {
        SQSError(
            type: "TooManyEntriesInBatchRequest", queryCode: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            message: "Maximum number of entries per request are 10. You have sent \(count).")
    }

    /// `entry` is the operation's entry shape, e.g. `SendMessageBatchRequestEntry`.
    static func emptyBatch(_ entry: String = "SendMessageBatchRequestEntry") -> SQSError {
        SQSError(
            type: "EmptyBatchRequest", queryCode: "AWS.SimpleQueueService.EmptyBatchRequest",
            message: "There should be at least one \(entry) in the request.")
    }

    static func invalidBatchEntryId() -> SQSError {
        SQSError(
            type: "InvalidBatchEntryId", queryCode: "AWS.SimpleQueueService.InvalidBatchEntryId",
            message:
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."
        )
    }

    static func batchEntryIdsNotDistinct(_ id: String) -> SQSError {
        SQSError(
            type: "BatchEntryIdsNotDistinct", queryCode: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
            message: "Id \(id) repeated.")
    }

    static func resourceNotFound(_ message: String) -> SQSError {
        SQSError(
            type: "ResourceNotFoundException", queryCode: "ResourceNotFoundException", message: message, status: 404)
    }

    static func unsupported(_ message: String) -> SQSError {
        SQSError(
            type: "UnsupportedOperation", queryCode: "AWS.SimpleQueueService.UnsupportedOperation", message: message)
    }

    static func serialization(_ message: String) -> SQSError {
        SQSError(type: "SerializationException", queryCode: "SerializationException", message: message)
    }

    /// The `x-amzn-query-error` header value.
    var queryErrorHeader: String { "\(queryCode);\(fault)" }
}

extension SQSError: AWSServiceError {
    var code: String { type }
    var httpStatus: Int { status }
    /// Coral's SerializationException keeps Coral's namespace.
    var qualifiedType: String {
        (type == "SerializationException" ? "com.amazon.coral.service#" : Self.namespace) + type
    }
    var extraHeaders: [(name: String, value: String)] { [("x-amzn-query-error", queryErrorHeader)] }

    /// The JSON body.
    func body() -> Data { jsonBody }
}
