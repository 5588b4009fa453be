// SQS over the AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Operation>`): request and response shapes with
// AWS's PascalCase wire names, for standard and FIFO queues.

import Foundation

/// One SQS operation: JSON 1.0, target `AmazonSQS.<Operation>`.
public protocol SQSOperation: AWSJSONOperation {}

extension SQSOperation {
    public static var jsonVersion: String { "1.0" }
}

/// A user message attribute: `DataType` is `String`, `Number` or `Binary`, optionally with a `.custom` suffix.
/// `BinaryValue` is base64 on the wire (Foundation's `Data` coding).
public struct MessageAttributeValue: Codable, Sendable, Equatable {
    public var dataType: String
    public var stringValue: String?
    public var binaryValue: Data?

    public init(dataType: String, stringValue: String? = nil, binaryValue: Data? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }

    public static func string(_ value: String) -> MessageAttributeValue {
        MessageAttributeValue(dataType: "String", stringValue: value)
    }

    public static func number(_ value: String) -> MessageAttributeValue {
        MessageAttributeValue(dataType: "Number", stringValue: value)
    }

    public static func binary(_ value: Data) -> MessageAttributeValue {
        MessageAttributeValue(dataType: "Binary", binaryValue: value)
    }

    enum CodingKeys: String, CodingKey {
        case dataType = "DataType"
        case stringValue = "StringValue"
        case binaryValue = "BinaryValue"
    }
}

/// A received message.
public struct Message: Codable, Sendable, Equatable {
    public var messageId: String
    public var receiptHandle: String
    public var body: String
    public var md5OfBody: String
    /// System attributes (SentTimestamp, ApproximateReceiveCount, …), all string-valued.
    public var attributes: [String: String]?
    public var messageAttributes: [String: MessageAttributeValue]?
    public var md5OfMessageAttributes: String?

    public init(
        messageId: String, receiptHandle: String, body: String, md5OfBody: String,
        attributes: [String: String]? = nil, messageAttributes: [String: MessageAttributeValue]? = nil,
        md5OfMessageAttributes: String? = nil
    ) {
        self.messageId = messageId
        self.receiptHandle = receiptHandle
        self.body = body
        self.md5OfBody = md5OfBody
        self.attributes = attributes
        self.messageAttributes = messageAttributes
        self.md5OfMessageAttributes = md5OfMessageAttributes
    }

    enum CodingKeys: String, CodingKey {
        case messageId = "MessageId"
        case receiptHandle = "ReceiptHandle"
        case body = "Body"
        case md5OfBody = "MD5OfBody"
        case attributes = "Attributes"
        case messageAttributes = "MessageAttributes"
        case md5OfMessageAttributes = "MD5OfMessageAttributes"
    }
}

// MARK: queues

public struct CreateQueueInput: Codable, Sendable, Equatable {
    public var queueName: String
    public var attributes: [String: String]?
    public var tags: [String: String]?

    public init(queueName: String, attributes: [String: String]? = nil, tags: [String: String]? = nil) {
        self.queueName = queueName
        self.attributes = attributes
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey {
        case queueName = "QueueName"
        case attributes = "Attributes"
        case tags = "tags"
    }
}

public struct CreateQueueOutput: Codable, Sendable, Equatable {
    public var queueUrl: String

    public init(queueUrl: String) { self.queueUrl = queueUrl }

    enum CodingKeys: String, CodingKey { case queueUrl = "QueueUrl" }
}

public struct GetQueueUrlInput: Codable, Sendable, Equatable {
    public var queueName: String
    public var queueOwnerAWSAccountId: String?

    public init(queueName: String, queueOwnerAWSAccountId: String? = nil) {
        self.queueName = queueName
        self.queueOwnerAWSAccountId = queueOwnerAWSAccountId
    }

    enum CodingKeys: String, CodingKey {
        case queueName = "QueueName"
        case queueOwnerAWSAccountId = "QueueOwnerAWSAccountId"
    }
}

public struct GetQueueUrlOutput: Codable, Sendable, Equatable {
    public var queueUrl: String

