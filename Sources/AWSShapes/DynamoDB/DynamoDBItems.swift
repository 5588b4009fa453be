#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `PutItem`, `UpdateItem` and `DeleteItem` return in `Attributes`: `NONE`, `ALL_OLD`, `UPDATED_OLD`,
/// `ALL_NEW` or `UPDATED_NEW`.
public struct ReturnValue: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let none: Self = "NONE"
    public static let allOld: Self = "ALL_OLD"
    public static let updatedOld: Self = "UPDATED_OLD"
    public static let allNew: Self = "ALL_NEW"
    public static let updatedNew: Self = "UPDATED_NEW"
}

/// Whether a failed condition returns the item: `NONE` or `ALL_OLD`.
public struct ReturnValuesOnConditionCheckFailure: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let none: Self = "NONE"
    public static let allOld: Self = "ALL_OLD"
}

/// Whether a response carries `ConsumedCapacity`: `INDEXES`, `TOTAL` or `NONE`.
public struct ReturnConsumedCapacity: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let indexes: Self = "INDEXES"
    public static let total: Self = "TOTAL"
    public static let none: Self = "NONE"
}

/// Whether a response carries `ItemCollectionMetrics`: `SIZE` or `NONE`.
public struct ReturnItemCollectionMetrics: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let size: Self = "SIZE"
    public static let none: Self = "NONE"
}

/// What `Query` and `Scan` return: `ALL_ATTRIBUTES`, `ALL_PROJECTED_ATTRIBUTES`, `SPECIFIC_ATTRIBUTES` or `COUNT`.
public struct Select: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let allAttributes: Self = "ALL_ATTRIBUTES"
    public static let allProjectedAttributes: Self = "ALL_PROJECTED_ATTRIBUTES"
    public static let specificAttributes: Self = "SPECIFIC_ATTRIBUTES"
    public static let count: Self = "COUNT"
}

/// Capacity units consumed on a table or an index.
public struct Capacity: Codable, Sendable, Equatable {
    public var readCapacityUnits: Double?
    public var writeCapacityUnits: Double?
    public var capacityUnits: Double?

    public init(
        readCapacityUnits: Double? = nil,
        writeCapacityUnits: Double? = nil,
        capacityUnits: Double? = nil
    ) {
        self.readCapacityUnits = readCapacityUnits
        self.writeCapacityUnits = writeCapacityUnits
        self.capacityUnits = capacityUnits
    }

    enum CodingKeys: String, CodingKey {
        case readCapacityUnits = "ReadCapacityUnits"
        case writeCapacityUnits = "WriteCapacityUnits"
        case capacityUnits = "CapacityUnits"
    }
}

/// Capacity consumed by an operation (when `ReturnConsumedCapacity` asks for it).
public struct ConsumedCapacity: Codable, Sendable, Equatable {
    public var tableName: String?
    public var capacityUnits: Double?
    public var readCapacityUnits: Double?
    public var writeCapacityUnits: Double?
    public var table: Capacity?
    public var globalSecondaryIndexes: [String: Capacity]?
    public var localSecondaryIndexes: [String: Capacity]?

    public init(
        tableName: String? = nil,
        capacityUnits: Double? = nil,
        readCapacityUnits: Double? = nil,
        writeCapacityUnits: Double? = nil,
        table: Capacity? = nil,
        globalSecondaryIndexes: [String: Capacity]? = nil,
        localSecondaryIndexes: [String: Capacity]? = nil
    ) {
        self.tableName = tableName
        self.capacityUnits = capacityUnits
        self.readCapacityUnits = readCapacityUnits
        self.writeCapacityUnits = writeCapacityUnits
        self.table = table
        self.globalSecondaryIndexes = globalSecondaryIndexes
        self.localSecondaryIndexes = localSecondaryIndexes
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case capacityUnits = "CapacityUnits"
        case readCapacityUnits = "ReadCapacityUnits"
        case writeCapacityUnits = "WriteCapacityUnits"
        case table = "Table"
        case globalSecondaryIndexes = "GlobalSecondaryIndexes"
        case localSecondaryIndexes = "LocalSecondaryIndexes"
    }
}

/// The size of an item collection (tables with local secondary indexes).
public struct ItemCollectionMetrics: Codable, Sendable, Equatable {
    public var itemCollectionKey: DynamoDBItem?
    public var sizeEstimateRangeGB: [Double]?

    public init(
        itemCollectionKey: DynamoDBItem? = nil,
        sizeEstimateRangeGB: [Double]? = nil
    ) {
        self.itemCollectionKey = itemCollectionKey
        self.sizeEstimateRangeGB = sizeEstimateRangeGB
    }

    enum CodingKeys: String, CodingKey {
        case itemCollectionKey = "ItemCollectionKey"
        case sizeEstimateRangeGB = "SizeEstimateRangeGB"
    }
}

