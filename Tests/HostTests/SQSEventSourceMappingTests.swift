import Foundation
import Testing

@testable import Host

/// SQS → Lambda: batches, partial batch failures, redelivery after the visibility timeout, and the DLQ.
@Suite struct SQSEventSourceMappingTests {
    @Test func reportedFailuresAreRetriedUntilTheDLQAndTheRestIsDeleted() async throws {
        let function = try builtProduct("TestFunction")
        let text = #"""
            {"functions":{"Worker":{"executable":"\#(function)","timeout":5}},
             "queues":{"work":{"visibilityTimeout":60,"deadLetterQueue":"work-dlq","maxReceiveCount":2},"work-dlq":{}},
             "eventSourceMappings":[{"function":"Worker","queue":"work","batchSize":10,"reportBatchItemFailures":true}]}
            """#
        let topology = try Topology.decode(Data(text.utf8), baseDirectory: "/")
        try await withHost(topology) { _, ports in
            func call(_ operation: String, _ body: String) async throws -> [String: Any] {
                let response = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/",
                    headers: [
                        ("X-Amz-Target", "AmazonSQS.\(operation)"), ("Content-Type", "application/x-amz-json-1.0"),
                    ],
                    body: Array(body.utf8))
                guard response.status == 200 else { throw TestFailure("\(operation): \(response.text)") }
                return try response.json()
            }
            let base = "http://127.0.0.1:\(ports.aws)/000000000000"
            _ = try await call("SendMessage", #"{"QueueUrl":"\#(base)/work","MessageBody":"ok-1"}"#)
            let failing = try await call("SendMessage", #"{"QueueUrl":"\#(base)/work","MessageBody":"fail-1"}"#)
            let failingID = try #require(failing["MessageId"] as? String)

            // Two receives by the mapping (each reported as failed), then the third receive moves it to the DLQ; the
            // visibility timeout (a minute) passes with the host's clock.
            var dead: [[String: Any]] = []
            for _ in 0..<10 where dead.isEmpty {
                let received = try await call(
                    "ReceiveMessage", #"{"QueueUrl":"\#(base)/work-dlq","WaitTimeSeconds":1}"#)
                dead = received["Messages"] as? [[String: Any]] ?? []
                let advanced = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance",
                    headers: [("Content-Type", "application/json")], body: Array(#"{"seconds":61}"#.utf8))
                #expect(advanced.status == 200)
            }
            #expect(dead.first?["MessageId"] as? String == failingID)
            #expect(dead.first?["Body"] as? String == "fail-1")
            let left = try await call(
                "GetQueueAttributes",
                #"{"QueueUrl":"\#(base)/work","AttributeNames":["ApproximateNumberOfMessages","ApproximateNumberOfMessagesNotVisible"]}"#
            )
            let attributes = left["Attributes"] as? [String: String] ?? [:]
            #expect(
                attributes["ApproximateNumberOfMessages"] == "0", "ok-1 was deleted after its successful invocation")
            #expect(attributes["ApproximateNumberOfMessagesNotVisible"] == "0")
        }
    }

    @Test func theBatchingWindowAndTheVisibilityTimeoutPassWithTheHostsClock() async throws {
        let function = try builtProduct("TestFunction")
        let text = #"""
            {"functions":{"Worker":{"executable":"\#(function)","timeout":5}},
             "queues":{"work":{"visibilityTimeout":900,"deadLetterQueue":"work-dlq","maxReceiveCount":1},"work-dlq":{}},
             "eventSourceMappings":[{"function":"Worker","queue":"work","batchSize":10,
                                     "maximumBatchingWindowInSeconds":300,"reportBatchItemFailures":true}]}
            """#
        try await withHost(try Topology.decode(Data(text.utf8), baseDirectory: "/")) { host, ports in
            let tracer = try #require(host.tracer)
            func invocations() throws -> Int {
                tracer.flush()
                return try tracer.store.recent(limit: 100, resource: "Worker", service: "lambda").count
            }
            let queue = "http://127.0.0.1:\(ports.aws)/000000000000/work"
            func counts() async throws -> [String?] {
                let answer = try await awsJSON(
                    ports.aws, "AmazonSQS.GetQueueAttributes",
                    #"{"QueueUrl":"\#(queue)","AttributeNames":["ApproximateNumberOfMessages","ApproximateNumberOfMessagesNotVisible"]}"#
                )
                let attributes = answer["Attributes"] as? [String: String] ?? [:]
                return [attributes["ApproximateNumberOfMessages"], attributes["ApproximateNumberOfMessagesNotVisible"]]
            }
            func advance(_ seconds: Int) async throws {
                let response = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance",
                    headers: [("Content-Type", "application/json")], body: Array(#"{"seconds":\#(seconds)}"#.utf8))
                #expect(response.status == 200)
            }
            _ = try await awsJSON(
                ports.aws, "AmazonSQS.SendMessage", #"{"QueueUrl":"\#(queue)","MessageBody":"fail-1"}"#)
            // The mapping holds the message in its batching window (five minutes) and has not invoked yet.
            try await eventually("the mapping received the message") { try await counts() == ["0", "1"] }
            #expect(try invocations() == 0)
            // The window passes with the clock: the function reports the message failed; it stays in flight.
            try await advance(301)
            try await eventually("the batch went out") { try invocations() == 1 }
            // Its visibility timeout (15 minutes) passes with the clock too: the next receive moves it to the DLQ.
            try await advance(901)
            var dead: [[String: Any]] = []
            for _ in 0..<20 where dead.isEmpty {
                let received = try await awsJSON(
                    ports.aws, "AmazonSQS.ReceiveMessage",
                    #"{"QueueUrl":"http://127.0.0.1:\#(ports.aws)/000000000000/work-dlq","WaitTimeSeconds":1}"#)
                dead = received["Messages"] as? [[String: Any]] ?? []
            }
            #expect(dead.first?["Body"] as? String == "fail-1")
            #expect(try await counts() == ["0", "0"])
        }
    }

    static let answers: [(answer: String, failed: Set<String>)] = [
        ("", []), ("null", []), ("{}", []), (#"{"batchItemFailures":null}"#, []), (#"{"batchItemFailures":[]}"#, []),
        (#"{"batchItemFailures":[{"itemIdentifier":"b"}]}"#, ["b"]), ("not json", ["a", "b"]),
        (#"{"batchItemFailures":[{"itemIdentifier":""}]}"#, ["a", "b"]),
        (#"{"batchItemFailures":[{"itemIdentifier":"zzz"}]}"#, ["a", "b"]),
        (#"{"batchItemFailures":[{"id":"b"}]}"#, ["a", "b"]), (#"["b"]"#, ["a", "b"]),
    ]

    @Test(arguments: answers)
    func batchItemFailuresFollowAWSsRules(answer: String, failed: Set<String>) {
        let batch = ["a", "b"].map {
            SQSReceivedMessage(
                messageId: $0, receiptHandle: "h-\($0)", body: "", md5OfBody: "", messageAttributes: [:],
                attributes: [:])
        }
        #expect(SQSEventSourceMapping.failedIDs(Array(answer.utf8), batch: batch) == failed)
    }
}
