import AWSShapes
import Foundation
import Testing

@testable import DynamoDBExpressions
@testable import Host

/// ReturnConsumedCapacity: the units DynamoDB's developer guide defines (4 KB reads, 1 KB writes, half for an
/// eventually consistent read, twice in a transaction), as scylladb's Alternator tests check them on DynamoDB.
@Suite struct DynamoDBCapacityTests {
    static let table = DynamoDBTable(
        name: "t", partitionKey: .init(name: "p", type: "S"), sortKey: .init(name: "c", type: "S"),
        indexes: [
            .init(name: "g", partitionKey: .init(name: "x", type: "S"), projectionType: "KEYS_ONLY"),
            .init(
                name: "l", partitionKey: .init(name: "p", type: "S"), sortKey: .init(name: "x", type: "S"),
                projectionType: "ALL", local: true),
        ],
        createdAt: 0, attributeDefinitions: [])

    /// An item of exactly `size` bytes as DynamoDB counts them (names and string values in UTF-8).
    static func item(size: Int, x: Bool = false) -> DynamoDBItem {
        var item: DynamoDBItem = ["p": .s("a"), "c": .s("b")]
        if x { item["x"] = .s("x") }
        let used = dynamoDBItemSize(item) + 1
        item["v"] = .s(String(repeating: "v", count: size - used))
        return item
    }

    @Test func readsCountFourKilobytesAndWritesOneTheLargerOfBeforeAndAfter() {
        #expect(dynamoDBItemSize(Self.item(size: 4096)) == 4096)
        #expect(DynamoDBCapacity.read(Self.item(size: 4096), consistent: true).total == 1)
        #expect(DynamoDBCapacity.read(Self.item(size: 4097), consistent: true).total == 2)
        #expect(DynamoDBCapacity.read(Self.item(size: 4097), consistent: false).total == 1)
        #expect(DynamoDBCapacity.read(nil, consistent: false).total == 0.5)
        let plain = DynamoDBTable(
            name: "t", partitionKey: .init(name: "p", type: "S"), sortKey: .init(name: "c", type: "S"), createdAt: 0,
            attributeDefinitions: [])
        #expect(DynamoDBCapacity.write(old: nil, new: Self.item(size: 1024), table: plain).total == 1)
        #expect(DynamoDBCapacity.write(old: nil, new: Self.item(size: 1025), table: plain).total == 2)
        // A short item over a long one costs the long one; deleting nothing costs one unit.
        #expect(DynamoDBCapacity.write(old: Self.item(size: 2049), new: Self.item(size: 10), table: plain).total == 3)
        #expect(DynamoDBCapacity.write(old: nil, new: nil, table: plain).total == 1)
    }

    @Test func indexesCostOnlyWhenTheItemIsOrWasInThem() {
        let without = DynamoDBCapacity.write(old: nil, new: Self.item(size: 100), table: Self.table)
        #expect(without.globalIndexes.isEmpty && without.localIndexes.isEmpty)
        let with = DynamoDBCapacity.write(old: nil, new: Self.item(size: 100, x: true), table: Self.table)
        #expect(with.globalIndexes == ["g": 1] && with.localIndexes == ["l": 1] && with.total == 3)
        // Leaving the indexes (x removed) still writes them.
        let leaving = DynamoDBCapacity.write(
            old: Self.item(size: 100, x: true), new: Self.item(size: 100), table: Self.table)
        #expect(leaving.total == 3)
        let report = with.report(table: "t", mode: ReturnConsumedCapacity(rawValue: "INDEXES"))
        #expect(report?.capacityUnits == 3 && report?.table?.capacityUnits == 1)
        #expect(report?.globalSecondaryIndexes?["g"]?.capacityUnits == 1)
        #expect(with.report(table: "t", mode: nil) == nil)
        #expect(with.report(table: "t", mode: ReturnConsumedCapacity(rawValue: "NONE")) == nil)
    }

    @Test func operationsReportWhatTheySpent() async throws {
        var topology = Topology()
        topology.tables = [
            TableConfiguration(
                name: "items", partitionKey: .init(name: "pk", type: "S"), sortKey: .init(name: "sk", type: "S"))
        ]
        try await withHost(topology) { _, ports in
            func units(_ operation: String, _ body: String) async throws -> Any? {
                try await awsJSON(ports.aws, "DynamoDB_20120810.\(operation)", body)["ConsumedCapacity"]
            }
            let long = String(repeating: "a", count: 2000)
            let put = try await units(
                "PutItem",
                #"{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"v":{"S":"\#(long)"}},"ReturnConsumedCapacity":"TOTAL"}"#
            )
            #expect((put as? [String: Any])?["TableName"] as? String == "items")
            #expect((put as? [String: Any])?["CapacityUnits"] as? Double == 2)
            let get = try await units(
                "GetItem",
                #"{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"ReturnConsumedCapacity":"TOTAL"}"#)
            #expect((get as? [String: Any])?["CapacityUnits"] as? Double == 0.5)
            let query = try await units(
                "Query",
                #"{"TableName":"items","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"a"}},"ConsistentRead":true,"ReturnConsumedCapacity":"INDEXES"}"#
            )
            #expect(((query as? [String: Any])?["Table"] as? [String: Any])?["CapacityUnits"] as? Double == 1)
            let transaction = try await units(
                "TransactWriteItems",
                #"{"TransactItems":[{"Put":{"TableName":"items","Item":{"pk":{"S":"b"},"sk":{"S":"1"}}}}],"ReturnConsumedCapacity":"TOTAL"}"#
            )
            #expect(((transaction as? [[String: Any]])?.first)?["CapacityUnits"] as? Double == 2)
            // Not asked, not reported.
            #expect(
                try await units("GetItem", #"{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"S":"1"}}}"#) == nil)
        }
    }
}