    public init(queueUrl: String) { self.queueUrl = queueUrl }

    enum CodingKeys: String, CodingKey { case queueUrl = "QueueUrl" }
}

public struct ListQueuesInput: Codable, Sendable, Equatable {
    public var queueNamePrefix: String?
    public var maxResults: Int?
    public var nextToken: String?

    public init(queueNamePrefix: String? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
        self.queueNamePrefix = queueNamePrefix
        self.maxResults = maxResults
        self.nextToken = nextToken
    }

    enum CodingKeys: String, CodingKey {
        case queueNamePrefix = "QueueNamePrefix"
        case maxResults = "MaxResults"
        case nextToken = "NextToken"
    }
}

public struct ListQueuesOutput: Codable, Sendable, Equatable {
    public var queueUrls: [String]?
    public var nextToken: String?

    public init(queueUrls: [String]? = nil, nextToken: String? = nil) {
        self.queueUrls = queueUrls
        self.nextToken = nextToken
    }

    enum CodingKeys: String, CodingKey {
        case queueUrls = "QueueUrls"
        case nextToken = "NextToken"
    }
}

public struct GetQueueAttributesInput: Codable, Sendable, Equatable {
    public var queueUrl: String
    /// Attribute names, or `All`.
    public var attributeNames: [String]?

    public init(queueUrl: String, attributeNames: [String]? = nil) {
        self.queueUrl = queueUrl
        self.attributeNames = attributeNames
    }

    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case attributeNames = "AttributeNames"
    }
}

public struct GetQueueAttributesOutput: Codable, Sendable, Equatable {
    public var attributes: [String: String]?

    public init(attributes: [String: String]? = nil) { self.attributes = attributes }

    enum CodingKeys: String, CodingKey { case attributes = "Attributes" }
}

public struct SetQueueAttributesInput: Codable, Sendable, Equatable {
    public var queueUrl: String
    public var attributes: [String: String]

    public init(queueUrl: String, attributes: [String: String]) {
        self.queueUrl = queueUrl
        self.attributes = attributes
    }

    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case attributes = "Attributes"
    }
}

/// The empty answer of operations that return nothing (`{}`).
public struct SQSEmptyOutput: Codable, Sendable, Equatable {
    public init() {}
}

public struct DeleteQueueInput: Codable, Sendable, Equatable {
    public var queueUrl: String

    public init(queueUrl: String) { self.queueUrl = queueUrl }

    enum CodingKeys: String, CodingKey { case queueUrl = "QueueUrl" }
}

public struct PurgeQueueInput: Codable, Sendable, Equatable {
    public var queueUrl: String

    public init(queueUrl: String) { self.queueUrl = queueUrl }

    enum CodingKeys: String, CodingKey { case queueUrl = "QueueUrl" }
}

// MARK: messages

/// A system attribute sent with a message; only `AWSTraceHeader` (a `String`) exists.
public struct MessageSystemAttributeValue: Codable, Sendable, Equatable {
    public var dataType: String
    public var stringValue: String?
    public var binaryValue: Data?

    public init(dataType: String = "String", stringValue: String? = nil, binaryValue: Data? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }

    enum CodingKeys: String, CodingKey {
        case dataType = "DataType"
        case stringValue = "StringValue"
        case binaryValue = "BinaryValue"
    }
}

public struct SendMessageInput: Codable, Sendable, Equatable {
    public var queueUrl: String
    /// Optional in decoding so that a missing body is answered with AWS's `MissingParameter`.
    public var messageBody: String?
    public var delaySeconds: Int?
    public var messageAttributes: [String: MessageAttributeValue]?
    public var messageSystemAttributes: [String: MessageSystemAttributeValue]?
    public var messageDeduplicationId: String?
    public var messageGroupId: String?

