import AWSShapes
import Foundation
import Testing

@testable import Host

/// Event source mappings made through Lambda's API, checked against what real AWS recorded: the API's answers and
/// errors, the events the function receives, and the OnFailure records of discarded stream batches.
@Suite struct EventSourceMappingTests {
    static let streams = "test_lambda_integration_dynamodbstreams.snapshot.json"
    static let sqsFile = "test_lambda_integration_sqs.snapshot.json"

    /// A host with the test function (logging every event to a file), a table with a stream and two queues.
    struct Fixture {
        var ports: (aws: Int, api: Int)
        var log: String
        var host: HostRuntime

        var endpoint: String { "http://127.0.0.1:\(ports.aws)" }

        func call(_ target: String, _ body: String) async throws -> JSONValue {
            let response = try await http(
                "POST", endpoint + "/",
                headers: [("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-1.0")],
                body: Array(body.utf8))
            guard response.status == 200 else { throw TestFailure("\(target): \(response.text)") }
            return try JSONValue(parsing: Data(response.body))
        }

        func mappings(_ method: String, _ path: String = "", _ body: String? = nil) async throws -> (
            status: Int, body: JSONValue
        ) {
            let response = try await http(
                method, endpoint + "/2015-03-31/event-source-mappings/" + path,
                headers: [("Content-Type", "application/json")], body: body.map { Array($0.utf8) })
            return (response.status, try JSONValue(parsing: Data(response.body)))
        }

