import AWSShapes
import Foundation
import GRDB
import Logging
import Testing

@testable import EventPatterns
@testable import Host

/// Target RetryPolicy and DeadLetterConfig: deliveries that fail are retried durably, then dead-lettered with AWS's
/// attributes.
@Suite struct EventBridgeTargetRetryTests {
    static let dlqARN = "arn:aws:sqs:us-east-1:000000000000:rule-dlq"

    /// A rule `r` on `source: ["app"]` with one target.
    func rule(_ port: Int, target: String) async throws {
        _ = try await awsJSON(port, "AWSEvents.PutRule", #"{"Name":"r","EventPattern":"{\"source\":[\"app\"]}"}"#)
        _ = try await awsJSON(port, "AWSEvents.PutTargets", #"{"Rule":"r","Targets":[\#(target)]}"#)
    }

    @discardableResult
    func put(_ port: Int, detail: String = #"{\"n\":1}"#) async throws -> String {
        let put = try await awsJSON(
            port, "AWSEvents.PutEvents", #"{"Entries":[{"Source":"app","DetailType":"t","Detail":"\#(detail)"}]}"#)
        #expect(put["FailedEntryCount"] as? Int == 0, "delivery failures never fail PutEvents")
        return (put["Entries"] as? [[String: Any]])?.first?["EventId"] as? String ?? ""
    }

    func attributes(_ message: [String: Any]?) -> [String: String] {
        (message?["MessageAttributes"] as? [String: [String: Any]] ?? [:]).compactMapValues {
            $0["DataType"] as? String == "String" ? $0["StringValue"] as? String : nil
        }
    }

    @Test func putTargetsKeepsAndValidatesRetryPolicyAndDeadLetterConfig() async throws {
        try await withHost(Topology()) { _, ports in
            try await rule(
                ports.aws,
                target:
                    #"{"Id":"q","Arn":"arn:aws:sqs:us-east-1:000000000000:work","RetryPolicy":{"MaximumRetryAttempts":4,"MaximumEventAgeInSeconds":600},"DeadLetterConfig":{"Arn":"\#(Self.dlqARN)"}}"#
            )
            let listed = try await awsJSON(ports.aws, "AWSEvents.ListTargetsByRule", #"{"Rule":"r"}"#)
            let target = (listed["Targets"] as? [[String: Any]])?.first ?? [:]
            #expect(
                target["RetryPolicy"] as? [String: Int] == ["MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 600])
            #expect(target["DeadLetterConfig"] as? [String: String] == ["Arn": Self.dlqARN])

            for (policy, message) in [
                (
                    #""RetryPolicy":{"MaximumRetryAttempts":186}"#,
                    "Value '186' at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185"
                ),
                (
                    #""RetryPolicy":{"MaximumEventAgeInSeconds":59}"#,
                    "Value '59' at 'targets.1.member.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"
                ),
                (#""DeadLetterConfig":{"Arn":"arn:aws:sns:us-east-1:000000000000:topic"}"#, "DeadLetterConfig.Arn"),
            ] {
                let response = try await awsJSONResponse(
                    ports.aws, "AWSEvents.PutTargets",
                    #"{"Rule":"r","Targets":[{"Id":"x","Arn":"arn:aws:sqs:us-east-1:000000000000:work",\#(policy)}]}"#)
                #expect(response.status == 400)
                #expect(try response.json()["__type"] as? String == "ValidationException")
                #expect((try response.json()["message"] as? String)?.contains(message) == true, "\(response.text)")
            }
        }
    }

    @Test func aMissingQueueWithoutRetriesGoesStraightToTheDeadLetterQueue() async throws {
        try await withHost(Topology()) { host, ports in
            _ = try await awsJSON(ports.aws, "AmazonSQS.CreateQueue", #"{"QueueName":"rule-dlq"}"#)
            try await rule(
                ports.aws,
                target:
                    #"{"Id":"q","Arn":"arn:aws:sqs:us-east-1:000000000000:gone","InputPath":"$.detail","RetryPolicy":{"MaximumRetryAttempts":0},"DeadLetterConfig":{"Arn":"\#(Self.dlqARN)"}}"#
            )
            try await put(ports.aws, detail: #"{\"order\":\"o-1\"}"#)
            let messages = try await receive(ports.aws, queue: "rule-dlq", wait: 5)
            #expect(messages.count == 1)
            // The body is what the target would have received (InputPath applied).
            #expect(messages.first?["Body"] as? String == #"{"order":"o-1"}"#)
            #expect(
                attributes(messages.first) == [
                    "RULE_ARN": "arn:aws:events:us-east-1:000000000000:rule/r",
                    "TARGET_ARN": "arn:aws:sqs:us-east-1:000000000000:gone", "ERROR_CODE": "NO_RESOURCE",
                    "ERROR_MESSAGE": "The specified queue does not exist.",
                    "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts", "RETRY_ATTEMPTS": "0",
                ])
            #expect(try host.eventBridgeTargets.pendingCount(database: host.database) == 0)
        }
    }

    @Test func aTargetThatAppearsLaterGetsTheEventOnARetry() async throws {
        // A minute's backoff: only the host's clock makes it pass within the test.
        try await withHost(Topology(), configuration: testConfiguration(eventBridgeRetryDelay: .seconds(60))) {
            host, ports in
            try await rule(ports.aws, target: #"{"Id":"q","Arn":"arn:aws:sqs:us-east-1:000000000000:late"}"#)
            let eventID = try await put(ports.aws)
            #expect(try host.eventBridgeTargets.pendingCount(database: host.database) == 1)
            _ = try await awsJSON(ports.aws, "AmazonSQS.CreateQueue", #"{"QueueName":"late"}"#)
            // The retry's backoff passes on the host's clock, not the wall's.
            try await advanceClock(ports.aws, seconds: 120)
            let messages = try await receive(ports.aws, queue: "late", wait: 20)
            let body = try JSONSerialization.jsonObject(with: Data((messages.first?["Body"] as? String ?? "").utf8))
            #expect((body as? [String: Any])?["id"] as? String == eventID)
            #expect(try host.eventBridgeTargets.pendingCount(database: host.database) == 0)
        }
    }

    @Test func retriesRunOutIntoTheDeadLetterQueueForEveryKindOfTarget() async throws {
        try await withHost(Topology(), configuration: testConfiguration(eventBridgeRetryDelay: .seconds(60))) {
            host, ports in
            _ = try await awsJSON(ports.aws, "AmazonSQS.CreateQueue", #"{"QueueName":"rule-dlq"}"#)
            let policy = #""RetryPolicy":{"MaximumRetryAttempts":2},"DeadLetterConfig":{"Arn":"\#(Self.dlqARN)"}"#
            try await rule(
                ports.aws,
                target: [
                    #"{"Id":"q","Arn":"arn:aws:sqs:us-east-1:000000000000:gone",\#(policy)}"#,
                    #"{"Id":"f","Arn":"arn:aws:lambda:us-east-1:000000000000:function:Nope",\#(policy)}"#,
                    #"{"Id":"l","Arn":"arn:aws:logs:us-east-1:000000000000:log-group:/aws/events/none",\#(policy)}"#,
                ].joined(separator: ","))
            try await put(ports.aws)
            // Each advance of the host's clock passes every retry's backoff at once.
            // (Messages read are counted by target: an advance also passes the DLQ's own visibility timeout.)
            var byTarget: [String: [String: String]] = [:]
            for _ in 0..<10 where byTarget.count < 3 {
                try await advanceClock(ports.aws, seconds: 3600)
                for message in try await receive(ports.aws, queue: "rule-dlq", wait: 1) {
                    byTarget[attributes(message)["TARGET_ARN"] ?? ""] = attributes(message)
                }
            }
            #expect(byTarget.count == 3)
            for (_, attributes) in byTarget {
                #expect(attributes["ERROR_CODE"] == "NO_RESOURCE")
                #expect(attributes["RETRY_ATTEMPTS"] == "2")
                #expect(attributes["EXHAUSTED_RETRY_CONDITION"] == "MaximumRetryAttempts")
            }
            #expect(
                byTarget["arn:aws:lambda:us-east-1:000000000000:function:Nope"]?["ERROR_MESSAGE"]
                    == "Function not found: arn:aws:lambda:us-east-1:000000000000:function:Nope")
            #expect(
                byTarget["arn:aws:logs:us-east-1:000000000000:log-group:/aws/events/none"]?["ERROR_MESSAGE"]
                    == "The specified log group does not exist.")
            #expect(try host.eventBridgeTargets.pendingCount(database: host.database) == 0)
        }
    }

    @Test func anEventPastItsMaximumAgeIsGivenUp() async throws {
        try await withHost(Topology()) { host, ports in
            _ = try await awsJSON(ports.aws, "AmazonSQS.CreateQueue", #"{"QueueName":"rule-dlq"}"#)
            let delivery = TargetDelivery(
                ruleARN: "arn:aws:events:us-east-1:000000000000:rule/r",
                targetARN: "arn:aws:sqs:us-east-1:000000000000:gone", body: "{}", eventID: "e", eventTime: 0,
                maximumRetryAttempts: 185, maximumEventAgeInSeconds: 60, deadLetterARN: Self.dlqARN)
            try host.database.write { db in
                try host.eventBridgeTargets.failed(
                    db, delivery,
                    TargetDeliveryFailure(
                        code: "NO_RESOURCE", message: "The specified queue does not exist.", isRetriable: true),
                    retries: 3, since: Date().addingTimeInterval(-60), row: nil)
            }
            let messages = try await receive(ports.aws, queue: "rule-dlq", wait: 5)
            #expect(attributes(messages.first)["EXHAUSTED_RETRY_CONDITION"] == "MaximumEventAgeInSeconds")
            #expect(attributes(messages.first)["RETRY_ATTEMPTS"] == "3")
        }
    }

    @Test func withoutADeadLetterQueueAnUndeliverableEventIsDropped() async throws {
        try await withHost(Topology()) { host, ports in
            try await rule(
                ports.aws,
                target:
                    #"{"Id":"q","Arn":"arn:aws:sqs:us-east-1:000000000000:gone","RetryPolicy":{"MaximumRetryAttempts":0}}"#
            )
            try await put(ports.aws)
            #expect(try host.eventBridgeTargets.pendingCount(database: host.database) == 0)
        }
    }

    @Test func aPendingRetrySurvivesARestart() async throws {
        let directory = NSTemporaryDirectory() + "host-\(UUID().uuidString)"
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        // The first host accepts an event for a queue that does not exist yet, and stops.
        do {
            let host = try HostRuntime(
                topology: Topology(), configuration: testConfiguration(dataDirectory: directory), logger: logger)
            try host.eventBridge.store.putRule(
                bus: "default", name: "r", pattern: #"{"source":["app"]}"#, state: "ENABLED", description: nil)
            try host.eventBridge.store.putTargets(
                bus: "default", rule: "r",
                [EventBridge.Target(id: "q", arn: "arn:aws:sqs:us-east-1:000000000000:later")])
            _ = try host.eventBridge.delivery.putEvents(
                EventBridge.PutEventsRequest(entries: [
                    EventBridge.PutEventsRequestEntry(source: "app", detailType: "t", detail: "{}")
                ]))
            #expect(try host.eventBridgeTargets.pendingCount(database: host.database) == 1)
        }
        // The next start declares the queue: the retry delivers.
        var topology = Topology()
        topology.queues = [QueueConfiguration(name: "later")]
        try await withHost(topology, configuration: testConfiguration(dataDirectory: directory)) { host, ports in
            let messages = try await receive(ports.aws, queue: "later", wait: 20)
            #expect(messages.count == 1)
            #expect(try host.eventBridgeTargets.pendingCount(database: host.database) == 0)
        }
    }

    @Test func topologyTargetsDeclareRetryPolicyAndDeadLetterQueue() throws {
        let text = #"""
            {"queues":{"work":{},"rule-dlq":{}},
             "rules":{"r":{"pattern":{"source":["app"]},
                           "targets":[{"queue":"work","retryPolicy":{"maximumRetryAttempts":3,"maximumEventAgeInSeconds":120},
                                       "deadLetterQueue":"rule-dlq"}]}}}
            """#
        let target = try #require(try Topology.decode(Data(text.utf8), baseDirectory: "/").rules.first?.targets.first)
        #expect(target.maximumRetryAttempts == 3)
        #expect(target.maximumEventAgeInSeconds == 120)
        #expect(target.deadLetterQueue == "rule-dlq")
        for (bad, path) in [
            (#"{"queue":"work","deadLetterQueue":"nope"}"#, "rules.r.targets[0].deadLetterQueue"),
            (
                #"{"queue":"work","retryPolicy":{"maximumRetryAttempts":186}}"#,
                "rules.r.targets[0].retryPolicy.maximumRetryAttempts"
            ),
            (
                #"{"queue":"work","retryPolicy":{"maximumEventAgeInSeconds":10}}"#,
                "rules.r.targets[0].retryPolicy.maximumEventAgeInSeconds"
            ),
            (#"{"queue":"work","retryPolicy":{"attempts":1}}"#, "rules.r.targets[0].retryPolicy.attempts"),
        ] {
            let document = #"{"queues":{"work":{}},"rules":{"r":{"pattern":{"source":["app"]},"targets":[\#(bad)]}}}"#
            do {
                _ = try Topology.decode(Data(document.utf8), baseDirectory: "/")
                Issue.record("expected an error at \(path)")
            } catch let error as TopologyError {
                #expect(error.path == path, "\(error)")
            }
        }
    }

    @Test func topologyRetrySettingsReachTheStoredTarget() async throws {
        let text = #"""
            {"queues":{"work":{},"rule-dlq":{}},
             "rules":{"r":{"pattern":{"source":["app"]},
                           "targets":[{"queue":"work","retryPolicy":{"maximumRetryAttempts":3},"deadLetterQueue":"rule-dlq"}]}}}
            """#
        try await withHost(try Topology.decode(Data(text.utf8), baseDirectory: "/")) { _, ports in
            let listed = try await awsJSON(ports.aws, "AWSEvents.ListTargetsByRule", #"{"Rule":"r"}"#)
            let target = (listed["Targets"] as? [[String: Any]])?.first ?? [:]
            #expect(target["RetryPolicy"] as? [String: Int] == ["MaximumRetryAttempts": 3])
            #expect(target["DeadLetterConfig"] as? [String: String] == ["Arn": Self.dlqARN])
        }
    }

    /// A FIFO queue target gets each event in the rule's message group, deduplicated by content.
    @Test func aFIFOQueueTargetGetsTheRulesMessageGroup() async throws {
        let text = #"""
            {"queues":{"work.fifo":{"contentBasedDeduplication":true}},
             "rules":{"r":{"pattern":{"source":["app"]},"targets":[{"queue":"work.fifo","messageGroupId":"orders"}]}}}
            """#
        try await withHost(try Topology.decode(Data(text.utf8), baseDirectory: "/")) { _, ports in
            let listed = try await awsJSON(ports.aws, "AWSEvents.ListTargetsByRule", #"{"Rule":"r"}"#)
            let target = (listed["Targets"] as? [[String: Any]])?.first ?? [:]
            #expect(target["SqsParameters"] as? [String: String] == ["MessageGroupId": "orders"])
            _ = try await awsJSON(
                ports.aws, "AWSEvents.PutEvents",
                #"{"Entries":[{"Source":"app","DetailType":"t","Detail":"{\"n\":1}"},{"Source":"app","DetailType":"t","Detail":"{\"n\":2}"}]}"#
            )
            let messages = try await receive(ports.aws, queue: "work.fifo", wait: 5)
            #expect(messages.count == 2)
            #expect(
                messages.compactMap { ($0["Attributes"] as? [String: String])?["MessageGroupId"] } == [
                    "orders", "orders",
                ])
        }
    }
}
