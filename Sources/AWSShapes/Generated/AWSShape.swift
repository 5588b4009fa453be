#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A shape generated from botocore's service model (`scripts/generate-shapes`): read from a parsed JSON document
/// with AWS's constraint checks, and written without Foundation's `JSONEncoder`.
public protocol AWSShape: Sendable {
    /// Reads the shape at `path` (a member path as AWS's validation messages name it, e.g. `logEvents.1.member`);
    /// a value of the wrong JSON type throws, a constraint AWS checks (required, length, range, pattern, enum) is
    /// recorded in `validation`.
    init(json: JSONValue, path: String, validation: inout AWSValidation) throws(AWSShapeError)
    /// Writes the shape as compact JSON.
    func write(to writer: inout AWSJSONWriter)
}

/// An operation of a generated service: its input and output shapes and its `X-Amz-Target`.
public protocol AWSGeneratedOperation: Sendable {
    associatedtype Input: AWSShape
    associatedtype Output: AWSShape
    /// The `X-Amz-Target` header value, e.g. `Logs_20140328.PutLogEvents`.
    static var target: String { get }
    /// `1.0` or `1.1`: the request's `application/x-amz-json-<version>`.
    static var jsonVersion: String { get }
}

/// An operation of a generated REST JSON service (Lambda, Pipes): its input and output shapes, its HTTP method, its
/// path template (`/2015-03-31/functions/{FunctionName}`) and the status of its answer.
public protocol AWSGeneratedRESTOperation: Sendable {
    associatedtype Input: AWSRESTInput
    associatedtype Output: AWSShape
    /// `GET`, `POST`, `PUT` or `DELETE`.
    static var method: String { get }
    /// The path, its labels in braces as the model writes them.
    static var requestURI: String { get }
    /// The status of a successful answer (`200`, or `202` for some of Lambda's).
    static var successCode: Int { get }
}

/// The input of a REST JSON operation: members in the JSON body (`AWSShape`), and members bound to the path, the
/// query string, a header, or the whole body (a payload, such as Invoke's).
public protocol AWSRESTInput: AWSShape {
    /// Whether the body is one member's raw bytes rather than a JSON document of members.
    static var hasPayload: Bool { get }
    /// Reads the members bound to the path, the query string and headers (and the payload), with the model's
    /// constraints.
    mutating func bind(_ request: AWSRESTBindings, validation: inout AWSValidation) throws(AWSShapeError)
}

extension AWSRESTInput {
    public static var hasPayload: Bool { false }

    /// Reads a REST request: its JSON body (an empty body is `{}`) or payload, then its bound members.
    public init(rest request: AWSRESTBindings, body: Data) throws(AWSShapeReadError) {
        var request = request
        let json: JSONValue
        if Self.hasPayload {
            request.payload = body
            json = .object([:])
        } else {
            do {
                json = body.isEmpty ? .object([:]) : try JSONValue(parsing: body)
            } catch {
                throw .malformed(AWSShapeError("Request body is not valid JSON"))
            }
        }
        var validation = AWSValidation()
        do {
            self = try Self(json: json, path: "", validation: &validation)
            try bind(request, validation: &validation)
        } catch {
            throw .malformed(error)
        }
        if let message = validation.message {
            throw .invalid(
                AWSValidationError(
                    message: message, missingMembers: validation.missingMembers, failures: validation.failures))
        }
    }
}

/// Where a REST request's bound members come from: its path labels (percent-decoded), query parameters and headers.
public struct AWSRESTBindings: Sendable {
    public var label: @Sendable (String) -> String?
    public var query: @Sendable (String) -> String?
    public var header: @Sendable (String) -> String?
    /// The body, when the input takes it whole.
    public var payload: Data?

    public init(
        label: @escaping @Sendable (String) -> String?, query: @escaping @Sendable (String) -> String?,
        header: @escaping @Sendable (String) -> String?
    ) {
        self.label = label
        self.query = query
        self.header = header
    }

