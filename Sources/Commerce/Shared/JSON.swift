import AWSShapes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// DECISIONS: responses are written as `JSON.stringify` writes them: members in the reference's order, numbers in
// JavaScript's shortest form; a parsed value (SimulateRawEvent's `eventData`) is echoed with its keys sorted.

/// A JSON document to write, with its object members in a chosen order (as `JSON.stringify` writes a JavaScript
/// object: members in insertion order, numbers in JavaScript's shortest form).
public indirect enum JSONOutput: Equatable, Sendable {
    case object([(String, JSONOutput)])
    case array([JSONOutput])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    public static func == (lhs: JSONOutput, rhs: JSONOutput) -> Bool { lhs.text == rhs.text }

    /// The compact JSON text, as `JSON.stringify` writes it.
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .object(let members):
            out.append("{")
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(",") }
                JSONOutput.writeString(key, to: &out)
                out.append(":")
                value.write(to: &out)
            }
            out.append("}")
        case .array(let elements):
            out.append("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(",") }
                element.write(to: &out)
            }
            out.append("]")
        case .string(let text):
            JSONOutput.writeString(text, to: &out)
        case .number(let value):
            out.append(value.isFinite ? javaScriptNumberText(value) : "null")
        case .bool(let value):
            out.append(value ? "true" : "false")
        case .null:
            out.append("null")
        }
    }

    static func writeString(_ text: String, to out: inout String) {
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }

    /// The same value with object members sorted by key (a parsed `JSONValue` keeps no member order).
    public init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .array(let elements): self = .array(elements.map(JSONOutput.init))
        case .object(let members):
            self = .object(members.sorted { $0.key < $1.key }.map { ($0.key, JSONOutput($0.value)) })
        }
    }
}

/// A number as JavaScript's `Number.prototype.toString` writes it: `20`, `33.25`, `1e+21`, `1e-7`.
public func javaScriptNumberText(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity") }
    if value == 0 { return "0" }
    let sign = value < 0 ? "-" : ""
    // Swift's description is the shortest text that reads back as the same double, as JavaScript's.
    let text = "\(abs(value))"
    let parts = text.split(separator: "e", maxSplits: 1)
    let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
    let mantissa = parts[0]
    let pointIndex = mantissa.firstIndex(of: ".")
    let integerPart = pointIndex.map { mantissa[..<$0] } ?? mantissa[...]
    let fractionPart = pointIndex.map { mantissa[mantissa.index(after: $0)...] } ?? ""
    var digits = Array(integerPart + fractionPart)
    var position = integerPart.count + exponent  // value = 0.<digits> × 10^position
    while digits.first == "0" {
        digits.removeFirst()
        position -= 1
    }
    while digits.last == "0" { digits.removeLast() }
    let count = digits.count
    let digitText = String(digits)
    if count <= position && position <= 21 {
        return sign + digitText + String(repeating: "0", count: position - count)
    }
    if 0 < position && position <= 21 {
        return sign + String(digits[..<position]) + "." + String(digits[position...])
    }
    if -6 < position && position <= 0 {
        return sign + "0." + String(repeating: "0", count: -position) + digitText
    }
    let power = position - 1
    let powerText = (power < 0 ? "-" : "+") + String(abs(power))
    if count == 1 { return sign + digitText + "e" + powerText }
    return sign + String(digits[0]) + "." + String(digits[1...]) + "e" + powerText
}

/// JavaScript's `String.prototype.trim`: white space (including U+00A0, U+FEFF and the Zs category) and line
/// terminators removed from both ends.
func javaScriptTrimmed(_ text: String) -> Substring {
    func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
            0x3000, 0xFEFF:
            return true
        default:
            return false
        }
    }
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return "" }
    let last = scalars.lastIndex(where: { !isTrimmed($0) })!
    return Substring(scalars[first...last])
}

/// The length JavaScript reports for a string: UTF-16 code units.
func javaScriptLength<S: StringProtocol>(_ text: S) -> Int { text.utf16.count }

// MARK: DynamoDB JSON ↔ plain JSON (lib-dynamodb's marshall / unmarshall)

/// An attribute value as plain JSON (`unmarshall`): numbers become numbers, sets become arrays.
func unmarshalled(_ value: AttributeValue) -> JSONValue {
    switch value {
    case .s(let text): return .string(text)
    case .n(let text): return .number(Double(text) ?? .nan)
    case .b(let data): return .string(data.base64EncodedString())
    case .ss(let texts): return .array(texts.map { .string($0) })
    case .ns(let texts): return .array(texts.map { .number(Double($0) ?? .nan) })
    case .bs(let datas): return .array(datas.map { .string($0.base64EncodedString()) })
    case .m(let members): return .object(members.mapValues(unmarshalled))
    case .l(let elements): return .array(elements.map(unmarshalled))
    case .null: return .null
    case .bool(let flag): return .bool(flag)
    }
}

func unmarshalled(_ item: DynamoDBItem) -> [String: JSONValue] { item.mapValues(unmarshalled) }

/// Plain JSON as an attribute value (`marshall`).
func marshalled(_ value: JSONValue) -> AttributeValue {
    switch value {
    case .null: return .null
    case .bool(let flag): return .bool(flag)
    case .number(let number): return .n(javaScriptNumberText(number))
    case .string(let text): return .s(text)
    case .array(let elements): return .l(elements.map(marshalled))
    case .object(let members): return .m(members.mapValues(marshalled))
    }
}

/// A number attribute, written as JavaScript writes the number.
func numberAttribute(_ value: Double) -> AttributeValue { .n(javaScriptNumberText(value)) }
func numberAttribute(_ value: Int) -> AttributeValue { .n(String(value)) }

/// Parses a request or message body; nil for a missing body or text that is not JSON.
func parseJSON(_ text: String?) -> JSONValue? {
    guard let text else { return nil }
    return try? JSONValue(parsing: Data(text.utf8))
}
