// LIMITATIONS (DynamoDB API): no local secondary indexes, PartiQL, backups, global tables, import/export or
// resource policies; capacity and ReturnConsumedCapacity are accepted but not reported; legacy parameters
// (AttributesToGet, KeyConditions, Expected, QueryFilter) are refused; shard iterators do not expire after 15
// minutes; one shard per stream.

import AWSShapes
import Foundation

/// DynamoDB and DynamoDB Streams on the host's AWS endpoint (JSON 1.0; `X-Amz-Target: DynamoDB_20120810.*` and
/// `DynamoDBStreams_20120810.*`), backed by ``DynamoDBStore``.
final class DynamoDBAPI: Sendable {
    let store: DynamoDBStore
    private let handlers: [String: @Sendable (Data) throws -> Data]

    init(store: DynamoDBStore) {
        self.store = store
        var handlers: [String: @Sendable (Data) throws -> Data] = [:]
        func on<Operation: AWSJSONOperation>(
            _ operation: Operation.Type, _ handle: @escaping @Sendable (Operation.Input) throws -> Operation.Output
        ) where Operation.Input: Decodable, Operation.Output: Encodable {
            handlers[Operation.target] = { body in
                let input = try AWSJSONCoding.decode(Operation.Input.self, from: body) {
                    // An AttributeValue DynamoDB reads but refuses is a ValidationException with its text.
                    if case DecodingError.dataCorrupted(let context) = $0,
                        context.debugDescription.hasPrefix("Supplied AttributeValue")
                            || context.debugDescription.hasPrefix("One or more parameter values were invalid")
                    {
                        return DynamoDBAPIError.validation(context.debugDescription)
                    }
                    return DynamoDBAPIError.serialization(AWSJSONCoding.describe($0))
                }
                return try AWSJSONCoding.encode(try handle(input))
            }
        }
        let tables = DynamoDBTableOperations(store: store)
        on(CreateTable.self, tables.createTable)
        on(DescribeTable.self, tables.describeTable)
        on(ListTables.self, tables.listTables)
        on(DeleteTable.self, tables.deleteTable)
        on(UpdateTable.self, tables.updateTable)
        on(UpdateTimeToLive.self, tables.updateTimeToLive)
        on(DescribeTimeToLive.self, tables.describeTimeToLive)
        let items = DynamoDBItemOperations(store: store)
        on(PutItem.self, items.putItem)
        on(GetItem.self, items.getItem)
        on(UpdateItem.self, items.updateItem)
        on(DeleteItem.self, items.deleteItem)
        on(Query.self, items.query)
        on(Scan.self, items.scan)
        on(BatchGetItem.self, items.batchGetItem)
        on(BatchWriteItem.self, items.batchWriteItem)
        on(TransactWriteItems.self, items.transactWriteItems)
        on(TransactGetItems.self, items.transactGetItems)
        let streams = DynamoDBStreamsOperations(store: store)
        on(ListStreams.self, streams.listStreams)
        on(DescribeStream.self, streams.describeStream)
        on(GetShardIterator.self, streams.getShardIterator)
        on(GetRecords.self, streams.getRecords)
        self.handlers = handlers
    }

    /// True when this API serves the target.
    func serves(_ target: String) -> Bool {
        target.hasPrefix("DynamoDB_20120810.") || target.hasPrefix("DynamoDBStreams_20120810.")
    }

    /// Runs one operation: the response status and JSON body.
    func handle(target: String, body: Data) -> (status: Int, body: Data) {
        guard let handler = handlers[target] else {
            let error = DynamoDBAPIError(code: "UnknownOperationException", message: "Unknown operation \(target)")
            return (400, error.body())
        }
        do {
            return (200, try handler(body))
        } catch let error as DynamoDBAPIError {
            return (error.status, error.body())
        } catch let error as DynamoDBValidationError {
            return (400, DynamoDBAPIError.validation(error.message).body())
        } catch let error as DynamoDBTableError {
            let notFound = error.message.hasPrefix("Requested resource not found")
            let rendered = notFound ? DynamoDBAPIError.resourceNotFound(error.message) : .validation(error.message)
            return (400, rendered.body())
        } catch {
            let failure = DynamoDBAPIError(code: "InternalServerError", message: "\(error)", status: 500)
            return (500, failure.body())
        }
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
