#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where `GetShardIterator` starts reading: `TRIM_HORIZON`, `LATEST`, `AT_SEQUENCE_NUMBER` or
/// `AFTER_SEQUENCE_NUMBER` (the last two with `SequenceNumber`).
public struct ShardIteratorType: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let trimHorizon: Self = "TRIM_HORIZON"
    public static let latest: Self = "LATEST"
    public static let atSequenceNumber: Self = "AT_SEQUENCE_NUMBER"
    public static let afterSequenceNumber: Self = "AFTER_SEQUENCE_NUMBER"
}

/// A stream's status: `ENABLING`, `ENABLED`, `DISABLING` or `DISABLED`.
public struct StreamStatus: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let enabling: Self = "ENABLING"
    public static let enabled: Self = "ENABLED"
    public static let disabling: Self = "DISABLING"
    public static let disabled: Self = "DISABLED"
}

/// A stream in `ListStreams`.
public struct StreamSummary: Codable, Sendable, Equatable {
    public var streamARN: String?
    public var tableName: String?
    public var streamLabel: String?

    public init(
        streamARN: String? = nil,
        tableName: String? = nil,
        streamLabel: String? = nil
    ) {
        self.streamARN = streamARN
        self.tableName = tableName
        self.streamLabel = streamLabel
    }

    enum CodingKeys: String, CodingKey {
        case streamARN = "StreamArn"
        case tableName = "TableName"
        case streamLabel = "StreamLabel"
    }
}

/// DynamoDB Streams `ListStreams` request.
public struct ListStreamsInput: Codable, Sendable, Equatable {
    /// Only this table's streams.
    public var tableName: String?
    public var limit: Int?
    /// The `LastEvaluatedStreamArn` of the previous page.
    public var exclusiveStartStreamARN: String?

    public init(
        tableName: String? = nil,
        limit: Int? = nil,
        exclusiveStartStreamARN: String? = nil
    ) {
        self.tableName = tableName
        self.limit = limit
        self.exclusiveStartStreamARN = exclusiveStartStreamARN
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case limit = "Limit"
        case exclusiveStartStreamARN = "ExclusiveStartStreamArn"
    }
}

/// DynamoDB Streams `ListStreams` response.
public struct ListStreamsOutput: Codable, Sendable, Equatable {
    public var streams: [StreamSummary]?
    public var lastEvaluatedStreamARN: String?

    public init(
        streams: [StreamSummary]? = nil,
        lastEvaluatedStreamARN: String? = nil
    ) {
        self.streams = streams
        self.lastEvaluatedStreamARN = lastEvaluatedStreamARN
    }

    enum CodingKeys: String, CodingKey {
        case streams = "Streams"
        case lastEvaluatedStreamARN = "LastEvaluatedStreamArn"
    }
}

/// The sequence numbers a shard holds: no `EndingSequenceNumber` while the shard is open.
public struct SequenceNumberRange: Codable, Sendable, Equatable {
    public var startingSequenceNumber: String?
    public var endingSequenceNumber: String?

    public init(
        startingSequenceNumber: String? = nil,
        endingSequenceNumber: String? = nil
    ) {
        self.startingSequenceNumber = startingSequenceNumber
        self.endingSequenceNumber = endingSequenceNumber
    }

    enum CodingKeys: String, CodingKey {
        case startingSequenceNumber = "StartingSequenceNumber"
        case endingSequenceNumber = "EndingSequenceNumber"
    }
}

/// One shard of a stream.
public struct Shard: Codable, Sendable, Equatable {
    public var shardID: String?
    public var sequenceNumberRange: SequenceNumberRange?
    public var parentShardID: String?

    public init(
        shardID: String? = nil,
        sequenceNumberRange: SequenceNumberRange? = nil,
        parentShardID: String? = nil
    ) {
        self.shardID = shardID
        self.sequenceNumberRange = sequenceNumberRange
        self.parentShardID = parentShardID
    }

    enum CodingKeys: String, CodingKey {
        case shardID = "ShardId"
        case sequenceNumberRange = "SequenceNumberRange"
        case parentShardID = "ParentShardId"
    }
}

