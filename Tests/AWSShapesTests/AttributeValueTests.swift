import AWSShapes
import Foundation
import Testing

@Suite("AttributeValue (DynamoDB JSON)")
struct AttributeValueTests {
    static func decode(_ json: String) throws -> AttributeValue {
        try JSONDecoder().decode(AttributeValue.self, from: Data(json.utf8))
    }

    static func encode(_ value: AttributeValue) throws -> JSONValue {
        try JSONValue(parsing: JSONEncoder().encode(value))
    }

    /// The debug description of the `DecodingError` that decoding `json` throws.
    static func decodingFailure(_ json: String) throws -> String {
        let error = try #require(throws: DecodingError.self) { try decode(json) }
        guard case .dataCorrupted(let context) = error else {
            Issue.record("Expected dataCorrupted, got \(error)")
            return ""
        }
        return context.debugDescription
    }

    @Test(arguments: [
        (#"{"S": "Hello"}"#, AttributeValue.s("Hello")),
        (#"{"N": "-123.45"}"#, .n("-123.45")),
        (#"{"B": "AAEqQQ=="}"#, .b(Data([0x00, 0x01, 0x2A, 0x41]))),
        (#"{"SS": ["Giraffe", "Zebra"]}"#, .ss(["Giraffe", "Zebra"])),
        (#"{"NS": ["1234", "567.8"]}"#, .ns(["1234", "567.8"])),
        (#"{"BS": ["AAEqQQ==", "QSoBAA=="]}"#, .bs([Data([0x00, 0x01, 0x2A, 0x41]), Data([0x41, 0x2A, 0x01, 0])])),
        (#"{"M": {"Name": {"S": "Joe"}, "Age": {"N": "35"}}}"#, .m(["Name": .s("Joe"), "Age": .n("35")])),
        (#"{"L": [{"S": "Cookies"}, {"N": "3.14159"}, {"L": []}]}"#, .l([.s("Cookies"), .n("3.14159"), .l([])])),
        (#"{"NULL": true}"#, .null),
        (#"{"BOOL": false}"#, .bool(false)),
    ])
    func eachTypeDecodesAndEncodesBack(json: String, expected: AttributeValue) throws {
        #expect(try Self.decode(json) == expected)
        #expect(try Self.encode(expected) == JSONValue(parsing: Data(json.utf8)))
    }

    @Test func numberKeepsItsExactDigits() throws {
        let digits = "12345678901234567890123456789012345678"  // 38 significant digits, DynamoDB's maximum
        #expect(digits.count == 38)
        #expect(try Self.decode(#"{"N": "\#(digits)"}"#) == .n(digits))
        let tiny = "-0.00000000000000000000000000000000000000012345678901234567890123456789012345678"
        let nested = try Self.decode(#"{"NS": ["\#(digits)", "\#(tiny)", "1E+2"]}"#)
        #expect(nested == .ns([digits, tiny, "1E+2"]))
        let encoded = try String(decoding: JSONEncoder().encode(nested), as: UTF8.self)
        #expect(encoded == #"{"NS":["\#(digits)","\#(tiny)","1E+2"]}"#)
        // A Double would not have kept them.
        #expect(String(describing: Double(digits) ?? 0) != digits)
    }

    @Test func binaryIsBase64OnTheWire() throws {
        let bytes = Data((0...255).map { UInt8($0) })
        let value = AttributeValue.b(bytes)
        #expect(try Self.encode(value) == ["B": .string(bytes.base64EncodedString())])
        #expect(try Self.decode(#"{"B": "\#(bytes.base64EncodedString())"}"#) == value)
        #expect(try Self.encode(.b(Data("hello".utf8))) == ["B": "aGVsbG8="])
        #expect(try Self.encode(.bs([Data(), Data([0xFF])])) == ["BS": ["", "/w=="]])
    }

    @Test func binaryRejectsInvalidBase64() throws {
        let message = try Self.decodingFailure(#"{"B": "not base64!"}"#)
        #expect(message.contains("base64"))
        #expect(throws: DecodingError.self) { try Self.decode(#"{"BS": ["AAEqQQ==", "%%%"]}"#) }
    }

    @Test func attributeValueRejectsAnEmptyObject() throws {
        // DynamoDB's own text (nubo-db's conformance suite, run against AWS).
        let message = try Self.decodingFailure("{}")
        #expect(message == "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
    }

    @Test func attributeValueRejectsTwoTypeKeys() throws {
        let message = try Self.decodingFailure(#"{"S": "1", "N": "1"}"#)
        #expect(
            message
                == "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
                + "datatypes")
    }

    @Test func attributeValueRejectsUnknownTypeKeys() throws {
        // DynamoDB says the same of an unknown type key as of none.
        let message = try Self.decodingFailure(#"{"X": "1"}"#)
        #expect(message == "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
        #expect(throws: DecodingError.self) { try Self.decode(#"{"s": "lower case"}"#) }
    }

    @Test func attributeValueRejectsWrongPayloadTypes() {
        #expect(throws: DecodingError.self) { try Self.decode(#"{"N": 42}"#) }
        #expect(throws: DecodingError.self) { try Self.decode(#"{"NULL": false}"#) }
        #expect(throws: DecodingError.self) { try Self.decode(#"{"BOOL": "true"}"#) }
        #expect(throws: DecodingError.self) { try Self.decode(#"{"L": {"S": "x"}}"#) }
        #expect(throws: DecodingError.self) { try Self.decode(#""plain string""#) }
    }

    @Test func errorsInNestedValuesAreReported() {
        #expect(throws: DecodingError.self) { try Self.decode(#"{"M": {"a": {"L": [{"S": "ok"}, {}]}}}"#) }
    }

    @Test func itemsRoundTrip() throws {
        let item: DynamoDBItem = [
            "id": .s("42"),
            "tags": .ss(["a", "b"]),
            "nested": .m(["list": .l([.null, .bool(true), .m([:]), .n("0")])]),
        ]
        let data = try JSONEncoder().encode(item)
        #expect(try JSONDecoder().decode(DynamoDBItem.self, from: data) == item)
    }
}

/// The Codable-free DynamoDB JSON the host stores items in reads and writes exactly what Codable does.
@Suite struct DynamoDBJSONTests {
    static let item: DynamoDBItem = [
        "s": .s("plain"), "escaped": .s("quote \" backslash \\ newline \n tab \t control \u{1} é 😀 slash /"),
        "n": .n("-12.5e3"), "b": .b(Data([0, 1, 2, 250])), "ss": .ss(["a", "b"]), "ns": .ns(["1", "2.5"]),
        "bs": .bs([Data([1]), Data([2, 3])]), "m": .m(["inner": .l([.null, .bool(true), .bool(false), .s("")])]),
        "empty": .m([:]), "list": .l([]),
    ]

    @Test func writtenTextReadsBackAndDecodesAsCodableReadsIt() throws {
        let text = DynamoDBJSON.text(Self.item)
        #expect(try DynamoDBJSON.item(text) == Self.item)
        #expect(try JSONDecoder().decode(DynamoDBItem.self, from: Data(text.utf8)) == Self.item)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let codableText = String(decoding: try encoder.encode(Self.item), as: UTF8.self)
        #expect(try DynamoDBJSON.item(codableText) == Self.item, "items stored by earlier versions still read")
    }

    @Test(arguments: [
        #"{"a":{"S":"x","N":"1"}}"#, #"{"a":{}}"#, #"{"a":{"X":"1"}}"#, #"{"a":{"S":1}}"#, #"{"a":{"NULL":false}}"#,
        #"{"a":{"B":"not base64!"}}"#, #"["S"]"#,
    ])
    func malformedItemsAreRefused(text: String) {
        #expect(throws: (any Error).self) { try DynamoDBJSON.item(text) }
    }
}

/// A stream record written by hand is the same JSON as its Codable form.
struct StreamRecordJSONTests {
    @Test(arguments: [
        DynamoDBEvent.Record(
            eventID: "e1", eventName: "INSERT", awsRegion: "us-east-1",
            dynamodb: DynamoDBStreamRecord(
                approximateCreationDateTime: 1_733_450_000, keys: ["id": .s("a/\"b\"\n")],
                newImage: [
                    "id": .s("a/\"b\"\n"), "n": .n("1.5"), "b": .b(Data([0, 1, 255])), "l": .l([.null, .bool(true)]),
                ],
                sequenceNumber: "000000000000000000001", sizeBytes: 42, streamViewType: "NEW_AND_OLD_IMAGES"),
            eventSourceARN: "arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2026-12-06T00:00:00.000"),
        DynamoDBEvent.Record(
            eventID: "e2", eventName: "REMOVE", awsRegion: "eu-west-1",
            dynamodb: DynamoDBStreamRecord(approximateCreationDateTime: 1.5, keys: ["k": .n("7")], oldImage: [:]),
            eventSourceARN: "",
            userIdentity: DynamoDBEvent.UserIdentity(type: "Service", principalId: "dynamodb.amazonaws.com")),
    ])
    func handWrittenJSONIsTheCodableJSON(_ record: DynamoDBEvent.Record) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let codable = try JSONValue(parsing: try encoder.encode(record))
        let written = try JSONValue(parsing: Data(record.jsonText.utf8))
        #expect(written == codable)
        #expect(try JSONDecoder().decode(DynamoDBEvent.Record.self, from: Data(record.jsonText.utf8)) == record)
        #expect(try DynamoDBEvent.Record(jsonText: record.jsonText) == record)
        #expect(
            try DynamoDBEvent.Record(jsonText: String(decoding: try encoder.encode(record), as: UTF8.self)) == record)
    }
}

/// Item-heavy DynamoDB answers, written by the generated writers, are the JSON of AttributeValue's Codable form, and
/// read back to the same values.
struct GeneratedItemOutputTests {
    static let item: DynamoDBItem = [
        "id": .s("a/\"b\"\n\u{1}"), "n": .n("-1.5e3"), "b": .b(Data([0, 255])), "ss": .ss(["x", "y"]),
        "m": .m(["l": .l([.null, .bool(false), .ns(["1", "2"]), .bs([Data([1])])])]),
    ]

    func same<T: AWSShape & Equatable>(_ value: T, items: [DynamoDBItem]) throws {
        let written = try JSONValue(parsing: Data(value.jsonBytes))
        for item in items {
            let codable = try JSONValue(parsing: try JSONEncoder().encode(item))
            #expect(
                written.objectValue?.values.contains { $0 == codable || $0.arrayValue?.contains(codable) == true }
                    == true)
        }
        #expect(try T(storedJSON: value.jsonText) == value)
    }

    @Test func getItem() throws {
        try same(GetItemOutput(item: Self.item), items: [Self.item])
        #expect(String(decoding: GetItemOutput().jsonBytes, as: UTF8.self) == "{}")
    }

    @Test func queryAndScanPages() throws {
        try same(
            QueryOutput(
                items: [Self.item, ["k": .s("v")]], count: 2, scannedCount: 3, lastEvaluatedKey: ["k": .s("v")]),
            items: [Self.item, ["k": .s("v")]])
        try same(QueryOutput(items: [], count: 0, scannedCount: 0), items: [])
        try same(ScanOutput(items: [Self.item], count: 1, scannedCount: 1), items: [Self.item])
    }

    @Test func attributeValuesDynamoDBRefusesAreItsValidationMessages() throws {
        func message(_ body: String) -> String? {
            do {
                _ = try PutItemInput(body: Data(body.utf8))
                return nil
            } catch {
                if case .invalid(let error) = error { return error.message }
                return "malformed"
            }
        }
        #expect(
            message(#"{"TableName":"t","Item":{"k":{}}}"#)
                == "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
        #expect(
            message(#"{"TableName":"t","Item":{"k":{"S":"a","N":"1"}}}"#)
                == "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
                + "supported datatypes")
        #expect(
            message(#"{"TableName":"t","Item":{"k":{"NULL":false}}}"#)
                == "One or more parameter values were invalid: Null attribute value types must have the value of true")
        #expect(message(#"{"TableName":"t","Item":{"k":{"S":1}}}"#) == "malformed")
        #expect(message(#"{"TableName":"t","Item":{"k":{"S":"a"}}}"#) == nil)
    }
}
