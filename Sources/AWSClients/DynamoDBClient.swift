import AWSShapes

/// A DynamoDB client for Lambda functions: one method per operation, typed errors (``DynamoDBError``), and
/// Codable helpers (``putItem(_:into:)``, ``getItem(_:from:key:consistentRead:)``) over ``DynamoDBItemEncoder`` and
/// ``DynamoDBItemDecoder``.
///
/// Blocking, and not thread-safe (one keep-alive connection): one client per thread or task.
public final class DynamoDBClient {
    public let client: AWSJSONClient

    public init(client: AWSJSONClient) {
        self.client = client
    }

    /// A client configured from a Lambda function's environment (see
    /// ``AWSClientConfiguration/init(service:environment:)``): `AWS_ENDPOINT_URL_DYNAMODB` points it at the host.
    public convenience init(environment: [String: String], retryPolicy: RetryPolicy = RetryPolicy()) throws {
        let configuration = try AWSClientConfiguration(service: .dynamoDB, environment: environment)
        self.init(client: try AWSJSONClient(configuration: configuration, retryPolicy: retryPolicy))
    }

    /// Sends any DynamoDB operation.
    public func send<Operation: AWSGeneratedOperation>(
        _ operation: Operation.Type,
        _ input: Operation.Input
    ) throws(DynamoDBError) -> Operation.Output {
        do {
            return try client.send(operation, input)
        } catch {
            throw DynamoDBError(error)
        }
    }

    // MARK: tables

    public func createTable(_ input: CreateTableInput) throws(DynamoDBError) -> CreateTableOutput {
        try send(CreateTable.self, input)
    }

    public func describeTable(_ input: DescribeTableInput) throws(DynamoDBError) -> DescribeTableOutput {
        try send(DescribeTable.self, input)
    }

    public func listTables(_ input: ListTablesInput = ListTablesInput()) throws(DynamoDBError) -> ListTablesOutput {
        try send(ListTables.self, input)
    }

    public func deleteTable(_ input: DeleteTableInput) throws(DynamoDBError) -> DeleteTableOutput {
        try send(DeleteTable.self, input)
    }

    public func updateTable(_ input: UpdateTableInput) throws(DynamoDBError) -> UpdateTableOutput {
        try send(UpdateTable.self, input)
    }

    public func updateTimeToLive(_ input: UpdateTimeToLiveInput) throws(DynamoDBError) -> UpdateTimeToLiveOutput {
        try send(UpdateTimeToLive.self, input)
    }

    public func describeTimeToLive(
        _ input: DescribeTimeToLiveInput
    ) throws(DynamoDBError) -> DescribeTimeToLiveOutput {
        try send(DescribeTimeToLive.self, input)
    }

    // MARK: items

    public func putItem(_ input: PutItemInput) throws(DynamoDBError) -> PutItemOutput {
        try send(PutItem.self, input)
    }

    public func getItem(_ input: GetItemInput) throws(DynamoDBError) -> GetItemOutput {
        try send(GetItem.self, input)
    }

    public func updateItem(_ input: UpdateItemInput) throws(DynamoDBError) -> UpdateItemOutput {
        try send(UpdateItem.self, input)
    }

    public func deleteItem(_ input: DeleteItemInput) throws(DynamoDBError) -> DeleteItemOutput {
        try send(DeleteItem.self, input)
    }

    public func query(_ input: QueryInput) throws(DynamoDBError) -> QueryOutput {
        try send(Query.self, input)
    }

    public func scan(_ input: ScanInput) throws(DynamoDBError) -> ScanOutput {
        try send(Scan.self, input)
    }

    public func batchGetItem(_ input: BatchGetItemInput) throws(DynamoDBError) -> BatchGetItemOutput {
        try send(BatchGetItem.self, input)
    }

    public func batchWriteItem(_ input: BatchWriteItemInput) throws(DynamoDBError) -> BatchWriteItemOutput {
        try send(BatchWriteItem.self, input)
    }

