import AWSShapes
import Foundation
import Testing

/// Behaviour of the event types beyond the golden files: null versus absent keys, numbers, responses.
@Suite("Event shapes")
struct EventShapeTests {
    static func message(md5OfMessageAttributes: String?) -> SQSEvent.Message {
        SQSEvent.Message(
            messageId: "id-1",
            receiptHandle: "handle",
            body: "{\"a\":1}",
            attributes: ["ApproximateReceiveCount": "1"],
            messageAttributes: [:],
            md5OfMessageAttributes: md5OfMessageAttributes,
            md5OfBody: "md5",
            eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:queue",
            awsRegion: "us-east-1"
        )
    }

    static func jsonObject(_ value: some Encodable) throws -> [String: JSONValue] {
        try #require(JSONValue(parsing: JSONEncoder().encode(value)).objectValue)
    }

    @Test func newSQSMessageWritesNullAttributeDigest() throws {
        let object = try Self.jsonObject(Self.message(md5OfMessageAttributes: nil))
        #expect(object["md5OfMessageAttributes"] == .null)
        #expect(object["eventSource"] == "aws:sqs")
        #expect(object["body"] == "{\"a\":1}")
        #expect(try Self.jsonObject(Self.message(md5OfMessageAttributes: "abc"))["md5OfMessageAttributes"] == "abc")
    }

    @Test func sqsAttributeDigestKeepsNullOrAbsence() throws {
        var object = try Self.jsonObject(Self.message(md5OfMessageAttributes: nil))
        object["md5OfMessageAttributes"] = nil
        let absent = try JSONDecoder().decode(SQSEvent.Message.self, from: JSONValue.object(object).encoded())
        #expect(absent.md5OfMessageAttributes == nil)
        #expect(try Self.jsonObject(absent).keys.contains("md5OfMessageAttributes") == false)

        object["md5OfMessageAttributes"] = .null
        let null = try JSONDecoder().decode(SQSEvent.Message.self, from: JSONValue.object(object).encoded())
        #expect(try Self.jsonObject(null)["md5OfMessageAttributes"] == .null)

        // Null and absent mean the same thing: the values are equal.
        #expect(absent == null)
        #expect(absent == Self.message(md5OfMessageAttributes: nil))

        // Setting a digest on a message decoded without one writes it.
        var updated = absent
        updated.md5OfMessageAttributes = "abc"
        #expect(try Self.jsonObject(updated)["md5OfMessageAttributes"] == "abc")
        #expect(updated != absent)
    }

    @Test func sqsEventUsesTheRecordsKey() throws {
        let event = SQSEvent(records: [Self.message(md5OfMessageAttributes: nil)])
        let object = try Self.jsonObject(event)
        #expect(Array(object.keys) == ["Records"])
        #expect(object["Records"]?.arrayValue?.count == 1)
    }

    @Test func batchResponseEncodesItemIdentifiers() throws {
        let response = SQSBatchResponse(batchItemFailures: [
            .init(itemIdentifier: "id-2"), .init(itemIdentifier: "id-3"),
        ])
        let text = try String(decoding: JSONValue(parsing: JSONEncoder().encode(response)).encoded(), as: UTF8.self)
        #expect(text == #"{"batchItemFailures":[{"itemIdentifier":"id-2"},{"itemIdentifier":"id-3"}]}"#)
        let empty = try JSONDecoder().decode(DynamoDBBatchResponse.self, from: Data(#"{"batchItemFailures":[]}"#.utf8))
        #expect(empty == SQSBatchResponse())
    }

    @Test func streamRecordKeepsAFractionalCreationTime() throws {
        let json = #"{"ApproximateCreationDateTime": 1741000000.123456, "SizeBytes": 12, "Keys": {"id": {"S": "a"}}}"#
        let record = try JSONDecoder().decode(DynamoDBStreamRecord.self, from: Data(json.utf8))
        #expect(record.approximateCreationDateTime == 1_741_000_000.123456)
        #expect(record.keys == ["id": .s("a")])
        #expect(record.newImage == nil)
        let encoded = try JSONValue(parsing: JSONEncoder().encode(record))
        #expect(try encoded == JSONValue(parsing: Data(json.utf8)))
        #expect(encoded["NewImage"] == nil)
    }

    @Test func streamRecordRejectsANonNumericCreationTime() {
        let json = #"{"ApproximateCreationDateTime": "2024-01-01T00:00:00Z"}"#
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(DynamoDBStreamRecord.self, from: Data(json.utf8))
        }
    }

    struct OrderPlaced: Codable, Sendable, Equatable {
        var orderId: String
        var total: Double
    }

    @Test func eventBridgeEventDecodesATypedDetail() throws {
        let json = #"""
            {"version": "0", "id": "6a7e8feb", "detail-type": "Order Placed", "source": "shop.orders",
             "account": "111122223333", "time": "2019-12-11T21:38:11Z", "region": "us-east-1",
             "resources": ["arn:aws:events:us-east-1:111122223333:rule/x"], "replay-name": "replay-1",
             "detail": {"orderId": "o-1", "total": 12.5}}
            """#
        let event = try JSONDecoder().decode(EventBridgeEvent<OrderPlaced>.self, from: Data(json.utf8))
        #expect(event.detailType == "Order Placed")
        #expect(event.time == "2019-12-11T21:38:11Z")
        #expect(event.replayName == "replay-1")
        #expect(event.detail == OrderPlaced(orderId: "o-1", total: 12.5))
        #expect(try JSONValue(parsing: JSONEncoder().encode(event)) == JSONValue(parsing: Data(json.utf8)))

        let raw = try JSONDecoder().decode(RawEventBridgeEvent.self, from: Data(json.utf8))
        #expect(raw.detail["total"] == 12.5)
        var withoutReplay = raw
        withoutReplay.replayName = nil
        #expect(try Self.jsonObject(withoutReplay).keys.contains("replay-name") == false)
    }

    @Test func apiGatewayV2ResponseOmitsUnsetFields() throws {
        let response = APIGatewayV2Response(statusCode: 204)
        #expect(try Self.jsonObject(response) == ["statusCode": 204])
        let full = APIGatewayV2Response(
            statusCode: 200,
            headers: ["content-type": "text/plain"],
            cookies: ["a=b"],
            body: "aGk=",
            isBase64Encoded: true
        )
        #expect(
            try Self.jsonObject(full) == [
                "statusCode": 200, "headers": ["content-type": "text/plain"], "cookies": ["a=b"], "body": "aGk=",
                "isBase64Encoded": true,
            ]
        )
    }
}
