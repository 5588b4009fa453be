#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `HASH` (partition key) or `RANGE` (sort key).
public struct KeyType: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let hash: Self = "HASH"
    public static let range: Self = "RANGE"
}

/// The type of a key attribute: `S`, `N` or `B`.
public struct ScalarAttributeType: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let string: Self = "S"
    public static let number: Self = "N"
    public static let binary: Self = "B"
}

/// Which attributes an index holds: `ALL`, `KEYS_ONLY` or `INCLUDE` (with `NonKeyAttributes`).
public struct ProjectionType: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let all: Self = "ALL"
    public static let keysOnly: Self = "KEYS_ONLY"
    public static let include: Self = "INCLUDE"
}

/// What a stream record carries: `KEYS_ONLY`, `NEW_IMAGE`, `OLD_IMAGE` or `NEW_AND_OLD_IMAGES`.
public struct StreamViewType: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let keysOnly: Self = "KEYS_ONLY"
    public static let newImage: Self = "NEW_IMAGE"
    public static let oldImage: Self = "OLD_IMAGE"
    public static let newAndOldImages: Self = "NEW_AND_OLD_IMAGES"
}

/// `PROVISIONED` or `PAY_PER_REQUEST`.
public struct BillingMode: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let provisioned: Self = "PROVISIONED"
    public static let payPerRequest: Self = "PAY_PER_REQUEST"
}

/// A table's status: `CREATING`, `UPDATING`, `DELETING`, `ACTIVE`, …
public struct TableStatus: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let creating: Self = "CREATING"
    public static let updating: Self = "UPDATING"
    public static let deleting: Self = "DELETING"
    public static let active: Self = "ACTIVE"
}

/// A global secondary index's status: `CREATING`, `UPDATING`, `DELETING` or `ACTIVE`.
public struct IndexStatus: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let creating: Self = "CREATING"
    public static let updating: Self = "UPDATING"
    public static let deleting: Self = "DELETING"
    public static let active: Self = "ACTIVE"
}

/// A TTL setting's status: `ENABLING`, `DISABLING`, `ENABLED` or `DISABLED`.
public struct TimeToLiveStatus: AWSStringEnumeration {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let enabling: Self = "ENABLING"
    public static let disabling: Self = "DISABLING"
    public static let enabled: Self = "ENABLED"
    public static let disabled: Self = "DISABLED"
}

/// One attribute of a table's or index's primary key.
public struct KeySchemaElement: Codable, Sendable, Equatable {
    public var attributeName: String
    public var keyType: KeyType

    public init(
        attributeName: String,
        keyType: KeyType
    ) {
        self.attributeName = attributeName
        self.keyType = keyType
    }

    enum CodingKeys: String, CodingKey {
        case attributeName = "AttributeName"
        case keyType = "KeyType"
    }
}

/// The type of an attribute used in a key schema.
public struct AttributeDefinition: Codable, Sendable, Equatable {
    public var attributeName: String
    public var attributeType: ScalarAttributeType

    public init(
        attributeName: String,
        attributeType: ScalarAttributeType
    ) {
        self.attributeName = attributeName
        self.attributeType = attributeType
    }

    enum CodingKeys: String, CodingKey {
        case attributeName = "AttributeName"
        case attributeType = "AttributeType"
    }
}

/// The attributes copied into an index.
public struct Projection: Codable, Sendable, Equatable {
    public var projectionType: ProjectionType?
    /// With `INCLUDE`: the non-key attributes to copy.
    public var nonKeyAttributes: [String]?

    public init(
        projectionType: ProjectionType? = nil,
        nonKeyAttributes: [String]? = nil
    ) {
        self.projectionType = projectionType
        self.nonKeyAttributes = nonKeyAttributes
    }

    enum CodingKeys: String, CodingKey {
        case projectionType = "ProjectionType"
        case nonKeyAttributes = "NonKeyAttributes"
    }
}