/// A stream as described by `DescribeStream`.
public struct StreamDescription: Codable, Sendable, Equatable {
    public var streamARN: String?
    public var streamLabel: String?
    public var streamStatus: StreamStatus?
    public var streamViewType: StreamViewType?
    /// Seconds since 1970.
    public var creationRequestDateTime: Double?
    public var tableName: String?
    public var keySchema: [KeySchemaElement]?
    public var shards: [Shard]?
    /// Present when there are more shards.
    public var lastEvaluatedShardID: String?

    public init(
        streamARN: String? = nil,
        streamLabel: String? = nil,
        streamStatus: StreamStatus? = nil,
        streamViewType: StreamViewType? = nil,
        creationRequestDateTime: Double? = nil,
        tableName: String? = nil,
        keySchema: [KeySchemaElement]? = nil,
        shards: [Shard]? = nil,
        lastEvaluatedShardID: String? = nil
    ) {
        self.streamARN = streamARN
        self.streamLabel = streamLabel
        self.streamStatus = streamStatus
        self.streamViewType = streamViewType
        self.creationRequestDateTime = creationRequestDateTime
        self.tableName = tableName
        self.keySchema = keySchema
        self.shards = shards
        self.lastEvaluatedShardID = lastEvaluatedShardID
    }

    enum CodingKeys: String, CodingKey {
        case streamARN = "StreamArn"
        case streamLabel = "StreamLabel"
        case streamStatus = "StreamStatus"
        case streamViewType = "StreamViewType"
        case creationRequestDateTime = "CreationRequestDateTime"
        case tableName = "TableName"
        case keySchema = "KeySchema"
        case shards = "Shards"
        case lastEvaluatedShardID = "LastEvaluatedShardId"
    }
}

/// DynamoDB Streams `DescribeStream` request.
public struct DescribeStreamInput: Codable, Sendable, Equatable {
    public var streamARN: String
    /// The most shards to return.
    public var limit: Int?
    /// The `LastEvaluatedShardId` of the previous page.
    public var exclusiveStartShardID: String?

    public init(
        streamARN: String,
        limit: Int? = nil,
        exclusiveStartShardID: String? = nil
    ) {
        self.streamARN = streamARN
        self.limit = limit
        self.exclusiveStartShardID = exclusiveStartShardID
    }

    enum CodingKeys: String, CodingKey {
        case streamARN = "StreamArn"
        case limit = "Limit"
        case exclusiveStartShardID = "ExclusiveStartShardId"
    }
}

/// DynamoDB Streams `DescribeStream` response.
public struct DescribeStreamOutput: Codable, Sendable, Equatable {
    public var streamDescription: StreamDescription?

    public init(
        streamDescription: StreamDescription? = nil
    ) {
        self.streamDescription = streamDescription
    }

    enum CodingKeys: String, CodingKey {
        case streamDescription = "StreamDescription"
    }
}

/// DynamoDB Streams `GetShardIterator` request.
public struct GetShardIteratorInput: Codable, Sendable, Equatable {
    public var streamARN: String
    public var shardID: String
    public var shardIteratorType: ShardIteratorType
    public var sequenceNumber: String?

    public init(
        streamARN: String,
        shardID: String,
        shardIteratorType: ShardIteratorType,
        sequenceNumber: String? = nil
    ) {
        self.streamARN = streamARN
        self.shardID = shardID
        self.shardIteratorType = shardIteratorType
        self.sequenceNumber = sequenceNumber
    }

    enum CodingKeys: String, CodingKey {
        case streamARN = "StreamArn"
        case shardID = "ShardId"
        case shardIteratorType = "ShardIteratorType"
        case sequenceNumber = "SequenceNumber"
    }
}

/// DynamoDB Streams `GetShardIterator` response.
public struct GetShardIteratorOutput: Codable, Sendable, Equatable {
    public var shardIterator: String?

    public init(
        shardIterator: String? = nil
    ) {
        self.shardIterator = shardIterator
    }

    enum CodingKeys: String, CodingKey {
        case shardIterator = "ShardIterator"
    }
}

