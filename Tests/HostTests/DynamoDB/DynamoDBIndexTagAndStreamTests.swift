import Foundation
import Testing

@testable import Host

/// Local secondary indexes, table tags and the paging of DescribeStream, through the AWS endpoint as an SDK calls
/// them (the behaviours scylladb's Alternator tests check against DynamoDB: test_lsi.py, test_tag.py,
/// test_streams.py).
@Suite struct DynamoDBIndexTagAndStreamTests {
    static let topology: Topology = {
        var topology = Topology()
        var table = TableConfiguration(
            name: "scores", partitionKey: .init(name: "player", type: "S"), sortKey: .init(name: "game", type: "S"),
            stream: "KEYS_ONLY")
        table.localSecondaryIndexes = [
            .init(
                name: "by-points", partitionKey: table.partitionKey, sortKey: .init(name: "points", type: "N"),
                projection: "KEYS_ONLY")
        ]
        topology.tables = [table]
        return topology
    }()

    struct Client {
        let port: Int

        func call(_ operation: String, _ body: String, streams: Bool = false) async throws -> [String: Any] {
            try await awsJSON(port, "\(streams ? "DynamoDBStreams_20120810" : "DynamoDB_20120810").\(operation)", body)
        }

        /// TagResource or UntagResource: 200 with no body at all, as DynamoDB answers them.
        func tag(_ operation: String, _ body: String) async throws {
            let answer = try await awsJSONResponse(port, "DynamoDB_20120810.\(operation)", body)
            #expect(answer.status == 200)
            #expect(answer.text.isEmpty)
        }

        /// The error's type (without its namespace) and message.
        func failure(_ operation: String, _ body: String, streams: Bool = false) async throws -> (String, String) {
            let answer = try await awsJSONResponse(
                port, "\(streams ? "DynamoDBStreams_20120810" : "DynamoDB_20120810").\(operation)", body)
            let json = try answer.json()
            return (
                (json["__type"] as? String ?? "").components(separatedBy: "#").last ?? "",
                json["message"] as? String ?? ""
            )
        }
    }

