import AWSShapes
import Foundation
import Testing

@testable import AWSClients

/// AWS's real responses, recorded by LocalStack's snapshot tests against AWS
/// (`/work/shared/testdata/aws-recorded/test_dynamodb.snapshot.json`, read in place).
///
/// The recordings are redacted: timestamps read `"datetime"` (AWS sends seconds since 1970 as a JSON number), so the
/// test puts a number in their place before decoding; other redactions (`<table-name:1>`, …) are strings where AWS
/// sends strings.
enum RecordedDynamoDB {
    static let prefix = "tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::"
    static let redactedTimestamp = 1_700_000_000.5

    static func snapshotURL() -> URL {
        // The test file's folder may be reached through a symbolic link: resolve it before walking up to the
        // repository's sibling `shared/`.
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()  // AWSClientsTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository
            .deletingLastPathComponent()
            .appendingPathComponent("shared/testdata/aws-recorded/test_dynamodb.snapshot.json")
    }

    static func entry(_ test: String, _ name: String) throws -> Any {
        let data = try Data(contentsOf: snapshotURL())
        let snapshot = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let recording = try #require(snapshot[prefix + test] as? [String: Any], "no recording \(test)")
        let content = try #require(recording["recorded-content"] as? [String: Any])
        return try #require(content[name], "no entry \(name) in \(test)")
    }

    static func unredacted(_ value: Any) -> Any {
        switch value {
        case let string as String where string == "datetime": return redactedTimestamp
        case let dictionary as [String: Any]: return dictionary.mapValues(unredacted)
        case let array as [Any]: return array.map(unredacted)
        default: return value
        }
    }

    /// The recorded response read by the generated reader the clients use.
    static func decode<T: AWSShape>(_ type: T.Type, _ test: String, _ name: String) throws -> T {
        let json = try JSONSerialization.data(withJSONObject: unredacted(try entry(test, name)))
        return try T(storedJSON: String(decoding: json, as: UTF8.self))
    }
}

@Suite("Shapes decode AWS's recorded DynamoDB responses")
struct RecordedResponseTests {
    @Test("CreateTable, DescribeTable and DeleteTable of test_table_crud")
    func tableCRUD() throws {
        let created = try RecordedDynamoDB.decode(CreateTableOutput.self, "test_table_crud", "create-table")
        let table = try #require(created.tableDescription)
        #expect(table.tableName == "<table-name:1>")
        #expect(table.tableStatus == .creating)
        #expect(table.keySchema == [KeySchemaElement(attributeName: "id", keyType: .hash)])
        #expect(table.attributeDefinitions == [AttributeDefinition(attributeName: "id", attributeType: .s)])
        #expect(table.creationDateTime == RecordedDynamoDB.redactedTimestamp)
        #expect(table.provisionedThroughput?.readCapacityUnits == 5)
        #expect(table.provisionedThroughput?.numberOfDecreasesToday == 0)
        #expect(table.itemCount == 0 && table.tableSizeBytes == 0)
        #expect(table.tableArn == "arn:<partition>:dynamodb:<region>:111111111111:table/<table-name:1>")
        #expect(table.deletionProtectionEnabled == false)

        let described = try RecordedDynamoDB.decode(DescribeTableOutput.self, "test_table_crud", "describe-table")
        #expect(described.table?.tableStatus == .active)

        let deleted = try RecordedDynamoDB.decode(DeleteTableOutput.self, "test_table_crud", "delete-table")
        #expect(deleted.tableDescription?.tableStatus == .deleting)
        #expect(deleted.tableDescription?.keySchema == nil)
    }

