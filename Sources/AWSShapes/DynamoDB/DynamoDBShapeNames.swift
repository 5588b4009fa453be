#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The DynamoDB and DynamoDB Streams shapes the host and the functions' clients share are generated from botocore's
// models (Generated/DynamoDB.swift, Generated/DynamoDBStreams.swift); these names keep the model's short spelling
// at call sites (`PutItemInput`, `QueryOutput`, `PutItem`).

public typealias AttributeDefinition = DynamoDB.AttributeDefinition
public typealias BatchGetItem = DynamoDB.BatchGetItem
public typealias BatchGetItemInput = DynamoDB.BatchGetItemInput
public typealias BatchGetItemOutput = DynamoDB.BatchGetItemOutput
public typealias BatchWriteItem = DynamoDB.BatchWriteItem
public typealias BatchWriteItemInput = DynamoDB.BatchWriteItemInput
public typealias BatchWriteItemOutput = DynamoDB.BatchWriteItemOutput
public typealias BillingMode = DynamoDB.BillingMode
public typealias BillingModeSummary = DynamoDB.BillingModeSummary
public typealias Capacity = DynamoDB.Capacity
public typealias ConditionCheck = DynamoDB.ConditionCheck
public typealias ConsumedCapacity = DynamoDB.ConsumedCapacity
public typealias CreateGlobalSecondaryIndexAction = DynamoDB.CreateGlobalSecondaryIndexAction
public typealias CreateTable = DynamoDB.CreateTable
public typealias CreateTableInput = DynamoDB.CreateTableInput
public typealias CreateTableOutput = DynamoDB.CreateTableOutput
public typealias Delete = DynamoDB.Delete
public typealias DeleteGlobalSecondaryIndexAction = DynamoDB.DeleteGlobalSecondaryIndexAction
public typealias DeleteItem = DynamoDB.DeleteItem
public typealias DeleteItemInput = DynamoDB.DeleteItemInput
public typealias DeleteItemOutput = DynamoDB.DeleteItemOutput
public typealias DeleteRequest = DynamoDB.DeleteRequest
public typealias DeleteTable = DynamoDB.DeleteTable
public typealias DeleteTableInput = DynamoDB.DeleteTableInput
public typealias DeleteTableOutput = DynamoDB.DeleteTableOutput
public typealias DescribeTable = DynamoDB.DescribeTable
public typealias DescribeTableInput = DynamoDB.DescribeTableInput
public typealias DescribeTableOutput = DynamoDB.DescribeTableOutput
public typealias DescribeTimeToLive = DynamoDB.DescribeTimeToLive
public typealias DescribeTimeToLiveInput = DynamoDB.DescribeTimeToLiveInput
public typealias DescribeTimeToLiveOutput = DynamoDB.DescribeTimeToLiveOutput
public typealias Get = DynamoDB.Get
public typealias GetItem = DynamoDB.GetItem
public typealias GetItemInput = DynamoDB.GetItemInput
public typealias GetItemOutput = DynamoDB.GetItemOutput
public typealias GlobalSecondaryIndex = DynamoDB.GlobalSecondaryIndex
public typealias GlobalSecondaryIndexDescription = DynamoDB.GlobalSecondaryIndexDescription
public typealias GlobalSecondaryIndexUpdate = DynamoDB.GlobalSecondaryIndexUpdate
public typealias IndexStatus = DynamoDB.IndexStatus
public typealias ItemCollectionMetrics = DynamoDB.ItemCollectionMetrics
public typealias ItemResponse = DynamoDB.ItemResponse
public typealias KeySchemaElement = DynamoDB.KeySchemaElement
public typealias KeyType = DynamoDB.KeyType
public typealias KeysAndAttributes = DynamoDB.KeysAndAttributes
public typealias ListTables = DynamoDB.ListTables
public typealias ListTablesInput = DynamoDB.ListTablesInput
public typealias ListTablesOutput = DynamoDB.ListTablesOutput
public typealias LocalSecondaryIndex = DynamoDB.LocalSecondaryIndex
public typealias LocalSecondaryIndexDescription = DynamoDB.LocalSecondaryIndexDescription
public typealias Projection = DynamoDB.Projection
public typealias ProjectionType = DynamoDB.ProjectionType
public typealias ProvisionedThroughput = DynamoDB.ProvisionedThroughput
public typealias ProvisionedThroughputDescription = DynamoDB.ProvisionedThroughputDescription
public typealias Put = DynamoDB.Put
public typealias PutItem = DynamoDB.PutItem
public typealias PutItemInput = DynamoDB.PutItemInput
public typealias PutItemOutput = DynamoDB.PutItemOutput
public typealias PutRequest = DynamoDB.PutRequest
public typealias Query = DynamoDB.Query
public typealias QueryInput = DynamoDB.QueryInput
public typealias QueryOutput = DynamoDB.QueryOutput
public typealias ReturnConsumedCapacity = DynamoDB.ReturnConsumedCapacity
public typealias ReturnItemCollectionMetrics = DynamoDB.ReturnItemCollectionMetrics
public typealias ReturnValue = DynamoDB.ReturnValue
public typealias ReturnValuesOnConditionCheckFailure = DynamoDB.ReturnValuesOnConditionCheckFailure
public typealias ScalarAttributeType = DynamoDB.ScalarAttributeType
public typealias Scan = DynamoDB.Scan
public typealias ScanInput = DynamoDB.ScanInput
public typealias ScanOutput = DynamoDB.ScanOutput
public typealias Select = DynamoDB.Select
public typealias StreamSpecification = DynamoDB.StreamSpecification
public typealias StreamViewType = DynamoDB.StreamViewType
public typealias TableDescription = DynamoDB.TableDescription
public typealias TableStatus = DynamoDB.TableStatus
public typealias Tag = DynamoDB.Tag
public typealias TimeToLiveDescription = DynamoDB.TimeToLiveDescription
public typealias TimeToLiveSpecification = DynamoDB.TimeToLiveSpecification
public typealias TimeToLiveStatus = DynamoDB.TimeToLiveStatus
public typealias TransactGetItem = DynamoDB.TransactGetItem
public typealias TransactGetItems = DynamoDB.TransactGetItems
public typealias TransactGetItemsInput = DynamoDB.TransactGetItemsInput
public typealias TransactGetItemsOutput = DynamoDB.TransactGetItemsOutput
public typealias TransactWriteItem = DynamoDB.TransactWriteItem
public typealias TransactWriteItems = DynamoDB.TransactWriteItems
public typealias TransactWriteItemsInput = DynamoDB.TransactWriteItemsInput
public typealias TransactWriteItemsOutput = DynamoDB.TransactWriteItemsOutput
public typealias Update = DynamoDB.Update
public typealias UpdateGlobalSecondaryIndexAction = DynamoDB.UpdateGlobalSecondaryIndexAction
public typealias UpdateItem = DynamoDB.UpdateItem
public typealias UpdateItemInput = DynamoDB.UpdateItemInput
public typealias UpdateItemOutput = DynamoDB.UpdateItemOutput
public typealias UpdateTable = DynamoDB.UpdateTable
public typealias UpdateTableInput = DynamoDB.UpdateTableInput
public typealias UpdateTableOutput = DynamoDB.UpdateTableOutput
public typealias UpdateTimeToLive = DynamoDB.UpdateTimeToLive
public typealias UpdateTimeToLiveInput = DynamoDB.UpdateTimeToLiveInput
public typealias UpdateTimeToLiveOutput = DynamoDB.UpdateTimeToLiveOutput
public typealias WriteRequest = DynamoDB.WriteRequest