    public init(
        queueUrl: String, messageBody: String, delaySeconds: Int? = nil,
        messageAttributes: [String: MessageAttributeValue]? = nil,
        messageSystemAttributes: [String: MessageSystemAttributeValue]? = nil,
        messageDeduplicationId: String? = nil, messageGroupId: String? = nil
    ) {
        self.queueUrl = queueUrl
        self.messageBody = messageBody
        self.delaySeconds = delaySeconds
        self.messageAttributes = messageAttributes
        self.messageSystemAttributes = messageSystemAttributes
        self.messageDeduplicationId = messageDeduplicationId
        self.messageGroupId = messageGroupId
    }

    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case messageBody = "MessageBody"
        case delaySeconds = "DelaySeconds"
        case messageAttributes = "MessageAttributes"
        case messageSystemAttributes = "MessageSystemAttributes"
        case messageDeduplicationId = "MessageDeduplicationId"
        case messageGroupId = "MessageGroupId"
    }
}

public struct SendMessageOutput: Codable, Sendable, Equatable {
    public var messageId: String
    public var md5OfMessageBody: String
    public var md5OfMessageAttributes: String?
    public var md5OfMessageSystemAttributes: String?
    public var sequenceNumber: String?

    public init(
        messageId: String, md5OfMessageBody: String, md5OfMessageAttributes: String? = nil,
        md5OfMessageSystemAttributes: String? = nil, sequenceNumber: String? = nil
    ) {
        self.messageId = messageId
        self.md5OfMessageBody = md5OfMessageBody
        self.md5OfMessageAttributes = md5OfMessageAttributes
        self.md5OfMessageSystemAttributes = md5OfMessageSystemAttributes
        self.sequenceNumber = sequenceNumber
    }

    enum CodingKeys: String, CodingKey {
        case messageId = "MessageId"
        case md5OfMessageBody = "MD5OfMessageBody"
        case md5OfMessageAttributes = "MD5OfMessageAttributes"
        case md5OfMessageSystemAttributes = "MD5OfMessageSystemAttributes"
        case sequenceNumber = "SequenceNumber"
    }
}

public struct SendMessageBatchRequestEntry: Codable, Sendable, Equatable {
    public var id: String
    public var messageBody: String?
    public var delaySeconds: Int?
    public var messageAttributes: [String: MessageAttributeValue]?
    public var messageSystemAttributes: [String: MessageSystemAttributeValue]?
    public var messageDeduplicationId: String?
    public var messageGroupId: String?

    public init(
        id: String, messageBody: String, delaySeconds: Int? = nil,
        messageAttributes: [String: MessageAttributeValue]? = nil,
        messageSystemAttributes: [String: MessageSystemAttributeValue]? = nil,
        messageDeduplicationId: String? = nil, messageGroupId: String? = nil
    ) {
        self.id = id
        self.messageBody = messageBody
        self.delaySeconds = delaySeconds
        self.messageAttributes = messageAttributes
        self.messageSystemAttributes = messageSystemAttributes
        self.messageDeduplicationId = messageDeduplicationId
        self.messageGroupId = messageGroupId
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case messageBody = "MessageBody"
        case delaySeconds = "DelaySeconds"
        case messageAttributes = "MessageAttributes"
        case messageSystemAttributes = "MessageSystemAttributes"
        case messageDeduplicationId = "MessageDeduplicationId"
        case messageGroupId = "MessageGroupId"
    }
}

public struct SendMessageBatchInput: Codable, Sendable, Equatable {
    public var queueUrl: String
    public var entries: [SendMessageBatchRequestEntry]

    public init(queueUrl: String, entries: [SendMessageBatchRequestEntry]) {
        self.queueUrl = queueUrl
        self.entries = entries
    }

    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case entries = "Entries"
    }
}

public struct SendMessageBatchResultEntry: Codable, Sendable, Equatable {
    public var id: String
    public var messageId: String
    public var md5OfMessageBody: String
    public var md5OfMessageAttributes: String?
    public var md5OfMessageSystemAttributes: String?
    public var sequenceNumber: String?

