import Foundation
import GRDB
import Testing

@testable import Host

@Suite struct ScheduleExpressionTests {
    func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    @Test func acceptsAWSsFormsAndRefusesTheRest() {
        for valid in [
            "rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "rate(7 days)",
            "cron(0 12 * * ? *)", "cron(0/15 * ? * MON-FRI *)", "cron(0 10 L * ? *)", "cron(0 10 ? * 6L *)",
            "cron(0 10 ? * 2#1 *)", "cron(15 10 ? * 6L 2026-2030)", "cron(0 8 1W * ? *)", "cron(0 18 ? * SUN,SAT *)",
            "cron(5,35 14 * JAN-MAR ? 2027)",
        ] {
            #expect((try? ScheduleExpression(parsing: valid)) != nil, "\(valid)")
        }
        for invalid in [
            "rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(-1 hours)", "rate(1 week)", "rate(1)",
            "cron(0 12 * * * *)", "cron(0 12 ? * ? *)", "cron(0 12 * *)", "cron(60 12 * * ? *)", "cron(0 24 * * ? *)",
            "cron(0 12 32 * ? *)", "cron(0 12 ? * 8 *)", "cron(0 12 * * ? 2200)", "at(2026-01-01T00:00:00)", "",
            "cron(0 12 ? * 2#6 *)",
        ] {
            #expect((try? ScheduleExpression(parsing: invalid)) == nil, "\(invalid)")
        }
    }

    @Test func findsTheNextTimeInUTC() throws {
        let start = date("2026-12-01T00:00:00Z")
        func next(_ expression: String, after: String) throws -> Date? {
            try ScheduleExpression(parsing: expression).next(after: date(after), start: start)
        }
        #expect(try next("cron(0 12 * * ? *)", after: "2026-12-06T13:00:00Z") == date("2026-12-07T12:00:00Z"))
        #expect(try next("cron(0 12 * * ? *)", after: "2026-12-06T11:59:30Z") == date("2026-12-06T12:00:00Z"))
        // Saturday 2026-12-05 → Monday.
        #expect(try next("cron(0/15 * ? * MON-FRI *)", after: "2026-12-05T10:00:00Z") == date("2026-12-07T00:00:00Z"))
        #expect(try next("cron(0 10 L * ? *)", after: "2026-02-01T00:00:00Z") == date("2026-02-28T10:00:00Z"))
        #expect(try next("cron(0 10 ? * 6L *)", after: "2026-12-01T00:00:00Z") == date("2026-12-25T10:00:00Z"))
        #expect(try next("cron(0 10 ? * 2#1 *)", after: "2026-12-08T00:00:00Z") == date("2027-01-04T10:00:00Z"))
        // The 1st of August 2026 is a Saturday: its nearest weekday in the month is Monday the 3rd.
        #expect(try next("cron(0 8 1W * ? *)", after: "2026-07-31T00:00:00Z") == date("2026-08-03T08:00:00Z"))
        #expect(try next("rate(1 hour)", after: "2026-12-01T00:00:00Z") == date("2026-12-01T01:00:00Z"))
        #expect(try next("rate(1 hour)", after: "2026-12-01T05:30:00Z") == date("2026-12-01T06:00:00Z"))
        #expect(try next("cron(0 0 1 1 ? 2020)", after: "2026-01-01T00:00:00Z") == nil)
    }
}

