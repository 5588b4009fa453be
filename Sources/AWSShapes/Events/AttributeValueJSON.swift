#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// DynamoDB JSON (`{"S":"x"}`, `{"M":{…}}`, …) read from and written to text directly, without Codable: the host
/// stores every item this way and reads it back on every write and query. Same rules as the Codable conformance
/// (exactly one type key, base64 binaries, `NULL` only `true`); maps are written with sorted keys.
public enum DynamoDBJSON {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func item(_ text: String) throws -> DynamoDBItem {
        guard case .object(let members) = try JSONValue(parsing: text) else {
            throw Failure(description: "an item is a JSON object")
        }
        return try members.mapValues(value)
    }

    public static func value(_ json: JSONValue) throws -> AttributeValue {
        guard case .object(let members) = json, members.count == 1, let (type, content) = members.first else {
            throw Failure(description: "an AttributeValue needs exactly one type key")
        }
        func string(_ value: JSONValue) throws -> String {
            guard case .string(let text) = value else { throw Failure(description: "\(type) needs a string") }
            return text
        }
        func strings(_ value: JSONValue) throws -> [String] {
            guard case .array(let elements) = value else { throw Failure(description: "\(type) needs an array") }
            return try elements.map(string)
        }
        func binary(_ text: String) throws -> Data {
            guard let data = Data(base64Encoded: text) else { throw Failure(description: "\(type) is not base64") }
            return data
        }
        switch type {
        case "S": return .s(try string(content))
        case "N": return .n(try string(content))
        case "B": return .b(try binary(try string(content)))
        case "SS": return .ss(try strings(content))
        case "NS": return .ns(try strings(content))
        case "BS": return .bs(try strings(content).map(binary))
        case "M":
            guard case .object(let members) = content else { throw Failure(description: "M needs an object") }
            return .m(try members.mapValues(value))
        case "L":
            guard case .array(let elements) = content else { throw Failure(description: "L needs an array") }
            return .l(try elements.map(value))
        case "NULL":
            guard content == .bool(true) else { throw Failure(description: "NULL must be true") }
            return .null
        case "BOOL":
            guard case .bool(let flag) = content else { throw Failure(description: "BOOL needs true or false") }
            return .bool(flag)
        default:
            throw Failure(description: "unknown AttributeValue type key \"\(type)\"")
        }
    }

    /// The item as compact JSON with sorted keys.
    public static func text(_ item: DynamoDBItem) -> String {
        var output = ""
        output.reserveCapacity(128)
        writeMap(item, to: &output)
        return output
    }

    static func writeMap(_ map: DynamoDBItem, to output: inout String) {
        output += "{"
        var first = true
        for key in map.keys.sorted() {
            if !first { output += "," }
            first = false
            writeString(key, to: &output)
            output += ":"
            write(map[key]!, to: &output)
        }
        output += "}"
    }

    static func write(_ value: AttributeValue, to output: inout String) {
        func strings(_ type: String, _ values: [String]) {
            output += "{\"\(type)\":["
            for (index, text) in values.enumerated() {
                if index > 0 { output += "," }
                writeString(text, to: &output)
            }
            output += "]}"
        }
        switch value {
        case .s(let text):
            output += "{\"S\":"
            writeString(text, to: &output)
            output += "}"
        case .n(let text):
            output += "{\"N\":"
            writeString(text, to: &output)
            output += "}"
        case .b(let data):
            output += "{\"B\":\"\(data.base64EncodedString())\"}"
        case .ss(let values): strings("SS", values)
        case .ns(let values): strings("NS", values)
        case .bs(let values): strings("BS", values.map { $0.base64EncodedString() })
        case .m(let map):
            output += "{\"M\":"
            writeMap(map, to: &output)
            output += "}"
        case .l(let values):
            output += "{\"L\":["
            for (index, element) in values.enumerated() {
                if index > 0 { output += "," }
                write(element, to: &output)
            }
            output += "]}"
        case .null:
            output += "{\"NULL\":true}"
        case .bool(let flag):
            output += flag ? "{\"BOOL\":true}" : "{\"BOOL\":false}"
        }
    }