/// `PutItem` request.
public struct PutItemInput: Codable, Sendable, Equatable {
    public var tableName: String
    public var item: DynamoDBItem
    public var conditionExpression: String?
    public var expressionAttributeNames: [String: String]?
    public var expressionAttributeValues: DynamoDBItem?
    /// `NONE` or `ALL_OLD`.
    public var returnValues: ReturnValue?
    public var returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure?
    public var returnConsumedCapacity: ReturnConsumedCapacity?
    public var returnItemCollectionMetrics: ReturnItemCollectionMetrics?

    public init(
        tableName: String,
        item: DynamoDBItem,
        conditionExpression: String? = nil,
        expressionAttributeNames: [String: String]? = nil,
        expressionAttributeValues: DynamoDBItem? = nil,
        returnValues: ReturnValue? = nil,
        returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure? = nil,
        returnConsumedCapacity: ReturnConsumedCapacity? = nil,
        returnItemCollectionMetrics: ReturnItemCollectionMetrics? = nil
    ) {
        self.tableName = tableName
        self.item = item
        self.conditionExpression = conditionExpression
        self.expressionAttributeNames = expressionAttributeNames
        self.expressionAttributeValues = expressionAttributeValues
        self.returnValues = returnValues
        self.returnValuesOnConditionCheckFailure = returnValuesOnConditionCheckFailure
        self.returnConsumedCapacity = returnConsumedCapacity
        self.returnItemCollectionMetrics = returnItemCollectionMetrics
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case item = "Item"
        case conditionExpression = "ConditionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames"
        case expressionAttributeValues = "ExpressionAttributeValues"
        case returnValues = "ReturnValues"
        case returnValuesOnConditionCheckFailure = "ReturnValuesOnConditionCheckFailure"
        case returnConsumedCapacity = "ReturnConsumedCapacity"
        case returnItemCollectionMetrics = "ReturnItemCollectionMetrics"
    }
}

/// `PutItem` response.
public struct PutItemOutput: Codable, Sendable, Equatable {
    public var attributes: DynamoDBItem?
    public var consumedCapacity: ConsumedCapacity?
    public var itemCollectionMetrics: ItemCollectionMetrics?

    public init(
        attributes: DynamoDBItem? = nil,
        consumedCapacity: ConsumedCapacity? = nil,
        itemCollectionMetrics: ItemCollectionMetrics? = nil
    ) {
        self.attributes = attributes
        self.consumedCapacity = consumedCapacity
        self.itemCollectionMetrics = itemCollectionMetrics
    }

    enum CodingKeys: String, CodingKey {
        case attributes = "Attributes"
        case consumedCapacity = "ConsumedCapacity"
        case itemCollectionMetrics = "ItemCollectionMetrics"
    }
}

/// `GetItem` request.
public struct GetItemInput: Codable, Sendable, Equatable {
    public var tableName: String
    public var key: DynamoDBItem
    public var consistentRead: Bool?
    public var projectionExpression: String?
    public var expressionAttributeNames: [String: String]?
    public var returnConsumedCapacity: ReturnConsumedCapacity?

    public init(
        tableName: String,
        key: DynamoDBItem,
        consistentRead: Bool? = nil,
        projectionExpression: String? = nil,
        expressionAttributeNames: [String: String]? = nil,
        returnConsumedCapacity: ReturnConsumedCapacity? = nil
    ) {
        self.tableName = tableName
        self.key = key
        self.consistentRead = consistentRead
        self.projectionExpression = projectionExpression
        self.expressionAttributeNames = expressionAttributeNames
        self.returnConsumedCapacity = returnConsumedCapacity
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case key = "Key"
        case consistentRead = "ConsistentRead"
        case projectionExpression = "ProjectionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames"
        case returnConsumedCapacity = "ReturnConsumedCapacity"
    }
}

/// `GetItem` response: no `Item` when there is no such item.
public struct GetItemOutput: Codable, Sendable, Equatable {
    public var item: DynamoDBItem?
    public var consumedCapacity: ConsumedCapacity?

    public init(
        item: DynamoDBItem? = nil,
        consumedCapacity: ConsumedCapacity? = nil
    ) {
        self.item = item
        self.consumedCapacity = consumedCapacity
    }

    enum CodingKeys: String, CodingKey {
        case item = "Item"
        case consumedCapacity = "ConsumedCapacity"
    }
}

/// `UpdateItem` request.
public struct UpdateItemInput: Codable, Sendable, Equatable {
    public var tableName: String
    public var key: DynamoDBItem
    public var updateExpression: String?
    public var conditionExpression: String?
    public var expressionAttributeNames: [String: String]?
    public var expressionAttributeValues: DynamoDBItem?
    public var returnValues: ReturnValue?
    public var returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure?
    public var returnConsumedCapacity: ReturnConsumedCapacity?
    public var returnItemCollectionMetrics: ReturnItemCollectionMetrics?