/// Provisioned read and write capacity (for `PROVISIONED` billing).
public struct ProvisionedThroughput: Codable, Sendable, Equatable {
    public var readCapacityUnits: Int64
    public var writeCapacityUnits: Int64

    public init(
        readCapacityUnits: Int64,
        writeCapacityUnits: Int64
    ) {
        self.readCapacityUnits = readCapacityUnits
        self.writeCapacityUnits = writeCapacityUnits
    }

    enum CodingKeys: String, CodingKey {
        case readCapacityUnits = "ReadCapacityUnits"
        case writeCapacityUnits = "WriteCapacityUnits"
    }
}

/// A table's or index's provisioned capacity as described by AWS.
public struct ProvisionedThroughputDescription: Codable, Sendable, Equatable {
    /// Seconds since 1970.
    public var lastIncreaseDateTime: Double?
    /// Seconds since 1970.
    public var lastDecreaseDateTime: Double?
    public var numberOfDecreasesToday: Int64?
    public var readCapacityUnits: Int64?
    public var writeCapacityUnits: Int64?

    public init(
        lastIncreaseDateTime: Double? = nil,
        lastDecreaseDateTime: Double? = nil,
        numberOfDecreasesToday: Int64? = nil,
        readCapacityUnits: Int64? = nil,
        writeCapacityUnits: Int64? = nil
    ) {
        self.lastIncreaseDateTime = lastIncreaseDateTime
        self.lastDecreaseDateTime = lastDecreaseDateTime
        self.numberOfDecreasesToday = numberOfDecreasesToday
        self.readCapacityUnits = readCapacityUnits
        self.writeCapacityUnits = writeCapacityUnits
    }

    enum CodingKeys: String, CodingKey {
        case lastIncreaseDateTime = "LastIncreaseDateTime"
        case lastDecreaseDateTime = "LastDecreaseDateTime"
        case numberOfDecreasesToday = "NumberOfDecreasesToday"
        case readCapacityUnits = "ReadCapacityUnits"
        case writeCapacityUnits = "WriteCapacityUnits"
    }
}

/// A global secondary index to create with a table.
public struct GlobalSecondaryIndex: Codable, Sendable, Equatable {
    public var indexName: String
    public var keySchema: [KeySchemaElement]
    public var projection: Projection
    public var provisionedThroughput: ProvisionedThroughput?

    public init(
        indexName: String,
        keySchema: [KeySchemaElement],
        projection: Projection,
        provisionedThroughput: ProvisionedThroughput? = nil
    ) {
        self.indexName = indexName
        self.keySchema = keySchema
        self.projection = projection
        self.provisionedThroughput = provisionedThroughput
    }

    enum CodingKeys: String, CodingKey {
        case indexName = "IndexName"
        case keySchema = "KeySchema"
        case projection = "Projection"
        case provisionedThroughput = "ProvisionedThroughput"
    }
}

/// A global secondary index as described by AWS.
public struct GlobalSecondaryIndexDescription: Codable, Sendable, Equatable {
    public var indexName: String?
    public var keySchema: [KeySchemaElement]?
    public var projection: Projection?
    public var indexStatus: IndexStatus?
    public var backfilling: Bool?
    public var provisionedThroughput: ProvisionedThroughputDescription?
    public var indexSizeBytes: Int64?
    public var itemCount: Int64?
    public var indexARN: String?

    public init(
        indexName: String? = nil,
        keySchema: [KeySchemaElement]? = nil,
        projection: Projection? = nil,
        indexStatus: IndexStatus? = nil,
        backfilling: Bool? = nil,
        provisionedThroughput: ProvisionedThroughputDescription? = nil,
        indexSizeBytes: Int64? = nil,
        itemCount: Int64? = nil,
        indexARN: String? = nil
    ) {
        self.indexName = indexName
        self.keySchema = keySchema
        self.projection = projection
        self.indexStatus = indexStatus
        self.backfilling = backfilling
        self.provisionedThroughput = provisionedThroughput
        self.indexSizeBytes = indexSizeBytes
        self.itemCount = itemCount
        self.indexARN = indexARN
    }