    /// A bound member's text as the JSON value its shape reads: a number or a boolean is parsed, a string kept.
    public static func value(_ text: String, _ kind: AWSRESTBoundKind, _ path: String) throws(AWSShapeError)
        -> JSONValue
    {
        switch kind {
        case .string: return .string(text)
        case .integer:
            guard let value = Int(text) else { throw AWSShapeReader.mismatch(path, "an integer") }
            return .number(Double(value))
        case .double:
            guard let value = Double(text), value.isFinite else { throw AWSShapeReader.mismatch(path, "a number") }
            return .number(value)
        case .boolean:
            guard text == "true" || text == "false" else { throw AWSShapeReader.mismatch(path, "a boolean") }
            return .bool(text == "true")
        }
    }
}

/// The JSON type a bound member's text stands for.
public enum AWSRESTBoundKind: Sendable {
    case string, integer, double, boolean
}

extension AWSShape {
    /// Parses and reads a request body (an empty body is `{}`); constraint failures throw as one
    /// `AWSValidationError` with AWS's message.
    public init(body: Data) throws(AWSShapeReadError) {
        let json: JSONValue
        do {
            json = body.isEmpty ? .object([:]) : try JSONValue(parsing: body)
        } catch {
            throw .malformed(AWSShapeError("Request body is not valid JSON"))
        }
        var validation = AWSValidation()
        do {
            self = try Self(json: json, path: "", validation: &validation)
        } catch {
            throw .malformed(error)
        }
        if let message = validation.message {
            throw .invalid(
                AWSValidationError(
                    message: message, missingMembers: validation.missingMembers, failures: validation.failures))
        }
    }

    /// The shape as compact JSON bytes.
    public var jsonBytes: [UInt8] {
        var writer = AWSJSONWriter()
        write(to: &writer)
        return writer.bytes
    }

    /// The shape as compact JSON text (how a store keeps it).
    public var jsonText: String { String(decoding: jsonBytes, as: UTF8.self) }

    /// Reads a shape the host wrote itself (`jsonText`), without the request's constraint checks: only JSON types
    /// are checked.
    public init(storedJSON text: String) throws {
        var validation = AWSValidation()
        self = try Self(json: try JSONValue(parsing: Data(text.utf8)), path: "", validation: &validation)
    }
}

extension Dictionary where Key == String, Value: AWSShape {
    /// A map of shapes as compact JSON text, keys sorted (how a store keeps it).
    public var jsonText: String {
        var writer = AWSJSONWriter()
        writer.beginObject()
        for (key, value) in sorted(by: { $0.key < $1.key }) {
            writer.key(key)
            value.write(to: &writer)
        }
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Reads a map of shapes the host wrote itself (`jsonText`); only JSON types are checked.
    public init(storedJSON text: String) throws {
        guard case .object(let members) = try JSONValue(parsing: Data(text.utf8)) else {
            throw AWSShapeError("a stored map is a JSON object")
        }
        var validation = AWSValidation()
        self = try members.mapValues { value throws(AWSShapeError) in
            try Value(json: value, path: "", validation: &validation)
        }
    }
}

/// Why a request body could not be read into its shape.
public enum AWSShapeReadError: Error, Sendable {
    /// Not JSON, or a member of the wrong type (AWS: `SerializationException`).
    case malformed(AWSShapeError)
    /// A constraint of the model failed (AWS: the service's validation error).
    case invalid(AWSValidationError)
}

/// A value of the wrong JSON type.
public struct AWSShapeError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Constraint failures with AWS's words: `1 validation error detected: Value 'x' at 'logGroupName' failed to
/// satisfy constraint: Member must have length less than or equal to 512`.
public struct AWSValidationError: Error, Sendable, Equatable {
    public var message: String
    /// The wire names of the required members found missing, in the order read (SQS answers the first with its own
    /// `MissingParameter`).
    public var missingMembers: [String] = []
    /// Each failed constraint in AWS's words (`Value '0' at 'limit' failed to satisfy constraint: …`), empty when a
    /// service's own rejection is the message; a service that words one differently rewrites them and joins them
    /// again with ``AWSValidation/message(of:)``.
    public var failures: [String] = []
}

/// The constraint failures found while reading one request.
public struct AWSValidation: Sendable {
    public private(set) var failures: [String] = []
    /// The wire names of the required members found missing.
    public private(set) var missingMembers: [String] = []

