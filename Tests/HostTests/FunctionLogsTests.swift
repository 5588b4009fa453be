import Foundation
import Testing

@testable import Host

/// A function's output in CloudWatch Logs as on AWS: `/aws/lambda/<name>`, one stream per execution environment named
/// `YYYY/MM/DD/[$LATEST]<32 hex>`, START / END / REPORT around its own lines (JSON system records for a JSON
/// function), read back through the Logs API the aws CLI calls.
@Suite struct FunctionLogsTests {
    func events(_ port: Int, group: String) async throws -> (streams: [String], messages: [String]) {
        // The shipper writes a few milliseconds after the lines: wait for the REPORT.
        for _ in 0..<200 {
            let described = try await awsJSONResponse(
                port, "Logs_20140328.DescribeLogStreams", #"{"logGroupName":"\#(group)"}"#)
            if described.status == 200 {
                let streams = (try described.json()["logStreams"] as? [[String: Any]] ?? []).compactMap {
                    $0["logStreamName"] as? String
                }
                let filtered = try await awsJSON(
                    port, "Logs_20140328.FilterLogEvents", #"{"logGroupName":"\#(group)"}"#)
                let messages = (filtered["events"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
                if messages.contains(where: { $0.contains("REPORT") || $0.contains("platform.report") }) {
                    return (streams, messages)
                }
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("no REPORT reached \(group)")
    }

    @Test func aFunctionsLinesReachItsLogGroupInOneStreamPerEnvironment() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"))) { host, ports in
            _ = try await host.lambda.invoke(
                "Fn", payload: Array(#"{"action":"print","lines":["hello from the function","second line"]}"#.utf8))
            let (streams, messages) = try await events(ports.aws, group: "/aws/lambda/Fn")
            #expect(streams.count == 1)
            let name = try #require(streams.first)
            #expect(name.wholeMatch(of: /\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}/) != nil, "\(name)")
            let start = try #require(messages.firstIndex { $0.hasPrefix("START RequestId: ") })
            let hello = try #require(messages.firstIndex(of: "hello from the function"))
            let end = try #require(messages.firstIndex { $0.hasPrefix("END RequestId: ") })
            let report = try #require(messages.firstIndex { $0.hasPrefix("REPORT RequestId: ") })
            #expect(start < hello && hello < end && end < report, "\(messages)")
            #expect(messages[report].contains("\tDuration: ") && messages[report].contains("\tMax Memory Used: "))
        }
    }

    @Test func aConfiguredLogGroupGetsTheLinesAndKeepsItsRetention() async throws {
        var system = topology(executable: try builtProduct("TestFunction"))
        system.functions[0].logGroup = "/custom/orders"
        system.functions[0].logRetentionInDays = 7
        try await withHost(system) { host, ports in
            let environment =
                try await host.lambda.invoke("Fn", payload: Array(#"{"action":"env"}"#.utf8)).json()
                as? [String: String]
            #expect(environment?["AWS_LAMBDA_LOG_GROUP_NAME"] == "/custom/orders")
            let (_, messages) = try await events(ports.aws, group: "/custom/orders")
            #expect(messages.contains { $0.hasPrefix("START RequestId: ") })
            let groups = try await awsJSON(
                ports.aws, "Logs_20140328.DescribeLogGroups", #"{"logGroupNamePrefix":"/custom/"}"#)
            let group = (groups["logGroups"] as? [[String: Any]])?.first
            #expect(group?["retentionInDays"] as? Int == 7)
            let function = try await http("GET", "http://127.0.0.1:\(ports.aws)/2015-03-31/functions/Fn")
            #expect(function.text.contains(#""LogGroup":"/custom/orders""#))

            // PutRetentionPolicy takes CloudWatch's periods only; DeleteRetentionPolicy keeps events forever.
            let refused = try await awsJSONResponse(
                ports.aws, "Logs_20140328.PutRetentionPolicy",
                #"{"logGroupName":"/custom/orders","retentionInDays":2}"#)
            #expect(refused.status == 400 && refused.text.contains("InvalidParameterException"))
            _ = try await awsJSON(
                ports.aws, "Logs_20140328.DeleteRetentionPolicy", #"{"logGroupName":"/custom/orders"}"#)
            let after = try await awsJSON(
                ports.aws, "Logs_20140328.DescribeLogGroups", #"{"logGroupNamePrefix":"/custom/"}"#)
            #expect((after["logGroups"] as? [[String: Any]])?.first?["retentionInDays"] == nil)
        }
    }

    @Test func eventsPastTheirGroupsRetentionAreDeleted() throws {
        let path = NSTemporaryDirectory() + "logs-\(UUID().uuidString)/host.sqlite"
        let store = LogsStore(database: try HostDatabase(path: path, migrations: LogsStore.migrations))
        try store.createGroup("g")
        try store.createStream(group: "g", name: "s")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try store.putEvents(
            group: "g", stream: "s", [(now - 3 * 86_400_000, "old"), (now - 86_400_000 / 2, "recent")])
        #expect(try store.expireEvents() == 0)  // no retention: kept forever
        try store.setRetention(group: "g", days: 1)
        #expect(try store.expireEvents() == 1)
        #expect(try store.recentEvents(group: "g", limit: 10).map(\.message) == ["recent"])
        #expect(throws: LogsError.self) { try store.setRetention(group: "g", days: 2) }
        #expect(throws: LogsError.self) { try store.setRetention(group: "missing", days: 1) }
    }

    @Test func aJSONFunctionGetsAWSsSystemRecords() async throws {
        var system = topology(executable: try builtProduct("TestFunction"))
        system.functions[0].logFormat = "JSON"
        try await withHost(system) { host, ports in
            _ = try await host.lambda.invoke("Fn", payload: Array(#"{"action":"print","lines":["x"]}"#.utf8))
            let (_, messages) = try await events(ports.aws, group: "/aws/lambda/Fn")
            let records = messages.compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let start = try #require(records.first { $0["type"] as? String == "platform.start" })
            #expect((start["record"] as? [String: Any])?["version"] as? String == "$LATEST")
            let report = try #require(records.first { $0["type"] as? String == "platform.report" })
            let record = try #require(report["record"] as? [String: Any])
            #expect(record["status"] as? String == "success")
            let metrics = try #require(record["metrics"] as? [String: Any])
            #expect(metrics["durationMs"] is NSNumber && metrics["memorySizeMB"] as? Int == 128)
            #expect(!messages.contains { $0.hasPrefix("END RequestId") }, "no END record in JSON")
        }
    }
}