    enum CodingKeys: String, CodingKey {
        case indexName = "IndexName"
        case keySchema = "KeySchema"
        case projection = "Projection"
        case indexStatus = "IndexStatus"
        case backfilling = "Backfilling"
        case provisionedThroughput = "ProvisionedThroughput"
        case indexSizeBytes = "IndexSizeBytes"
        case itemCount = "ItemCount"
        case indexARN = "IndexArn"
    }
}

/// A local secondary index to create with a table.
public struct LocalSecondaryIndex: Codable, Sendable, Equatable {
    public var indexName: String
    public var keySchema: [KeySchemaElement]
    public var projection: Projection

    public init(
        indexName: String,
        keySchema: [KeySchemaElement],
        projection: Projection
    ) {
        self.indexName = indexName
        self.keySchema = keySchema
        self.projection = projection
    }

    enum CodingKeys: String, CodingKey {
        case indexName = "IndexName"
        case keySchema = "KeySchema"
        case projection = "Projection"
    }
}

/// A local secondary index as described by AWS.
public struct LocalSecondaryIndexDescription: Codable, Sendable, Equatable {
    public var indexName: String?
    public var keySchema: [KeySchemaElement]?
    public var projection: Projection?
    public var indexSizeBytes: Int64?
    public var itemCount: Int64?
    public var indexARN: String?

    public init(
        indexName: String? = nil,
        keySchema: [KeySchemaElement]? = nil,
        projection: Projection? = nil,
        indexSizeBytes: Int64? = nil,
        itemCount: Int64? = nil,
        indexARN: String? = nil
    ) {
        self.indexName = indexName
        self.keySchema = keySchema
        self.projection = projection
        self.indexSizeBytes = indexSizeBytes
        self.itemCount = itemCount
        self.indexARN = indexARN
    }

    enum CodingKeys: String, CodingKey {
        case indexName = "IndexName"
        case keySchema = "KeySchema"
        case projection = "Projection"
        case indexSizeBytes = "IndexSizeBytes"
        case itemCount = "ItemCount"
        case indexARN = "IndexArn"
    }
}

/// Whether a table has a stream, and what its records carry.
public struct StreamSpecification: Codable, Sendable, Equatable {
    public var streamEnabled: Bool
    /// Required when `StreamEnabled` is true.
    public var streamViewType: StreamViewType?

    public init(
        streamEnabled: Bool,
        streamViewType: StreamViewType? = nil
    ) {
        self.streamEnabled = streamEnabled
        self.streamViewType = streamViewType
    }

    enum CodingKeys: String, CodingKey {
        case streamEnabled = "StreamEnabled"
        case streamViewType = "StreamViewType"
    }
}

/// A table's billing mode.
public struct BillingModeSummary: Codable, Sendable, Equatable {
    public var billingMode: BillingMode?
    /// Seconds since 1970.
    public var lastUpdateToPayPerRequestDateTime: Double?

    public init(
        billingMode: BillingMode? = nil,
        lastUpdateToPayPerRequestDateTime: Double? = nil
    ) {
        self.billingMode = billingMode
        self.lastUpdateToPayPerRequestDateTime = lastUpdateToPayPerRequestDateTime
    }

    enum CodingKeys: String, CodingKey {
        case billingMode = "BillingMode"
        case lastUpdateToPayPerRequestDateTime = "LastUpdateToPayPerRequestDateTime"
    }
}

/// A resource tag.
public struct Tag: Codable, Sendable, Equatable {
    public var key: String
    public var value: String

    public init(
        key: String,
        value: String
    ) {
        self.key = key
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case key = "Key"
        case value = "Value"
    }
}

