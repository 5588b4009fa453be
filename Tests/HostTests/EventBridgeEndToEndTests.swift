import Foundation
import Host
import Testing

/// EventBridge through the real `aws` CLI: a rule routes matching events to an SQS queue.
@Suite struct EventBridgeEndToEndTests {
    @Test func ruleRoutesMatchingEventsToAQueue() async throws {
        try await withHost(Topology()) { _, ports in
            let endpoint = ["--endpoint-url", "http://127.0.0.1:\(ports.aws)", "--output", "json"]
            func cli(_ arguments: [String]) async throws -> [String: Any] {
                let result = try await aws(arguments + endpoint)
                guard result.status == 0 else {
                    throw TestFailure("aws \(arguments.prefix(2)) failed: \(result.error)")
                }
                if result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [:] }
                return try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] ?? [:]
            }
            let queue = try await cli(["sqs", "create-queue", "--queue-name", "allocate"])["QueueUrl"] as? String ?? ""
            let pattern =
                #"{"source":["event-store.dynamodb.stream"],"detail":{"eventName":["INSERT"],"dynamodb":{"NewImage":{"eventName":{"S":["ORDER_CREATED_EVENT"]}}}}}"#
            let rule = try await cli(["events", "put-rule", "--name", "allocate-rule", "--event-pattern", pattern])
            #expect(rule["RuleArn"] as? String == "arn:aws:events:us-east-1:000000000000:rule/allocate-rule")
            _ = try await cli([
                "events", "put-targets", "--rule", "allocate-rule", "--targets",
                #"[{"Id":"queue","Arn":"arn:aws:sqs:us-east-1:000000000000:allocate"}]"#,
            ])

            func event(_ name: String) -> String {
                let detail =
                    #"{\"eventName\":\"INSERT\",\"dynamodb\":{\"NewImage\":{\"eventName\":{\"S\":\"\#(name)\"}}}}"#
                return
                    #"[{"Source":"event-store.dynamodb.stream","DetailType":"DynamoDBStreamRecord","Detail":"\#(detail)"}]"#
            }
            let put = try await cli(["events", "put-events", "--entries", event("ORDER_CREATED_EVENT")])
            #expect(put["FailedEntryCount"] as? Int == 0)
            let eventID = ((put["Entries"] as? [[String: Any]])?.first?["EventId"] as? String) ?? ""
            _ = try await cli(["events", "put-events", "--entries", event("ORDER_PLACED_EVENT")])  // matches no rule

            let received = try await cli([
                "sqs", "receive-message", "--queue-url", queue, "--max-number-of-messages", "10",
            ])
            let messages = received["Messages"] as? [[String: Any]] ?? []
            #expect(messages.count == 1, "only the matching event is delivered")
            let body =
                try JSONSerialization.jsonObject(with: Data((messages.first?["Body"] as? String ?? "").utf8))
                as? [String: Any]
            #expect(body?["id"] as? String == eventID)
            #expect(body?["detail-type"] as? String == "DynamoDBStreamRecord")
            #expect(body?["account"] as? String == "000000000000")
            #expect(((body?["detail"] as? [String: Any])?["eventName"]) as? String == "INSERT")

            // A disabled rule delivers nothing.
            _ = try await cli(["events", "disable-rule", "--name", "allocate-rule"])
            _ = try await cli(["events", "put-events", "--entries", event("ORDER_CREATED_EVENT")])
            let none = try await cli(["sqs", "receive-message", "--queue-url", queue])
            #expect(none["Messages"] == nil)

            let matches = try await cli([
                "events", "test-event-pattern", "--event-pattern", #"{"source":["a"]}"#, "--event",
                #"{"id":"1","source":"a","detail-type":"t","account":"000000000000","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{}}"#,
            ])
            #expect(matches["Result"] as? Bool == true)
            let invalid = try await aws(
                ["events", "test-event-pattern", "--event-pattern", #"{"source":"a"}"#, "--event", "{}"] + endpoint)
            #expect(invalid.error.contains("InvalidEventPatternException"))
            let deleting = try await aws(["events", "delete-rule", "--name", "allocate-rule"] + endpoint)
            #expect(deleting.error.contains("Rule can't be deleted since it has targets."))
        }
    }
}
