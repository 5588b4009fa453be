import AWSShapes
import Foundation
import Testing

@testable import DynamoDBExpressions
@testable import Host

/// The DynamoDB API through its JSON entry point, as a client's request body arrives.
@Suite struct DynamoDBAPITests {
    func makeAPI() throws -> DynamoDBAPI {
        DynamoDBAPI(store: try DynamoDBStoreTests.makeStore())
    }

    @discardableResult
    func call(_ api: DynamoDBAPI, _ operation: String, _ body: String, expect status: Int = 200) async throws
        -> [String: Any]
    {
        let target = operation.contains(".") ? operation : "DynamoDB_20120810.\(operation)"
        let result = await api.handle(target: target, body: Data(body.utf8))
        let text = String(decoding: result.body, as: UTF8.self)
        #expect(result.status == status, "\(operation): \(text)")
        return try JSONSerialization.jsonObject(with: result.body) as? [String: Any] ?? [:]
    }

    @Test func updateTableTurnsTheStreamOnAndOffAndBackfillsANewIndex() async throws {
        let api = try makeAPI()
        try await call(
            api, "CreateTable",
            #"{"TableName":"users","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}"#
        )
        try await call(api, "PutItem", #"{"TableName":"users","Item":{"id":{"S":"1"},"city":{"S":"Oslo"}}}"#)
        let enabled = try await call(
            api, "UpdateTable",
            #"{"TableName":"users","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}}"#)
        let description = enabled["TableDescription"] as? [String: Any] ?? [:]
        #expect((description["StreamSpecification"] as? [String: Any])?["StreamViewType"] as? String == "KEYS_ONLY")
        #expect(description["LatestStreamArn"] as? String != nil)
        try await call(
            api, "UpdateTable",
            #"{"TableName":"users","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}}"#,
            expect: 400)
        try await call(
            api, "UpdateTable",
            #"{"TableName":"users","AttributeDefinitions":[{"AttributeName":"city","AttributeType":"S"}],"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"byCity","KeySchema":[{"AttributeName":"city","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]}"#
        )
        let byCity = try await call(
            api, "Query",
            #"{"TableName":"users","IndexName":"byCity","KeyConditionExpression":"city = :c","ExpressionAttributeValues":{":c":{"S":"Oslo"}}}"#
        )
        #expect(byCity["Count"] as? Int == 1, "the new index holds the items already there")
        let disabled = try await call(
            api, "UpdateTable", #"{"TableName":"users","StreamSpecification":{"StreamEnabled":false}}"#)
        #expect((disabled["TableDescription"] as? [String: Any])?["StreamSpecification"] == nil)
    }

    @Test func timeToLiveIsDescribedAsSet() async throws {
        let api = try makeAPI()
        try await call(
            api, "CreateTable",
            #"{"TableName":"sessions","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}"#
        )
        let before = try await call(api, "DescribeTimeToLive", #"{"TableName":"sessions"}"#)
        #expect((before["TimeToLiveDescription"] as? [String: Any])?["TimeToLiveStatus"] as? String == "DISABLED")
        try await call(
            api, "UpdateTimeToLive",
            #"{"TableName":"sessions","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"expiresAt"}}"#)
        let after = try await call(api, "DescribeTimeToLive", #"{"TableName":"sessions"}"#)
        #expect((after["TimeToLiveDescription"] as? [String: Any])?["AttributeName"] as? String == "expiresAt")
    }

    @Test func errorsAreAWSShaped() async throws {
        let api = try makeAPI()
        let missing = try await call(api, "DescribeTable", #"{"TableName":"nope"}"#, expect: 400)
        #expect(missing["__type"] as? String == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException")
        #expect(missing["message"] as? String == "Requested resource not found: Table: nope not found")
        let garbage = try await call(api, "PutItem", "{not json", expect: 400)
        #expect(garbage["__type"] as? String == "com.amazon.coral.service#SerializationException")
        let unknown = try await call(api, "DynamoDB_20120810.Explode", "{}", expect: 400)
        #expect((unknown["__type"] as? String)?.hasSuffix("UnknownOperationException") == true)
        try await call(
            api, "CreateTable",
            #"{"TableName":"t1x","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}"#
        )
        let badKey = try await call(api, "GetItem", #"{"TableName":"t1x","Key":{"id":{"N":"1"}}}"#, expect: 400)
        #expect((badKey["message"] as? String)?.contains("Type mismatch for key id") == true)
        let extraKey = try await call(
            api, "GetItem", #"{"TableName":"t1x","Key":{"id":{"S":"1"},"x":{"S":"2"}}}"#, expect: 400)
        #expect(extraKey["message"] as? String == "The provided key element does not match the schema")
        let tooBig = String(repeating: "x", count: 400 * 1024)
        let large = try await call(
            api, "PutItem", #"{"TableName":"t1x","Item":{"id":{"S":"1"},"blob":{"S":"\#(tooBig)"}}}"#, expect: 400)
        #expect(large["message"] as? String == "Item size has exceeded the maximum allowed size")
        let emptyKey = try await call(api, "PutItem", #"{"TableName":"t1x","Item":{"id":{"S":""}}}"#, expect: 400)
        #expect((emptyKey["message"] as? String)?.contains("cannot contain an empty string value") == true)
        // A table name too short is a length failure, not a pattern one; a bad character is the pattern's.
        let schema =
            #""KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}]"#
        let short = try await call(api, "CreateTable", #"{"TableName":"t",\#(schema)}"#, expect: 400)
        #expect(
            short["message"] as? String
                == "1 validation error detected: Value 't' at 'tableName' failed to satisfy constraint: Member must "
                + "have length greater than or equal to 3")
        let both = try await call(api, "CreateTable", #"{"TableName":"a b",\#(schema)}"#, expect: 400)
        #expect(
            both["message"] as? String
                == "1 validation error detected: Value 'a b' at 'tableName' failed to satisfy constraint: Member must "
                + "satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
        // No BillingMode means PROVISIONED, which needs its throughput; on demand takes none.
        let unbilled = try await call(api, "CreateTable", #"{"TableName":"t2x",\#(schema)}"#, expect: 400)
        #expect(
            (unbilled["message"] as? String)?.hasSuffix("must both be specified when BillingMode is PROVISIONED")
                == true)
        _ = try await call(
            api, "CreateTable",
            #"{"TableName":"t2x",\#(schema),"BillingMode":"PAY_PER_REQUEST","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}"#,
            expect: 400)
        let provisioned = try await call(
            api, "CreateTable",
            #"{"TableName":"t2x",\#(schema),"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":7}}"#)
        let description = provisioned["TableDescription"] as? [String: Any]
        #expect((description?["BillingModeSummary"] as? [String: Any])?["BillingMode"] as? String == "PROVISIONED")
        #expect((description?["ProvisionedThroughput"] as? [String: Any])?["WriteCapacityUnits"] as? Int == 7)
        // DeleteTable describes the table without its schema, as DynamoDB does.
        let deleted = try await call(api, "DeleteTable", #"{"TableName":"t2x"}"#)
        let gone = try #require(deleted["TableDescription"] as? [String: Any])
        #expect(gone["TableStatus"] as? String == "DELETING")
        #expect(gone["KeySchema"] == nil && gone["CreationDateTime"] == nil && gone["TableArn"] != nil)
    }

    /// UpdateTable and UpdateTimeToLive refuse what DynamoDB refuses (Alternator's test_gsi_updatetable.py and
    /// test_ttl.py, run on DynamoDB); DescribeEndpoints names the host itself.
    @Test func tableUpdatesAreCheckedAsDynamoDBChecksThem() async throws {
        let api = try makeAPI()
        try await call(
            api, "CreateTable",
            #"{"TableName":"t3x","KeySchema":[{"AttributeName":"p","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"p","AttributeType":"S"},{"AttributeName":"x","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"byX","KeySchema":[{"AttributeName":"x","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]}"#
        )
        let nothing = try await call(api, "UpdateTable", #"{"TableName":"t3x"}"#, expect: 400)
        #expect((nothing["message"] as? String)?.hasPrefix("UpdateTable needs a change") == true)
        let emptyUpdate = try await call(
            api, "UpdateTable", #"{"TableName":"t3x","GlobalSecondaryIndexUpdates":[{}]}"#, expect: 400)
        #expect((emptyUpdate["message"] as? String)?.contains("GlobalSecondaryIndexUpdate") == true)
        let redefined = try await call(
            api, "UpdateTable",
            #"{"TableName":"t3x","AttributeDefinitions":[{"AttributeName":"x","AttributeType":"N"}],"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"byX2","KeySchema":[{"AttributeName":"x","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]}"#,
            expect: 400)
        #expect((redefined["message"] as? String)?.contains("Attributes cannot be redefined") == true)
        // Billing moves to provisioned with its throughput, and back.
        let provisioned = try await call(
            api, "UpdateTable",
            #"{"TableName":"t3x","BillingMode":"PROVISIONED","ProvisionedThroughput":{"ReadCapacityUnits":3,"WriteCapacityUnits":4}}"#
        )
        let summary = (provisioned["TableDescription"] as? [String: Any])?["BillingModeSummary"] as? [String: Any]
        #expect(summary?["BillingMode"] as? String == "PROVISIONED")
        try await call(
            api, "UpdateTimeToLive",
            #"{"TableName":"t3x","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"expires"}}"#)
        let otherAttribute = try await call(
            api, "UpdateTimeToLive",
            #"{"TableName":"t3x","TimeToLiveSpecification":{"Enabled":false,"AttributeName":"dog"}}"#, expect: 400)
        #expect((otherAttribute["message"] as? String)?.contains("different AttributeName") == true)
        // Deletion protection holds until it is turned off; members the host does not implement are refused by
        // name, not dropped.
        try await call(api, "UpdateTable", #"{"TableName":"t3x","DeletionProtectionEnabled":true}"#)
        let protected = try await call(api, "DeleteTable", #"{"TableName":"t3x"}"#, expect: 400)
        #expect((protected["message"] as? String)?.contains("protected against deletion") == true)
        let refused = try await call(
            api, "PutItem", #"{"TableName":"t3x","Item":{"p":{"S":"a"}},"ReturnItemCollectionMetrics":"SIZE"}"#,
            expect: 400)
        #expect(
            (refused["message"] as? String)?.hasPrefix(
                "The host does not implement ReturnItemCollectionMetrics=SIZE of PutItem") == true)
        try await call(api, "UpdateTable", #"{"TableName":"t3x","DeletionProtectionEnabled":false}"#)
        try await call(api, "DeleteTable", #"{"TableName":"t3x"}"#)
        let endpoints = try await call(api, "DescribeEndpoints", "{}")
        #expect(((endpoints["Endpoints"] as? [[String: Any]])?.first?["Address"] as? String)?.isEmpty == false)
    }

    @Test func transactionTokensMakeRetriesIdempotent() async throws {
        let api = try makeAPI()
        try await call(
            api, "CreateTable",
            #"{"TableName":"counts","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}"#
        )
        let increment =
            #"{"ClientRequestToken":"t-1","TransactItems":[{"Update":{"TableName":"counts","Key":{"id":{"S":"a"}},"UpdateExpression":"ADD n :one","ExpressionAttributeValues":{":one":{"N":"1"}}}}]}"#
        try await call(api, "TransactWriteItems", increment)
        try await call(api, "TransactWriteItems", increment)
        let item = try await call(api, "GetItem", #"{"TableName":"counts","Key":{"id":{"S":"a"}}}"#)
        #expect(
            (item["Item"] as? [String: Any])?["n"] as? [String: String] == ["N": "1"], "the retry did not apply twice")
        let other = increment.replacingOccurrences(of: ":one\":{\"N\":\"1\"}", with: ":one\":{\"N\":\"2\"}")
        let mismatch = try await call(api, "TransactWriteItems", other, expect: 400)
        #expect((mismatch["__type"] as? String)?.hasSuffix("IdempotentParameterMismatchException") == true)
    }
}