/// A table as described by `CreateTable`, `DescribeTable`, `UpdateTable` and `DeleteTable` (every member optional: `DeleteTable` omits the key schema, for example).
public struct TableDescription: Codable, Sendable, Equatable {
    public var tableName: String?
    public var tableARN: String?
    public var tableID: String?
    public var tableStatus: TableStatus?
    public var keySchema: [KeySchemaElement]?
    public var attributeDefinitions: [AttributeDefinition]?
    public var globalSecondaryIndexes: [GlobalSecondaryIndexDescription]?
    public var localSecondaryIndexes: [LocalSecondaryIndexDescription]?
    public var streamSpecification: StreamSpecification?
    public var latestStreamARN: String?
    /// A timestamp such as `2015-05-11T21:21:33.291`, the last part of the stream ARN.
    public var latestStreamLabel: String?
    public var itemCount: Int64?
    public var tableSizeBytes: Int64?
    /// Seconds since 1970 (a JSON number, may have a fraction).
    public var creationDateTime: Double?
    public var billingModeSummary: BillingModeSummary?
    public var provisionedThroughput: ProvisionedThroughputDescription?
    public var deletionProtectionEnabled: Bool?

    public init(
        tableName: String? = nil,
        tableARN: String? = nil,
        tableID: String? = nil,
        tableStatus: TableStatus? = nil,
        keySchema: [KeySchemaElement]? = nil,
        attributeDefinitions: [AttributeDefinition]? = nil,
        globalSecondaryIndexes: [GlobalSecondaryIndexDescription]? = nil,
        localSecondaryIndexes: [LocalSecondaryIndexDescription]? = nil,
        streamSpecification: StreamSpecification? = nil,
        latestStreamARN: String? = nil,
        latestStreamLabel: String? = nil,
        itemCount: Int64? = nil,
        tableSizeBytes: Int64? = nil,
        creationDateTime: Double? = nil,
        billingModeSummary: BillingModeSummary? = nil,
        provisionedThroughput: ProvisionedThroughputDescription? = nil,
        deletionProtectionEnabled: Bool? = nil
    ) {
        self.tableName = tableName
        self.tableARN = tableARN
        self.tableID = tableID
        self.tableStatus = tableStatus
        self.keySchema = keySchema
        self.attributeDefinitions = attributeDefinitions
        self.globalSecondaryIndexes = globalSecondaryIndexes
        self.localSecondaryIndexes = localSecondaryIndexes
        self.streamSpecification = streamSpecification
        self.latestStreamARN = latestStreamARN
        self.latestStreamLabel = latestStreamLabel
        self.itemCount = itemCount
        self.tableSizeBytes = tableSizeBytes
        self.creationDateTime = creationDateTime
        self.billingModeSummary = billingModeSummary
        self.provisionedThroughput = provisionedThroughput
        self.deletionProtectionEnabled = deletionProtectionEnabled
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case tableARN = "TableArn"
        case tableID = "TableId"
        case tableStatus = "TableStatus"
        case keySchema = "KeySchema"
        case attributeDefinitions = "AttributeDefinitions"
        case globalSecondaryIndexes = "GlobalSecondaryIndexes"
        case localSecondaryIndexes = "LocalSecondaryIndexes"
        case streamSpecification = "StreamSpecification"
        case latestStreamARN = "LatestStreamArn"
        case latestStreamLabel = "LatestStreamLabel"
        case itemCount = "ItemCount"
        case tableSizeBytes = "TableSizeBytes"
        case creationDateTime = "CreationDateTime"
        case billingModeSummary = "BillingModeSummary"
        case provisionedThroughput = "ProvisionedThroughput"
        case deletionProtectionEnabled = "DeletionProtectionEnabled"
    }
}