    public func transactWriteItems(
        _ input: TransactWriteItemsInput
    ) throws(DynamoDBError) -> TransactWriteItemsOutput {
        try send(TransactWriteItems.self, input)
    }

    public func transactGetItems(_ input: TransactGetItemsInput) throws(DynamoDBError) -> TransactGetItemsOutput {
        try send(TransactGetItems.self, input)
    }

    // MARK: Codable helpers

    /// Puts `value`, encoded by ``DynamoDBItemEncoder``, into `table`.
    /// - Parameter condition: an optional `ConditionExpression`, e.g. `attribute_not_exists(pk)`.
    @discardableResult
    public func putItem<Value: Encodable>(
        _ value: Value,
        into table: String,
        condition: String? = nil,
        expressionAttributeNames: [String: String]? = nil,
        expressionAttributeValues: DynamoDBItem? = nil
    ) throws(DynamoDBError) -> PutItemOutput {
        let item: DynamoDBItem
        do {
            item = try DynamoDBItemEncoder().encode(value)
        } catch {
            throw .encoding(String(describing: error))
        }
        return try putItem(
            PutItemInput(
                tableName: table,
                item: item,
                conditionExpression: condition,
                expressionAttributeNames: expressionAttributeNames,
                expressionAttributeValues: expressionAttributeValues
            ))
    }

    /// Reads the item with `key` from `table` and decodes it with ``DynamoDBItemDecoder``; nil when there is none.
    public func getItem<Value: Decodable>(
        _ type: Value.Type,
        from table: String,
        key: DynamoDBItem,
        consistentRead: Bool? = nil
    ) throws(DynamoDBError) -> Value? {
        let output = try getItem(GetItemInput(tableName: table, key: key, consistentRead: consistentRead))
        guard let item = output.item else { return nil }
        do {
            return try DynamoDBItemDecoder().decode(type, from: item)
        } catch {
            throw .invalidResponse("cannot decode \(Value.self) from the item: \(error)")
        }
    }
}

/// A DynamoDB Streams client (`streams.dynamodb.<region>.amazonaws.com`, or `AWS_ENDPOINT_URL_DYNAMODB_STREAMS`),
/// with the errors of ``DynamoDBError``.
///
/// Blocking, and not thread-safe: one client per thread or task.
public final class DynamoDBStreamsClient {
    public let client: AWSJSONClient

    public init(client: AWSJSONClient) {
        self.client = client
    }

    /// A client configured from a Lambda function's environment (see
    /// ``AWSClientConfiguration/init(service:environment:)``).
    public convenience init(environment: [String: String], retryPolicy: RetryPolicy = RetryPolicy()) throws {
        let configuration = try AWSClientConfiguration(service: .dynamoDBStreams, environment: environment)
        self.init(client: try AWSJSONClient(configuration: configuration, retryPolicy: retryPolicy))
    }

    /// Sends any DynamoDB Streams operation.
    public func send<Operation: AWSGeneratedOperation>(
        _ operation: Operation.Type,
        _ input: Operation.Input
    ) throws(DynamoDBError) -> Operation.Output {
        do {
            return try client.send(operation, input)
        } catch {
            throw DynamoDBError(error)
        }
    }

    public func listStreams(_ input: ListStreamsInput = ListStreamsInput()) throws(DynamoDBError) -> ListStreamsOutput {
        try send(ListStreams.self, input)
    }

    public func describeStream(_ input: DescribeStreamInput) throws(DynamoDBError) -> DescribeStreamOutput {
        try send(DescribeStream.self, input)
    }

    public func getShardIterator(_ input: GetShardIteratorInput) throws(DynamoDBError) -> GetShardIteratorOutput {
        try send(GetShardIterator.self, input)
    }

    public func getRecords(_ input: GetRecordsInput) throws(DynamoDBError) -> GetRecordsOutput {
        try send(GetRecords.self, input)
    }
}
