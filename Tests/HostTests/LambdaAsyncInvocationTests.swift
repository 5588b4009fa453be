import Foundation
import GRDB
import Logging
import Testing

@testable import EventPatterns
@testable import Host

/// Asynchronous (`Event`) invocations: durable rows, retried after function errors, given up to the function's
/// dead-letter queue, resumed after a restart.
@Suite struct LambdaAsyncInvocationTests {
    /// A function `Fn` (the TestFunction fixture) with a dead-letter queue `fn-dlq`.
    func asyncTopology(retries: Int = 2, maximumEventAge: Int = 21600) throws -> Topology {
        let text = #"""
            {"functions":{"Fn":{"executable":"\#(try builtProduct("TestFunction"))","timeout":5,
                                "maximumRetryAttempts":\#(retries),"maximumEventAgeInSeconds":\#(maximumEventAge),
                                "deadLetterQueue":"fn-dlq"}},
             "queues":{"fn-dlq":{}}}
            """#
        return try Topology.decode(Data(text.utf8), baseDirectory: "/")
    }

    /// Waits until no asynchronous invocation is pending (each finished attempt wakes the check).
    func drained(_ host: HostRuntime, within seconds: Double = 20) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try host.asyncInvocations.pendingCount() > 0 {
            guard Date() < deadline else { throw TestFailure("asynchronous invocations still pending") }
            let signal = host.database.topics.signal(for: .asyncInvocations)
            await signal.wait(after: signal.version, timeout: .milliseconds(200))
        }
    }

    @Test func eventInvocationIsAcceptedDurablyAndRunsToCompletion() async throws {
        try await withHost(try asyncTopology()) { host, ports in
            let response = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/2015-03-31/functions/Fn/invocations",
                headers: [("X-Amz-Invocation-Type", "Event")], body: Array(#"{"hello":"async"}"#.utf8))
            #expect(response.status == 202)
            let requestID = try #require(response.header("x-amzn-requestid"))
            #expect(requestID.count == 36)
            try await drained(host)
            // Success: nothing reached the dead-letter queue.
            #expect(try await receive(ports.aws, queue: "fn-dlq", wait: 0).isEmpty)

            let missing = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/2015-03-31/functions/Nope/invocations",
                headers: [("X-Amz-Invocation-Type", "Event")], body: Array("{}".utf8))
            #expect(missing.status == 404)
            #expect(try host.asyncInvocations.pendingCount() == 0)
        }
    }

    @Test func aFailingEventIsRetriedTwiceThenSentToTheDeadLetterQueue() async throws {
        // AWS's delays (a minute, then two), passed with the host's clock.
        try await withHost(try asyncTopology()) { host, ports in
            let response = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/2015-03-31/functions/Fn/invocations",
                headers: [("X-Amz-Invocation-Type", "Event")],
                body: Array(#"{"action":"throw","message":"boom"}"#.utf8))
            #expect(response.status == 202)
            let requestID = response.header("x-amzn-requestid") ?? ""
            let tracer = try #require(host.tracer)
            func attempts() throws -> Int {
                tracer.flush()
                return try tracer.store.recent(limit: 100, resource: "Fn", service: "lambda").count
            }
            try await eventually("the first attempt") { try attempts() == 1 }
            func clock() async throws -> Double {
                let answer = try await http("GET", "http://127.0.0.1:\(ports.aws)/_host/clock")
                return try answer.json()["epochSeconds"] as? Double ?? 0
            }
            let firstFailed = try await clock()
            var messages: [[String: Any]] = []
            var advanced = 0
            for _ in 0..<40 where messages.isEmpty {
                let answer = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance",
                    headers: [("Content-Type", "application/json")], body: Array(#"{"seconds":15}"#.utf8))
                #expect(answer.status == 200)
                advanced += 15
                messages = try await receive(ports.aws, queue: "fn-dlq", wait: 0)
                if messages.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(messages.count == 1)
            #expect(try attempts() == 3)
            // Both retry delays (180 s) passed on the host's clock before the event was given up: advanced, and the
            // real time the test took (under load that is not nothing); less the moments between the first failure
            // and the first reading.
            #expect(try await clock() - firstFailed >= 175)
            #expect(advanced <= 600, "the retries come due on the host's clock, not on the wall's")
            let message = try #require(messages.first)
            #expect(message["Body"] as? String == #"{"action":"throw","message":"boom"}"#)
            let attributes = message["MessageAttributes"] as? [String: [String: Any]] ?? [:]
            #expect(attributes["RequestID"]?["StringValue"] as? String == requestID)
            #expect(attributes["RequestID"]?["DataType"] as? String == "String")
            #expect(attributes["ErrorCode"]?["StringValue"] as? String == "200")
            #expect(attributes["ErrorCode"]?["DataType"] as? String == "Number")
            #expect(attributes["ErrorMessage"]?["StringValue"] as? String == "boom")
            #expect(try host.asyncInvocations.pendingCount() == 0)
        }
    }

    @Test func withoutRetriesTheFirstFailureIsFinal() async throws {
        try await withHost(try asyncTopology(retries: 0)) { host, ports in
            // The default delays are a minute: only a zero-retry function reaches its DLQ within the test.
            _ = try await host.asyncInvocations.enqueue(
                function: "Fn", payload: Array(#"{"action":"crash","code":3}"#.utf8))
            let messages = try await receive(ports.aws, queue: "fn-dlq", wait: 20)
            #expect(messages.count == 1)
            let attributes = messages.first?["MessageAttributes"] as? [String: [String: Any]] ?? [:]
            #expect(
                (attributes["ErrorMessage"]?["StringValue"] as? String)?.hasSuffix(
                    "Error: Runtime exited with error: exit status 3") == true)
        }
    }

    @Test func pendingInvocationsSurviveARestart() async throws {
        let directory = NSTemporaryDirectory() + "host-\(UUID().uuidString)"
        let topology = try asyncTopology(retries: 0)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        // A host that queues two invocations and stops before running them; one was running when it "crashed".
        do {
            let host = try HostRuntime(
                topology: topology, configuration: testConfiguration(dataDirectory: directory), logger: logger)
            try host.asyncInvocations.enqueue(function: "Fn", payload: Array(#"{"action":"throw","message":"a"}"#.utf8))
            let running = try host.asyncInvocations.enqueue(
                function: "Fn", payload: Array(#"{"action":"throw","message":"b"}"#.utf8))
            try host.database.write { db in
                try db.execute(
                    sql: "UPDATE lambda_async_invocations SET running = 1 WHERE request_id = ?", arguments: [running])
            }
            #expect(try host.asyncInvocations.pendingCount() == 2)
        }
        try await withHost(topology, configuration: testConfiguration(dataDirectory: directory)) { host, ports in
            var bodies: [String] = []
            while bodies.count < 2 {
                let messages = try await receive(ports.aws, queue: "fn-dlq", wait: 20)
                guard !messages.isEmpty else { break }
                bodies += messages.compactMap { $0["Body"] as? String }
            }
            #expect(bodies.sorted() == [#"{"action":"throw","message":"a"}"#, #"{"action":"throw","message":"b"}"#])
            try await drained(host)
        }
    }

    @Test func anEventOlderThanItsMaximumAgeIsNotInvoked() async throws {
        try await withHost(try asyncTopology(maximumEventAge: 60)) { host, ports in
            // Queued two minutes ago (a host that was down): given up without an invocation.
            try host.database.write { db in
                _ = try host.asyncInvocations.enqueue(db, function: "Fn", payload: Array(#"{"late":true}"#.utf8))
                try db.execute(sql: "UPDATE lambda_async_invocations SET created_at = created_at - 120")
            }
            let messages = try await receive(ports.aws, queue: "fn-dlq", wait: 20)
            #expect(messages.first?["Body"] as? String == #"{"late":true}"#)
            let attributes = messages.first?["MessageAttributes"] as? [String: [String: Any]] ?? [:]
            #expect(
                (attributes["ErrorMessage"]?["StringValue"] as? String)?.contains("MaximumEventAgeInSeconds") == true)
        }
    }

    @Test func eventBridgeLambdaTargetsAreQueuedInThePutEventsTransaction() async throws {
        try await withHost(try asyncTopology(retries: 0)) { host, ports in
            _ = try await awsJSON(
                ports.aws, "AWSEvents.PutRule", #"{"Name":"to-fn","EventPattern":"{\"source\":[\"app\"]}"}"#)
            _ = try await awsJSON(
                ports.aws, "AWSEvents.PutTargets",
                #"{"Rule":"to-fn","Targets":[{"Id":"fn","Arn":"arn:aws:lambda:us-east-1:000000000000:function:Fn","InputPath":"$.detail"}]}"#
            )
            let put = try await awsJSON(
                ports.aws, "AWSEvents.PutEvents",
                #"{"Entries":[{"Source":"app","DetailType":"t","Detail":"{\"action\":\"throw\",\"message\":\"no\"}"}]}"#
            )
            #expect(put["FailedEntryCount"] as? Int == 0)
            // The function fails; with no retries its DLQ gets what the target received.
            let messages = try await receive(ports.aws, queue: "fn-dlq", wait: 20)
            #expect(messages.first?["Body"] as? String == #"{"action":"throw","message":"no"}"#)
            try await drained(host)
        }
    }

    @Test(arguments: [
        (#"{"functions":{"F":{"deadLetterQueue":"nope"}}}"#, "functions.F.deadLetterQueue"),
        (#"{"functions":{"F":{"maximumRetryAttempts":3}}}"#, "functions.F.maximumRetryAttempts"),
        (#"{"functions":{"F":{"maximumEventAgeInSeconds":59}}}"#, "functions.F.maximumEventAgeInSeconds"),
    ])
    func asynchronousSettingsAreValidated(text: String, path: String) {
        do {
            _ = try Topology.decode(Data(text.utf8), baseDirectory: "/")
            Issue.record("expected an error at \(path)")
        } catch let error as TopologyError {
            #expect(error.path == path, "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
