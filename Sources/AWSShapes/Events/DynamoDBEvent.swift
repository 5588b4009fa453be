#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A batch of DynamoDB stream records delivered to a Lambda function by an event source mapping.
public struct DynamoDBEvent: Codable, Sendable, Equatable {
    public var records: [Record]

    public init(records: [Record]) {
        self.records = records
    }

    enum CodingKeys: String, CodingKey {
        case records = "Records"
    }

    /// The stream record proper (keys, images, sequence number).
    public typealias StreamRecord = DynamoDBStreamRecord

    /// One change to the table.
    public struct Record: Codable, Sendable, Equatable {
        public var eventID: String
        /// "INSERT", "MODIFY" or "REMOVE".
        public var eventName: String
        /// For example "1.1".
        public var eventVersion: String
        /// Always "aws:dynamodb".
        public var eventSource: String
        public var awsRegion: String
        public var dynamodb: DynamoDBStreamRecord
        /// The stream's ARN.
        public var eventSourceARN: String
        /// Present when the change was made by the service itself, e.g. a TTL deletion.
        public var userIdentity: UserIdentity?

        public init(
            eventID: String,
            eventName: String,
            eventVersion: String = "1.1",
            eventSource: String = "aws:dynamodb",
            awsRegion: String,
            dynamodb: DynamoDBStreamRecord,
            eventSourceARN: String,
            userIdentity: UserIdentity? = nil
        ) {
            self.eventID = eventID
            self.eventName = eventName
            self.eventVersion = eventVersion
            self.eventSource = eventSource
            self.awsRegion = awsRegion
            self.dynamodb = dynamodb
            self.eventSourceARN = eventSourceARN
            self.userIdentity = userIdentity
        }
    }

    /// Who made a change, when it was not an ordinary client: `{"type": "Service", "principalId":
    /// "dynamodb.amazonaws.com"}` for a TTL deletion.
    public struct UserIdentity: Codable, Sendable, Equatable {
        public var type: String
        public var principalId: String

        public init(type: String, principalId: String) {
            self.type = type
            self.principalId = principalId
        }
    }
}

/// A DynamoDB stream record: the `dynamodb` part of a stream event record, and of a Streams API `GetRecords` record.
public struct DynamoDBStreamRecord: Codable, Sendable, Equatable {
    /// Seconds since 1970; may have a fraction.
    public var approximateCreationDateTime: Double?
    public var keys: DynamoDBItem?
    public var newImage: DynamoDBItem?
    public var oldImage: DynamoDBItem?
    public var sequenceNumber: String?
    public var sizeBytes: Int?
    /// "KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE" or "NEW_AND_OLD_IMAGES".
    public var streamViewType: String?

    public init(
        approximateCreationDateTime: Double? = nil,
        keys: DynamoDBItem? = nil,
        newImage: DynamoDBItem? = nil,
        oldImage: DynamoDBItem? = nil,
        sequenceNumber: String? = nil,
        sizeBytes: Int? = nil,
        streamViewType: String? = nil
    ) {
        self.approximateCreationDateTime = approximateCreationDateTime
        self.keys = keys
        self.newImage = newImage
        self.oldImage = oldImage
        self.sequenceNumber = sequenceNumber
        self.sizeBytes = sizeBytes
        self.streamViewType = streamViewType
    }

    enum CodingKeys: String, CodingKey {
        case approximateCreationDateTime = "ApproximateCreationDateTime"
        case keys = "Keys"
        case newImage = "NewImage"
        case oldImage = "OldImage"
        case sequenceNumber = "SequenceNumber"
        case sizeBytes = "SizeBytes"
        case streamViewType = "StreamViewType"
    }
}