/// A rule with a schedule fires on the host's clock: advancing it an hour fires `rate(1 hour)` once, without
/// sleeping.
@Suite struct ScheduledRuleTests {
    @Test func aRateRuleFiresWhenTheClockIsAdvanced() async throws {
        try await withHost(Topology()) { _, ports in
            let queue = try await awsJSON(ports.aws, "AmazonSQS.CreateQueue", #"{"QueueName":"ticks"}"#)
            let queueURL = try #require(queue["QueueUrl"] as? String)
            let rule = try await awsJSON(
                ports.aws, "AWSEvents.PutRule", #"{"Name":"hourly","ScheduleExpression":"rate(1 hour)"}"#)
            let ruleARN = try #require(rule["RuleArn"] as? String)
            _ = try await awsJSON(
                ports.aws, "AWSEvents.PutTargets",
                #"{"Rule":"hourly","Targets":[{"Id":"q","Arn":"arn:aws:sqs:us-east-1:000000000000:ticks"}]}"#)
            let described = try await awsJSON(ports.aws, "AWSEvents.DescribeRule", #"{"Name":"hourly"}"#)
            #expect(described["ScheduleExpression"] as? String == "rate(1 hour)")

            func advance(_ seconds: Int) async throws {
                let response = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance",
                    headers: [("Content-Type", "application/json")], body: Array(#"{"seconds":\#(seconds)}"#.utf8))
                #expect(response.status == 200)
            }
            func messages() async throws -> [[String: Any]] {
                let received = try await awsJSON(
                    ports.aws, "AmazonSQS.ReceiveMessage", #"{"QueueUrl":"\#(queueURL)","MaxNumberOfMessages":10}"#)
                let messages = received["Messages"] as? [[String: Any]] ?? []
                // Deleted once read: the clock's advances would otherwise bring them back after their visibility.
                for message in messages {
                    _ = try await awsJSON(
                        ports.aws, "AmazonSQS.DeleteMessage",
                        #"{"QueueUrl":"\#(queueURL)","ReceiptHandle":"\#(message["ReceiptHandle"] as? String ?? "")"}"#)
                }
                return messages.compactMap {
                    try? JSONSerialization.jsonObject(with: Data(($0["Body"] as? String ?? "").utf8)) as? [String: Any]
                }
            }
            try await advance(3500)
            #expect(try await messages().isEmpty)
            try await advance(120)
            let fired = try await messages()
            #expect(fired.count == 1)
            let event = try #require(fired.first)
            #expect(event["source"] as? String == "aws.events")
            #expect(event["detail-type"] as? String == "Scheduled Event")
            #expect(event["resources"] as? [String] == [ruleARN])
            #expect((event["detail"] as? [String: Any])?.isEmpty == true)

            // Three more hours: three firings, in order.
            try await advance(3 * 3600)
            let later = try await messages()
            #expect(later.count == 3)
            let times = later.compactMap { $0["time"] as? String }.sorted()
            #expect(Set(times).count == 3)

            let clock = try await http("GET", "http://127.0.0.1:\(ports.aws)/_host/clock")
            let state = try clock.json()
            #expect((state["offsetSeconds"] as? Double ?? 0) >= 3620 + 3 * 3600)

            // AWS's validation.
            let invalid = try await awsJSONResponse(
                ports.aws, "AWSEvents.PutRule", #"{"Name":"bad","ScheduleExpression":"rate(1 minutes)"}"#)
            #expect(invalid.status == 400 && invalid.text.contains("Parameter ScheduleExpression is not valid."))
            _ = try await awsJSON(ports.aws, "AWSEvents.CreateEventBus", #"{"Name":"custom"}"#)
            let onCustom = try await awsJSONResponse(
                ports.aws, "AWSEvents.PutRule",
                #"{"Name":"c","EventBusName":"custom","ScheduleExpression":"rate(1 hour)"}"#)
            #expect(onCustom.status == 400 && onCustom.text.contains("only on the default event bus"))
            let neither = try await awsJSONResponse(ports.aws, "AWSEvents.PutRule", #"{"Name":"n"}"#)
            #expect(neither.text.contains("EventPattern or ScheduleExpression must be specified"))
            let backwards = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance",
                headers: [("Content-Type", "application/json")], body: Array(#"{"seconds":-5}"#.utf8))
            #expect(backwards.status == 400)
        }
    }
}

extension ScheduledRuleTests {
    @Test func aTopologyRuleWithAScheduleFiresOnTheClock() async throws {
        let text = #"""
            {"queues":{"ticks":{}},
             "rules":{"nightly":{"schedule":"cron(0 3 * * ? *)","targets":[{"queue":"ticks"}]}}}
            """#
        try await withHost(try Topology.decode(Data(text.utf8), baseDirectory: "/")) { _, ports in
            let response = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance",
                headers: [("Content-Type", "application/json")], body: Array(#"{"seconds":86400}"#.utf8))
            #expect(response.status == 200)
            let received = try await receive(ports.aws, queue: "ticks", wait: 1)
            #expect(received.count == 1)
            #expect((received.first?["Body"] as? String)?.contains(#""detail-type":"Scheduled Event""#) == true)
        }
        for broken in [
            #"{"queues":{"q":{}},"rules":{"r":{"schedule":"rate(1 hour)","pattern":{"source":["x"]},"targets":[{"queue":"q"}]}}}"#,
            #"{"queues":{"q":{}},"rules":{"r":{"schedule":"rate(1 hours)","targets":[{"queue":"q"}]}}}"#,
            #"{"buses":{"b":{}},"queues":{"q":{}},"rules":{"r":{"bus":"b","schedule":"rate(1 hour)","targets":[{"queue":"q"}]}}}"#,
        ] {
            #expect(throws: TopologyError.self) { try Topology.decode(Data(broken.utf8), baseDirectory: "/") }
        }
    }
}

extension ScheduledRuleTests {
    /// The clock's advance is kept across a restart, and an hourly schedule that was due five times while the host
    /// was down fires once at the next start (the downtime is simulated by moving the stored clock while it is down).
    @Test func theClockSurvivesARestartAndMissedTimesFireOnce() async throws {
        let directory = NSTemporaryDirectory() + "host-\(UUID().uuidString)"
        let text =
            #"{"queues":{"ticks":{}},"rules":{"hourly":{"schedule":"rate(1 hour)","targets":[{"queue":"ticks"}]}}}"#
        let topology = try Topology.decode(Data(text.utf8), baseDirectory: "/")
        func clockOffset(_ port: Int) async throws -> Double {
            let clock = try await http("GET", "http://127.0.0.1:\(port)/_host/clock")
            return try #require(try clock.json()["offsetSeconds"] as? Double)
        }
        try await withHost(topology, configuration: testConfiguration(dataDirectory: directory)) { _, ports in
            let response = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance",
                headers: [("Content-Type", "application/json")], body: Array(#"{"seconds":1800}"#.utf8))
            #expect(response.status == 200)
            #expect(try await clockOffset(ports.aws) == 1800)
            #expect(try await receive(ports.aws, queue: "ticks", wait: 0).isEmpty)
        }
        // Five hours pass while the host is down.
        let database = try DatabaseQueue(path: directory + "/host.sqlite")
        try await database.write { db in
            try db.execute(sql: "UPDATE host_clock SET offset_seconds = offset_seconds + 18000 WHERE id = 1")
        }
        try database.close()
        try await withHost(topology, configuration: testConfiguration(dataDirectory: directory)) { _, ports in
            #expect(try await clockOffset(ports.aws) == 19800)
            try await eventually("the missed schedule fires at start") {
                try await awsJSON(
                    ports.aws, "AmazonSQS.GetQueueAttributes",
                    #"{"QueueUrl":"http://127.0.0.1:\#(ports.aws)/000000000000/ticks","AttributeNames":["ApproximateNumberOfMessages"]}"#
                )["Attributes"].flatMap { ($0 as? [String: String])?["ApproximateNumberOfMessages"] } == "1"
            }
            let fired = try await receive(ports.aws, queue: "ticks", wait: 0)
            #expect(fired.count == 1)  // once, not once per missed hour
            #expect((fired.first?["Body"] as? String)?.contains(#""detail-type":"Scheduled Event""#) == true)
        }
    }
}

/// What waits for a time waits on the host's clock: an advance makes it due at once.
@Suite struct HostClockTests {
    func advance(_ port: Int, _ seconds: Int) async throws {
        let response = try await http(
            "POST", "http://127.0.0.1:\(port)/_host/clock/advance", headers: [("Content-Type", "application/json")],
            body: Array(#"{"seconds":\#(seconds)}"#.utf8))
        #expect(response.status == 200)
    }

    @Test func delaysAndVisibilityTimeoutsPassWithTheClock() async throws {
        try await withHost(Topology()) { _, ports in
            let queue = try await awsJSON(ports.aws, "AmazonSQS.CreateQueue", #"{"QueueName":"later"}"#)
            let url = try #require(queue["QueueUrl"] as? String)
            _ = try await awsJSON(
                ports.aws, "AmazonSQS.SendMessage", #"{"QueueUrl":"\#(url)","MessageBody":"m","DelaySeconds":900}"#)
            #expect(try await receive(ports.aws, queue: "later", wait: 0).isEmpty)
            try await advance(ports.aws, 900)
            let first = try await receive(ports.aws, queue: "later", wait: 0)
            #expect(first.count == 1)
            // Received with an hour's visibility timeout: back after an hour of the clock, not of the wall.
            _ = try await awsJSON(
                ports.aws, "AmazonSQS.ChangeMessageVisibility",
                #"{"QueueUrl":"\#(url)","ReceiptHandle":"\#(first.first?["ReceiptHandle"] as? String ?? "")","VisibilityTimeout":3600}"#
            )
            try await advance(ports.aws, 1800)
            #expect(try await receive(ports.aws, queue: "later", wait: 0).isEmpty)
            try await advance(ports.aws, 1801)
            #expect(try await receive(ports.aws, queue: "later", wait: 0).count == 1)
        }
    }

    @Test func logEventsPastTheirRetentionGoWhenTheClockPassesIt() async throws {
        try await withHost(Topology()) { _, ports in
            _ = try await awsJSON(ports.aws, "Logs_20140328.CreateLogGroup", #"{"logGroupName":"/app"}"#)
            _ = try await awsJSON(
                ports.aws, "Logs_20140328.PutRetentionPolicy", #"{"logGroupName":"/app","retentionInDays":1}"#)
            _ = try await awsJSON(
                ports.aws, "Logs_20140328.CreateLogStream", #"{"logGroupName":"/app","logStreamName":"s"}"#)
            let clock = try await http("GET", "http://127.0.0.1:\(ports.aws)/_host/clock").json()
            let millis = Int(try #require(clock["epochSeconds"] as? Double) * 1000)
            _ = try await awsJSON(
                ports.aws, "Logs_20140328.PutLogEvents",
                #"{"logGroupName":"/app","logStreamName":"s","logEvents":[{"timestamp":\#(millis),"message":"hello"}]}"#
            )
            func count() async throws -> Int {
                let found = try await awsJSON(ports.aws, "Logs_20140328.FilterLogEvents", #"{"logGroupName":"/app"}"#)
                return (found["events"] as? [Any])?.count ?? -1
            }
            #expect(try await count() == 1)
            try await advance(ports.aws, 2 * 86400)
            try await eventually("the day's retention passed on the host's clock", seconds: 10) {
                try await count() == 0
            }
        }
    }

    @Test func anItemPastItsTimeToLiveIsDeletedWhenTheClockPassesIt() async throws {
        let text = #"{"tables":{"sessions":{"partitionKey":{"name":"id"},"timeToLiveAttribute":"expires"}}}"#
        try await withHost(try Topology.decode(Data(text.utf8), baseDirectory: "/")) { _, ports in
            let expires = Int(Date().timeIntervalSince1970) + 3600
            _ = try await awsJSON(
                ports.aws, "DynamoDB_20120810.PutItem",
                #"{"TableName":"sessions","Item":{"id":{"S":"s1"},"expires":{"N":"\#(expires)"}}}"#)
            try await advance(ports.aws, 3700)
            try await eventually("the sweeper deletes the expired item", seconds: 10) {
                let item = try await awsJSON(
                    ports.aws, "DynamoDB_20120810.GetItem", #"{"TableName":"sessions","Key":{"id":{"S":"s1"}}}"#)
                return item["Item"] == nil
            }
        }
    }
}
