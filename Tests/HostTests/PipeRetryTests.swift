import AWSShapes
import Foundation
import Testing

@testable import Host

/// A pipe's retry policy (`DynamoDBStreamParameters`): a batch the bus refuses is retried, then discarded to the
/// dead-letter queue with the checkpoint moving past it, and its attempts survive a restart.
@Suite struct PipeRetryTests {
    static let topologyText = #"""
        {"tables":{"items":{"partitionKey":{"name":"id"},"stream":"NEW_IMAGE"}},
         "queues":{"seen":{},"pipe-dlq":{}},
         "rules":{"fromPipes":{"pattern":{"source":[{"prefix":"Pipe "}]},"targets":[{"queue":"seen"}]}}}
        """#
    static let dlqARN = "arn:aws:sqs:us-east-1:000000000000:pipe-dlq"
    /// An item whose `ts` the pipe's `Time` path reads: a number of seconds past year 9999, which PutEvents refuses.
    static let poison = #"{"TableName":"items","Item":{"id":{"S":"bad"},"ts":{"S":"99999999999999"}}}"#

    /// The next message of a queue, as JSON, long-polling.
    func receive(_ client: PipesAPITests.Client, _ queue: String, wait: Int = 10) async throws -> JSONValue? {
        let received = try await client.call(
            "AmazonSQS.ReceiveMessage",
            #"{"QueueUrl":"\#(client.endpoint)/000000000000/\#(queue)","WaitTimeSeconds":\#(wait)}"#)
        guard let body = received["Messages"]?[0]?["Body"]?.stringValue else { return nil }
        return try JSONValue(parsing: Data(body.utf8))
    }

    @Test func aRecordTheBusRefusesIsRetriedThenGoesToTheDeadLetterQueueAndTheNextOneIsDelivered() async throws {
        let topology = try Topology.decode(Data(Self.topologyText.utf8), baseDirectory: "/")
        try await withHost(topology) { host, ports in
            let client = PipesAPITests.Client(endpoint: "http://127.0.0.1:\(ports.aws)")
            let stream = try await poisonedPipe(client, name: "poison", retries: 2) { try await client.put("good") }

            // The poison record: tried once and retried twice, then described (not carried) in the DLQ.
            let dead = try #require(try await receive(client, "pipe-dlq"))
            #expect(
                dead["requestContext"]?["functionArn"]?.stringValue
                    == "arn:aws:pipes:us-east-1:000000000000:pipe/poison")
            #expect(dead["requestContext"]?["condition"]?.stringValue == "RetryAttemptsExhausted")
            #expect(dead["requestContext"]?["approximateInvokeCount"] == .number(3))
            #expect(dead["responseContext"]?["functionError"]?.stringValue == "InvalidArgument")
            let info = dead["DDBStreamBatchInfo"]
            #expect(info?["batchSize"] == .number(1))
            #expect(info?["streamArn"]?.stringValue == stream)
            let records =
                try await client.call(
                    "DynamoDBStreams_20120810.GetRecords",
                    #"{"ShardIterator":"\#(try await iterator(client, stream))"}"#)["Records"]?.arrayValue ?? []
            #expect(info?["startSequenceNumber"] == records.first?["dynamodb"]?["SequenceNumber"])
            #expect(info?["endSequenceNumber"] == records.first?["dynamodb"]?["SequenceNumber"])

            // The record after it is no longer blocked.
            let seen = try await client.seen()
            #expect(seen.map { $0["detail"]?["dynamodb"]?["Keys"]?["id"]?["S"]?.stringValue } == ["good"])
            #expect(try host.pipes.store.checkpoint("poison")?.attempts == 0)
            #expect(try await receive(client, "pipe-dlq", wait: 0) == nil, "one message per discarded batch")
        }
    }

    /// Puts the poison record (and what `more` writes) on the stream, then makes a pipe from the stream's start with
    /// `retries` and the dead-letter queue; returns the stream's ARN.
    func poisonedPipe(
        _ client: PipesAPITests.Client, name: String, retries: Int, then more: () async throws -> Void = {}
    ) async throws -> String {
        let stream = try #require(
            try await client.call("DynamoDB_20120810.DescribeTable", #"{"TableName":"items"}"#)["Table"]?[
                "LatestStreamArn"]?.stringValue)
        _ = try await client.call("DynamoDB_20120810.PutItem", Self.poison)
        try await more()
        let created = try await client.pipes(
            "POST", "/" + name,
            #"{"Source":"\#(stream)","Target":"arn:aws:events:us-east-1:000000000000:event-bus/default","RoleArn":"arn:aws:iam::000000000000:role/r","SourceParameters":{"DynamoDBStreamParameters":{"StartingPosition":"TRIM_HORIZON","BatchSize":1,"MaximumRetryAttempts":\#(retries),"DeadLetterConfig":{"Arn":"\#(Self.dlqARN)"}}},"TargetParameters":{"EventBridgeEventBusParameters":{"Time":"$.dynamodb.NewImage.ts.S"}}}"#
        )
        #expect(created.status == 200, "\(created.body)")
        return stream
    }

    /// A TRIM_HORIZON iterator of the stream's one shard.
    func iterator(_ client: PipesAPITests.Client, _ stream: String) async throws -> String {
        let described = try await client.call(
            "DynamoDBStreams_20120810.DescribeStream", #"{"StreamArn":"\#(stream)"}"#)
        let shard = try #require(described["StreamDescription"]?["Shards"]?[0]?["ShardId"]?.stringValue)
        return try #require(
            try await client.call(
                "DynamoDBStreams_20120810.GetShardIterator",
                #"{"StreamArn":"\#(stream)","ShardId":"\#(shard)","ShardIteratorType":"TRIM_HORIZON"}"#)[
                    "ShardIterator"]?.stringValue)
    }

    /// A stopped pipe (no runner of its own) with the retry settings, driven by hand.
    func pipe(_ host: HostRuntime, name: String, retries: Int = -1, maximumAge: Int? = nil) throws -> PipeRunner {
        let table = try #require(try host.pipes.dynamoDB.table(named: "items"))
        let stream = try #require(table.streamARN(region: "us-east-1", account: "000000000000"))
        let now = Date().timeIntervalSince1970
        let pipe = PipeDefinition(
            name: name, desiredState: "STOPPED", source: stream, startingPosition: "TRIM_HORIZON", batchSize: 10,
            maximumBatchingWindowInSeconds: 0, filters: [], maximumRetryAttempts: retries,
            maximumRecordAgeInSeconds: maximumAge, deadLetterArn: Self.dlqARN,
            target: "arn:aws:events:us-east-1:000000000000:event-bus/default", time: "$.dynamodb.NewImage.ts.S",
            roleArn: "r", tags: [:], creationTime: now, lastModifiedTime: now, declared: false)
        return try PipeRunner(
            pipe: pipe, store: host.pipes.store, dynamoDB: host.pipes.dynamoDB, delivery: host.pipes.delivery,
            logger: .init(label: "test"))
    }

    @Test func theAttemptsAreKeptWithTheCheckpointAcrossARestart() async throws {
        let topology = try Topology.decode(Data(Self.topologyText.utf8), baseDirectory: "/")
        let configuration = testConfiguration()
        try await withHost(topology, configuration: configuration) { host, ports in
            let client = PipesAPITests.Client(endpoint: "http://127.0.0.1:\(ports.aws)")
            _ = try await client.call("DynamoDB_20120810.PutItem", Self.poison)
            let runner = try pipe(host, name: "restarted", retries: 2)
            guard case .retry = try runner.runOnce() else {
                Issue.record("the bus refuses the record: the batch waits for a retry")
                return
            }
            #expect(try runner.runOnce() != .delivered)
            #expect(try host.pipes.store.checkpoint("restarted")?.attempts == 2)
            #expect(try await client.seen(wait: 0).isEmpty, "a refused batch leaves no event behind")
        }
        // The same data directory, a new host: the third failure is the last one MaximumRetryAttempts 2 allows.
        try await withHost(topology, configuration: configuration) { host, ports in
            let client = PipesAPITests.Client(endpoint: "http://127.0.0.1:\(ports.aws)")
            let runner = try pipe(host, name: "restarted", retries: 2)
            #expect(try runner.runOnce() == .delivered)
            let dead = try #require(try await receive(client, "pipe-dlq"))
            #expect(dead["requestContext"]?["approximateInvokeCount"] == .number(3))
            let checkpoint = try #require(try host.pipes.store.checkpoint("restarted"))
            #expect(checkpoint.attempts == 0)
            #expect(try runner.runOnce() == .idle(until: nil), "the checkpoint moved past the poison record")
        }
    }

    @Test func aLostCheckpointBringsTheBatchAgain() async throws {
        let topology = try Topology.decode(Data(Self.topologyText.utf8), baseDirectory: "/")
        try await withHost(topology) { host, ports in
            let client = PipesAPITests.Client(endpoint: "http://127.0.0.1:\(ports.aws)")
            try await client.put("a")
            let runner = try pipe(host, name: "lost")
            host.faults.replace(
                with: try FaultInjector.parse(Data(#"[{"service":"pipes","fault":"lostAck","pipe":"lost"}]"#.utf8)))
            #expect(try runner.runOnce() == .delivered)
            #expect(try host.pipes.store.checkpoint("lost") == nil, "the checkpoint was not saved")
            host.faults.replace(with: [])
            #expect(try runner.runOnce() == .delivered, "the same batch again")
            #expect(try host.pipes.store.checkpoint("lost") != nil)
            #expect(try runner.runOnce() == .idle(until: nil))
            var ids: [String?] = []
            for _ in 0..<3 where ids.count < 2 {
                ids += try await client.seen(wait: 1).map {
                    $0["detail"]?["dynamodb"]?["Keys"]?["id"]?["S"]?.stringValue
                }
            }
            #expect(ids == ["a", "a"])
            #expect(host.faults.injected == ["lostAck": 1])
        }
    }

    @Test func theRetryBackoffCountsOnTheHostsClock() async throws {
        let topology = try Topology.decode(Data(Self.topologyText.utf8), baseDirectory: "/")
        try await withHost(topology) { _, ports in
            let client = PipesAPITests.Client(endpoint: "http://127.0.0.1:\(ports.aws)")
            // Twelve retries back off about 36 s in all; ten-second advances of the clock get through them at once.
            _ = try await poisonedPipe(client, name: "patient", retries: 12)
            var dead: JSONValue?
            for _ in 0..<60 where dead == nil {
                let advanced = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance",
                    headers: [("Content-Type", "application/json")], body: Array(#"{"seconds":10}"#.utf8))
                #expect(advanced.status == 200)
                dead = try await receive(client, "pipe-dlq", wait: 0)
                if dead == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(dead?["requestContext"]?["approximateInvokeCount"] == .number(13))
        }
    }

    @Test func recordsOlderThanTheMaximumAgeAreDiscardedUnsent() async throws {
        let topology = try Topology.decode(Data(Self.topologyText.utf8), baseDirectory: "/")
        try await withHost(topology) { host, ports in
            let client = PipesAPITests.Client(endpoint: "http://127.0.0.1:\(ports.aws)")
            try await client.put("old")
            let runner = try pipe(host, name: "aged", maximumAge: 60)
            #expect(try runner.runOnce(now: Date().addingTimeInterval(120)) == .delivered)
            let dead = try #require(try await receive(client, "pipe-dlq"))
            #expect(dead["requestContext"]?["condition"]?.stringValue == "RecordAgeExceeded")
            #expect(try await client.seen(wait: 0).isEmpty, "an expired record is not put on the bus")
        }
    }

    @Test func retrySettingsOutOfRangeAreRefused() throws {
        var pipe = PipeDefinition(
            name: "p", desiredState: "RUNNING",
            source: "arn:aws:dynamodb:us-east-1:000000000000:table/items/stream/2026-01-01T00:00:00.000",
            startingPosition: "LATEST", batchSize: 1, maximumBatchingWindowInSeconds: 0, filters: [],
            target: "arn:aws:events:us-east-1:000000000000:event-bus/default", roleArn: "r", tags: [:],
            creationTime: 0, lastModifiedTime: 0, declared: false)
        try pipe.validate()
        pipe.maximumRetryAttempts = -2
        #expect(throws: AWSError.self) { try pipe.validate() }
        pipe.maximumRetryAttempts = 10_000
        pipe.maximumRecordAgeInSeconds = 604_801
        #expect(throws: AWSError.self) { try pipe.validate() }
        pipe.maximumRecordAgeInSeconds = nil
        pipe.onPartialBatchItemFailure = "SPLIT"
        #expect(throws: AWSError.self) { try pipe.validate() }
    }
}
