// LIMITATIONS (DynamoDB API): no local secondary indexes, PartiQL, backups, global tables, import/export or
// resource policies; capacity and ReturnConsumedCapacity are accepted but not reported; legacy parameters
// (AttributesToGet, KeyConditions, Expected, QueryFilter) are refused; shard iterators do not expire after 15
// minutes; one shard per stream.

import AWSShapes
import DynamoDBExpressions
import Foundation

/// DynamoDB and DynamoDB Streams on the host's AWS endpoint (JSON 1.0; `X-Amz-Target: DynamoDB_20120810.*` and
/// `DynamoDBStreams_20120810.*`), backed by ``DynamoDBStore``.
final class DynamoDBAPI: Sendable {
    let store: DynamoDBStore
    let router: AWSJSONRouter

    init(store: DynamoDBStore) {
        self.store = store
        var router = AWSJSONRouter(
            service: "dynamodb", targetPrefixes: ["DynamoDB_20120810.", "DynamoDBStreams_20120810."],
            jsonVersion: "1.0", maximumRequestSize: 16 * 1024 * 1024, escapingSlashes: true,
            tooLarge: DynamoDBAPIError(
                code: "RequestEntityTooLargeException",
                message: "Request body is larger than the most this API accepts",
                status: 413),
            decodingFailure: { error in
                // An AttributeValue DynamoDB reads but refuses is a ValidationException with its text.
                if case DecodingError.dataCorrupted(let context) = error,
                    context.debugDescription.hasPrefix("Supplied AttributeValue")
                        || context.debugDescription.hasPrefix("One or more parameter values were invalid")
                {
                    return DynamoDBAPIError.validation(context.debugDescription)
                }
                return DynamoDBAPIError.serialization(AWSJSONCoding.describe(error))
            },
            unknownOperation: {
                DynamoDBAPIError(code: "UnknownOperationException", message: "Unknown operation \($0)")
            },
            translate: { error in
                switch error {
                case let error as DynamoDBValidationError: return DynamoDBAPIError.validation(error.message)
                case let error as DynamoDBTableError:
                    return error.message.hasPrefix("Requested resource not found")
                        ? DynamoDBAPIError.resourceNotFound(error.message) : .validation(error.message)
                default: return nil
                }
            },
            internalFailure: { DynamoDBAPIError(code: "InternalServerError", message: $0, status: 500) })
        let tables = DynamoDBTableOperations(store: store)
        router.on(CreateTable.self, tables.createTable)
        router.on(DescribeTable.self, tables.describeTable)
        router.on(ListTables.self, tables.listTables)
        router.on(DeleteTable.self, tables.deleteTable)
        router.on(UpdateTable.self, tables.updateTable)
        router.on(UpdateTimeToLive.self, tables.updateTimeToLive)
        router.on(DescribeTimeToLive.self, tables.describeTimeToLive)
        let items = DynamoDBItemOperations(store: store)
        router.on(PutItem.self, items.putItem)
        router.on(GetItem.self, items.getItem)
        router.on(UpdateItem.self, items.updateItem)
        router.on(DeleteItem.self, items.deleteItem)
        router.on(Query.self, items.query)
        router.on(Scan.self, items.scan)
        router.on(BatchGetItem.self, items.batchGetItem)
        router.on(BatchWriteItem.self, items.batchWriteItem)
        router.on(TransactWriteItems.self, items.transactWriteItems)
        router.on(TransactGetItems.self, items.transactGetItems)
        let streams = DynamoDBStreamsOperations(store: store)
        router.on(ListStreams.self, streams.listStreams)
        router.on(DescribeStream.self, streams.describeStream)
        router.on(GetShardIterator.self, streams.getShardIterator)
        router.on(GetRecords.self, streams.getRecords)
        self.router = router
    }

    /// Runs one operation: the response status and JSON body.
    func handle(target: String, body: Data) async -> (status: Int, body: Data) {
        let response = await router.respond(target: target, body: body)
        return (response.status, response.body)
    }
}

extension DynamoDBAPI {
    /// Creates the topology's tables that do not exist yet (existing ones keep their data and definition).
    func ensureTables(_ tables: [TableConfiguration]) throws {
        let operations = DynamoDBTableOperations(store: store)
        for table in tables where try store.table(named: table.name) == nil {
            var definitions: [String: String] = [:]
            func element(_ key: TableConfiguration.Key, _ type: KeyType) -> KeySchemaElement {
                definitions[key.name] = key.type
                return KeySchemaElement(attributeName: key.name, keyType: type)
            }
            let schema = [element(table.partitionKey, .hash)] + (table.sortKey.map { [element($0, .range)] } ?? [])
            let indexes = table.globalSecondaryIndexes.map { index in
                GlobalSecondaryIndex(
                    indexName: index.name,
                    keySchema: [element(index.partitionKey, .hash)]
                        + (index.sortKey.map { [element($0, .range)] } ?? []),
                    projection: Projection(
                        projectionType: ProjectionType(rawValue: index.projection),
                        nonKeyAttributes: index.nonKeyAttributes.isEmpty ? nil : index.nonKeyAttributes))
            }
            _ = try operations.createTable(
                CreateTableInput(
                    tableName: table.name, keySchema: schema,
                    attributeDefinitions: definitions.sorted { $0.key < $1.key }.map {
                        AttributeDefinition(
                            attributeName: $0.key, attributeType: ScalarAttributeType(rawValue: $0.value))
                    },
                    billingMode: .payPerRequest,
                    globalSecondaryIndexes: indexes.isEmpty ? nil : indexes,
                    streamSpecification: table.stream.map {
                        StreamSpecification(streamEnabled: true, streamViewType: StreamViewType(rawValue: $0))
                    }))
            if let attribute = table.timeToLiveAttribute {
                _ = try operations.updateTimeToLive(
                    UpdateTimeToLiveInput(
                        tableName: table.name,
                        timeToLiveSpecification: TimeToLiveSpecification(enabled: true, attributeName: attribute)))
            }
        }
    }
}