    @Test func aLocalIndexSortsAPartitionByAnotherKeyReadsConsistentlyAndFetchesWhatItDoesNotProject() async throws {
        try await withHost(Self.topology) { _, ports in
            let client = Client(port: ports.aws)
            for (game, points, note) in [("g1", "30", "close"), ("g2", "10", "easy"), ("g3", "20", "long")] {
                _ = try await client.call(
                    "PutItem",
                    #"{"TableName":"scores","Item":{"player":{"S":"ann"},"game":{"S":"\#(game)"},"points":{"N":"\#(points)"},"note":{"S":"\#(note)"}}}"#
                )
            }
            // An item without the index's sort key is not in the index.
            _ = try await client.call(
                "PutItem", #"{"TableName":"scores","Item":{"player":{"S":"ann"},"game":{"S":"g4"}}}"#)
            let query =
                #""TableName":"scores","IndexName":"by-points","KeyConditionExpression":"player = :p","ExpressionAttributeValues":{":p":{"S":"ann"}},"ConsistentRead":true"#
            // KEYS_ONLY: the table's keys and the index's, in the index's order.
            let projected = try await client.call("Query", "{\(query)}")
            let items = try #require(projected["Items"] as? [[String: [String: String]]])
            #expect(items.map { $0["game"]?["S"] } == ["g2", "g3", "g1"])
            #expect(items.allSatisfy { Set($0.keys) == ["player", "game", "points"] })
            // Select=ALL_ATTRIBUTES (refused on a global index that projects less) and a projection of an attribute
            // the index does not hold both fetch from the table; so does a filter on it.
            let all = try await client.call("Query", #"{\#(query),"Select":"ALL_ATTRIBUTES"}"#)
            #expect((all["Items"] as? [[String: Any]])?.first?["note"] as? [String: String] == ["S": "easy"])
            let filtered = try await client.call(
                "Query",
                #"{"TableName":"scores","IndexName":"by-points","KeyConditionExpression":"player = :p","FilterExpression":"note = :n","ProjectionExpression":"note","ExpressionAttributeValues":{":p":{"S":"ann"},":n":{"S":"long"}}}"#
            )
            #expect(NSArray(array: filtered["Items"] as? [Any] ?? []).isEqual(to: [["note": ["S": "long"]]]))
            // The index's sort key must have its declared type, and may not be empty.
            let mistyped = try await client.failure(
                "PutItem", #"{"TableName":"scores","Item":{"player":{"S":"bob"},"game":{"S":"g1"},"points":{"S":"x"}}}"#
            )
            #expect(mistyped.0 == "ValidationException")
            #expect(mistyped.1.contains("Type mismatch for Index Key points"))
            let described = try await client.call("DescribeTable", #"{"TableName":"scores"}"#)
            let table = try #require(described["Table"] as? [String: Any])
            let local = try #require((table["LocalSecondaryIndexes"] as? [[String: Any]])?.first)
            #expect(local["IndexName"] as? String == "by-points")
            #expect(local["IndexStatus"] == nil)
            #expect(local["IndexArn"] as? String == "\(table["TableArn"] as? String ?? "")/index/by-points")
            #expect(table["GlobalSecondaryIndexes"] == nil)
        }
    }

    @Test func localIndexesAreRefusedWhereDynamoDBRefusesThem() async throws {
        try await withHost(Topology()) { _, ports in
            let client = Client(port: ports.aws)
            func create(keys: String, definitions: String, indexes: String) async throws -> String {
                let (type, message) = try await client.failure(
                    "CreateTable",
                    #"{"TableName":"t1x","BillingMode":"PAY_PER_REQUEST","KeySchema":\#(keys),"AttributeDefinitions":\#(definitions),"LocalSecondaryIndexes":\#(indexes)}"#
                )
                #expect(type == "ValidationException")
                return message
            }
            let withSort = #"[{"AttributeName":"p","KeyType":"HASH"},{"AttributeName":"c","KeyType":"RANGE"}]"#
            let definitions =
                #"[{"AttributeName":"p","AttributeType":"S"},{"AttributeName":"c","AttributeType":"S"},{"AttributeName":"b","AttributeType":"S"}]"#
            func index(_ schema: String) -> String {
                #"[{"IndexName":"hello","KeySchema":\#(schema),"Projection":{"ProjectionType":"ALL"}}]"#
            }
            #expect(
                try await create(
                    keys: withSort, definitions: definitions,
                    indexes: index(#"[{"AttributeName":"b","KeyType":"HASH"},{"AttributeName":"p","KeyType":"RANGE"}]"#)
                ).contains("same leading hash key"))
            #expect(
                try await create(
                    keys: withSort, definitions: definitions,
                    indexes: index(#"[{"AttributeName":"p","KeyType":"HASH"},{"AttributeName":"p","KeyType":"RANGE"}]"#)
                ).contains("same name"))
            #expect(
                try await create(
                    keys: withSort, definitions: definitions,
                    indexes: index(#"[{"AttributeName":"p","KeyType":"HASH"}]"#)
                ).contains("does not have a range key"))
            #expect(
                try await create(
                    keys: #"[{"AttributeName":"p","KeyType":"HASH"}]"#,
                    definitions:
                        #"[{"AttributeName":"p","AttributeType":"S"},{"AttributeName":"b","AttributeType":"S"}]"#,
                    indexes: index(#"[{"AttributeName":"p","KeyType":"HASH"},{"AttributeName":"b","KeyType":"RANGE"}]"#)
                ).contains("Table KeySchema does not have a range key"))
            let tables = try await client.call("ListTables", "{}")
            #expect((tables["TableNames"] as? [String])?.isEmpty == true)
        }
    }

    @Test func tagsAreKeptPerTableAndCheckedAsAWSChecksThem() async throws {
        try await withHost(Self.topology) { _, ports in
            let client = Client(port: ports.aws)
            let arn = try #require(
                (try await client.call("DescribeTable", #"{"TableName":"scores"}"#)["Table"] as? [String: Any])?[
                    "TableArn"] as? String)
            func tags() async throws -> [String: String] {
                let listed = try await client.call("ListTagsOfResource", #"{"ResourceArn":"\#(arn)"}"#)
                let tags = try #require(listed["Tags"] as? [[String: String]])
                return Dictionary(tags.map { ($0["Key"] ?? "", $0["Value"] ?? "") }, uniquingKeysWith: { a, _ in a })
            }
            #expect(try await tags() == [:])
            try await client.tag(
                "TagResource",
                #"{"ResourceArn":"\#(arn)","Tags":[{"Key":"team","Value":"games"},{"Key":"tier","Value":""},{"Key":"x","Value":"1"}]}"#
            )
            try await client.tag(
                "TagResource", #"{"ResourceArn":"\#(arn)","Tags":[{"Key":"team","Value":"scores"}]}"#)
            // Removing a key the table does not have is no error.
            try await client.tag("UntagResource", #"{"ResourceArn":"\#(arn)","TagKeys":["x","never"]}"#)
            #expect(try await tags() == ["team": "scores", "tier": ""])
            for (body, type) in [
                (#"{"ResourceArn":"scores","Tags":[{"Key":"a","Value":"b"}]}"#, "ValidationException"),
                (#"{"ResourceArn":"\#(arn)/index/by-points","Tags":[{"Key":"a","Value":"b"}]}"#, "ValidationException"),
                (#"{"ResourceArn":"\#(arn)x","Tags":[{"Key":"a","Value":"b"}]}"#, "ResourceNotFoundException"),
                (#"{"ResourceArn":"\#(arn)","Tags":[]}"#, "ValidationException"),
                (#"{"ResourceArn":"\#(arn)","Tags":[{"Key":"","Value":"b"}]}"#, "ValidationException"),
                (#"{"ResourceArn":"\#(arn)","Tags":[{"Key":"a"}]}"#, "ValidationException"),
                (#"{"ResourceArn":"\#(arn)","Tags":[{"Key":"hi!","Value":"b"}]}"#, "ValidationException"),
                (#"{"ResourceArn":"\#(arn)","Tags":[{"Key":"aws:x","Value":"b"}]}"#, "ValidationException"),
                (
                    #"{"ResourceArn":"\#(arn)","Tags":[{"Key":"a","Value":"\#(String(repeating: "v", count: 257))"}]}"#,
                    "ValidationException"
                ),
            ] {
                #expect(try await client.failure("TagResource", body).0 == type, "\(body.prefix(80))")
            }
            // At most 50 tags: 48 more make 50, one more is refused and changes nothing.
            let many = (0..<48).map { #"{"Key":"k\#($0)","Value":"v"}"# }.joined(separator: ",")
            try await client.tag("TagResource", #"{"ResourceArn":"\#(arn)","Tags":[\#(many)]}"#)
            #expect(
                try await client.failure(
                    "TagResource", #"{"ResourceArn":"\#(arn)","Tags":[{"Key":"one","Value":"more"}]}"#
                )
                .0 == "ValidationException")
            #expect(try await tags().count == 50)
            // Tags given at creation are listed.
            _ = try await client.call(
                "CreateTable",
                #"{"TableName":"tagged","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"p","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"p","AttributeType":"S"}],"Tags":[{"Key":"from","Value":"creation"}]}"#
            )
            let listed = try await client.call(
                "ListTagsOfResource", #"{"ResourceArn":"\#(arn.replacingOccurrences(of: "/scores", with: "/tagged"))"}"#
            )
            #expect(NSArray(array: listed["Tags"] as? [Any] ?? []).isEqual(to: [["Key": "from", "Value": "creation"]]))
        }
    }

    @Test func describeStreamPagesItsShardsAndTellsMalformedFromMissing() async throws {
        try await withHost(Self.topology) { _, ports in
            let client = Client(port: ports.aws)
            let streams = try await client.call("ListStreams", #"{"TableName":"scores"}"#, streams: true)
            let arn = try #require((streams["Streams"] as? [[String: Any]])?.first?["StreamArn"] as? String)
            func shards(_ extra: String) async throws -> [String] {
                let described = try await client.call(
                    "DescribeStream", #"{"StreamArn":"\#(arn)"\#(extra)}"#, streams: true)
                let description = try #require(described["StreamDescription"] as? [String: Any])
                return (description["Shards"] as? [[String: Any]] ?? []).compactMap { $0["ShardId"] as? String }
            }
            let all = try await shards(#","Limit":10"#)
            #expect(all.count == 1)
            let shard = try #require(all.first)
            #expect(try await shards(#","ExclusiveStartShardId":"\#(shard)""#).isEmpty)
            #expect(try await shards(#","ExclusiveStartShardId":"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz""#).isEmpty)
            #expect(try await shards(#","ShardFilter":{"Type":"CHILD_SHARDS","ShardId":"\#(shard)"}"#).isEmpty)
            for (body, type) in [
                (#"{"StreamArn":"\#(arn)","ShardFilter":{"ShardId":"\#(shard)"}}"#, "ValidationException"),
                (#"{"StreamArn":"\#(arn)","ShardFilter":{"Type":"CHILD_SHARDS"}}"#, "ValidationException"),
                (#"{"StreamArn":"not-an-arn-at-all-but-long-enough-for-the-model"}"#, "ValidationException"),
                (
                    #"{"StreamArn":"\#(arn.replacingOccurrences(of: "/scores/", with: "/nothere/"))"}"#,
                    "ResourceNotFoundException"
                ),
            ] {
                #expect(try await client.failure("DescribeStream", body, streams: true).0 == type, "\(body.prefix(90))")
            }
            // Disabled, the stream stays listed and readable: DISABLED, its view type kept, its shard closed at its
            // last record; read to the end, the shard gives no next iterator. Enabled again, a new stream starts.
            _ = try await client.call(
                "PutItem", #"{"TableName":"scores","Item":{"player":{"S":"cy"},"game":{"S":"g1"}}}"#)
            _ = try await client.call(
                "UpdateTable", #"{"TableName":"scores","StreamSpecification":{"StreamEnabled":false}}"#)
            _ = try await client.call(
                "UpdateTable",
                #"{"TableName":"scores","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}}"#)
            let old = try #require(
                try await client.call("DescribeStream", #"{"StreamArn":"\#(arn)"}"#, streams: true)[
                    "StreamDescription"] as? [String: Any])
            #expect(old["StreamStatus"] as? String == "DISABLED")
            #expect(old["StreamViewType"] as? String == "KEYS_ONLY")
            let range = (old["Shards"] as? [[String: Any]])?.first?["SequenceNumberRange"] as? [String: String]
            #expect(range?["EndingSequenceNumber"] != nil)
            #expect(range?["EndingSequenceNumber"] == range?["StartingSequenceNumber"])
            let iterator = try #require(
                try await client.call(
                    "GetShardIterator",
                    #"{"StreamArn":"\#(arn)","ShardId":"\#(shard)","ShardIteratorType":"TRIM_HORIZON"}"#, streams: true)[
                        "ShardIterator"] as? String)
            let read = try await client.call("GetRecords", #"{"ShardIterator":"\#(iterator)"}"#, streams: true)
            #expect((read["Records"] as? [Any])?.count == 1)
            #expect(read["NextShardIterator"] == nil)
            let listed = try await client.call("ListStreams", #"{"TableName":"scores"}"#, streams: true)
            #expect((listed["Streams"] as? [[String: Any]])?.compactMap { $0["StreamArn"] as? String }.first == arn)
            #expect((listed["Streams"] as? [Any])?.count == 2)
            // LATEST and TRIM_HORIZON take no sequence number.
            #expect(
                try await client.failure(
                    "GetShardIterator",
                    #"{"StreamArn":"\#(arn)","ShardId":"\#(shard)","ShardIteratorType":"LATEST","SequenceNumber":"100000000000000000001"}"#,
                    streams: true
                ).0 == "ValidationException")
        }
    }
}