    @Test(
        "global secondary index descriptions and the billing mode summary",
        arguments: ["PROVISIONED", "PAY_PER_REQUEST"])
    func globalSecondaryIndexes(_ mode: String) throws {
        let test = "test_gsi_with_billing_mode[\(mode)]"
        let created = try RecordedDynamoDB.decode(CreateTableOutput.self, test, "create-table-with-gsi")
        let described = try RecordedDynamoDB.decode(DescribeTableOutput.self, test, "describe-table")
        for table in [created.tableDescription, described.table] {
            let index = try #require(table?.globalSecondaryIndexes?.first)
            #expect(index.indexName == "TransactionRecordID")
            #expect(index.indexArn?.hasSuffix(":table/<table-name:1>/index/TransactionRecordID") == true)
            #expect(index.indexStatus?.rawValue == "<index-status>")
            #expect(index.keySchema == [KeySchemaElement(attributeName: "TRID", keyType: .hash)])
            #expect(index.projection == Projection(projectionType: .all))
            #expect(table?.attributeDefinitions?.count == 2)
        }
        if mode == "PAY_PER_REQUEST" {
            #expect(created.tableDescription?.billingModeSummary?.billingMode == .payPerRequest)
            #expect(
                described.table?.billingModeSummary?.lastUpdateToPayPerRequestDateTime
                    == RecordedDynamoDB.redactedTimestamp)
        } else {
            #expect(created.tableDescription?.billingModeSummary == nil)
            #expect(
                created.tableDescription?.globalSecondaryIndexes?.first?.provisionedThroughput?.readCapacityUnits == 1)
        }
    }

    @Test("a table with a stream, its DescribeStream and its GetRecords")
    func streams() throws {
        let test = "test_batch_write_items_streaming"
        let table = try #require(
            try RecordedDynamoDB.decode(CreateTableOutput.self, test, "create-table").tableDescription)
        #expect(table.streamSpecification == StreamSpecification(streamEnabled: true, streamViewType: .newAndOldImages))
        #expect(table.latestStreamLabel == "<latest-stream-label:1>")
        #expect(table.latestStreamArn?.hasSuffix("/stream/<latest-stream-label:1>") == true)

        let stream = try #require(
            try RecordedDynamoDB.decode(DescribeStreamOutput.self, test, "describe-stream").streamDescription)
        #expect(stream.streamStatus == .enabled)
        #expect(stream.streamViewType == .newAndOldImages)
        #expect(stream.streamArn == table.latestStreamArn)
        #expect(stream.creationRequestDateTime == RecordedDynamoDB.redactedTimestamp)
        #expect(stream.shards?.first?.shardId == "<shard-id:1>")
        #expect(stream.shards?.first?.sequenceNumberRange?.startingSequenceNumber == "starting-sequence-number")
        #expect(stream.shards?.first?.sequenceNumberRange?.endingSequenceNumber == nil)

        let records = try #require(try RecordedDynamoDB.decode(GetRecordsOutput.self, test, "get-records").records)
        #expect(records.map { $0.eventName?.rawValue } == ["INSERT", "INSERT", "REMOVE", "MODIFY"])
        #expect(records[3].dynamodb?.newImage == ["id": .s("Fred"), "name": .s("Fred")])
        #expect(records[3].dynamodb?.oldImage == ["id": .s("Fred")])
        #expect(records[2].dynamodb?.newImage == nil)
        #expect(records[0].dynamodb?.sizeBytes == 12)
        let event = DynamoDBEvent.Record(records[0], eventSourceARN: table.latestStreamArn ?? "")
        #expect(event.eventSourceARN == table.latestStreamArn)
        #expect(event.dynamodb.keys == ["id": .s("Fred")])
    }

    @Test("GetShardIterator and ListStreams")
    func streamIteratorsAndLists() throws {
        let iterator = try RecordedDynamoDB.decode(
            GetShardIteratorOutput.self, "test_dynamodb_stream_stream_view_type", "get-shard-iterator")
        #expect(iterator.shardIterator == "<shard-iterator:1>")
        let list = try RecordedDynamoDB.decode(
            ListStreamsOutput.self, "test_streams_on_global_tables", "region-streams")
        #expect(list.streams?.first?.tableName == "<table-name:1>")
        #expect(list.streams?.first?.streamLabel == "<stream-label:1>")
        #expect(list.lastEvaluatedStreamArn == nil)
    }

    @Test("item operations: Query, Scan, PutItem with ALL_OLD, TransactGetItems, BatchGetItem, BatchWriteItem")
    func itemOperations() throws {
        let query = try RecordedDynamoDB.decode(QueryOutput.self, "test_valid_local_secondary_index", "Items")
        #expect(query.count == 1 && query.scannedCount == 1)
        #expect(query.items == [["LSI1SK": .n("123"), "PK": .s("test one"), "SK": .s("hello")]])

        let scan = try RecordedDynamoDB.decode(ScanOutput.self, "test_dynamodb_execute_transaction", "TableScan")
        #expect(scan.items?.count == 2 && scan.lastEvaluatedKey == nil)

        let put = try RecordedDynamoDB.decode(PutItemOutput.self, "test_return_values_in_put_item", "PutFirstItemOLD")
        #expect(put.attributes == ["data": .s("foobar"), "id": .s("id1")])
        let plainPut = try RecordedDynamoDB.decode(PutItemOutput.self, "test_return_values_in_put_item", "PutFirstItem")
        #expect(plainPut == PutItemOutput())

        let transactGet = try RecordedDynamoDB.decode(
            TransactGetItemsOutput.self, "test_transact_get_items", "TransactGetItems")
        #expect(transactGet.responses == [ItemResponse(item: ["id": .s("John")])])

        let batchGet = try RecordedDynamoDB.decode(
            BatchGetItemOutput.self, "test_dynamodb_get_batch_items", "Response")
        #expect(batchGet.responses == ["<test-table>": []])
        #expect(batchGet.unprocessedKeys == [:])

        let batchWrite = try RecordedDynamoDB.decode(
            BatchWriteItemOutput.self, "test_batch_write_items", "BatchWriteResponse")
        #expect(batchWrite.unprocessedItems == [:])
    }

    @Test("the recorded ConditionalCheckFailed error with ALL_OLD maps to .conditionalCheckFailed(item:)")
    func conditionalCheckFailed() throws {
        let recorded = try #require(
            try RecordedDynamoDB.entry("test_return_values_on_conditions_check_failure", "items") as? [String: Any])
        let code = try #require((recorded["Error"] as? [String: Any])?["Code"] as? String)
        let body = try JSONSerialization.data(withJSONObject: recorded)
        let error = DynamoDBError(AWSServiceError(type: code, message: nil, status: 400, body: Array(body)))
        guard case .conditionalCheckFailed(let item) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(item == ["id": .s("456"), "price": .n("650"), "product": .s("sporting goods")])
    }

    @Test("the recorded ResourceNotFound error maps to .resourceNotFound")
    func resourceNotFound() throws {
        let recorded = try #require(
            try RecordedDynamoDB.entry("test_table_crud", "delete-non-existent-table") as? [String: Any])
        let error = try #require(recorded["Error"] as? [String: String])
        let typed = DynamoDBError(
            AWSServiceError(type: try #require(error["Code"]), message: error["Message"], status: 400))
        guard case .resourceNotFound(let message) = typed else {
            Issue.record("unexpected \(typed)")
            return
        }
        #expect(message == "Requested resource not found: Table: non-existent not found")
    }
}