/// `CreateTable` request.
public struct CreateTableInput: Codable, Sendable, Equatable {
    public var tableName: String
    public var keySchema: [KeySchemaElement]
    public var attributeDefinitions: [AttributeDefinition]
    public var billingMode: BillingMode?
    public var provisionedThroughput: ProvisionedThroughput?
    public var globalSecondaryIndexes: [GlobalSecondaryIndex]?
    public var localSecondaryIndexes: [LocalSecondaryIndex]?
    public var streamSpecification: StreamSpecification?
    public var tags: [Tag]?
    public var deletionProtectionEnabled: Bool?

    public init(
        tableName: String,
        keySchema: [KeySchemaElement],
        attributeDefinitions: [AttributeDefinition],
        billingMode: BillingMode? = nil,
        provisionedThroughput: ProvisionedThroughput? = nil,
        globalSecondaryIndexes: [GlobalSecondaryIndex]? = nil,
        localSecondaryIndexes: [LocalSecondaryIndex]? = nil,
        streamSpecification: StreamSpecification? = nil,
        tags: [Tag]? = nil,
        deletionProtectionEnabled: Bool? = nil
    ) {
        self.tableName = tableName
        self.keySchema = keySchema
        self.attributeDefinitions = attributeDefinitions
        self.billingMode = billingMode
        self.provisionedThroughput = provisionedThroughput
        self.globalSecondaryIndexes = globalSecondaryIndexes
        self.localSecondaryIndexes = localSecondaryIndexes
        self.streamSpecification = streamSpecification
        self.tags = tags
        self.deletionProtectionEnabled = deletionProtectionEnabled
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case keySchema = "KeySchema"
        case attributeDefinitions = "AttributeDefinitions"
        case billingMode = "BillingMode"
        case provisionedThroughput = "ProvisionedThroughput"
        case globalSecondaryIndexes = "GlobalSecondaryIndexes"
        case localSecondaryIndexes = "LocalSecondaryIndexes"
        case streamSpecification = "StreamSpecification"
        case tags = "Tags"
        case deletionProtectionEnabled = "DeletionProtectionEnabled"
    }
}

/// `CreateTable` response.
public struct CreateTableOutput: Codable, Sendable, Equatable {
    public var tableDescription: TableDescription?

    public init(
        tableDescription: TableDescription? = nil
    ) {
        self.tableDescription = tableDescription
    }

    enum CodingKeys: String, CodingKey {
        case tableDescription = "TableDescription"
    }
}

/// `DescribeTable` request.
public struct DescribeTableInput: Codable, Sendable, Equatable {
    /// A table name or ARN.
    public var tableName: String

    public init(
        tableName: String
    ) {
        self.tableName = tableName
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
    }
}

/// `DescribeTable` response.
public struct DescribeTableOutput: Codable, Sendable, Equatable {
    public var table: TableDescription?

    public init(
        table: TableDescription? = nil
    ) {
        self.table = table
    }

    enum CodingKeys: String, CodingKey {
        case table = "Table"
    }
}

/// `ListTables` request.
public struct ListTablesInput: Codable, Sendable, Equatable {
    /// The `LastEvaluatedTableName` of the previous page.
    public var exclusiveStartTableName: String?
    /// At most 100.
    public var limit: Int?

    public init(
        exclusiveStartTableName: String? = nil,
        limit: Int? = nil
    ) {
        self.exclusiveStartTableName = exclusiveStartTableName
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case exclusiveStartTableName = "ExclusiveStartTableName"
        case limit = "Limit"
    }
}

/// `ListTables` response.
public struct ListTablesOutput: Codable, Sendable, Equatable {
    public var tableNames: [String]?
    /// Present when there are more tables.
    public var lastEvaluatedTableName: String?

    public init(
        tableNames: [String]? = nil,
        lastEvaluatedTableName: String? = nil
    ) {
        self.tableNames = tableNames
        self.lastEvaluatedTableName = lastEvaluatedTableName
    }

    enum CodingKeys: String, CodingKey {
        case tableNames = "TableNames"
        case lastEvaluatedTableName = "LastEvaluatedTableName"
    }
}

/// `DeleteTable` request.
public struct DeleteTableInput: Codable, Sendable, Equatable {
    public var tableName: String