    public init(
        tableName: String,
        key: DynamoDBItem,
        updateExpression: String? = nil,
        conditionExpression: String? = nil,
        expressionAttributeNames: [String: String]? = nil,
        expressionAttributeValues: DynamoDBItem? = nil,
        returnValues: ReturnValue? = nil,
        returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure? = nil,
        returnConsumedCapacity: ReturnConsumedCapacity? = nil,
        returnItemCollectionMetrics: ReturnItemCollectionMetrics? = nil
    ) {
        self.tableName = tableName
        self.key = key
        self.updateExpression = updateExpression
        self.conditionExpression = conditionExpression
        self.expressionAttributeNames = expressionAttributeNames
        self.expressionAttributeValues = expressionAttributeValues
        self.returnValues = returnValues
        self.returnValuesOnConditionCheckFailure = returnValuesOnConditionCheckFailure
        self.returnConsumedCapacity = returnConsumedCapacity
        self.returnItemCollectionMetrics = returnItemCollectionMetrics
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case key = "Key"
        case updateExpression = "UpdateExpression"
        case conditionExpression = "ConditionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames"
        case expressionAttributeValues = "ExpressionAttributeValues"
        case returnValues = "ReturnValues"
        case returnValuesOnConditionCheckFailure = "ReturnValuesOnConditionCheckFailure"
        case returnConsumedCapacity = "ReturnConsumedCapacity"
        case returnItemCollectionMetrics = "ReturnItemCollectionMetrics"
    }
}

/// `UpdateItem` response.
public struct UpdateItemOutput: Codable, Sendable, Equatable {
    public var attributes: DynamoDBItem?
    public var consumedCapacity: ConsumedCapacity?
    public var itemCollectionMetrics: ItemCollectionMetrics?

    public init(
        attributes: DynamoDBItem? = nil,
        consumedCapacity: ConsumedCapacity? = nil,
        itemCollectionMetrics: ItemCollectionMetrics? = nil
    ) {
        self.attributes = attributes
        self.consumedCapacity = consumedCapacity
        self.itemCollectionMetrics = itemCollectionMetrics
    }

    enum CodingKeys: String, CodingKey {
        case attributes = "Attributes"
        case consumedCapacity = "ConsumedCapacity"
        case itemCollectionMetrics = "ItemCollectionMetrics"
    }
}

/// `DeleteItem` request.
public struct DeleteItemInput: Codable, Sendable, Equatable {
    public var tableName: String
    public var key: DynamoDBItem
    public var conditionExpression: String?
    public var expressionAttributeNames: [String: String]?
    public var expressionAttributeValues: DynamoDBItem?
    /// `NONE` or `ALL_OLD`.
    public var returnValues: ReturnValue?
    public var returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure?
    public var returnConsumedCapacity: ReturnConsumedCapacity?
    public var returnItemCollectionMetrics: ReturnItemCollectionMetrics?

    public init(
        tableName: String,
        key: DynamoDBItem,
        conditionExpression: String? = nil,
        expressionAttributeNames: [String: String]? = nil,
        expressionAttributeValues: DynamoDBItem? = nil,
        returnValues: ReturnValue? = nil,
        returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure? = nil,
        returnConsumedCapacity: ReturnConsumedCapacity? = nil,
        returnItemCollectionMetrics: ReturnItemCollectionMetrics? = nil
    ) {
        self.tableName = tableName
        self.key = key
        self.conditionExpression = conditionExpression
        self.expressionAttributeNames = expressionAttributeNames
        self.expressionAttributeValues = expressionAttributeValues
        self.returnValues = returnValues
        self.returnValuesOnConditionCheckFailure = returnValuesOnConditionCheckFailure
        self.returnConsumedCapacity = returnConsumedCapacity
        self.returnItemCollectionMetrics = returnItemCollectionMetrics
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case key = "Key"
        case conditionExpression = "ConditionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames"
        case expressionAttributeValues = "ExpressionAttributeValues"
        case returnValues = "ReturnValues"
        case returnValuesOnConditionCheckFailure = "ReturnValuesOnConditionCheckFailure"
        case returnConsumedCapacity = "ReturnConsumedCapacity"
        case returnItemCollectionMetrics = "ReturnItemCollectionMetrics"
    }
}

/// `DeleteItem` response.
public struct DeleteItemOutput: Codable, Sendable, Equatable {
    public var attributes: DynamoDBItem?
    public var consumedCapacity: ConsumedCapacity?
    public var itemCollectionMetrics: ItemCollectionMetrics?

    public init(
        attributes: DynamoDBItem? = nil,
        consumedCapacity: ConsumedCapacity? = nil,
        itemCollectionMetrics: ItemCollectionMetrics? = nil
    ) {
        self.attributes = attributes
        self.consumedCapacity = consumedCapacity
        self.itemCollectionMetrics = itemCollectionMetrics
    }

