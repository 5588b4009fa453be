import AWSShapes
import Foundation
import Host
import Testing

/// A message its function keeps failing reaches the DLQ after `maxReceiveCount`; once the function is fixed, a
/// message move task started with the `aws` CLI brings it back and it is processed.
@Suite struct RedriveEndToEndTests {
    @Test func aFailingMessageGoesToTheDLQAndAMoveTaskBringsItBack() async throws {
        let function = try builtProduct("TestFunction")
        let log = NSTemporaryDirectory() + "redrive-\(UUID().uuidString).jsonl"
        defer { unlink(log) }
        let text = #"""
            {"functions":{"Worker":{"executable":"\#(function)","timeout":5,"environment":{"TEST_EVENT_LOG":"\#(log)"}}},
             "queues":{"work":{"visibilityTimeout":60,"deadLetterQueue":"work-dlq","maxReceiveCount":2},"work-dlq":{}},
             "eventSourceMappings":[{"function":"Worker","queue":"work","reportBatchItemFailures":true}]}
            """#
        let topology = try Topology.decode(Data(text.utf8), baseDirectory: "/")
        try await withHost(topology) { _, ports in
            let endpoint = "http://127.0.0.1:\(ports.aws)"
            func cli(_ arguments: [String]) async throws -> JSONValue {
                let result = try await aws(arguments + ["--endpoint-url", endpoint, "--output", "json"])
                guard result.status == 0 else { throw TestFailure("aws \(arguments.prefix(2)): \(result.error)") }
                let output = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
                return output.isEmpty ? .object([:]) : try JSONValue(parsing: Data(output.utf8))
            }
            func count(_ queue: String) async throws -> Int {
                let attributes = try await cli([
                    "sqs", "get-queue-attributes", "--queue-url", "\(endpoint)/000000000000/\(queue)",
                    "--attribute-names", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                ])
                return ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"].reduce(0) {
                    $0 + (Int(attributes["Attributes"]?[$1]?.stringValue ?? "") ?? 0)
                }
            }
            func received() -> Int {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count
            }
            func waitFor(_ what: String, _ condition: () async throws -> Bool) async throws {
                let deadline = ContinuousClock.now + .seconds(20)
                while try await !condition() {
                    guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting for \(what)") }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }

            let sent = try await cli([
                "sqs", "send-message", "--queue-url", "\(endpoint)/000000000000/work", "--message-body", "please fail",
            ])
            // Reported failed on both receives; the third receive moves it to the DLQ. The visibility timeout (a
            // minute) passes with the host's clock.
            try await waitFor("the DLQ") {
                let advanced = try await http(
                    "POST", "\(endpoint)/_host/clock/advance", headers: [("Content-Type", "application/json")],
                    body: Array(#"{"seconds":61}"#.utf8))
                #expect(advanced.status == 200)
                return try await count("work-dlq") == 1
            }
            #expect(received() == 2)
            #expect(try await count("work") == 0)

            // The fix: the mapping stops honouring the function's failure reports.
            let mappings = try await cli(["lambda", "list-event-source-mappings", "--function-name", "Worker"])
            let uuid = try #require(mappings["EventSourceMappings"]?[0]?["UUID"]?.stringValue)
            _ = try await cli([
                "lambda", "update-event-source-mapping", "--uuid", uuid, "--function-response-types", "[]",
            ])

            let task = try await cli([
                "sqs", "start-message-move-task", "--source-arn", "arn:aws:sqs:us-east-1:000000000000:work-dlq",
            ])
            #expect(task["TaskHandle"]?.stringValue?.isEmpty == false)
            try await waitFor("the message to come back and be processed") {
                received() == 3
            }
            try await waitFor("both queues to be empty") {
                let work = try await count("work")
                let dead = try await count("work-dlq")
                return work == 0 && dead == 0
            }
            let tasks = try await cli([
                "sqs", "list-message-move-tasks", "--source-arn", "arn:aws:sqs:us-east-1:000000000000:work-dlq",
            ])
            #expect(tasks["Results"]?[0]?["Status"]?.stringValue == "COMPLETED")
            #expect(tasks["Results"]?[0]?["ApproximateNumberOfMessagesMoved"] == .number(1))
            let lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
            let last = try JSONValue(parsing: Data((lines.last.map(String.init) ?? "").utf8))
            #expect(last["Records"]?[0]?["body"]?.stringValue == "please fail")
            #expect(
                last["Records"]?[0]?["messageId"]?.stringValue != sent["MessageId"]?.stringValue,
                "a moved message is a new message")
        }
    }
}
