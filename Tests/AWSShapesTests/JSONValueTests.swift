import AWSShapes
import Foundation
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    static let document = #"""
        {"s": "text \"quoted\" \u00e9 / ✓", "i": 1583348638390, "f": -12.5, "e": 1e-7, "t": true, "n": null,
         "a": [1, "two", false, [], {}], "o": {"nested": {"deep": [null]}}}
        """#

    @Test func jsonValueRoundTrips() throws {
        let value = try JSONValue(parsing: Data(Self.document.utf8))
        #expect(try JSONValue(parsing: value.encoded()) == value)
        #expect(try JSONValue(parsing: value.encoded(sortedKeys: false)) == value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value)) == value)
    }

    @Test func parsingKeepsEveryKind() throws {
        let value = try JSONValue(parsing: Data(Self.document.utf8))
        #expect(value["s"] == .string("text \"quoted\" é / ✓"))
        #expect(value["i"] == .number(1_583_348_638_390))
        #expect(value["f"] == .number(-12.5))
        #expect(value["e"] == .number(1e-7))
        #expect(value["t"] == .bool(true))
        #expect(value["n"] == .null)
        #expect(value["a"] == .array([.number(1), .string("two"), .bool(false), .array([]), .object([:])]))
        #expect(value["o"]?["nested"]?["deep"] == .array([.null]))
        #expect(value["missing"] == nil)
    }

    @Test func booleansAndNumbersStayDistinct() throws {
        let value = try JSONValue(parsing: Data("[true, 1, 0, false, 1.0]".utf8))
        #expect(value == .array([.bool(true), .number(1), .number(0), .bool(false), .number(1)]))
    }

    @Test func encodingIsCompactAndSorted() throws {
        let value: JSONValue = ["b": [1, 2.5, true, "x/y"], "a": .null, "c": ["z": 1_583_348_638_390, "y": -0.25]]
        let text = try String(decoding: value.encoded(), as: UTF8.self)
        #expect(text == #"{"a":null,"b":[1,2.5,true,"x/y"],"c":{"y":-0.25,"z":1583348638390}}"#)
    }

    @Test func topLevelScalarsAreAccepted() throws {
        #expect(try JSONValue(parsing: Data("\"hi\"".utf8)) == "hi")
        #expect(try JSONValue(parsing: Data("null".utf8)) == .null)
        #expect(try String(decoding: JSONValue.number(3).encoded(), as: UTF8.self) == "3")
    }

    @Test func invalidJSONThrows() {
        #expect(throws: (any Error).self) { try JSONValue(parsing: Data("{\"a\": }".utf8)) }
        #expect(throws: (any Error).self) { try JSONValue(parsing: Data()) }
    }

    @Test func accessorsReturnNilForOtherKinds() {
        let value: JSONValue = ["s": "x", "n": 2, "b": true, "a": [1], "o": ["k": "v"]]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["n"]?.doubleValue == 2)
        #expect(value["b"]?.boolValue == true)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["o"]?.objectValue == ["k": "v"])
        #expect(value["s"]?.doubleValue == nil)
        #expect(value["n"]?.stringValue == nil)
        #expect(value["b"]?.arrayValue == nil)
        #expect(value["a"]?.objectValue == nil)
        #expect(value["o"]?.boolValue == nil)
        #expect(value["a"]?["k"] == nil)
        #expect(JSONValue.null.isNull)
        #expect(!JSONValue.bool(false).isNull)
    }
}

/// The hand-written parser behind `JSONValue(parsing:)` agrees with Foundation's decoder on every JSON file of the
/// shared test data, and refuses what is not JSON.
@Suite struct JSONValueParserTests {
    /// The same document decoded through Codable (the slow path the parser replaces).
    static func decodedByFoundation(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    @Test func everySharedTestDataFileParsesAsFoundationDecodesIt() throws {
        let root = try TestData.directory()
        let files =
            FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".json") } ?? []
        var compared = 0
        for file in files.sorted() {
            let data = try Data(contentsOf: root.appendingPathComponent(file))
            guard let expected = try? Self.decodedByFoundation(data) else { continue }  // JSON5 pattern cases
            // A key given twice: the last wins here, as EventBridge reads it; Foundation keeps the first.
            if file.hasSuffix("complex_multi_key_event_pattern.json") { continue }
            #expect(try JSONValue(parsing: data) == expected, "\(file)")
            compared += 1
        }
        #expect(compared >= 15, "the recorded snapshots and the golden Lambda events")
    }

    @Test(arguments: [
        #"{"a":"\u00e9\ud83d\ude00\n\t\"\\\/","b":[1,-2.5e3,0.125,true,false,null],"c":{}}"#, "  42  ", #""x""#,
        "[]", #"{"k":{"k":{"k":[[[]]]}}}"#, "-0", "1E+2",
    ])
    func validDocumentsMatchFoundation(text: String) throws {
        #expect(try JSONValue(parsing: Data(text.utf8)) == Self.decodedByFoundation(Data(text.utf8)))
        #expect(try JSONValue(parsing: text) == Self.decodedByFoundation(Data(text.utf8)))
    }

    @Test func aKeyGivenTwiceKeepsTheLastValue() throws {
        #expect(try JSONValue(parsing: #"{"a":1,"a":2}"#) == .object(["a": .number(2)]))
    }

    @Test(arguments: [
        "", "{", "[1,]", #"{"a":1,}"#, "01", "1.", ".5", "+1", "tru", "nul", #""\x""#, "\"a\u{1}b\"", #""\ud800""#,
        "[1] 2", #"{"a" 1}"#, "{1:2}", "\"unterminated", "1e", "--1", "NaN",
    ])
    func invalidDocumentsAreRefused(text: String) {
        #expect(throws: (any Error).self) { try JSONValue(parsing: Data(text.utf8)) }
    }

    @Test func jsonWhitespaceIsTrimmedFromBothEndsOnly() {
        #expect(" \n\t{\"a\": 1}\r\n ".trimmingJSONWhitespace == #"{"a": 1}"#)
        #expect("{}".trimmingJSONWhitespace == "{}")
        #expect(" \n ".trimmingJSONWhitespace == "")
        #expect("".trimmingJSONWhitespace == "")
        #expect(" \"é ü\" ".trimmingJSONWhitespace == "\"é ü\"")
        #expect("\u{00A0}x".trimmingJSONWhitespace == "\u{00A0}x", "only JSON's four whitespace characters")
    }
}
