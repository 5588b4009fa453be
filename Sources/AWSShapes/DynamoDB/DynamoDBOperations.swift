/// A DynamoDB operation: target prefix `DynamoDB_20120810.`, AWS JSON 1.0.
public protocol DynamoDBOperation: AWSJSONOperation {}

extension DynamoDBOperation {
    public static var jsonVersion: String { "1.0" }
}

/// A DynamoDB Streams operation: target prefix `DynamoDBStreams_20120810.`, AWS JSON 1.0.
public protocol DynamoDBStreamsOperation: AWSJSONOperation {}

extension DynamoDBStreamsOperation {
    public static var jsonVersion: String { "1.0" }
}

/// `CreateTable`.
public enum CreateTable: DynamoDBOperation {
    public typealias Input = CreateTableInput
    public typealias Output = CreateTableOutput
    public static let target = "DynamoDB_20120810.CreateTable"
}

/// `DescribeTable`.
public enum DescribeTable: DynamoDBOperation {
    public typealias Input = DescribeTableInput
    public typealias Output = DescribeTableOutput
    public static let target = "DynamoDB_20120810.DescribeTable"
}

/// `ListTables`.
public enum ListTables: DynamoDBOperation {
    public typealias Input = ListTablesInput
    public typealias Output = ListTablesOutput
    public static let target = "DynamoDB_20120810.ListTables"
}

/// `DeleteTable`.
public enum DeleteTable: DynamoDBOperation {
    public typealias Input = DeleteTableInput
    public typealias Output = DeleteTableOutput
    public static let target = "DynamoDB_20120810.DeleteTable"
}

/// `UpdateTable`.
public enum UpdateTable: DynamoDBOperation {
    public typealias Input = UpdateTableInput
    public typealias Output = UpdateTableOutput
    public static let target = "DynamoDB_20120810.UpdateTable"
}

/// `UpdateTimeToLive`.
public enum UpdateTimeToLive: DynamoDBOperation {
    public typealias Input = UpdateTimeToLiveInput
    public typealias Output = UpdateTimeToLiveOutput
    public static let target = "DynamoDB_20120810.UpdateTimeToLive"
}

/// `DescribeTimeToLive`.
public enum DescribeTimeToLive: DynamoDBOperation {
    public typealias Input = DescribeTimeToLiveInput
    public typealias Output = DescribeTimeToLiveOutput
    public static let target = "DynamoDB_20120810.DescribeTimeToLive"
}

/// `PutItem`.
public enum PutItem: DynamoDBOperation {
    public typealias Input = PutItemInput
    public typealias Output = PutItemOutput
    public static let target = "DynamoDB_20120810.PutItem"
}

/// `GetItem`.
public enum GetItem: DynamoDBOperation {
    public typealias Input = GetItemInput
    public typealias Output = GetItemOutput
    public static let target = "DynamoDB_20120810.GetItem"
}

/// `UpdateItem`.
public enum UpdateItem: DynamoDBOperation {
    public typealias Input = UpdateItemInput
    public typealias Output = UpdateItemOutput
    public static let target = "DynamoDB_20120810.UpdateItem"
}

/// `DeleteItem`.
public enum DeleteItem: DynamoDBOperation {
    public typealias Input = DeleteItemInput
    public typealias Output = DeleteItemOutput
    public static let target = "DynamoDB_20120810.DeleteItem"
}

/// `Query`.
public enum Query: DynamoDBOperation {
    public typealias Input = QueryInput
    public typealias Output = QueryOutput
    public static let target = "DynamoDB_20120810.Query"
}

/// `Scan`.
public enum Scan: DynamoDBOperation {
    public typealias Input = ScanInput
    public typealias Output = ScanOutput
    public static let target = "DynamoDB_20120810.Scan"
}

/// `BatchGetItem`.
public enum BatchGetItem: DynamoDBOperation {
    public typealias Input = BatchGetItemInput
    public typealias Output = BatchGetItemOutput
    public static let target = "DynamoDB_20120810.BatchGetItem"
}

/// `BatchWriteItem`.
public enum BatchWriteItem: DynamoDBOperation {
    public typealias Input = BatchWriteItemInput
    public typealias Output = BatchWriteItemOutput
    public static let target = "DynamoDB_20120810.BatchWriteItem"
}

/// `TransactWriteItems`.
public enum TransactWriteItems: DynamoDBOperation {
    public typealias Input = TransactWriteItemsInput
    public typealias Output = TransactWriteItemsOutput
    public static let target = "DynamoDB_20120810.TransactWriteItems"
}

/// `TransactGetItems`.
public enum TransactGetItems: DynamoDBOperation {
    public typealias Input = TransactGetItemsInput
    public typealias Output = TransactGetItemsOutput
    public static let target = "DynamoDB_20120810.TransactGetItems"
}

/// DynamoDB Streams `ListStreams`.
public enum ListStreams: DynamoDBStreamsOperation {
    public typealias Input = ListStreamsInput
    public typealias Output = ListStreamsOutput
    public static let target = "DynamoDBStreams_20120810.ListStreams"
}

/// DynamoDB Streams `DescribeStream`.
public enum DescribeStream: DynamoDBStreamsOperation {
    public typealias Input = DescribeStreamInput
    public typealias Output = DescribeStreamOutput
    public static let target = "DynamoDBStreams_20120810.DescribeStream"
}

/// DynamoDB Streams `GetShardIterator`.
public enum GetShardIterator: DynamoDBStreamsOperation {
    public typealias Input = GetShardIteratorInput
    public typealias Output = GetShardIteratorOutput
    public static let target = "DynamoDBStreams_20120810.GetShardIterator"
}

/// DynamoDB Streams `GetRecords`.
public enum GetRecords: DynamoDBStreamsOperation {
    public typealias Input = GetRecordsInput
    public typealias Output = GetRecordsOutput
    public static let target = "DynamoDBStreams_20120810.GetRecords"
}

/// Every DynamoDB operation these shapes describe, for dispatch on `X-Amz-Target`.
public let dynamoDBOperations: [any DynamoDBOperation.Type] = [
    CreateTable.self, DescribeTable.self, ListTables.self, DeleteTable.self, UpdateTable.self,
    UpdateTimeToLive.self, DescribeTimeToLive.self, PutItem.self, GetItem.self, UpdateItem.self, DeleteItem.self,
    Query.self, Scan.self, BatchGetItem.self, BatchWriteItem.self, TransactWriteItems.self, TransactGetItems.self,
]

/// Every DynamoDB Streams operation these shapes describe, for dispatch on `X-Amz-Target`.
public let dynamoDBStreamsOperations: [any DynamoDBStreamsOperation.Type] = [
    ListStreams.self, DescribeStream.self, GetShardIterator.self, GetRecords.self,
]