    public init(
        id: String, messageId: String, md5OfMessageBody: String, md5OfMessageAttributes: String? = nil,
        md5OfMessageSystemAttributes: String? = nil, sequenceNumber: String? = nil
    ) {
        self.id = id
        self.messageId = messageId
        self.md5OfMessageBody = md5OfMessageBody
        self.md5OfMessageAttributes = md5OfMessageAttributes
        self.md5OfMessageSystemAttributes = md5OfMessageSystemAttributes
        self.sequenceNumber = sequenceNumber
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case messageId = "MessageId"
        case md5OfMessageBody = "MD5OfMessageBody"
        case md5OfMessageAttributes = "MD5OfMessageAttributes"
        case md5OfMessageSystemAttributes = "MD5OfMessageSystemAttributes"
        case sequenceNumber = "SequenceNumber"
    }
}

/// A batch entry that failed: `SenderFault` is true when the request was at fault.
public struct BatchResultErrorEntry: Codable, Sendable, Equatable {
    public var id: String
    public var senderFault: Bool
    public var code: String
    public var message: String?

    public init(id: String, senderFault: Bool, code: String, message: String? = nil) {
        self.id = id
        self.senderFault = senderFault
        self.code = code
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case senderFault = "SenderFault"
        case code = "Code"
        case message = "Message"
    }
}

public struct SendMessageBatchOutput: Codable, Sendable, Equatable {
    public var successful: [SendMessageBatchResultEntry]
    public var failed: [BatchResultErrorEntry]

    public init(successful: [SendMessageBatchResultEntry] = [], failed: [BatchResultErrorEntry] = []) {
        self.successful = successful
        self.failed = failed
    }

    enum CodingKeys: String, CodingKey {
        case successful = "Successful"
        case failed = "Failed"
    }
}

public struct ReceiveMessageInput: Codable, Sendable, Equatable {
    public var queueUrl: String
    public var maxNumberOfMessages: Int?
    public var visibilityTimeout: Int?
    public var waitTimeSeconds: Int?
    /// Deprecated by AWS in favour of ``messageSystemAttributeNames``; both are honoured.
    public var attributeNames: [String]?
    public var messageSystemAttributeNames: [String]?
    public var messageAttributeNames: [String]?
    public var receiveRequestAttemptId: String?

    public init(
        queueUrl: String, maxNumberOfMessages: Int? = nil, visibilityTimeout: Int? = nil,
        waitTimeSeconds: Int? = nil, attributeNames: [String]? = nil, messageSystemAttributeNames: [String]? = nil,
        messageAttributeNames: [String]? = nil, receiveRequestAttemptId: String? = nil
    ) {
        self.queueUrl = queueUrl
        self.maxNumberOfMessages = maxNumberOfMessages
        self.visibilityTimeout = visibilityTimeout
        self.waitTimeSeconds = waitTimeSeconds
        self.attributeNames = attributeNames
        self.messageSystemAttributeNames = messageSystemAttributeNames
        self.messageAttributeNames = messageAttributeNames
        self.receiveRequestAttemptId = receiveRequestAttemptId
    }

    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case maxNumberOfMessages = "MaxNumberOfMessages"
        case visibilityTimeout = "VisibilityTimeout"
        case waitTimeSeconds = "WaitTimeSeconds"
        case attributeNames = "AttributeNames"
        case messageSystemAttributeNames = "MessageSystemAttributeNames"
        case messageAttributeNames = "MessageAttributeNames"
        case receiveRequestAttemptId = "ReceiveRequestAttemptId"
    }
}

public struct ReceiveMessageOutput: Codable, Sendable, Equatable {
    /// Absent (not empty) when no message was received, as AWS answers.
    public var messages: [Message]?

    public init(messages: [Message]? = nil) { self.messages = messages }

    enum CodingKeys: String, CodingKey { case messages = "Messages" }
}

public struct DeleteMessageInput: Codable, Sendable, Equatable {
    public var queueUrl: String
    public var receiptHandle: String

    public init(queueUrl: String, receiptHandle: String) {
        self.queueUrl = queueUrl
        self.receiptHandle = receiptHandle
    }

    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case receiptHandle = "ReceiptHandle"
    }
}

public struct DeleteMessageBatchRequestEntry: Codable, Sendable, Equatable {
    public var id: String
    public var receiptHandle: String

    public init(id: String, receiptHandle: String) {
        self.id = id
        self.receiptHandle = receiptHandle
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case receiptHandle = "ReceiptHandle"
    }
}