    public init() {}

    /// A failure a service words whole, outside the model's constraints (DynamoDB: `Supplied AttributeValue is
    /// empty, …`); the first one is the request's message.
    public private(set) var rejection: String?

    /// AWS's message for all failures, or nil.
    public var message: String? {
        if let rejection { return rejection }
        guard !failures.isEmpty else { return nil }
        return Self.message(of: failures)
    }

    /// `N validation error(s) detected: ` and the failures joined with `; `.
    public static func message(of failures: [String]) -> String {
        let count = failures.count
        return "\(count) validation error\(count == 1 ? "" : "s") detected: " + failures.joined(separator: "; ")
    }

    public mutating func fail(_ value: String?, at path: String, _ constraint: String) {
        let shown = value.map { "'\($0)'" } ?? "null"
        failures.append("Value \(shown) at '\(path)' failed to satisfy constraint: Member must \(constraint)")
    }

    /// Records a failure the service words whole (only the first is kept: it is the request's message).
    public mutating func reject(_ message: String) {
        if rejection == nil { rejection = message }
    }

    /// A failure whose value AWS does not show (a list or a map with members).
    public mutating func failUnshown(at path: String, _ constraint: String) {
        failures.append("Value at '\(path)' failed to satisfy constraint: Member must \(constraint)")
    }

    /// A required member (`member` as the wire names it) is absent or null.
    public mutating func missing(_ member: String, at path: String) {
        missingMembers.append(member)
        fail(nil, at: path, "not be null")
    }

    /// A string's length, counted as AWS's Java services count it (UTF-16 code units).
    public mutating func length(_ value: String, at path: String, min: Int?, max: Int?) {
        let count = value.utf16.count
        if let min, count < min { fail(value, at: path, "have length greater than or equal to \(min)") }
        if let max, count > max { fail(value, at: path, "have length less than or equal to \(max)") }
    }

    /// A list's or a map's number of members: AWS shows an empty one as `'[]'` (recorded for DynamoDB) and leaves
    /// out the members of a longer one.
    public mutating func count(_ count: Int, at path: String, min: Int?, max: Int?) {
        func fail(_ constraint: String) {
            if count == 0 { self.fail("[]", at: path, constraint) } else { failUnshown(at: path, constraint) }
        }
        if let min, count < min { fail("have length greater than or equal to \(min)") }
        if let max, count > max { fail("have length less than or equal to \(max)") }
    }

    public mutating func range<N: Comparable & CustomStringConvertible>(_ value: N, at path: String, min: N?, max: N?) {
        if let min, value < min { fail(value.description, at: path, "have value greater than or equal to \(min)") }
        if let max, value > max { fail(value.description, at: path, "have value less than or equal to \(max)") }
    }

    public mutating func pattern(_ value: String, at path: String, _ pattern: String, _ matches: (String) -> Bool) {
        if !matches(value) { fail(value, at: path, "satisfy regular expression pattern: \(pattern)") }
    }

    public mutating func oneOf(_ value: String, at path: String, _ values: [String]) {
        if !values.contains(value) {
            fail(value, at: path, "satisfy enum value set: [\(values.joined(separator: ", "))]")
        }
    }
}

/// Readers of JSON members for generated shapes: nil for an absent or null member, an error for a wrong type.
public enum AWSShapeReader {
    public static func member(_ json: JSONValue, _ name: String) -> JSONValue? {
        guard case .object(let members) = json, let value = members[name], value != .null else { return nil }
        return value
    }

    public static func object(_ json: JSONValue, _ path: String) throws(AWSShapeError) {
        guard case .object = json else { throw mismatch(path, "an object") }
    }

    public static func string(_ json: JSONValue, _ path: String) throws(AWSShapeError) -> String {
        guard case .string(let value) = json else { throw mismatch(path, "a string") }
        return value
    }