    enum CodingKeys: String, CodingKey {
        case attributes = "Attributes"
        case consumedCapacity = "ConsumedCapacity"
        case itemCollectionMetrics = "ItemCollectionMetrics"
    }
}

/// `Query` request.
public struct QueryInput: Codable, Sendable, Equatable {
    public var tableName: String
    public var indexName: String?
    public var keyConditionExpression: String?
    public var filterExpression: String?
    public var projectionExpression: String?
    public var expressionAttributeNames: [String: String]?
    public var expressionAttributeValues: DynamoDBItem?
    public var select: Select?
    /// The most items to evaluate (before the filter), not the most to return.
    public var limit: Int?
    /// The `LastEvaluatedKey` of the previous page.
    public var exclusiveStartKey: DynamoDBItem?
    public var consistentRead: Bool?
    /// False reads the sort key in descending order.
    public var scanIndexForward: Bool?
    public var returnConsumedCapacity: ReturnConsumedCapacity?

    public init(
        tableName: String,
        indexName: String? = nil,
        keyConditionExpression: String? = nil,
        filterExpression: String? = nil,
        projectionExpression: String? = nil,
        expressionAttributeNames: [String: String]? = nil,
        expressionAttributeValues: DynamoDBItem? = nil,
        select: Select? = nil,
        limit: Int? = nil,
        exclusiveStartKey: DynamoDBItem? = nil,
        consistentRead: Bool? = nil,
        scanIndexForward: Bool? = nil,
        returnConsumedCapacity: ReturnConsumedCapacity? = nil
    ) {
        self.tableName = tableName
        self.indexName = indexName
        self.keyConditionExpression = keyConditionExpression
        self.filterExpression = filterExpression
        self.projectionExpression = projectionExpression
        self.expressionAttributeNames = expressionAttributeNames
        self.expressionAttributeValues = expressionAttributeValues
        self.select = select
        self.limit = limit
        self.exclusiveStartKey = exclusiveStartKey
        self.consistentRead = consistentRead
        self.scanIndexForward = scanIndexForward
        self.returnConsumedCapacity = returnConsumedCapacity
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case indexName = "IndexName"
        case keyConditionExpression = "KeyConditionExpression"
        case filterExpression = "FilterExpression"
        case projectionExpression = "ProjectionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames"
        case expressionAttributeValues = "ExpressionAttributeValues"
        case select = "Select"
        case limit = "Limit"
        case exclusiveStartKey = "ExclusiveStartKey"
        case consistentRead = "ConsistentRead"
        case scanIndexForward = "ScanIndexForward"
        case returnConsumedCapacity = "ReturnConsumedCapacity"
    }
}

/// `Query` response.
public struct QueryOutput: Codable, Sendable, Equatable {
    public var items: [DynamoDBItem]?
    public var count: Int?
    public var scannedCount: Int?
    /// Present when there may be more items.
    public var lastEvaluatedKey: DynamoDBItem?
    public var consumedCapacity: ConsumedCapacity?

    public init(
        items: [DynamoDBItem]? = nil,
        count: Int? = nil,
        scannedCount: Int? = nil,
        lastEvaluatedKey: DynamoDBItem? = nil,
        consumedCapacity: ConsumedCapacity? = nil
    ) {
        self.items = items
        self.count = count
        self.scannedCount = scannedCount
        self.lastEvaluatedKey = lastEvaluatedKey
        self.consumedCapacity = consumedCapacity
    }

    enum CodingKeys: String, CodingKey {
        case items = "Items"
        case count = "Count"
        case scannedCount = "ScannedCount"
        case lastEvaluatedKey = "LastEvaluatedKey"
        case consumedCapacity = "ConsumedCapacity"
    }
}

/// `Scan` request.
public struct ScanInput: Codable, Sendable, Equatable {
    public var tableName: String
    public var indexName: String?
    public var filterExpression: String?
    public var projectionExpression: String?
    public var expressionAttributeNames: [String: String]?
    public var expressionAttributeValues: DynamoDBItem?
    public var select: Select?
    /// The most items to evaluate (before the filter), not the most to return.
    public var limit: Int?
    /// The `LastEvaluatedKey` of the previous page.
    public var exclusiveStartKey: DynamoDBItem?
    public var consistentRead: Bool?
    /// With `TotalSegments`: this worker's segment, from 0.
    public var segment: Int?
    /// The number of parallel scan workers.
    public var totalSegments: Int?
    public var returnConsumedCapacity: ReturnConsumedCapacity?

