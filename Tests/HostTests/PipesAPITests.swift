import AWSShapes
import Foundation
import Testing

@testable import Host

/// EventBridge Pipes made and driven through the `/v1/pipes` API (with the real `aws` CLI where it matters).
@Suite struct PipesAPITests {
    static let topologyText = #"""
        {"tables":{"items":{"partitionKey":{"name":"id"},"stream":"NEW_IMAGE"}},
         "queues":{"seen":{}},
         "rules":{"fromPipes":{"pattern":{"source":[{"prefix":"Pipe "}, "orders"]},"targets":[{"queue":"seen"}]}}}
        """#

    struct Client {
        var endpoint: String

        func call(_ target: String, _ body: String) async throws -> JSONValue {
            let response = try await http(
                "POST", endpoint + "/",
                headers: [("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-1.0")],
                body: Array(body.utf8))
            guard response.status == 200 else { throw TestFailure("\(target): \(response.text)") }
            return try JSONValue(parsing: Data(response.body))
        }

        func pipes(_ method: String, _ path: String, _ body: String? = nil) async throws -> (
            status: Int, body: JSONValue, type: String?
        ) {
            let response = try await http(
                method, endpoint + "/v1/pipes" + path, headers: [("Content-Type", "application/json")],
                body: body.map { Array($0.utf8) })
            let type = response.headers.first { $0.0.lowercased() == "x-amzn-errortype" }?.1
            return (response.status, try JSONValue(parsing: Data(response.body)), type)
        }

        func cli(_ arguments: [String]) async throws -> JSONValue {
            let result = try await aws(["pipes"] + arguments + ["--endpoint-url", endpoint, "--output", "json"])
            guard result.status == 0 else { throw TestFailure("aws pipes \(arguments[0]): \(result.error)") }
            return try JSONValue(parsing: Data(result.output.utf8))
        }

        /// The bodies of the next messages on `seen`, as events.
        func seen(wait: Int = 10) async throws -> [JSONValue] {
            let received = try await call(
                "AmazonSQS.ReceiveMessage",
                #"{"QueueUrl":"\#(endpoint)/000000000000/seen","WaitTimeSeconds":\#(wait),"MaxNumberOfMessages":10}"#)
            var events: [JSONValue] = []
            for message in received["Messages"]?.arrayValue ?? [] {
                events.append(try JSONValue(parsing: Data((message["Body"]?.stringValue ?? "").utf8)))
                _ = try await call(
                    "AmazonSQS.DeleteMessage",
                    #"{"QueueUrl":"\#(endpoint)/000000000000/seen","ReceiptHandle":"\#(message["ReceiptHandle"]?.stringValue ?? "")"}"#
                )
            }
            return events
        }

        func put(_ id: String) async throws {
            _ = try await call("DynamoDB_20120810.PutItem", #"{"TableName":"items","Item":{"id":{"S":"\#(id)"}}}"#)
        }
    }

    @Test func theCLICreatesDescribesAndListsAPipeThatDeliversStopsStartsAndChanges() async throws {
        let topology = try Topology.decode(Data(Self.topologyText.utf8), baseDirectory: "/")
        try await withHost(topology) { _, ports in
            let client = Client(endpoint: "http://127.0.0.1:\(ports.aws)")
            let stream = try #require(
                try await client.call("DynamoDB_20120810.DescribeTable", #"{"TableName":"items"}"#)["Table"]?[
                    "LatestStreamArn"]?.stringValue)
            let bus = "arn:aws:events:us-east-1:000000000000:event-bus/default"
            let created = try await client.cli([
                "create-pipe", "--name", "p1", "--source", stream, "--target", bus, "--role-arn",
                "arn:aws:iam::000000000000:role/pipe",
                "--source-parameters",
                #"{"DynamoDBStreamParameters":{"StartingPosition":"TRIM_HORIZON","BatchSize":10},"FilterCriteria":{"Filters":[{"Pattern":"{\"eventName\":[\"INSERT\"]}"}]}}"#,
            ])
            #expect(created["CurrentState"]?.stringValue == "CREATING")
            #expect(created["Arn"]?.stringValue == "arn:aws:pipes:us-east-1:000000000000:pipe/p1")

            let described = try await client.cli(["describe-pipe", "--name", "p1"])
            #expect(described["CurrentState"]?.stringValue == "RUNNING")
            #expect(described["Source"]?.stringValue == stream)
            #expect(described["Target"]?.stringValue == bus)
            #expect(
                described["SourceParameters"]?["DynamoDBStreamParameters"]?["StartingPosition"]?.stringValue
                    == "TRIM_HORIZON")
            #expect(described["SourceParameters"]?["FilterCriteria"]?["Filters"]?.arrayValue?.count == 1)

            // Each record becomes one event shaped as AWS does it.
            try await client.put("a")
            let first = try await client.seen()
            #expect(first.count == 1)
            #expect(first.first?["source"]?.stringValue == "Pipe p1")
            #expect(first.first?["detail-type"]?.stringValue == "Event from aws:dynamodb")
            #expect(first.first?["detail"]?["eventName"]?.stringValue == "INSERT")
            #expect(first.first?["detail"]?["dynamodb"]?["NewImage"]?["id"]?["S"]?.stringValue == "a")
            #expect(first.first?["detail"]?["eventSourceARN"]?.stringValue == stream)

            // Stopped, it holds its place; started again, it goes on from there.
            let stopped = try await client.pipes("POST", "/p1/stop")
            #expect(stopped.body["CurrentState"]?.stringValue == "STOPPING")
            try await client.put("b")
            #expect(try await client.seen(wait: 1).isEmpty, "a stopped pipe moves nothing")
            _ = try await client.pipes("POST", "/p1/start")
            let resumed = try await client.seen()
            #expect(resumed.map { $0["detail"]?["dynamodb"]?["Keys"]?["id"]?["S"]?.stringValue } == ["b"])

            // An update takes effect on the next record: an input template and the bus parameters.
            let updated = try await client.pipes(
                "PUT", "/p1",
                #"{"RoleArn":"arn:aws:iam::000000000000:role/r","TargetParameters":{"InputTemplate":"{\"id\": <$.dynamodb.Keys.id.S>, \"pipe\": \"<aws.pipes.pipe-name>\", \"image\": <$.dynamodb.NewImage>}","EventBridgeEventBusParameters":{"DetailType":"ItemChanged","Source":"orders"}}}"#
            )
            #expect(updated.status == 200, "\(updated.body)")
            // UpdatePipe names the role again: botocore's model requires it, and so does the host.
            let roleless = try await client.pipes("PUT", "/p1", #"{"Description":"d"}"#)
            #expect(roleless.status == 400)
            #expect(
                roleless.body["message"]?.stringValue
                    == "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"
            )
            try await client.put("c")
            let shaped = try await client.seen()
            #expect(shaped.first?["detail-type"]?.stringValue == "ItemChanged")
            #expect(shaped.first?["source"]?.stringValue == "orders")
            #expect(
                shaped.first?["detail"]
                    == .object([
                        "id": .string("c"), "pipe": .string("p1"),
                        "image": .object(["id": .object(["S": .string("c")])]),
                    ]))

            let listed = try await client.cli(["list-pipes", "--name-prefix", "p"])
            #expect(listed["Pipes"]?.arrayValue?.map { $0["Name"]?.stringValue } == ["p1"])
            let deleted = try await client.pipes("DELETE", "/p1")
            #expect(deleted.body["CurrentState"]?.stringValue == "DELETING")
            let gone = try await client.pipes("GET", "/p1")
            #expect(gone.status == 404)
            #expect(gone.type == "NotFoundException")
        }
    }

    @Test func mistakesAreValidationErrorsAndConflicts() async throws {
        let topology = try Topology.decode(Data(Self.topologyText.utf8), baseDirectory: "/")
        try await withHost(topology) { host, ports in
            let client = Client(endpoint: "http://127.0.0.1:\(ports.aws)")
            let stream = try #require(
                try await client.call("DynamoDB_20120810.DescribeTable", #"{"TableName":"items"}"#)["Table"]?[
                    "LatestStreamArn"]?.stringValue)
            let good =
                #"{"Source":"\#(stream)","Target":"arn:aws:events:us-east-1:000000000000:event-bus/default","RoleArn":"arn:aws:iam::000000000000:role/r","SourceParameters":{"DynamoDBStreamParameters":{"StartingPosition":"LATEST"}}}"#
            #expect(try await client.pipes("POST", "/ok", good).status == 200)
            let again = try await client.pipes("POST", "/ok", good)
            #expect(again.status == 409)
            #expect(again.type == "ConflictException")

            let sqsSource = good.replacingOccurrences(of: stream, with: "arn:aws:sqs:us-east-1:000000000000:seen")
            let refused = try await client.pipes("POST", "/sqs", sqsSource)
            #expect(refused.status == 400)
            #expect(refused.type == "ValidationException")
            let notObject = good.replacingOccurrences(
                of: #""RoleArn""#, with: #""TargetParameters":{"InputTemplate":"plain <$.eventName>"},"RoleArn""#)
            #expect(try await client.pipes("POST", "/text", notObject).type == "ValidationException")
            #expect(try await client.pipes("POST", "/no-such/start").status == 404)
            #expect(host.pipes.runningPipes == ["ok"] || host.pipes.runningPipes.isEmpty)
        }
    }

    @Test func theBatchingWindowHoldsAPartialBatchUntilItPasses() async throws {
        let topology = try Topology.decode(Data(Self.topologyText.utf8), baseDirectory: "/")
        try await withHost(topology) { host, ports in
            let client = Client(endpoint: "http://127.0.0.1:\(ports.aws)")
            try await client.put("x")
            let table = try #require(try host.pipes.dynamoDB.table(named: "items"))
            let stream = try #require(table.streamARN(region: "us-east-1", account: "000000000000"))
            let now = Date()
            // A stopped pipe has no runner of its own: this one is driven by hand.
            let pipe = PipeDefinition(
                name: "windowed", desiredState: "STOPPED", source: stream, startingPosition: "TRIM_HORIZON",
                batchSize: 10, maximumBatchingWindowInSeconds: 5, filters: [],
                target: "arn:aws:events:us-east-1:000000000000:event-bus/default", roleArn: "r", tags: [:],
                creationTime: now.timeIntervalSince1970, lastModifiedTime: now.timeIntervalSince1970, declared: false)
            let runner = try PipeRunner(
                pipe: pipe, store: host.pipes.store, dynamoDB: host.pipes.dynamoDB, delivery: host.pipes.delivery,
                logger: .init(label: "test"))
            guard case .idle(let until?) = try runner.runOnce(now: now) else {
                Issue.record("one record of ten, inside the window: nothing goes out yet")
                return
            }
            // Five seconds after the record arrived (its ApproximateCreationDateTime), which is before `now`.
            #expect(until > now && until <= now.addingTimeInterval(5.1))
            #expect(try runner.runOnce(now: now.addingTimeInterval(6)) == .delivered)
            #expect(try await client.seen().count == 1)
        }
    }
}