public struct DeleteMessageBatchInput: Codable, Sendable, Equatable {
    public var queueUrl: String
    public var entries: [DeleteMessageBatchRequestEntry]

    public init(queueUrl: String, entries: [DeleteMessageBatchRequestEntry]) {
        self.queueUrl = queueUrl
        self.entries = entries
    }

    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case entries = "Entries"
    }
}

public struct DeleteMessageBatchResultEntry: Codable, Sendable, Equatable {
    public var id: String

    public init(id: String) { self.id = id }

    enum CodingKeys: String, CodingKey { case id = "Id" }
}

public struct DeleteMessageBatchOutput: Codable, Sendable, Equatable {
    public var successful: [DeleteMessageBatchResultEntry]
    public var failed: [BatchResultErrorEntry]

    public init(successful: [DeleteMessageBatchResultEntry] = [], failed: [BatchResultErrorEntry] = []) {
        self.successful = successful
        self.failed = failed
    }

    enum CodingKeys: String, CodingKey {
        case successful = "Successful"
        case failed = "Failed"
    }
}

public struct ChangeMessageVisibilityInput: Codable, Sendable, Equatable {
    public var queueUrl: String
    public var receiptHandle: String
    public var visibilityTimeout: Int

    public init(queueUrl: String, receiptHandle: String, visibilityTimeout: Int) {
        self.queueUrl = queueUrl
        self.receiptHandle = receiptHandle
        self.visibilityTimeout = visibilityTimeout
    }

    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case receiptHandle = "ReceiptHandle"
        case visibilityTimeout = "VisibilityTimeout"
    }
}

public struct ChangeMessageVisibilityBatchRequestEntry: Codable, Sendable, Equatable {
    public var id: String
    public var receiptHandle: String
    /// Optional in AWS's model; the host treats a missing value as 0.
    public var visibilityTimeout: Int?

    public init(id: String, receiptHandle: String, visibilityTimeout: Int? = nil) {
        self.id = id
        self.receiptHandle = receiptHandle
        self.visibilityTimeout = visibilityTimeout
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case receiptHandle = "ReceiptHandle"
        case visibilityTimeout = "VisibilityTimeout"
    }
}

public struct ChangeMessageVisibilityBatchInput: Codable, Sendable, Equatable {
    public var queueUrl: String
    public var entries: [ChangeMessageVisibilityBatchRequestEntry]

    public init(queueUrl: String, entries: [ChangeMessageVisibilityBatchRequestEntry]) {
        self.queueUrl = queueUrl
        self.entries = entries
    }

    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case entries = "Entries"
    }
}

public struct ChangeMessageVisibilityBatchResultEntry: Codable, Sendable, Equatable {
    public var id: String

    public init(id: String) { self.id = id }

    enum CodingKeys: String, CodingKey { case id = "Id" }
}

public struct ChangeMessageVisibilityBatchOutput: Codable, Sendable, Equatable {
    public var successful: [ChangeMessageVisibilityBatchResultEntry]
    public var failed: [BatchResultErrorEntry]

    public init(successful: [ChangeMessageVisibilityBatchResultEntry] = [], failed: [BatchResultErrorEntry] = []) {
        self.successful = successful
        self.failed = failed
    }

    enum CodingKeys: String, CodingKey {
        case successful = "Successful"
        case failed = "Failed"
    }
}

// MARK: message move tasks

public struct StartMessageMoveTaskInput: Codable, Sendable, Equatable {
    /// The ARN of a queue that is some queue's dead-letter queue.
    public var sourceArn: String
    /// Absent: each message goes back to the queue it came from (its `DeadLetterQueueSourceArn`).
    public var destinationArn: String?
    public var maxNumberOfMessagesPerSecond: Int?

    public init(sourceArn: String, destinationArn: String? = nil, maxNumberOfMessagesPerSecond: Int? = nil) {
        self.sourceArn = sourceArn
        self.destinationArn = destinationArn
        self.maxNumberOfMessagesPerSecond = maxNumberOfMessagesPerSecond
    }