    public init(
        tableName: String,
        indexName: String? = nil,
        filterExpression: String? = nil,
        projectionExpression: String? = nil,
        expressionAttributeNames: [String: String]? = nil,
        expressionAttributeValues: DynamoDBItem? = nil,
        select: Select? = nil,
        limit: Int? = nil,
        exclusiveStartKey: DynamoDBItem? = nil,
        consistentRead: Bool? = nil,
        segment: Int? = nil,
        totalSegments: Int? = nil,
        returnConsumedCapacity: ReturnConsumedCapacity? = nil
    ) {
        self.tableName = tableName
        self.indexName = indexName
        self.filterExpression = filterExpression
        self.projectionExpression = projectionExpression
        self.expressionAttributeNames = expressionAttributeNames
        self.expressionAttributeValues = expressionAttributeValues
        self.select = select
        self.limit = limit
        self.exclusiveStartKey = exclusiveStartKey
        self.consistentRead = consistentRead
        self.segment = segment
        self.totalSegments = totalSegments
        self.returnConsumedCapacity = returnConsumedCapacity
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case indexName = "IndexName"
        case filterExpression = "FilterExpression"
        case projectionExpression = "ProjectionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames"
        case expressionAttributeValues = "ExpressionAttributeValues"
        case select = "Select"
        case limit = "Limit"
        case exclusiveStartKey = "ExclusiveStartKey"
        case consistentRead = "ConsistentRead"
        case segment = "Segment"
        case totalSegments = "TotalSegments"
        case returnConsumedCapacity = "ReturnConsumedCapacity"
    }
}

/// `Scan` response.
public struct ScanOutput: Codable, Sendable, Equatable {
    public var items: [DynamoDBItem]?
    public var count: Int?
    public var scannedCount: Int?
    /// Present when there may be more items.
    public var lastEvaluatedKey: DynamoDBItem?
    public var consumedCapacity: ConsumedCapacity?

    public init(
        items: [DynamoDBItem]? = nil,
        count: Int? = nil,
        scannedCount: Int? = nil,
        lastEvaluatedKey: DynamoDBItem? = nil,
        consumedCapacity: ConsumedCapacity? = nil
    ) {
        self.items = items
        self.count = count
        self.scannedCount = scannedCount
        self.lastEvaluatedKey = lastEvaluatedKey
        self.consumedCapacity = consumedCapacity
    }

    enum CodingKeys: String, CodingKey {
        case items = "Items"
        case count = "Count"
        case scannedCount = "ScannedCount"
        case lastEvaluatedKey = "LastEvaluatedKey"
        case consumedCapacity = "ConsumedCapacity"
    }
}

/// The keys to read from one table in `BatchGetItem` (and the unprocessed ones in its response).
public struct KeysAndAttributes: Codable, Sendable, Equatable {
    public var keys: [DynamoDBItem]
    public var consistentRead: Bool?
    public var projectionExpression: String?
    public var expressionAttributeNames: [String: String]?

    public init(
        keys: [DynamoDBItem],
        consistentRead: Bool? = nil,
        projectionExpression: String? = nil,
        expressionAttributeNames: [String: String]? = nil
    ) {
        self.keys = keys
        self.consistentRead = consistentRead
        self.projectionExpression = projectionExpression
        self.expressionAttributeNames = expressionAttributeNames
    }

    enum CodingKeys: String, CodingKey {
        case keys = "Keys"
        case consistentRead = "ConsistentRead"
        case projectionExpression = "ProjectionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames"
    }
}

/// `BatchGetItem` request: table names (or ARNs) to keys, at most 100 keys in all.
public struct BatchGetItemInput: Codable, Sendable, Equatable {
    public var requestItems: [String: KeysAndAttributes]
    public var returnConsumedCapacity: ReturnConsumedCapacity?

    public init(
        requestItems: [String: KeysAndAttributes],
        returnConsumedCapacity: ReturnConsumedCapacity? = nil
    ) {
        self.requestItems = requestItems
        self.returnConsumedCapacity = returnConsumedCapacity
    }

    enum CodingKeys: String, CodingKey {
        case requestItems = "RequestItems"
        case returnConsumedCapacity = "ReturnConsumedCapacity"
    }
}

/// `BatchGetItem` response.
public struct BatchGetItemOutput: Codable, Sendable, Equatable {
    /// Table names to the items found.
    public var responses: [String: [DynamoDBItem]]?
    /// To send again; empty when all were read.
    public var unprocessedKeys: [String: KeysAndAttributes]?
    public var consumedCapacity: [ConsumedCapacity]?

    public init(
        responses: [String: [DynamoDBItem]]? = nil,
        unprocessedKeys: [String: KeysAndAttributes]? = nil,
        consumedCapacity: [ConsumedCapacity]? = nil
    ) {
        self.responses = responses
        self.unprocessedKeys = unprocessedKeys
        self.consumedCapacity = consumedCapacity
    }

    enum CodingKeys: String, CodingKey {
        case responses = "Responses"
        case unprocessedKeys = "UnprocessedKeys"
        case consumedCapacity = "ConsumedCapacity"
    }
}