/// DynamoDB Streams `GetRecords` request.
public struct GetRecordsInput: Codable, Sendable, Equatable {
    public var shardIterator: String
    /// At most 1000.
    public var limit: Int?

    public init(
        shardIterator: String,
        limit: Int? = nil
    ) {
        self.shardIterator = shardIterator
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case shardIterator = "ShardIterator"
        case limit = "Limit"
    }
}

/// DynamoDB Streams `GetRecords` response.
public struct GetRecordsOutput: Codable, Sendable, Equatable {
    public var records: [DynamoDBStreamsRecord]?
    /// Absent once the shard is closed and read to its end.
    public var nextShardIterator: String?

    public init(
        records: [DynamoDBStreamsRecord]? = nil,
        nextShardIterator: String? = nil
    ) {
        self.records = records
        self.nextShardIterator = nextShardIterator
    }

    enum CodingKeys: String, CodingKey {
        case records = "Records"
        case nextShardIterator = "NextShardIterator"
    }
}

/// A record of the DynamoDB Streams `GetRecords` API. It is the record of a Lambda ``DynamoDBEvent`` without
/// `eventSourceARN`, which Lambda's event source mapping adds: see ``DynamoDBEvent/Record/init(_:eventSourceARN:)``.
public struct DynamoDBStreamsRecord: Codable, Sendable, Equatable {
    public var eventID: String?
    /// "INSERT", "MODIFY" or "REMOVE".
    public var eventName: String?
    /// For example "1.1".
    public var eventVersion: String?
    /// "aws:dynamodb".
    public var eventSource: String?
    public var awsRegion: String?
    public var dynamodb: DynamoDBStreamRecord?
    /// Present when the service itself made the change, e.g. a TTL deletion.
    public var userIdentity: Identity?

    public init(
        eventID: String? = nil,
        eventName: String? = nil,
        eventVersion: String? = nil,
        eventSource: String? = nil,
        awsRegion: String? = nil,
        dynamodb: DynamoDBStreamRecord? = nil,
        userIdentity: Identity? = nil
    ) {
        self.eventID = eventID
        self.eventName = eventName
        self.eventVersion = eventVersion
        self.eventSource = eventSource
        self.awsRegion = awsRegion
        self.dynamodb = dynamodb
        self.userIdentity = userIdentity
    }
}

extension DynamoDBStreamsRecord {
    /// Who made a change: `Type` "Service" and `PrincipalId` "dynamodb.amazonaws.com" for a TTL deletion. The API
    /// model names the members `Type` and `PrincipalId`; Lambda events spell them `type` and `principalId`, and
    /// either spelling decodes.
    public struct Identity: Codable, Sendable, Equatable {
        public var type: String
        public var principalID: String

        public init(type: String, principalID: String) {
            self.type = type
            self.principalID = principalID
        }

        enum CodingKeys: String, CodingKey {
            case type = "Type"
            case principalID = "PrincipalId"
            case lowerType = "type"
            case lowerPrincipalID = "principalId"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type =
                try container.decodeIfPresent(String.self, forKey: .type)
                ?? container.decode(String.self, forKey: .lowerType)
            principalID =
                try container.decodeIfPresent(String.self, forKey: .principalID)
                ?? container.decode(String.self, forKey: .lowerPrincipalID)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(principalID, forKey: .principalID)
        }
    }
}

extension DynamoDBEvent.Record {
    /// The Lambda event record for a Streams API record: what an event source mapping delivers. Missing members
    /// take their usual values ("1.1", "aws:dynamodb").
    public init(_ record: DynamoDBStreamsRecord, eventSourceARN: String) {
        self.init(
            eventID: record.eventID ?? "",
            eventName: record.eventName ?? "",
            eventVersion: record.eventVersion ?? "1.1",
            eventSource: record.eventSource ?? "aws:dynamodb",
            awsRegion: record.awsRegion ?? "",
            dynamodb: record.dynamodb ?? DynamoDBStreamRecord(),
            eventSourceARN: eventSourceARN,
            userIdentity: record.userIdentity.map { .init(type: $0.type, principalId: $0.principalID) }
        )
    }
}