    /// A JSON string literal (quotes, backslashes and control characters escaped).
    static func writeString(_ text: String, to output: inout String) {
        output += "\""
        var plain = true
        for byte in text.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            output += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": output += "\\\""
                case "\\": output += "\\\\"
                case "\n": output += "\\n"
                case "\r": output += "\\r"
                case "\t": output += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}

extension DynamoDBEvent.Record {
    /// The record as compact JSON with sorted keys, written directly: the same JSON as its `Codable` form, without
    /// `JSONEncoder`'s cost on every DynamoDB write to a table with a stream.
    public var jsonText: String {
        var output = ""
        output.reserveCapacity(256)
        func member(_ name: String, _ first: Bool = false) {
            if !first { output += "," }
            DynamoDBJSON.writeString(name, to: &output)
            output += ":"
        }
        func string(_ name: String, _ value: String, first: Bool = false) {
            member(name, first)
            DynamoDBJSON.writeString(value, to: &output)
        }
        output += "{"
        string("awsRegion", awsRegion, first: true)
        member("dynamodb")
        output += "{"
        var first = true
        func streamMember(_ name: String) {
            member(name, first)
            first = false
        }
        if let time = dynamodb.approximateCreationDateTime {
            streamMember("ApproximateCreationDateTime")
            output += DynamoDBJSON.number(time)
        }
        if let keys = dynamodb.keys {
            streamMember("Keys")
            DynamoDBJSON.writeMap(keys, to: &output)
        }
        if let image = dynamodb.newImage {
            streamMember("NewImage")
            DynamoDBJSON.writeMap(image, to: &output)
        }
        if let image = dynamodb.oldImage {
            streamMember("OldImage")
            DynamoDBJSON.writeMap(image, to: &output)
        }
        if let sequence = dynamodb.sequenceNumber {
            streamMember("SequenceNumber")
            DynamoDBJSON.writeString(sequence, to: &output)
        }
        if let size = dynamodb.sizeBytes {
            streamMember("SizeBytes")
            output += String(size)
        }
        if let view = dynamodb.streamViewType {
            streamMember("StreamViewType")
            DynamoDBJSON.writeString(view, to: &output)
        }
        output += "}"
        string("eventID", eventID)
        string("eventName", eventName)
        string("eventSource", eventSource)
        string("eventSourceARN", eventSourceARN)
        string("eventVersion", eventVersion)
        if let identity = userIdentity {
            member("userIdentity")
            output += "{"
            string("principalId", identity.principalId, first: true)
            string("type", identity.type)
            output += "}"
        }
        output += "}"
        return output
    }
}

extension DynamoDBJSON {
    /// A number as `JSONEncoder` writes it: integral values without a fraction.
    static func number(_ value: Double) -> String {
        if value.isFinite, value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

extension DynamoDBEvent.Record {
    /// Reads a record written by `jsonText` (or any stream record JSON) without `JSONDecoder`.
    public init(jsonText text: String) throws {
        guard case .object(let fields) = try JSONValue(parsing: text), case .object(let stream)? = fields["dynamodb"]
        else { throw DynamoDBJSON.Failure(description: "a stream record is an object with a dynamodb member") }
        func string(_ members: [String: JSONValue], _ name: String) throws -> String? {
            switch members[name] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw DynamoDBJSON.Failure(description: "\(name) must be a string")
            }
        }
        func item(_ name: String) throws -> DynamoDBItem? {
            switch stream[name] {
            case nil, .null?: return nil
            case .object(let members)?: return try members.mapValues(DynamoDBJSON.value)
            default: throw DynamoDBJSON.Failure(description: "\(name) must be an item")
            }
        }
        func number(_ name: String) -> Double? {
            if case .number(let value)? = stream[name] { return value }
            return nil
        }
        var identity: DynamoDBEvent.UserIdentity?
        if case .object(let who)? = fields["userIdentity"] {
            identity = DynamoDBEvent.UserIdentity(
                type: try string(who, "type") ?? "", principalId: try string(who, "principalId") ?? "")
        }
        self.init(
            eventID: try string(fields, "eventID") ?? "", eventName: try string(fields, "eventName") ?? "",
            eventVersion: try string(fields, "eventVersion") ?? "1.1",
            eventSource: try string(fields, "eventSource") ?? "aws:dynamodb",
            awsRegion: try string(fields, "awsRegion") ?? "",
            dynamodb: DynamoDBStreamRecord(
                approximateCreationDateTime: number("ApproximateCreationDateTime"), keys: try item("Keys"),
                newImage: try item("NewImage"), oldImage: try item("OldImage"),
                sequenceNumber: try string(stream, "SequenceNumber"), sizeBytes: number("SizeBytes").map { Int($0) },
                streamViewType: try string(stream, "StreamViewType")),
            eventSourceARN: try string(fields, "eventSourceARN") ?? "", userIdentity: identity)
    }
}