/// An item to put in `BatchWriteItem`.
public struct PutRequest: Codable, Sendable, Equatable {
    public var item: DynamoDBItem

    public init(
        item: DynamoDBItem
    ) {
        self.item = item
    }

    enum CodingKeys: String, CodingKey {
        case item = "Item"
    }
}

/// A key to delete in `BatchWriteItem`.
public struct DeleteRequest: Codable, Sendable, Equatable {
    public var key: DynamoDBItem

    public init(
        key: DynamoDBItem
    ) {
        self.key = key
    }

    enum CodingKeys: String, CodingKey {
        case key = "Key"
    }
}

/// One write in `BatchWriteItem`: exactly one of `PutRequest` and `DeleteRequest`.
public struct WriteRequest: Codable, Sendable, Equatable {
    public var putRequest: PutRequest?
    public var deleteRequest: DeleteRequest?

    public init(
        putRequest: PutRequest? = nil,
        deleteRequest: DeleteRequest? = nil
    ) {
        self.putRequest = putRequest
        self.deleteRequest = deleteRequest
    }

    enum CodingKeys: String, CodingKey {
        case putRequest = "PutRequest"
        case deleteRequest = "DeleteRequest"
    }
}

/// `BatchWriteItem` request: table names (or ARNs) to writes, at most 25 in all.
public struct BatchWriteItemInput: Codable, Sendable, Equatable {
    public var requestItems: [String: [WriteRequest]]
    public var returnConsumedCapacity: ReturnConsumedCapacity?
    public var returnItemCollectionMetrics: ReturnItemCollectionMetrics?

    public init(
        requestItems: [String: [WriteRequest]],
        returnConsumedCapacity: ReturnConsumedCapacity? = nil,
        returnItemCollectionMetrics: ReturnItemCollectionMetrics? = nil
    ) {
        self.requestItems = requestItems
        self.returnConsumedCapacity = returnConsumedCapacity
        self.returnItemCollectionMetrics = returnItemCollectionMetrics
    }

    enum CodingKeys: String, CodingKey {
        case requestItems = "RequestItems"
        case returnConsumedCapacity = "ReturnConsumedCapacity"
        case returnItemCollectionMetrics = "ReturnItemCollectionMetrics"
    }
}

/// `BatchWriteItem` response.
public struct BatchWriteItemOutput: Codable, Sendable, Equatable {
    /// To send again; empty when all were written.
    public var unprocessedItems: [String: [WriteRequest]]?
    public var consumedCapacity: [ConsumedCapacity]?
    public var itemCollectionMetrics: [String: [ItemCollectionMetrics]]?

    public init(
        unprocessedItems: [String: [WriteRequest]]? = nil,
        consumedCapacity: [ConsumedCapacity]? = nil,
        itemCollectionMetrics: [String: [ItemCollectionMetrics]]? = nil
    ) {
        self.unprocessedItems = unprocessedItems
        self.consumedCapacity = consumedCapacity
        self.itemCollectionMetrics = itemCollectionMetrics
    }

    enum CodingKeys: String, CodingKey {
        case unprocessedItems = "UnprocessedItems"
        case consumedCapacity = "ConsumedCapacity"
        case itemCollectionMetrics = "ItemCollectionMetrics"
    }
}

/// One action of `TransactWriteItems`: exactly one member is set.
public struct TransactWriteItem: Codable, Sendable, Equatable {
    public var conditionCheck: ConditionCheck?
    public var put: Put?
    public var update: Update?
    public var delete: Delete?

    public init(
        conditionCheck: ConditionCheck? = nil,
        put: Put? = nil,
        update: Update? = nil,
        delete: Delete? = nil
    ) {
        self.conditionCheck = conditionCheck
        self.put = put
        self.update = update
        self.delete = delete
    }

    enum CodingKeys: String, CodingKey {
        case conditionCheck = "ConditionCheck"
        case put = "Put"
        case update = "Update"
        case delete = "Delete"
    }
}

extension TransactWriteItem {
    /// A condition on an item that is not written.
    public struct ConditionCheck: Codable, Sendable, Equatable {
        public var tableName: String
        public var key: DynamoDBItem
        public var conditionExpression: String
        public var expressionAttributeNames: [String: String]?
        public var expressionAttributeValues: DynamoDBItem?
        public var returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure?

        public init(
            tableName: String,
            key: DynamoDBItem,
            conditionExpression: String,
            expressionAttributeNames: [String: String]? = nil,
            expressionAttributeValues: DynamoDBItem? = nil,
            returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure? = nil
        ) {
            self.tableName = tableName
            self.key = key
            self.conditionExpression = conditionExpression
            self.expressionAttributeNames = expressionAttributeNames
            self.expressionAttributeValues = expressionAttributeValues
            self.returnValuesOnConditionCheckFailure = returnValuesOnConditionCheckFailure
        }

