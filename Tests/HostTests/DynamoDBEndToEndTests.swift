import Foundation
import Host
import Testing

/// The host's DynamoDB driven as users drive it: the real `aws` CLI, and a host process killed with SIGKILL.
@Suite struct DynamoDBEndToEndTests {
    func json(_ result: CommandResult) throws -> [String: Any] {
        guard result.status == 0 else {
            throw TestFailure("aws failed (\(result.status)): \(result.error) \(result.output)")
        }
        // The CLI prints nothing for an empty response (`{}`), as for a GetItem that finds no item.
        if result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [:] }
        return try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] ?? [:]
    }

    @Test func awsCLIDrivesTablesItemsTransactionsAndStreams() async throws {
        let topology = Topology(functions: [])
        try await withHost(topology) { _, ports in
            let endpoint = ["--endpoint-url", "http://127.0.0.1:\(ports.aws)", "--output", "json"]
            func ddb(_ arguments: [String]) async throws -> CommandResult {
                try await aws(["dynamodb"] + arguments + endpoint)
            }

            let created = try json(
                await ddb([
                    "create-table", "--table-name", "events",
                    "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=S",
                    "AttributeName=gsi1pk,AttributeType=S", "AttributeName=gsi1sk,AttributeType=S",
                    "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
                    "--billing-mode", "PAY_PER_REQUEST",
                    "--stream-specification", "StreamEnabled=true,StreamViewType=NEW_IMAGE",
                    "--global-secondary-indexes",
                    "IndexName=gsi1pk-gsi1sk-index,KeySchema=[{AttributeName=gsi1pk,KeyType=HASH},{AttributeName=gsi1sk,KeyType=RANGE}],Projection={ProjectionType=ALL}",
                ]))
            let description = created["TableDescription"] as? [String: Any] ?? [:]
            #expect(description["TableStatus"] as? String == "ACTIVE")
            let streamARN = try #require(description["LatestStreamArn"] as? String)
            #expect(streamARN.hasPrefix("arn:aws:dynamodb:us-east-1:000000000000:table/events/stream/"))

            let duplicate = try await ddb([
                "create-table", "--table-name", "events", "--attribute-definitions", "AttributeName=pk,AttributeType=S",
                "--key-schema", "AttributeName=pk,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST",
            ])
            #expect(duplicate.error.contains("ResourceInUseException"))

            let item =
                #"{"pk":{"S":"INVENTORY#SKU#S1"},"sk":{"S":"SKU#S1"},"units":{"N":"5"},"gsi1pk":{"S":"INVENTORY#SKU"},"gsi1sk":{"S":"CREATED_AT#2026"}}"#
            let condition = "attribute_not_exists(pk) AND attribute_not_exists(sk)"
            #expect(
                try await ddb([
                    "put-item", "--table-name", "events", "--item", item, "--condition-expression", condition,
                ]).status == 0)
            let again = try await ddb([
                "put-item", "--table-name", "events", "--item", item, "--condition-expression", condition,
                "--return-values-on-condition-check-failure", "ALL_OLD",
            ])
            #expect(again.status != 0)
            #expect(again.error.contains("ConditionalCheckFailedException"))

            let key = #"{"pk":{"S":"INVENTORY#SKU#S1"},"sk":{"S":"SKU#S1"}}"#
            let updated = try json(
                await ddb([
                    "update-item", "--table-name", "events", "--key", key,
                    "--update-expression", "SET units = units - :units, updatedAt = :now",
                    "--condition-expression", "attribute_exists(pk) AND attribute_exists(sk) and units >= :units",
                    "--expression-attribute-values", #"{":units":{"N":"2"},":now":{"S":"2026-11-21"}}"#,
                    "--return-values", "ALL_NEW",
                ]))
            #expect((updated["Attributes"] as? [String: Any])?["units"] as? [String: String] == ["N": "3"])

            let queried = try json(
                await ddb([
                    "query", "--table-name", "events", "--index-name", "gsi1pk-gsi1sk-index",
                    "--key-condition-expression", "gsi1pk = :p", "--expression-attribute-values",
                    #"{":p":{"S":"INVENTORY#SKU"}}"#,
                ]))
            #expect(queried["Count"] as? Int == 1)

            let canceled = try await ddb([
                "transact-write-items", "--transact-items",
                #"[{"Put":{"TableName":"events","Item":{"pk":{"S":"B"},"sk":{"S":"1"}}}},{"Update":{"TableName":"events","Key":\#(key),"UpdateExpression":"SET units = units - :u","ConditionExpression":"units >= :u","ExpressionAttributeValues":{":u":{"N":"10"}}}}]"#,
            ])
            #expect(canceled.status != 0)
            #expect(canceled.error.contains("TransactionCanceledException"))
            #expect(canceled.error.contains("[None, ConditionalCheckFailed]"))
            let missing = try json(
                await ddb(["get-item", "--table-name", "events", "--key", #"{"pk":{"S":"B"},"sk":{"S":"1"}}"#]))
            #expect(missing["Item"] == nil, "a canceled transaction writes nothing")

            let shards = try json(
                await aws(["dynamodbstreams", "describe-stream", "--stream-arn", streamARN] + endpoint))
            let shard = try #require(
                ((shards["StreamDescription"] as? [String: Any])?["Shards"] as? [[String: Any]])?.first?["ShardId"]
                    as? String)
            let iterator = try json(
                await aws(
                    [
                        "dynamodbstreams", "get-shard-iterator", "--stream-arn", streamARN, "--shard-id", shard,
                        "--shard-iterator-type", "TRIM_HORIZON",
                    ] + endpoint))
            let records = try json(
                await aws(
                    ["dynamodbstreams", "get-records", "--shard-iterator", iterator["ShardIterator"] as? String ?? ""]
                        + endpoint))
            let events = (records["Records"] as? [[String: Any]] ?? []).map { $0["eventName"] as? String ?? "" }
            #expect(
                events == ["INSERT", "MODIFY"], "one record per changing write; the failed put and transaction add none"
            )
        }
    }

    @Test func hostKilledWithSIGKILLKeepsTablesItemsAndStreamPositions() async throws {
        let directory = NSTemporaryDirectory() + "kill-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let topologyPath = "\(directory)/topology.json"
        try
            #"{"tables":{"orders":{"partitionKey":{"name":"pk"},"sortKey":{"name":"sk"},"stream":"NEW_AND_OLD_IMAGES"}}}"#
            .write(toFile: topologyPath, atomically: true, encoding: .utf8)
        let port = Int.random(in: 30_000..<40_000)

        func startHost() async throws -> SpawnedProcess {
            let process = try SpawnedProcess(
                try builtProduct("host"),
                [
                    "--topology", topologyPath, "--aws-port", "\(port)", "--api-port", "\(port + 1)", "--data-dir",
                    "\(directory)/data", "--log-level", "error",
                ])
            for _ in 0..<300 {
                if (try? await http("GET", "http://127.0.0.1:\(port)/_host/health"))?.status == 200 { return process }
                try await Task.sleep(for: .milliseconds(20))
            }
            throw TestFailure("the host did not become ready")
        }
        func call(_ target: String, _ body: String) async throws -> [String: Any] {
            let response = try await http(
                "POST", "http://127.0.0.1:\(port)/",
                headers: [("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-1.0")],
                body: Array(body.utf8))
            return try response.json()
        }

        var host = try await startHost()
        for id in 1...3 {
            _ = try await call(
                "DynamoDB_20120810.PutItem", #"{"TableName":"orders","Item":{"pk":{"S":"O\#(id)"},"sk":{"S":"O"}}}"#)
        }
        let described = try await call("DynamoDB_20120810.DescribeTable", #"{"TableName":"orders"}"#)
        let streamARN = try #require((described["Table"] as? [String: Any])?["LatestStreamArn"] as? String)
        let iterator = try await call(
            "DynamoDBStreams_20120810.GetShardIterator",
            #"{"StreamArn":"\#(streamARN)","ShardId":"shardId-00000000000000000000-00000001","ShardIteratorType":"TRIM_HORIZON"}"#
        )
        let firstRead = try await call(
            "DynamoDBStreams_20120810.GetRecords",
            #"{"ShardIterator":"\#(iterator["ShardIterator"] as? String ?? "")","Limit":2}"#)
        #expect((firstRead["Records"] as? [Any])?.count == 2)
        let position = try #require(firstRead["NextShardIterator"] as? String)

        host.stop(signal: SIGKILL)
        host = try await startHost()
        defer { host.stopInBackground() }
        let items = try await call("DynamoDB_20120810.Scan", #"{"TableName":"orders"}"#)
        #expect(items["Count"] as? Int == 3)
        // The iterator taken before the kill resumes exactly after the records already read.
        let rest = try await call("DynamoDBStreams_20120810.GetRecords", #"{"ShardIterator":"\#(position)"}"#)
        let keys = (rest["Records"] as? [[String: Any]] ?? []).compactMap {
            (($0["dynamodb"] as? [String: Any])?["Keys"] as? [String: Any])?["pk"] as? [String: String]
        }
        #expect(keys == [["S": "O3"]])
    }

    @Test func boto3AnswersMatchMotoExceptWhereMotoDepartsFromAWS() async throws {
        try await withHost(Topology()) { _, ports in
            var environment = ProcessInfo.processInfo.environment
            environment["HOST_ENDPOINT"] = "http://127.0.0.1:\(ports.aws)"
            environment["AWS_ACCESS_KEY_ID"] = "test"
            environment["AWS_SECRET_ACCESS_KEY"] = "test"
            let script = packageRoot().appendingPathComponent("Tests/python/dynamodb_differential.py").path
            let result = try await run("/usr/bin/env", ["python3", script], environment: environment)
            #expect(result.status == 0, "\(result.output)\n\(result.error)")
            #expect(result.output.contains(" passed, 0 failed"), "\(result.output)")
        }
    }
}