    public init(
        tableName: String
    ) {
        self.tableName = tableName
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
    }
}

/// `DeleteTable` response.
public struct DeleteTableOutput: Codable, Sendable, Equatable {
    public var tableDescription: TableDescription?

    public init(
        tableDescription: TableDescription? = nil
    ) {
        self.tableDescription = tableDescription
    }

    enum CodingKeys: String, CodingKey {
        case tableDescription = "TableDescription"
    }
}

/// Creates a global secondary index (in `UpdateTable`).
public struct CreateGlobalSecondaryIndexAction: Codable, Sendable, Equatable {
    public var indexName: String
    public var keySchema: [KeySchemaElement]
    public var projection: Projection
    public var provisionedThroughput: ProvisionedThroughput?

    public init(
        indexName: String,
        keySchema: [KeySchemaElement],
        projection: Projection,
        provisionedThroughput: ProvisionedThroughput? = nil
    ) {
        self.indexName = indexName
        self.keySchema = keySchema
        self.projection = projection
        self.provisionedThroughput = provisionedThroughput
    }

    enum CodingKeys: String, CodingKey {
        case indexName = "IndexName"
        case keySchema = "KeySchema"
        case projection = "Projection"
        case provisionedThroughput = "ProvisionedThroughput"
    }
}

/// Changes a global secondary index's provisioned capacity (in `UpdateTable`).
public struct UpdateGlobalSecondaryIndexAction: Codable, Sendable, Equatable {
    public var indexName: String
    public var provisionedThroughput: ProvisionedThroughput

    public init(
        indexName: String,
        provisionedThroughput: ProvisionedThroughput
    ) {
        self.indexName = indexName
        self.provisionedThroughput = provisionedThroughput
    }

    enum CodingKeys: String, CodingKey {
        case indexName = "IndexName"
        case provisionedThroughput = "ProvisionedThroughput"
    }
}

/// Deletes a global secondary index (in `UpdateTable`).
public struct DeleteGlobalSecondaryIndexAction: Codable, Sendable, Equatable {
    public var indexName: String

    public init(
        indexName: String
    ) {
        self.indexName = indexName
    }

    enum CodingKeys: String, CodingKey {
        case indexName = "IndexName"
    }
}

/// One change to a table's global secondary indexes: exactly one member is set.
public struct GlobalSecondaryIndexUpdate: Codable, Sendable, Equatable {
    public var create: CreateGlobalSecondaryIndexAction?
    public var update: UpdateGlobalSecondaryIndexAction?
    public var delete: DeleteGlobalSecondaryIndexAction?

    public init(
        create: CreateGlobalSecondaryIndexAction? = nil,
        update: UpdateGlobalSecondaryIndexAction? = nil,
        delete: DeleteGlobalSecondaryIndexAction? = nil
    ) {
        self.create = create
        self.update = update
        self.delete = delete
    }

    enum CodingKeys: String, CodingKey {
        case create = "Create"
        case update = "Update"
        case delete = "Delete"
    }
}

/// `UpdateTable` request.
public struct UpdateTableInput: Codable, Sendable, Equatable {
    public var tableName: String
    /// Needed for the key attributes of new global secondary indexes.
    public var attributeDefinitions: [AttributeDefinition]?
    public var billingMode: BillingMode?
    public var provisionedThroughput: ProvisionedThroughput?
    public var globalSecondaryIndexUpdates: [GlobalSecondaryIndexUpdate]?
    public var streamSpecification: StreamSpecification?
    public var deletionProtectionEnabled: Bool?