        enum CodingKeys: String, CodingKey {
            case tableName = "TableName"
            case key = "Key"
            case conditionExpression = "ConditionExpression"
            case expressionAttributeNames = "ExpressionAttributeNames"
            case expressionAttributeValues = "ExpressionAttributeValues"
            case returnValuesOnConditionCheckFailure = "ReturnValuesOnConditionCheckFailure"
        }
    }
}

extension TransactWriteItem {
    /// Puts an item.
    public struct Put: Codable, Sendable, Equatable {
        public var tableName: String
        public var item: DynamoDBItem
        public var conditionExpression: String?
        public var expressionAttributeNames: [String: String]?
        public var expressionAttributeValues: DynamoDBItem?
        public var returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure?

        public init(
            tableName: String,
            item: DynamoDBItem,
            conditionExpression: String? = nil,
            expressionAttributeNames: [String: String]? = nil,
            expressionAttributeValues: DynamoDBItem? = nil,
            returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure? = nil
        ) {
            self.tableName = tableName
            self.item = item
            self.conditionExpression = conditionExpression
            self.expressionAttributeNames = expressionAttributeNames
            self.expressionAttributeValues = expressionAttributeValues
            self.returnValuesOnConditionCheckFailure = returnValuesOnConditionCheckFailure
        }

        enum CodingKeys: String, CodingKey {
            case tableName = "TableName"
            case item = "Item"
            case conditionExpression = "ConditionExpression"
            case expressionAttributeNames = "ExpressionAttributeNames"
            case expressionAttributeValues = "ExpressionAttributeValues"
            case returnValuesOnConditionCheckFailure = "ReturnValuesOnConditionCheckFailure"
        }
    }
}

extension TransactWriteItem {
    /// Updates an item.
    public struct Update: Codable, Sendable, Equatable {
        public var tableName: String
        public var key: DynamoDBItem
        public var updateExpression: String
        public var conditionExpression: String?
        public var expressionAttributeNames: [String: String]?
        public var expressionAttributeValues: DynamoDBItem?
        public var returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure?

        public init(
            tableName: String,
            key: DynamoDBItem,
            updateExpression: String,
            conditionExpression: String? = nil,
            expressionAttributeNames: [String: String]? = nil,
            expressionAttributeValues: DynamoDBItem? = nil,
            returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure? = nil
        ) {
            self.tableName = tableName
            self.key = key
            self.updateExpression = updateExpression
            self.conditionExpression = conditionExpression
            self.expressionAttributeNames = expressionAttributeNames
            self.expressionAttributeValues = expressionAttributeValues
            self.returnValuesOnConditionCheckFailure = returnValuesOnConditionCheckFailure
        }

        enum CodingKeys: String, CodingKey {
            case tableName = "TableName"
            case key = "Key"
            case updateExpression = "UpdateExpression"
            case conditionExpression = "ConditionExpression"
            case expressionAttributeNames = "ExpressionAttributeNames"
            case expressionAttributeValues = "ExpressionAttributeValues"
            case returnValuesOnConditionCheckFailure = "ReturnValuesOnConditionCheckFailure"
        }
    }
}

extension TransactWriteItem {
    /// Deletes an item.
    public struct Delete: Codable, Sendable, Equatable {
        public var tableName: String
        public var key: DynamoDBItem
        public var conditionExpression: String?
        public var expressionAttributeNames: [String: String]?
        public var expressionAttributeValues: DynamoDBItem?
        public var returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure?

        public init(
            tableName: String,
            key: DynamoDBItem,
            conditionExpression: String? = nil,
            expressionAttributeNames: [String: String]? = nil,
            expressionAttributeValues: DynamoDBItem? = nil,
            returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure? = nil
        ) {
            self.tableName = tableName
            self.key = key
            self.conditionExpression = conditionExpression
            self.expressionAttributeNames = expressionAttributeNames
            self.expressionAttributeValues = expressionAttributeValues
            self.returnValuesOnConditionCheckFailure = returnValuesOnConditionCheckFailure
        }

        enum CodingKeys: String, CodingKey {
            case tableName = "TableName"
            case key = "Key"
            case conditionExpression = "ConditionExpression"
            case expressionAttributeNames = "ExpressionAttributeNames"
            case expressionAttributeValues = "ExpressionAttributeValues"
            case returnValuesOnConditionCheckFailure = "ReturnValuesOnConditionCheckFailure"
        }
    }
}

/// `TransactWriteItems` request: up to 100 actions, all or none applied.
public struct TransactWriteItemsInput: Codable, Sendable, Equatable {
    public var transactItems: [TransactWriteItem]
    /// Makes the call idempotent for 10 minutes.
    public var clientRequestToken: String?
    public var returnConsumedCapacity: ReturnConsumedCapacity?
    public var returnItemCollectionMetrics: ReturnItemCollectionMetrics?

