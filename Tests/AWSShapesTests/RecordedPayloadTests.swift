import AWSShapes
import Foundation
import Testing

/// Event payloads that Lambda functions and targets received from real AWS, found inside LocalStack's recorded
/// snapshot files (`aws-recorded/`).
///
/// The snapshots were post-processed by LocalStack before being stored, in two ways that are undone here before
/// the round trip (everything else is compared exactly):
/// - an SQS message `body` that held JSON text was stored parsed (as an object); it is turned back into JSON text,
///   which is what the function received;
/// - the number `ApproximateCreationDateTime` of DynamoDB stream records was replaced by a placeholder string
///   (`"<approximate-creation-datetime>"`, or `"datetime"` for the Streams API); it is replaced by a number with a
///   fraction, which also exercises the `Double` round trip.
@Suite("Recorded AWS payloads")
struct RecordedPayloadTests {
    static let placeholderCreationDateTime = 1_741_000_000.123

    /// Undoes LocalStack's parsing of JSON message bodies.
    static func restoringSQSBody(_ record: JSONValue) throws -> JSONValue {
        guard var object = record.objectValue, let body = object["body"], body.stringValue == nil else {
            return record
        }
        object["body"] = .string(try #require(String(data: body.encoded(), encoding: .utf8)))
        return .object(object)
    }

    /// Undoes LocalStack's masking of `ApproximateCreationDateTime` inside a stream record.
    static func restoringCreationDateTime(inStreamRecord streamRecord: JSONValue) -> JSONValue {
        guard var object = streamRecord.objectValue, object["ApproximateCreationDateTime"]?.stringValue != nil else {
            return streamRecord
        }
        object["ApproximateCreationDateTime"] = .number(placeholderCreationDateTime)
        return .object(object)
    }

    /// Undoes the masking inside a Lambda stream event record.
    static func restoringCreationDateTime(inEventRecord record: JSONValue) -> JSONValue {
        guard var object = record.objectValue, let streamRecord = object["dynamodb"] else {
            return record
        }
        object["dynamodb"] = restoringCreationDateTime(inStreamRecord: streamRecord)
        return .object(object)
    }

    /// The `{"Records": [...]}` payloads for `eventSource` in a snapshot file, with the records restored by
    /// `restore`. A few snapshots keep `Records` beside other recorded values; only `Records` is the payload.
    static func payloads(
        file: String,
        eventSource: String,
        restore: (JSONValue) throws -> JSONValue
    ) throws -> [(path: String, payload: JSONValue)] {
        let snapshot = try JSONValue(parsing: TestData.data("aws-recorded/\(file)"))
        return try Snapshot.recordsPayloads(in: snapshot, eventSource: eventSource).map { path, object in
            let records = try (object["Records"]?.arrayValue ?? []).map(restore)
            return (path, .object(["Records": .array(records)]))
        }
    }

    @Test func recordedSQSPayloadsRoundTrip() throws {
        let payloads = try Self.payloads(
            file: "test_lambda_integration_sqs.snapshot.json",
            eventSource: "aws:sqs",
            restore: Self.restoringSQSBody
        )
        // The snapshot file holds 41 batches (131 messages); finding fewer means the search is broken.
        #expect(payloads.count == 41)
        #expect(payloads.reduce(0) { $0 + ($1.payload["Records"]?.arrayValue?.count ?? 0) } == 131)
        for (path, payload) in payloads {
            let roundTrip = try RoundTrip(SQSEvent.self, value: payload)
            #expect(roundTrip.differences == [], "\(path)")
            #expect(roundTrip.isExact, "\(path)")
            #expect(roundTrip.decodesToSameValue, "\(path)")
        }
    }

    @Test func recordedSQSPayloadsHaveBothNullAndAbsentAttributeDigests() throws {
        let payloads = try Self.payloads(
            file: "test_lambda_integration_sqs.snapshot.json",
            eventSource: "aws:sqs",
            restore: { $0 }
        )
        let records = payloads.flatMap { $0.payload["Records"]?.arrayValue ?? [] }
        // The round trip above only proves something about null and absent digests if both occur in the data.
        #expect(records.contains { $0["md5OfMessageAttributes"] == .null })
        #expect(records.contains { $0["md5OfMessageAttributes"] == nil })
        #expect(records.contains { $0["md5OfMessageAttributes"]?.stringValue != nil })
    }

    @Test func recordedDynamoDBStreamPayloadsRoundTrip() throws {
        let payloads = try Self.payloads(
            file: "test_lambda_integration_dynamodbstreams.snapshot.json",
            eventSource: "aws:dynamodb",
            restore: Self.restoringCreationDateTime(inEventRecord:)
        )
        // The snapshot file holds 53 batches (62 records).
        #expect(payloads.count == 53)
        #expect(payloads.reduce(0) { $0 + ($1.payload["Records"]?.arrayValue?.count ?? 0) } == 62)
        for (path, payload) in payloads {
            let roundTrip = try RoundTrip(DynamoDBEvent.self, value: payload)
            #expect(roundTrip.differences == [], "\(path)")
            #expect(roundTrip.isExact, "\(path)")
            #expect(roundTrip.decodesToSameValue, "\(path)")
        }
    }

    /// `GetRecords` results of the Streams API: the records lack `eventSourceARN`, but their `dynamodb` part is a
    /// `DynamoDBStreamRecord`.
    @Test func recordedStreamsAPIRecordsRoundTrip() throws {
        let snapshot = try JSONValue(parsing: TestData.data("aws-recorded/test_dynamodb.snapshot.json"))
        let streamRecords = Snapshot.recordsPayloads(in: snapshot, eventSource: "aws:dynamodb")
            .flatMap { path, object in
                (object["Records"]?.arrayValue ?? []).enumerated().map { index, record in
                    ("\(path).Records[\(index)]", record["dynamodb"])
                }
            }
        #expect(streamRecords.count == 19)
        for (path, streamRecord) in streamRecords {
            let value = try #require(streamRecord, "\(path) has no dynamodb part")
            let roundTrip = try RoundTrip(
                DynamoDBStreamRecord.self,
                value: Self.restoringCreationDateTime(inStreamRecord: value)
            )
            #expect(roundTrip.differences == [], "\(path)")
            #expect(roundTrip.isExact, "\(path)")
            #expect(roundTrip.decodesToSameValue, "\(path)")
        }
    }

    @Test(arguments: [
        "test_events_targets.snapshot.json", "test_events_inputs.snapshot.json", "test_events_patterns.snapshot.json",
    ])
    func recordedEventBridgeEventsRoundTrip(file: String) throws {
        let snapshot = try JSONValue(parsing: TestData.data("aws-recorded/\(file)"))
        let events = Snapshot.objects(in: snapshot) { $0["detail-type"] != nil }
        #expect(!events.isEmpty)
        for (path, event) in events {
            let roundTrip = try RoundTrip(RawEventBridgeEvent.self, value: .object(event))
            #expect(roundTrip.differences == [], "\(path)")
            #expect(roundTrip.isExact, "\(path)")
            #expect(roundTrip.decodesToSameValue, "\(path)")
        }
    }

    @Test func recordedEventBridgeEventsAreAllFound() throws {
        var counts: [String: Int] = [:]
        for file in ["test_events_targets", "test_events_inputs", "test_events_patterns"] {
            let snapshot = try JSONValue(parsing: TestData.data("aws-recorded/\(file).snapshot.json"))
            counts[file] = Snapshot.objects(in: snapshot) { $0["detail-type"] != nil }.count
        }
        // 22 recorded as objects and 3 as JSON text (SNS message bodies) in the targets file.
        #expect(counts == ["test_events_targets": 25, "test_events_inputs": 2, "test_events_patterns": 4])
    }
}