    enum CodingKeys: String, CodingKey {
        case sourceArn = "SourceArn"
        case destinationArn = "DestinationArn"
        case maxNumberOfMessagesPerSecond = "MaxNumberOfMessagesPerSecond"
    }
}

public struct StartMessageMoveTaskOutput: Codable, Sendable, Equatable {
    public var taskHandle: String?

    public init(taskHandle: String? = nil) { self.taskHandle = taskHandle }

    enum CodingKeys: String, CodingKey { case taskHandle = "TaskHandle" }
}

public struct ListMessageMoveTasksInput: Codable, Sendable, Equatable {
    public var sourceArn: String
    /// 1 to 10; 1 when absent.
    public var maxResults: Int?

    public init(sourceArn: String, maxResults: Int? = nil) {
        self.sourceArn = sourceArn
        self.maxResults = maxResults
    }

    enum CodingKeys: String, CodingKey {
        case sourceArn = "SourceArn"
        case maxResults = "MaxResults"
    }
}

/// One move task, most recent first in ``ListMessageMoveTasksOutput``. `TaskHandle` is only present while the task
/// is `RUNNING`; `Status` is `RUNNING`, `COMPLETED`, `CANCELLING`, `CANCELLED` or `FAILED`.
public struct ListMessageMoveTasksResultEntry: Codable, Sendable, Equatable {
    public var taskHandle: String?
    public var status: String?
    public var sourceArn: String?
    public var destinationArn: String?
    public var maxNumberOfMessagesPerSecond: Int?
    public var approximateNumberOfMessagesMoved: Int64?
    public var approximateNumberOfMessagesToMove: Int64?
    public var failureReason: String?
    /// Epoch milliseconds.
    public var startedTimestamp: Int64?

    public init(
        taskHandle: String? = nil, status: String? = nil, sourceArn: String? = nil, destinationArn: String? = nil,
        maxNumberOfMessagesPerSecond: Int? = nil, approximateNumberOfMessagesMoved: Int64? = nil,
        approximateNumberOfMessagesToMove: Int64? = nil, failureReason: String? = nil, startedTimestamp: Int64? = nil
    ) {
        self.taskHandle = taskHandle
        self.status = status
        self.sourceArn = sourceArn
        self.destinationArn = destinationArn
        self.maxNumberOfMessagesPerSecond = maxNumberOfMessagesPerSecond
        self.approximateNumberOfMessagesMoved = approximateNumberOfMessagesMoved
        self.approximateNumberOfMessagesToMove = approximateNumberOfMessagesToMove
        self.failureReason = failureReason
        self.startedTimestamp = startedTimestamp
    }

    enum CodingKeys: String, CodingKey {
        case taskHandle = "TaskHandle"
        case status = "Status"
        case sourceArn = "SourceArn"
        case destinationArn = "DestinationArn"
        case maxNumberOfMessagesPerSecond = "MaxNumberOfMessagesPerSecond"
        case approximateNumberOfMessagesMoved = "ApproximateNumberOfMessagesMoved"
        case approximateNumberOfMessagesToMove = "ApproximateNumberOfMessagesToMove"
        case failureReason = "FailureReason"
        case startedTimestamp = "StartedTimestamp"
    }
}

public struct ListMessageMoveTasksOutput: Codable, Sendable, Equatable {
    public var results: [ListMessageMoveTasksResultEntry]?

    public init(results: [ListMessageMoveTasksResultEntry]? = nil) { self.results = results }

    enum CodingKeys: String, CodingKey { case results = "Results" }
}

public struct CancelMessageMoveTaskInput: Codable, Sendable, Equatable {
    public var taskHandle: String

    public init(taskHandle: String) { self.taskHandle = taskHandle }

    enum CodingKeys: String, CodingKey { case taskHandle = "TaskHandle" }
}

public struct CancelMessageMoveTaskOutput: Codable, Sendable, Equatable {
    public var approximateNumberOfMessagesMoved: Int64?

    public init(approximateNumberOfMessagesMoved: Int64? = nil) {
        self.approximateNumberOfMessagesMoved = approximateNumberOfMessagesMoved
    }