public typealias DescribeStreamInput = DynamoDBStreams.DescribeStreamInput
public typealias DescribeStreamOutput = DynamoDBStreams.DescribeStreamOutput
public typealias GetRecordsInput = DynamoDBStreams.GetRecordsInput
public typealias GetRecordsOutput = DynamoDBStreams.GetRecordsOutput
public typealias GetShardIteratorInput = DynamoDBStreams.GetShardIteratorInput
public typealias GetShardIteratorOutput = DynamoDBStreams.GetShardIteratorOutput
public typealias Identity = DynamoDBStreams.Identity
public typealias ListStreamsInput = DynamoDBStreams.ListStreamsInput
public typealias ListStreamsOutput = DynamoDBStreams.ListStreamsOutput
public typealias SequenceNumberRange = DynamoDBStreams.SequenceNumberRange
public typealias Shard = DynamoDBStreams.Shard
public typealias ShardIteratorType = DynamoDBStreams.ShardIteratorType
public typealias StreamDescription = DynamoDBStreams.StreamDescription
public typealias StreamStatus = DynamoDBStreams.StreamStatus
public typealias ListStreams = DynamoDBStreams.ListStreams
public typealias DescribeStream = DynamoDBStreams.DescribeStream
public typealias GetShardIterator = DynamoDBStreams.GetShardIterator
public typealias GetRecords = DynamoDBStreams.GetRecords
/// A stream in `ListStreams` (the model's `Stream`).
public typealias StreamSummary = DynamoDBStreams.Stream
/// A record in `GetRecords` (the model's `Record`).
public typealias DynamoDBStreamsRecord = DynamoDBStreams.Record