    public init(
        tableName: String,
        attributeDefinitions: [AttributeDefinition]? = nil,
        billingMode: BillingMode? = nil,
        provisionedThroughput: ProvisionedThroughput? = nil,
        globalSecondaryIndexUpdates: [GlobalSecondaryIndexUpdate]? = nil,
        streamSpecification: StreamSpecification? = nil,
        deletionProtectionEnabled: Bool? = nil
    ) {
        self.tableName = tableName
        self.attributeDefinitions = attributeDefinitions
        self.billingMode = billingMode
        self.provisionedThroughput = provisionedThroughput
        self.globalSecondaryIndexUpdates = globalSecondaryIndexUpdates
        self.streamSpecification = streamSpecification
        self.deletionProtectionEnabled = deletionProtectionEnabled
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case attributeDefinitions = "AttributeDefinitions"
        case billingMode = "BillingMode"
        case provisionedThroughput = "ProvisionedThroughput"
        case globalSecondaryIndexUpdates = "GlobalSecondaryIndexUpdates"
        case streamSpecification = "StreamSpecification"
        case deletionProtectionEnabled = "DeletionProtectionEnabled"
    }
}

/// `UpdateTable` response.
public struct UpdateTableOutput: Codable, Sendable, Equatable {
    public var tableDescription: TableDescription?

    public init(
        tableDescription: TableDescription? = nil
    ) {
        self.tableDescription = tableDescription
    }

    enum CodingKeys: String, CodingKey {
        case tableDescription = "TableDescription"
    }
}

/// Turns TTL on or off for an attribute (seconds since 1970 in an `N`).
public struct TimeToLiveSpecification: Codable, Sendable, Equatable {
    public var enabled: Bool
    public var attributeName: String

    public init(
        enabled: Bool,
        attributeName: String
    ) {
        self.enabled = enabled
        self.attributeName = attributeName
    }

    enum CodingKeys: String, CodingKey {
        case enabled = "Enabled"
        case attributeName = "AttributeName"
    }
}

/// A table's TTL setting.
public struct TimeToLiveDescription: Codable, Sendable, Equatable {
    public var timeToLiveStatus: TimeToLiveStatus?
    public var attributeName: String?

    public init(
        timeToLiveStatus: TimeToLiveStatus? = nil,
        attributeName: String? = nil
    ) {
        self.timeToLiveStatus = timeToLiveStatus
        self.attributeName = attributeName
    }

    enum CodingKeys: String, CodingKey {
        case timeToLiveStatus = "TimeToLiveStatus"
        case attributeName = "AttributeName"
    }
}

/// `UpdateTimeToLive` request.
public struct UpdateTimeToLiveInput: Codable, Sendable, Equatable {
    public var tableName: String
    public var timeToLiveSpecification: TimeToLiveSpecification

    public init(
        tableName: String,
        timeToLiveSpecification: TimeToLiveSpecification
    ) {
        self.tableName = tableName
        self.timeToLiveSpecification = timeToLiveSpecification
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case timeToLiveSpecification = "TimeToLiveSpecification"
    }
}

/// `UpdateTimeToLive` response.
public struct UpdateTimeToLiveOutput: Codable, Sendable, Equatable {
    public var timeToLiveSpecification: TimeToLiveSpecification?

    public init(
        timeToLiveSpecification: TimeToLiveSpecification? = nil
    ) {
        self.timeToLiveSpecification = timeToLiveSpecification
    }

    enum CodingKeys: String, CodingKey {
        case timeToLiveSpecification = "TimeToLiveSpecification"
    }
}

/// `DescribeTimeToLive` request.
public struct DescribeTimeToLiveInput: Codable, Sendable, Equatable {
    public var tableName: String

    public init(
        tableName: String
    ) {
        self.tableName = tableName
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
    }
}

/// `DescribeTimeToLive` response.
public struct DescribeTimeToLiveOutput: Codable, Sendable, Equatable {
    public var timeToLiveDescription: TimeToLiveDescription?

    public init(
        timeToLiveDescription: TimeToLiveDescription? = nil
    ) {
        self.timeToLiveDescription = timeToLiveDescription
    }

    enum CodingKeys: String, CodingKey {
        case timeToLiveDescription = "TimeToLiveDescription"
    }
}
