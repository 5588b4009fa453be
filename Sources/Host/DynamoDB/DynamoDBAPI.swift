// LIMITATIONS (DynamoDB API): no PartiQL, backups, global tables, import/export, resource policies or
// multi-attribute GSI keys; capacity is reported (ReturnConsumedCapacity, DynamoDBCapacity.swift) but never
// enforced; the legacy parameters are translated into expressions (DynamoDBExpressions/LegacyParameters.swift);
// shard iterators do not expire after 15 minutes; one shard per stream.

import AWSShapes
import DynamoDBExpressions
import Foundation

/// DynamoDB and DynamoDB Streams on the host's AWS endpoint (JSON 1.0; `X-Amz-Target: DynamoDB_20120810.*` and
/// `DynamoDBStreams_20120810.*`), backed by ``DynamoDBStore``.
final class DynamoDBAPI: Sendable {
    let store: DynamoDBStore
    let router: AWSJSONRouter

    /// `endpointAddress`: what DescribeEndpoints names (the host's own address, so an SDK that discovers
    /// endpoints keeps talking to the host, never to AWS).
    init(store: DynamoDBStore, endpointAddress: String = "127.0.0.1:4566") {
        self.store = store
        var router = AWSJSONRouter(
            service: "dynamodb", targetPrefixes: ["DynamoDB_20120810.", "DynamoDBStreams_20120810."],
            jsonVersion: "1.0", maximumRequestSize: 16 * 1024 * 1024, escapingSlashes: true,
            tooLarge: DynamoDBAPIError(
                code: "RequestEntityTooLargeException",
                message: "Request body is larger than the most this API accepts",
                status: 413),
            decodingFailure: { error in
                DynamoDBAPIError.serialization((error as? AWSShapeError)?.message ?? AWSJSONCoding.describe(error))
            },
            // The model's constraints in Coral's words, and an AttributeValue DynamoDB refuses in its own.
            validationFailure: { operation, error in DynamoDBAPIError.validation(Self.wording(operation, error)) },
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
        // The endpoint SDKs with endpoint discovery ask for: DynamoDB names its regional one, the host itself.
        router.on(DynamoDB.DescribeEndpoints.self) { _ in
            DynamoDB.DescribeEndpointsResponse(endpoints: [.init(address: endpointAddress, cachePeriodInMinutes: 1440)])
        }
        let tags = DynamoDBTagOperations(store: store)
        router.on(DynamoDB.TagResource.self, emptyBody: true, tags.tagResource)
        router.on(DynamoDB.UntagResource.self, emptyBody: true, tags.untagResource)
        router.on(DynamoDB.ListTagsOfResource.self, tags.listTagsOfResource)
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

    /// The model's constraint failures as DynamoDB words them where it departs from the model's template
    /// (docs/aws-behaviour-notes.md §1): Query's `Limit` below 1 names no value and capitalises `Limit`, a
    /// `TotalSegments` over 1000000 says `between 1 and 1000000` without its value.
    static func wording(_ operation: String, _ error: AWSValidationError) -> String {
        guard !error.failures.isEmpty else { return error.message }
        let failures = error.failures.map { failure -> String in
            if operation == "Query",
                failure.hasSuffix(
                    "at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
            {
                return
                    "Value at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
            }
            if failure.hasSuffix(
                "at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000")
            {
                return
                    "Value at 'totalSegments' failed to satisfy constraint: Member must have value between 1 and 1000000"
            }
            return failure
        }
        return AWSValidation.message(of: failures)
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
            func described(_ index: TableConfiguration.Index) -> ([KeySchemaElement], Projection) {
                (
                    [element(index.partitionKey, .hash)] + (index.sortKey.map { [element($0, .range)] } ?? []),
                    Projection(
                        projectionType: ProjectionType(rawValue: index.projection),
                        nonKeyAttributes: index.nonKeyAttributes.isEmpty ? nil : index.nonKeyAttributes)
                )
            }
            let indexes = table.globalSecondaryIndexes.map { index in
                let (keySchema, projection) = described(index)
                return GlobalSecondaryIndex(indexName: index.name, keySchema: keySchema, projection: projection)
            }
            let localIndexes = table.localSecondaryIndexes.map { index in
                let (keySchema, projection) = described(index)
                return LocalSecondaryIndex(indexName: index.name, keySchema: keySchema, projection: projection)
            }
            _ = try operations.createTable(
                CreateTableInput(
                    attributeDefinitions: definitions.sorted { $0.key < $1.key }.map {
                        AttributeDefinition(
                            attributeName: $0.key, attributeType: ScalarAttributeType(rawValue: $0.value))
                    },
                    tableName: table.name, keySchema: schema,
                    localSecondaryIndexes: localIndexes.isEmpty ? nil : localIndexes,
                    globalSecondaryIndexes: indexes.isEmpty ? nil : indexes,
                    billingMode: .payPerRequest,
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