    enum CodingKeys: String, CodingKey { case approximateNumberOfMessagesMoved = "ApproximateNumberOfMessagesMoved" }
}

// MARK: operations

public enum CreateQueue: SQSOperation {
    public typealias Input = CreateQueueInput
    public typealias Output = CreateQueueOutput
    public static var target: String { "AmazonSQS.CreateQueue" }
}

public enum GetQueueUrl: SQSOperation {
    public typealias Input = GetQueueUrlInput
    public typealias Output = GetQueueUrlOutput
    public static var target: String { "AmazonSQS.GetQueueUrl" }
}

public enum ListQueues: SQSOperation {
    public typealias Input = ListQueuesInput
    public typealias Output = ListQueuesOutput
    public static var target: String { "AmazonSQS.ListQueues" }
}

public enum GetQueueAttributes: SQSOperation {
    public typealias Input = GetQueueAttributesInput
    public typealias Output = GetQueueAttributesOutput
    public static var target: String { "AmazonSQS.GetQueueAttributes" }
}

public enum SetQueueAttributes: SQSOperation {
    public typealias Input = SetQueueAttributesInput
    public typealias Output = SQSEmptyOutput
    public static var target: String { "AmazonSQS.SetQueueAttributes" }
}

public enum DeleteQueue: SQSOperation {
    public typealias Input = DeleteQueueInput
    public typealias Output = SQSEmptyOutput
    public static var target: String { "AmazonSQS.DeleteQueue" }
}

public enum PurgeQueue: SQSOperation {
    public typealias Input = PurgeQueueInput
    public typealias Output = SQSEmptyOutput
    public static var target: String { "AmazonSQS.PurgeQueue" }
}

public enum SendMessage: SQSOperation {
    public typealias Input = SendMessageInput
    public typealias Output = SendMessageOutput
    public static var target: String { "AmazonSQS.SendMessage" }
}

public enum SendMessageBatch: SQSOperation {
    public typealias Input = SendMessageBatchInput
    public typealias Output = SendMessageBatchOutput
    public static var target: String { "AmazonSQS.SendMessageBatch" }
}

public enum ReceiveMessage: SQSOperation {
    public typealias Input = ReceiveMessageInput
    public typealias Output = ReceiveMessageOutput
    public static var target: String { "AmazonSQS.ReceiveMessage" }
}

public enum DeleteMessage: SQSOperation {
    public typealias Input = DeleteMessageInput
    public typealias Output = SQSEmptyOutput
    public static var target: String { "AmazonSQS.DeleteMessage" }
}

public enum DeleteMessageBatch: SQSOperation {
    public typealias Input = DeleteMessageBatchInput
    public typealias Output = DeleteMessageBatchOutput
    public static var target: String { "AmazonSQS.DeleteMessageBatch" }
}

public enum ChangeMessageVisibility: SQSOperation {
    public typealias Input = ChangeMessageVisibilityInput
    public typealias Output = SQSEmptyOutput
    public static var target: String { "AmazonSQS.ChangeMessageVisibility" }
}

public enum ChangeMessageVisibilityBatch: SQSOperation {
    public typealias Input = ChangeMessageVisibilityBatchInput
    public typealias Output = ChangeMessageVisibilityBatchOutput
    public static var target: String { "AmazonSQS.ChangeMessageVisibilityBatch" }
}

public enum StartMessageMoveTask: SQSOperation {
    public typealias Input = StartMessageMoveTaskInput
    public typealias Output = StartMessageMoveTaskOutput
    public static var target: String { "AmazonSQS.StartMessageMoveTask" }
}

public enum ListMessageMoveTasks: SQSOperation {
    public typealias Input = ListMessageMoveTasksInput
    public typealias Output = ListMessageMoveTasksOutput
    public static var target: String { "AmazonSQS.ListMessageMoveTasks" }
}

public enum CancelMessageMoveTask: SQSOperation {
    public typealias Input = CancelMessageMoveTaskInput
    public typealias Output = CancelMessageMoveTaskOutput
    public static var target: String { "AmazonSQS.CancelMessageMoveTask" }
}