/// Why one action of a cancelled transaction failed, in the `CancellationReasons` of a `TransactionCanceledException`:
/// `Code` is `None` for an action that did not fail, otherwise e.g. `ConditionalCheckFailed`, `TransactionConflict`
/// or `ValidationError`; `Item` is the old item when the action asked for `ALL_OLD` on a failed condition. (An error
/// member: the generator writes the shapes operations reach, not their errors.)
public struct CancellationReason: Codable, Sendable, Equatable {
    public var code: String?
    public var message: String?
    public var item: DynamoDBItem?

    public init(code: String? = nil, message: String? = nil, item: DynamoDBItem? = nil) {
        self.code = code
        self.message = message
        self.item = item
    }

    enum CodingKeys: String, CodingKey {
        case code = "Code"
        case message = "Message"
        case item = "Item"
    }
}

extension DynamoDBEvent.Record {
    /// The Lambda event record for a Streams API record: what an event source mapping delivers (a `GetRecords`
    /// record is a Lambda record without `eventSourceARN`). Missing members take their usual values ("1.1",
    /// "aws:dynamodb").
    public init(_ record: DynamoDBStreamsRecord, eventSourceARN: String) {
        let change = record.dynamodb
        self.init(
            eventID: record.eventID ?? "",
            eventName: record.eventName?.rawValue ?? "",
            eventVersion: record.eventVersion ?? "1.1",
            eventSource: record.eventSource ?? "aws:dynamodb",
            awsRegion: record.awsRegion ?? "",
            dynamodb: DynamoDBStreamRecord(
                approximateCreationDateTime: change?.approximateCreationDateTime, keys: change?.keys,
                newImage: change?.newImage, oldImage: change?.oldImage, sequenceNumber: change?.sequenceNumber,
                sizeBytes: change?.sizeBytes, streamViewType: change?.streamViewType?.rawValue),
            eventSourceARN: eventSourceARN,
            userIdentity: record.userIdentity.map { .init(type: $0.type ?? "", principalId: $0.principalId ?? "") }
        )
    }
}

extension DynamoDBStreamsRecord {
    /// The `GetRecords` record of a Lambda event record (the same record without `eventSourceARN`).
    public init(_ record: DynamoDBEvent.Record) {
        let change = record.dynamodb
        self.init(
            eventID: record.eventID, eventName: .init(rawValue: record.eventName), eventVersion: record.eventVersion,
            eventSource: record.eventSource, awsRegion: record.awsRegion,
            dynamodb: DynamoDBStreams.StreamRecord(
                approximateCreationDateTime: change.approximateCreationDateTime, keys: change.keys,
                newImage: change.newImage, oldImage: change.oldImage, sequenceNumber: change.sequenceNumber,
                sizeBytes: change.sizeBytes, streamViewType: change.streamViewType.map { .init(rawValue: $0) }),
            userIdentity: record.userIdentity.map { .init(principalId: $0.principalId, type: $0.type) })
    }
}
