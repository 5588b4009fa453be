#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A batch of SQS messages delivered to a Lambda function by an event source mapping.
public struct SQSEvent: Codable, Sendable, Equatable {
    public var records: [Message]

    public init(records: [Message]) {
        self.records = records
    }

    enum CodingKeys: String, CodingKey {
        case records = "Records"
    }

    /// One SQS message of the batch.
    public struct Message: Codable, Sendable, Equatable {
        public var messageId: String
        public var receiptHandle: String
        /// The message body as sent (not parsed, even when it is JSON).
        public var body: String
        /// System attributes such as `ApproximateReceiveCount`, `SentTimestamp`, `SenderId`, `MessageGroupId`.
        public var attributes: [String: String]
        public var messageAttributes: [String: MessageAttribute]
        /// AWS sends `null` when the message has no message attributes; encoding `nil` writes `null` too.
        public var md5OfMessageAttributes: String?
        public var md5OfBody: String
        /// Always "aws:sqs".
        public var eventSource: String
        /// The queue's ARN.
        public var eventSourceARN: String
        public var awsRegion: String

        /// Set when `md5OfMessageAttributes` was missing (not `null`) in the decoded JSON, so that encoding leaves it
        /// out again. A wire-format detail: it takes no part in equality.
        var md5OfMessageAttributesKeyIsAbsent = false

        public init(
            messageId: String,
            receiptHandle: String,
            body: String,
            attributes: [String: String],
            messageAttributes: [String: MessageAttribute],
            md5OfMessageAttributes: String?,
            md5OfBody: String,
            eventSource: String = "aws:sqs",
            eventSourceARN: String,
            awsRegion: String
        ) {
            self.messageId = messageId
            self.receiptHandle = receiptHandle
            self.body = body
            self.attributes = attributes
            self.messageAttributes = messageAttributes
            self.md5OfMessageAttributes = md5OfMessageAttributes
            self.md5OfBody = md5OfBody
            self.eventSource = eventSource
            self.eventSourceARN = eventSourceARN
            self.awsRegion = awsRegion
        }

        enum CodingKeys: String, CodingKey {
            case messageId, receiptHandle, body, attributes, messageAttributes, md5OfMessageAttributes, md5OfBody
            case eventSource, eventSourceARN, awsRegion
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            messageId = try container.decode(String.self, forKey: .messageId)
            receiptHandle = try container.decode(String.self, forKey: .receiptHandle)
            body = try container.decode(String.self, forKey: .body)
            attributes = try container.decode([String: String].self, forKey: .attributes)
            messageAttributes = try container.decode([String: MessageAttribute].self, forKey: .messageAttributes)
            md5OfMessageAttributes = try container.decodeIfPresent(String.self, forKey: .md5OfMessageAttributes)
            md5OfMessageAttributesKeyIsAbsent = !container.contains(.md5OfMessageAttributes)
            md5OfBody = try container.decode(String.self, forKey: .md5OfBody)
            eventSource = try container.decode(String.self, forKey: .eventSource)
            eventSourceARN = try container.decode(String.self, forKey: .eventSourceARN)
            awsRegion = try container.decode(String.self, forKey: .awsRegion)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(messageId, forKey: .messageId)
            try container.encode(receiptHandle, forKey: .receiptHandle)
            try container.encode(body, forKey: .body)
            try container.encode(attributes, forKey: .attributes)
            try container.encode(messageAttributes, forKey: .messageAttributes)
            if let md5OfMessageAttributes {
                try container.encode(md5OfMessageAttributes, forKey: .md5OfMessageAttributes)
            } else if !md5OfMessageAttributesKeyIsAbsent {
                try container.encodeNil(forKey: .md5OfMessageAttributes)
            }
            try container.encode(md5OfBody, forKey: .md5OfBody)
            try container.encode(eventSource, forKey: .eventSource)
            try container.encode(eventSourceARN, forKey: .eventSourceARN)
            try container.encode(awsRegion, forKey: .awsRegion)
        }

        public static func == (lhs: Message, rhs: Message) -> Bool {
            lhs.messageId == rhs.messageId && lhs.receiptHandle == rhs.receiptHandle && lhs.body == rhs.body
                && lhs.attributes == rhs.attributes && lhs.messageAttributes == rhs.messageAttributes
                && lhs.md5OfMessageAttributes == rhs.md5OfMessageAttributes && lhs.md5OfBody == rhs.md5OfBody
                && lhs.eventSource == rhs.eventSource && lhs.eventSourceARN == rhs.eventSourceARN
                && lhs.awsRegion == rhs.awsRegion
        }
    }

    /// A message attribute: a string, number or binary value (or, reserved by SQS, a list of them).
    public struct MessageAttribute: Codable, Sendable, Equatable {
        public var stringValue: String?
        /// Base64 text, kept as sent.
        public var binaryValue: String?
        public var stringListValues: [String]?
        /// Base64 texts, kept as sent.
        public var binaryListValues: [String]?
        /// "String", "Number" or "Binary", optionally followed by a custom type (e.g. "Number.float").
        public var dataType: String

        public init(
            stringValue: String? = nil,
            binaryValue: String? = nil,
            stringListValues: [String]? = nil,
            binaryListValues: [String]? = nil,
            dataType: String
        ) {
            self.stringValue = stringValue
            self.binaryValue = binaryValue
            self.stringListValues = stringListValues
            self.binaryListValues = binaryListValues
            self.dataType = dataType
        }
    }
}

/// What a Lambda function returns for an SQS (or DynamoDB / Kinesis stream) batch when the event source mapping
/// has `ReportBatchItemFailures`: the items to retry. An empty list means the whole batch succeeded.
public struct SQSBatchResponse: Codable, Sendable, Equatable {
    public var batchItemFailures: [BatchItemFailure]

    public init(batchItemFailures: [BatchItemFailure] = []) {
        self.batchItemFailures = batchItemFailures
    }

    /// One failed item: the SQS `messageId`, or for a stream the record's `SequenceNumber`.
    public struct BatchItemFailure: Codable, Sendable, Equatable {
        public var itemIdentifier: String

        public init(itemIdentifier: String) {
            self.itemIdentifier = itemIdentifier
        }
    }
}

/// The batch response of a DynamoDB stream handler: the same shape as `SQSBatchResponse`, with sequence numbers.
public typealias DynamoDBBatchResponse = SQSBatchResponse