    public static func bool(_ json: JSONValue, _ path: String) throws(AWSShapeError) -> Bool {
        guard case .bool(let value) = json else { throw mismatch(path, "a boolean") }
        return value
    }

    public static func integer(_ json: JSONValue, _ path: String) throws(AWSShapeError) -> Int {
        guard case .number(let value) = json, value.rounded() == value, abs(value) < 9.2e18 else {
            throw mismatch(path, "an integer")
        }
        return Int(value)
    }

    public static func double(_ json: JSONValue, _ path: String) throws(AWSShapeError) -> Double {
        guard case .number(let value) = json else { throw mismatch(path, "a number") }
        return value
    }

    public static func blob(_ json: JSONValue, _ path: String) throws(AWSShapeError) -> Data {
        guard case .string(let text) = json, let data = Data(base64Encoded: text) else {
            throw mismatch(path, "base64 text")
        }
        return data
    }

    public static func list(_ json: JSONValue, _ path: String) throws(AWSShapeError) -> [JSONValue] {
        guard case .array(let values) = json else { throw mismatch(path, "a list") }
        return values
    }

    public static func map(_ json: JSONValue, _ path: String) throws(AWSShapeError) -> [String: JSONValue] {
        guard case .object(let values) = json else { throw mismatch(path, "a map") }
        return values
    }

    public static func mismatch(_ path: String, _ expected: String) -> AWSShapeError {
        AWSShapeError("Unexpected value at '\(path.isEmpty ? "(the request)" : path)': expected \(expected)")
    }

    /// The path of a member: `a`, `a.b`.
    public static func path(_ parent: String, _ member: String) -> String {
        parent.isEmpty ? member : parent + "." + member
    }
}

/// The one JSON writer of generated shapes: compact output, strings escaped as JSON requires, `/` left as it is.
public struct AWSJSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init() { bytes.reserveCapacity(256) }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    public mutating func integer(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    public mutating func double(_ value: Double) {
        separate()
        if value.isFinite, value.rounded() == value, abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int(value)).utf8)
        } else {
            bytes.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
        }
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    public mutating func blob(_ value: Data) { string(value.base64EncodedString()) }

    public mutating func json(_ value: JSONValue) {
        switch value {
        case .null:
            separate()
            bytes.append(contentsOf: "null".utf8)
            needsComma = true
        case .bool(let value): bool(value)
        case .number(let value): double(value)
        case .string(let value): string(value)
        case .array(let values):
            beginArray()
            for value in values { json(value) }
            endArray()
        case .object(let members):
            beginObject()
            for (name, value) in members.sorted(by: { $0.key < $1.key }) {
                key(name)
                json(value)
            }
            endObject()
        }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Most strings need no escape: copy them whole.
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default:
                    let hex: StaticString = "0123456789abcdef"
                    bytes.append(contentsOf: [
                        UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    ])
                    bytes.append(hex.utf8Start[Int(byte >> 4)])
                    bytes.append(hex.utf8Start[Int(byte & 0xF)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension AWSJSONWriter {
    /// A string as a JSON string literal (quoted and escaped as the writer writes every string).
    public static func quoted(_ text: String) -> String {
        var writer = AWSJSONWriter()
        writer.string(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Strings as a JSON array.
    public static func array(_ strings: [String]) -> String {
        var writer = AWSJSONWriter()
        writer.beginArray()
        for text in strings { writer.string(text) }
        writer.endArray()
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// The output of an operation that returns nothing (`{}`).
public struct AWSEmptyShape: AWSShape, Equatable {
    public init() {}
    public init(json: JSONValue, path: String, validation: inout AWSValidation) throws(AWSShapeError) {}
    public func write(to writer: inout AWSJSONWriter) {
        writer.beginObject()
        writer.endObject()
    }
}

extension AWSEmptyShape: AWSRESTInput {
    public mutating func bind(_ request: AWSRESTBindings, validation: inout AWSValidation) throws(AWSShapeError) {}
}