        func streamARN(_ table: String) async throws -> String {
            let described = try await call("DynamoDB_20120810.DescribeTable", #"{"TableName":"\#(table)"}"#)
            return try #require(described["Table"]?["LatestStreamArn"]?.stringValue)
        }

        func put(_ table: String, _ item: String) async throws {
            _ = try await call("DynamoDB_20120810.PutItem", #"{"TableName":"\#(table)","Item":\#(item)}"#)
        }

        /// The events the function received, once there are at least `count` (or after 15 seconds).
        func events(atLeast count: Int) async throws -> [JSONValue] {
            let deadline = ContinuousClock.now + .seconds(15)
            while true {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                let events = try text.split(separator: "\n").map { try JSONValue(parsing: Data($0.utf8)) }
                if events.count >= count || ContinuousClock.now > deadline { return events }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        /// The next message of a queue, long-polling.
        func receive(_ queue: String) async throws -> JSONValue? {
            for _ in 0..<3 {
                let received = try await call(
                    "AmazonSQS.ReceiveMessage",
                    #"{"QueueUrl":"\#(endpoint)/000000000000/\#(queue)","WaitTimeSeconds":10}"#)
                if let first = received["Messages"]?.arrayValue?.first { return first }
            }
            return nil
        }
    }

    func withFixture(_ body: (Fixture) async throws -> Void) async throws {
        let function = try builtProduct("TestFunction")
        let log = NSTemporaryDirectory() + "events-\(UUID().uuidString).jsonl"
        let text = #"""
            {"functions":{"Worker":{"executable":"\#(function)","timeout":5,"environment":{"TEST_EVENT_LOG":"\#(log)"}}},
             "tables":{"items":{"partitionKey":{"name":"my_partition_key"},"stream":"NEW_IMAGE"}},
             "queues":{"work":{},"failures":{}}}
            """#
        let topology = try Topology.decode(Data(text.utf8), baseDirectory: "/")
        try await withHost(topology) { host, ports in
            try await body(Fixture(ports: ports, log: log, host: host))
        }
    }

    func expectMatches(
        _ actual: JSONValue?, _ recorded: JSONValue?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let actual, let recorded else {
            Issue.record("\(what): nothing to compare", sourceLocation: sourceLocation)
            return
        }
        let differences = RecordedSnapshot.differences(actual, RecordedSnapshot.withoutMetadata(recorded))
        #expect(differences.isEmpty, "\(what): \(differences.joined(separator: "; "))", sourceLocation: sourceLocation)
    }

    @Test func aStreamMappingMadeThroughTheAPIAnswersAndDeliversAsAWSRecorded() async throws {
        let recorded = try RecordedSnapshot.test(Self.streams, "test_dynamodb_event_source_mapping")
        try await withFixture { fixture in
            let stream = try await fixture.streamARN("items")
            let request =
                #"{"FunctionName":"Worker","EventSourceArn":"\#(stream)","BatchSize":1,"MaximumBatchingWindowInSeconds":1,"MaximumRetryAttempts":1,"StartingPosition":"TRIM_HORIZON"}"#
            let created = try await fixture.mappings("POST", "", request)
            #expect(created.status == 202)
            expectMatches(created.body, recorded["create_event_source_mapping_response"], "CreateEventSourceMapping")

            try await fixture.put(
                "items", #"{"my_partition_key":{"S":"hello world"},"binary_key":{"B":"Zm9vYmFy"}}"#)
            let events = try await fixture.events(atLeast: 1)
            #expect(events.count == 1)
            expectMatches(events.first, recorded["event_logs"]?[0], "the event the function received")

            // A second mapping of the same stream and function is refused with AWS's words.
            let duplicate = try await fixture.mappings("POST", "", request)
            #expect(duplicate.status == 409)
            let conflict = try RecordedSnapshot.test(Self.streams, "test_duplicate_event_source_mappings")
            expectMatches(
                duplicate.body["message"], conflict["error"]?["message"], "the duplicate mapping's error message")

            let uuid = try #require(created.body["UUID"]?.stringValue)
            let got = try await fixture.mappings("GET", uuid)
            #expect(got.body["State"]?.stringValue == "Enabled")
            #expect(got.body["LastProcessingResult"]?.stringValue == "OK")
            let listed = try await fixture.mappings("GET", "?FunctionName=Worker")
            #expect(listed.body["EventSourceMappings"]?.arrayValue?.count == 1)
            let disabled = try await fixture.mappings("PUT", uuid, #"{"Enabled":false}"#)
            #expect(disabled.status == 202)
            #expect(disabled.body["State"]?.stringValue == "Disabling")
            let deleted = try await fixture.mappings("DELETE", uuid)
            #expect(deleted.body["State"]?.stringValue == "Deleting")
            let gone = try await fixture.mappings("GET", uuid)
            #expect(gone.status == 404)
            #expect(gone.body["Type"]?.stringValue == "User")
        }
    }

    @Test func mistakesGetAWSsErrors() async throws {
        try await withFixture { fixture in
            let stream = try await fixture.streamARN("items")
            let missingStream = stream.replacingOccurrences(of: "/stream/", with: "/stream/1999-")
            let notFound = try await fixture.mappings(
                "POST", "",
                #"{"FunctionName":"Worker","EventSourceArn":"\#(missingStream)","StartingPosition":"LATEST"}"#)
            let recordedStream = try RecordedSnapshot.test(Self.streams, "test_esm_with_not_existing_dynamodb_stream")
            #expect(notFound.status == 400)
            #expect(notFound.body["__type"]?.stringValue == "InvalidParameterValueException")
            #expect(
                notFound.body["message"]?.stringValue == "Stream not found: \(missingStream)",
                "recorded: \(recordedStream["error"]?["message"]?.stringValue ?? "")")

            let queue = "arn:aws:sqs:us-east-1:000000000000"
            let noQueue = try await fixture.mappings(
                "POST", "", #"{"FunctionName":"Worker","EventSourceArn":"\#(queue):nope"}"#)
            let recordedQueue = try RecordedSnapshot.test(Self.sqsFile, "test_esm_with_not_existing_sqs_queue")
            expectMatches(noQueue.body["message"], recordedQueue["error"]?["message"], "missing queue")

            let badFilter = try await fixture.mappings(
                "POST", "",
                #"{"FunctionName":"Worker","EventSourceArn":"\#(queue):work","FilterCriteria":{"Filters":[{"Pattern":"simple string"}]}}"#
            )
            let recordedFilter = try RecordedSnapshot.test(Self.sqsFile, "test_sqs_invalid_event_filter[simple string]")
            expectMatches(
                badFilter.body["message"], recordedFilter["create_event_source_mapping_exception"]?["message"],
                "invalid filter")

            let noWindow = try await fixture.mappings(
                "POST", "", #"{"FunctionName":"Worker","EventSourceArn":"\#(queue):work","BatchSize":11}"#)
            let recordedWindow = try RecordedSnapshot.test(
                Self.sqsFile, "test_event_source_mapping_default_batch_size")
            expectMatches(
                noWindow.body["message"], recordedWindow["invalid-create-event-source-mapping"]?["message"],
                "batch size above 10 without a window")

            let noFunction = try await fixture.mappings(
                "POST", "", #"{"FunctionName":"Nobody","EventSourceArn":"\#(queue):work"}"#)
            #expect(noFunction.status == 404)
            #expect(noFunction.body["__type"]?.stringValue == "ResourceNotFoundException")
        }
    }

    @Test func aBatchThatKeepsFailingGoesToTheOnFailureQueueAsAWSRecordsIt() async throws {
        let recorded = try RecordedSnapshot.test(
            Self.streams, "test_dynamodb_event_source_mapping_with_on_failure_destination_config")
        try await withFixture { fixture in
            let stream = try await fixture.streamARN("items")
            let created = try await fixture.mappings(
                "POST", "",
                #"{"FunctionName":"Worker","EventSourceArn":"\#(stream)","BatchSize":1,"MaximumBatchingWindowInSeconds":1,"MaximumRetryAttempts":1,"StartingPosition":"TRIM_HORIZON","DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:failures"}}}"#
            )
            expectMatches(created.body, recorded["create_event_source_mapping_response"], "CreateEventSourceMapping")
            try await fixture.put("items", #"{"my_partition_key":{"S":"please throw"}}"#)
            let message = try #require(try await fixture.receive("failures"))
            let body = try JSONValue(parsing: Data((message["Body"]?.stringValue ?? "").utf8))
            expectMatches(
                body, recorded["destination_queue_messages"]?["Messages"]?[0]?["Body"], "the OnFailure record")
            #expect(try await fixture.events(atLeast: 2).count == 2, "invoked once, retried once")
        }
    }

    @Test func aReportedRecordIsRetriedAloneAndDiscardedAsAWSRecordsIt() async throws {
        let recorded = try RecordedSnapshot.test(Self.streams, "test_dynamodb_report_batch_item_failures")
        try await withFixture { fixture in
            // Six records; the sixth is reported failed each time. Batches [1 2 3] [4 5 6] → [6] × 3 → discarded.
            for index in 0..<6 {
                let mark = index == 5 ? "fail" : "ok"
                try await fixture.put(
                    "items", #"{"my_partition_key":{"S":"testId\#(index)"},"mark":{"S":"\#(mark)"}}"#)
            }
            let stream = try await fixture.streamARN("items")
            let created = try await fixture.mappings(
                "POST", "",
                #"{"FunctionName":"Worker","EventSourceArn":"\#(stream)","BatchSize":3,"MaximumBatchingWindowInSeconds":1,"MaximumRetryAttempts":3,"StartingPosition":"TRIM_HORIZON","FunctionResponseTypes":["ReportBatchItemFailures"],"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:failures"}}}"#
            )
            expectMatches(created.body, recorded["create_event_source_mapping_response"], "CreateEventSourceMapping")
            let message = try #require(try await fixture.receive("failures"))
            let body = try JSONValue(parsing: Data((message["Body"]?.stringValue ?? "").utf8))
            expectMatches(
                body, recorded["destination_queue_messages"]?["Messages"]?[0]?["Body"], "the OnFailure record")
            let events = try await fixture.events(atLeast: 5)
            let sizes = events.map { $0["Records"]?.arrayValue?.count ?? 0 }
            #expect(sizes == [3, 3, 1, 1, 1], "two full batches, then the failed record alone, retried three times")
            let sixth = events.last?["Records"]?[0]?["dynamodb"]?["SequenceNumber"]?.stringValue
            #expect(body["DDBStreamBatchInfo"]?["startSequenceNumber"]?.stringValue == sixth)
        }
    }

    @Test func bisectingIsolatesTheBadRecordAndDeliversTheRest() async throws {
        try await withFixture { fixture in
            for index in 1...4 {
                let mark = index == 3 ? "throw" : "ok"
                try await fixture.put("items", #"{"my_partition_key":{"S":"r\#(index)"},"mark":{"S":"\#(mark)"}}"#)
            }
            let stream = try await fixture.streamARN("items")
            _ = try await fixture.mappings(
                "POST", "",
                #"{"FunctionName":"Worker","EventSourceArn":"\#(stream)","BatchSize":4,"MaximumRetryAttempts":0,"BisectBatchOnFunctionError":true,"StartingPosition":"TRIM_HORIZON","DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:failures"}}}"#
            )
            let message = try #require(try await fixture.receive("failures"))
            let body = try JSONValue(parsing: Data((message["Body"]?.stringValue ?? "").utf8))
            #expect(body["DDBStreamBatchInfo"]?["batchSize"] == .number(1))
            #expect(body["requestContext"]?["condition"]?.stringValue == "RetryAttemptsExhausted")
            let events = try await fixture.events(atLeast: 5)
            let keys = events.map { event in
                (event["Records"]?.arrayValue ?? []).compactMap {
                    $0["dynamodb"]?["Keys"]?["my_partition_key"]?["S"]?.stringValue
                }
            }
            #expect(keys == [["r1", "r2", "r3", "r4"], ["r1", "r2"], ["r3", "r4"], ["r3"], ["r4"]])
        }
    }

    @Test func anSQSMappingMadeWithTheCLIDeliversTheRecordedEvent() async throws {
        let recorded = try RecordedSnapshot.test(Self.sqsFile, "test_sqs_event_source_mapping")
        try await withFixture { fixture in
            let result = try await aws([
                "lambda", "create-event-source-mapping", "--function-name", "Worker", "--event-source-arn",
                "arn:aws:sqs:us-east-1:000000000000:work", "--batch-size", "10",
                "--maximum-batching-window-in-seconds", "1", "--endpoint-url", fixture.endpoint, "--output", "json",
            ])
            #expect(result.status == 0, "\(result.error)")
            let created = try JSONValue(parsing: Data(result.output.utf8))
            var expected = recorded["create-event-source-mapping-response"]
            // boto3 read LastModified as a datetime; the CLI prints what the wire carried.
            if case .object(var object)? = expected {
                object["LastModified"] = .string("<datetime>")
                expected = .object(object)
            }
            expectMatches(created, expected, "create-event-source-mapping")
            _ = try await fixture.call(
                "AmazonSQS.SendMessage",
                #"{"QueueUrl":"\#(fixture.endpoint)/000000000000/work","MessageBody":"{\"foo\":\"bar\"}"}"#)
            var event = try #require(try await fixture.events(atLeast: 1).first)
            // The recording stored the JSON body parsed; parse ours the same way.
            if case .object(var object) = event, var records = object["Records"]?.arrayValue,
                case .object(var record)? = records.first, let body = record["body"]?.stringValue
            {
                record["body"] = try JSONValue(parsing: Data(body.utf8))
                records[0] = .object(record)
                object["Records"] = .array(records)
                event = .object(object)
            }
            expectMatches(event, recorded["events"]?[0], "the SQS event the function received")
        }
    }

    /// A declared mapping's UUID is derived from its function and source and must never change: a data directory
    /// keeps its checkpoints under it (the value is the one the first release computed).
    @Test func aDeclaredMappingKeepsItsUUIDAcrossReleases() {
        #expect(EventSourceMapping.stableUUID(#"Worker|queue("work")"#) == "f77f5a86-b9bd-4faa-8747-7466b7ae6cc9")
        #expect(EventSourceMapping.stableUUID("a") != EventSourceMapping.stableUUID("b"))
    }
}