    public init(
        transactItems: [TransactWriteItem],
        clientRequestToken: String? = nil,
        returnConsumedCapacity: ReturnConsumedCapacity? = nil,
        returnItemCollectionMetrics: ReturnItemCollectionMetrics? = nil
    ) {
        self.transactItems = transactItems
        self.clientRequestToken = clientRequestToken
        self.returnConsumedCapacity = returnConsumedCapacity
        self.returnItemCollectionMetrics = returnItemCollectionMetrics
    }

    enum CodingKeys: String, CodingKey {
        case transactItems = "TransactItems"
        case clientRequestToken = "ClientRequestToken"
        case returnConsumedCapacity = "ReturnConsumedCapacity"
        case returnItemCollectionMetrics = "ReturnItemCollectionMetrics"
    }
}

/// `TransactWriteItems` response.
public struct TransactWriteItemsOutput: Codable, Sendable, Equatable {
    public var consumedCapacity: [ConsumedCapacity]?
    public var itemCollectionMetrics: [String: [ItemCollectionMetrics]]?

    public init(
        consumedCapacity: [ConsumedCapacity]? = nil,
        itemCollectionMetrics: [String: [ItemCollectionMetrics]]? = nil
    ) {
        self.consumedCapacity = consumedCapacity
        self.itemCollectionMetrics = itemCollectionMetrics
    }

    enum CodingKeys: String, CodingKey {
        case consumedCapacity = "ConsumedCapacity"
        case itemCollectionMetrics = "ItemCollectionMetrics"
    }
}

/// One read of `TransactGetItems`.
public struct TransactGetItem: Codable, Sendable, Equatable {
    public var get: Get

    public init(
        get: Get
    ) {
        self.get = get
    }

    enum CodingKeys: String, CodingKey {
        case get = "Get"
    }
}

extension TransactGetItem {
    /// Reads an item.
    public struct Get: Codable, Sendable, Equatable {
        public var tableName: String
        public var key: DynamoDBItem
        public var projectionExpression: String?
        public var expressionAttributeNames: [String: String]?

        public init(
            tableName: String,
            key: DynamoDBItem,
            projectionExpression: String? = nil,
            expressionAttributeNames: [String: String]? = nil
        ) {
            self.tableName = tableName
            self.key = key
            self.projectionExpression = projectionExpression
            self.expressionAttributeNames = expressionAttributeNames
        }

        enum CodingKeys: String, CodingKey {
            case tableName = "TableName"
            case key = "Key"
            case projectionExpression = "ProjectionExpression"
            case expressionAttributeNames = "ExpressionAttributeNames"
        }
    }
}

/// `TransactGetItems` request: up to 100 reads from one snapshot.
public struct TransactGetItemsInput: Codable, Sendable, Equatable {
    public var transactItems: [TransactGetItem]
    public var returnConsumedCapacity: ReturnConsumedCapacity?

    public init(
        transactItems: [TransactGetItem],
        returnConsumedCapacity: ReturnConsumedCapacity? = nil
    ) {
        self.transactItems = transactItems
        self.returnConsumedCapacity = returnConsumedCapacity
    }

    enum CodingKeys: String, CodingKey {
        case transactItems = "TransactItems"
        case returnConsumedCapacity = "ReturnConsumedCapacity"
    }
}

/// One result of `TransactGetItems`: no `Item` when there is no such item.
public struct ItemResponse: Codable, Sendable, Equatable {
    public var item: DynamoDBItem?

    public init(
        item: DynamoDBItem? = nil
    ) {
        self.item = item
    }

    enum CodingKeys: String, CodingKey {
        case item = "Item"
    }
}

/// `TransactGetItems` response: one entry per read, in request order.
public struct TransactGetItemsOutput: Codable, Sendable, Equatable {
    public var responses: [ItemResponse]?
    public var consumedCapacity: [ConsumedCapacity]?

    public init(
        responses: [ItemResponse]? = nil,
        consumedCapacity: [ConsumedCapacity]? = nil
    ) {
        self.responses = responses
        self.consumedCapacity = consumedCapacity
    }

    enum CodingKeys: String, CodingKey {
        case responses = "Responses"
        case consumedCapacity = "ConsumedCapacity"
    }
}

/// Why one action of a cancelled transaction failed, in the `CancellationReasons` of a `TransactionCanceledException`: `Code` is `None` for an action that did not fail, otherwise e.g. `ConditionalCheckFailed`, `TransactionConflict` or `ValidationError`; `Item` is the old item when the action asked for `ALL_OLD` on a failed condition.
public struct CancellationReason: Codable, Sendable, Equatable {
    public var code: String?
    public var message: String?
    public var item: DynamoDBItem?

    public init(
        code: String? = nil,
        message: String? = nil,
        item: DynamoDBItem? = nil
    ) {
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
