import AWSShapes
import Foundation
import Testing

@testable import Host

/// CloudWatch Logs through the real `aws` CLI, and as an EventBridge target.
@Suite struct LogsTests {
    /// Runs `aws logs …` against the host and returns its JSON output (or throws with its error output).
    func logs(_ port: Int, _ arguments: [String]) async throws -> [String: Any] {
        let result = try await aws(
            ["logs"] + arguments + ["--endpoint-url", "http://127.0.0.1:\(port)", "--output", "json"])
        guard result.status == 0 else { throw TestFailure("aws logs \(arguments.first ?? ""): \(result.error)") }
        if result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [:] }
        return try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] ?? [:]
    }

    @Test func awsCLIWritesReadsAndFiltersLogEvents() async throws {
        try await withHost(Topology()) { _, ports in
            _ = try await logs(ports.aws, ["create-log-group", "--log-group-name", "/app/orders"])
            _ = try await logs(ports.aws, ["create-log-group", "--log-group-name", "/other"])
            let duplicate = try await aws([
                "logs", "create-log-group", "--log-group-name", "/app/orders", "--endpoint-url",
                "http://127.0.0.1:\(ports.aws)",
            ])
            #expect(duplicate.error.contains("ResourceAlreadyExistsException"))
            let groups = try await logs(ports.aws, ["describe-log-groups", "--log-group-name-prefix", "/app"])
            let listed = groups["logGroups"] as? [[String: Any]] ?? []
            #expect(listed.map { $0["logGroupName"] as? String } == ["/app/orders"])
            #expect(listed.first?["arn"] as? String == "arn:aws:logs:us-east-1:000000000000:log-group:/app/orders:*")

            _ = try await logs(
                ports.aws, ["create-log-stream", "--log-group-name", "/app/orders", "--log-stream-name", "s1"])
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let events = (0..<5).map { index in
                [
                    "timestamp": now + Int64(index),
                    "message": index == 3 ? #"{"level":"error","latency":250}"# : "INFO request \(index) done",
                ] as [String: Any]
            }
            let eventsJSON = String(decoding: try JSONSerialization.data(withJSONObject: events), as: UTF8.self)
            let put = try await logs(
                ports.aws,
                [
                    "put-log-events", "--log-group-name", "/app/orders", "--log-stream-name", "s1", "--log-events",
                    eventsJSON,
                ])
            #expect(put["rejectedLogEventsInfo"] == nil)

            // The newest events by default; the oldest with --start-from-head; tokens page on.
            let latest = try await logs(
                ports.aws,
                ["get-log-events", "--log-group-name", "/app/orders", "--log-stream-name", "s1", "--limit", "2"])
            #expect((latest["events"] as? [[String: Any]])?.map { $0["timestamp"] as? Int64 } == [now + 3, now + 4])
            let head = try await logs(
                ports.aws,
                [
                    "get-log-events", "--log-group-name", "/app/orders", "--log-stream-name", "s1", "--limit", "2",
                    "--start-from-head",
                ])
            let headEvents = head["events"] as? [[String: Any]] ?? []
            #expect(headEvents.map { $0["message"] as? String } == ["INFO request 0 done", "INFO request 1 done"])
            #expect(headEvents.first?["ingestionTime"] as? Int64 != nil)
            let forward = try #require(head["nextForwardToken"] as? String)
            #expect(forward.hasPrefix("f/") && forward.count == 58)
            let next = try await logs(
                ports.aws,
                [
                    "get-log-events", "--log-group-name", "/app/orders", "--log-stream-name", "s1", "--limit", "10",
                    "--next-token", forward,
                ])
            #expect((next["events"] as? [Any])?.count == 3)
            let end = try await logs(
                ports.aws,
                [
                    "get-log-events", "--log-group-name", "/app/orders", "--log-stream-name", "s1", "--next-token",
                    next["nextForwardToken"] as? String ?? "",
                ])
            #expect((end["events"] as? [Any])?.isEmpty == true)
            #expect(end["nextForwardToken"] as? String == next["nextForwardToken"] as? String)

            let terms = try await logs(
                ports.aws,
                ["filter-log-events", "--log-group-name", "/app/orders", "--filter-pattern", "INFO -\"request 2\""])
            #expect(
                (terms["events"] as? [[String: Any]])?.map { $0["message"] as? String } == [
                    "INFO request 0 done", "INFO request 1 done", "INFO request 4 done",
                ])
            let json = try await logs(
                ports.aws,
                [
                    "filter-log-events", "--log-group-name", "/app/orders", "--filter-pattern",
                    #"{ $.level = "error" && $.latency > 200 }"#, "--log-stream-names", "s1",
                ])
            let matched = json["events"] as? [[String: Any]] ?? []
            #expect(matched.count == 1)
            #expect(matched.first?["logStreamName"] as? String == "s1")
            #expect(matched.first?["eventId"] as? String != nil)
            let window = try await logs(
                ports.aws,
                [
                    "filter-log-events", "--log-group-name", "/app/orders", "--start-time", String(now + 1),
                    "--end-time", String(now + 3),
                ])
            #expect((window["events"] as? [Any])?.count == 2)

            let missing = try await aws([
                "logs", "filter-log-events", "--log-group-name", "/nope", "--endpoint-url",
                "http://127.0.0.1:\(ports.aws)",
            ])
            #expect(missing.error.contains("ResourceNotFoundException"))
            #expect(missing.error.contains("The specified log group does not exist."))
            _ = try await logs(ports.aws, ["delete-log-group", "--log-group-name", "/app/orders"])
            let gone = try await logs(ports.aws, ["describe-log-groups"])
            #expect((gone["logGroups"] as? [[String: Any]])?.map { $0["logGroupName"] as? String } == ["/other"])
        }
    }

    @Test func putLogEventsRulesAndStreamErrors() async throws {
        try await withHost(Topology()) { _, ports in
            _ = try await awsJSON(ports.aws, "Logs_20140328.CreateLogGroup", #"{"logGroupName":"g"}"#)
            let noStream = try await awsJSONResponse(
                ports.aws, "Logs_20140328.PutLogEvents",
                #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m"}]}"#)
            #expect(noStream.status == 400)
            #expect(try noStream.json()["message"] as? String == "The specified log stream does not exist.")
            _ = try await awsJSON(
                ports.aws, "Logs_20140328.CreateLogStream", #"{"logGroupName":"g","logStreamName":"s"}"#)
            let again = try await awsJSONResponse(
                ports.aws, "Logs_20140328.CreateLogStream", #"{"logGroupName":"g","logStreamName":"s"}"#)
            #expect(try again.json()["__type"] as? String == "ResourceAlreadyExistsException")
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let unordered = try await awsJSONResponse(
                ports.aws, "Logs_20140328.PutLogEvents",
                #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":\#(now),"message":"b"},{"timestamp":\#(now - 1),"message":"a"}]}"#
            )
            #expect(try unordered.json()["__type"] as? String == "InvalidParameterException")
            let old = try await awsJSON(
                ports.aws, "Logs_20140328.PutLogEvents",
                #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"old"},{"timestamp":\#(now),"message":"new"}]}"#
            )
            #expect((old["rejectedLogEventsInfo"] as? [String: Any])?["tooOldLogEventEndIndex"] as? Int == 1)
            let stored = try await awsJSON(
                ports.aws, "Logs_20140328.GetLogEvents",
                #"{"logGroupName":"g","logStreamName":"s","startFromHead":true}"#)
            #expect((stored["events"] as? [[String: Any]])?.map { $0["message"] as? String } == ["new"])
            let streams = try await awsJSON(
                ports.aws, "Logs_20140328.DescribeLogStreams",
                #"{"logGroupIdentifier":"arn:aws:logs:us-east-1:000000000000:log-group:g","orderBy":"LastEventTime","descending":true}"#
            )
            let stream = (streams["logStreams"] as? [[String: Any]])?.first
            #expect(stream?["logStreamName"] as? String == "s")
            #expect(stream?["lastEventTimestamp"] as? Int64 == now)
        }
    }

    @Test func ruleTargetAppendsEachEventToTheLogGroup() async throws {
        let text = #"""
            {"rules":{"audit":{"pattern":{"source":["core.update-account-command"]},
                               "targets":[{"id":"all","logGroup":"/aws/events/all"}]}}}
            """#
        let topology = try Topology.decode(Data(text.utf8), baseDirectory: "/")
        #expect(topology.rules.first?.targets.first?.logGroup == "/aws/events/all")
        try await withHost(topology) { _, ports in
            let targets = try await awsJSON(ports.aws, "AWSEvents.ListTargetsByRule", #"{"Rule":"audit"}"#)
            #expect(
                (targets["Targets"] as? [[String: Any]])?.first?["Arn"] as? String
                    == "arn:aws:logs:us-east-1:000000000000:log-group:/aws/events/all")
            // The event of LocalStack's AWS-recorded test_put_events_with_target_cloudwatch_logs.
            let detail =
                #"{\"command\":\"update-account\",\"payload\":{\"acc_id\":\"0a787ecb-4015\",\"sf_id\":\"baz\"}}"#
            let put = try await awsJSON(
                ports.aws, "AWSEvents.PutEvents",
                #"{"Entries":[{"Source":"core.update-account-command","DetailType":"core.update-account-command","Detail":"\#(detail)"}]}"#
            )
            let eventID = try #require((put["Entries"] as? [[String: Any]])?.first?["EventId"] as? String)
            let found = try await logs(
                ports.aws,
                ["filter-log-events", "--log-group-name", "/aws/events/all", "--filter-pattern", "update-account"])
            let events = found["events"] as? [[String: Any]] ?? []
            #expect(events.count == 1)
            #expect(events.first?["logStreamName"] as? String == eventID)
            let message =
                try JSONSerialization.jsonObject(
                    with: Data((events.first?["message"] as? String ?? "").utf8)) as? [String: Any] ?? [:]
            #expect(
                Set(message.keys) == [
                    "version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail",
                ])
            #expect(message["id"] as? String == eventID)
            #expect(
                ((message["detail"] as? [String: Any])?["payload"] as? [String: Any])?["sf_id"] as? String == "baz")
        }
    }

    @Test(arguments: [
        ("", "anything", true),
        ("ERROR", "an ERROR here", true),
        ("ERROR", "an error here", false),
        ("ERROR timeout", "ERROR: timeout", true),
        ("ERROR timeout", "ERROR: refused", false),
        ("?ERROR ?WARN", "WARN disk", true),
        ("?ERROR ?WARN", "INFO", false),
        ("ERROR -retry", "ERROR will retry", false),
        (#""request failed""#, "the request failed", true),
        (#"{ $.level = "error" }"#, #"{"level":"error"}"#, true),
        (#"{ $.level = "error" }"#, #"level error"#, false),
        (#"{ $.level != "error" }"#, #"{"level":"info"}"#, true),
        (#"{ $.user.id = "u-*" }"#, #"{"user":{"id":"u-42"}}"#, true),
        (#"{ $.items[1].sku = "b" }"#, #"{"items":[{"sku":"a"},{"sku":"b"}]}"#, true),
        (#"{ $.latency >= 100 }"#, #"{"latency":100}"#, true),
        (#"{ $.latency > 100 }"#, #"{"latency":"150"}"#, false),
        (#"{ ($.a = 1 || $.b = 2) && $.c IS TRUE }"#, #"{"b":2,"c":true}"#, true),
        (#"{ $.missing NOT EXISTS }"#, #"{"a":1}"#, true),
        (#"{ $.a IS NULL }"#, #"{"a":null}"#, true),
    ])
    func filterPatterns(pattern: String, message: String, matches: Bool) throws {
        #expect(try LogsFilterPattern(parsing: pattern).matches(message) == matches)
    }

    @Test(arguments: [#"{ $.a = }"#, #"{ a = 1 }"#, #"{ $.a > "x" }"#, "[ip, user]", #""unterminated"#])
    func invalidFilterPatternsAreRefused(pattern: String) {
        #expect(throws: LogsError.self) { try LogsFilterPattern(parsing: pattern) }
    }
}
