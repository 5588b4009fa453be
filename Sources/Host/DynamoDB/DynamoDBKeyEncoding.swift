import AWSShapes
import Foundation

/// Key values encoded so that SQLite's byte comparison (memcmp on BLOBs) orders them as DynamoDB does: strings and
/// binaries by their bytes, numbers by value.
enum DynamoDBKeyEncoding {
    struct InvalidKey: Error, Equatable {
        var message: String
    }

    /// The sortable bytes of a key attribute (`S`, `N` or `B`).
    static func encode(_ value: AttributeValue) throws(InvalidKey) -> Data {
        switch value {
        case .s(let text): return Data(text.utf8)
        case .b(let bytes): return bytes
        case .n(let text): return try encodeNumber(text)
        default: throw InvalidKey(message: "key attributes must be S, N or B")
        }
    }

    /// Numbers as sign, exponent and digits: zero is 0x80; positives 0xC0, the exponent, the digits and 0x00;
    /// negatives 0x40 and everything inverted (so larger magnitudes sort first), ending in 0xFF.
    static func encodeNumber(_ text: String) throws(InvalidKey) -> Data {
        guard let parsed = parse(text) else { throw InvalidKey(message: "'\(text)' is not a number") }
        if parsed.digits.isEmpty { return Data([0x80]) }
        let exponent = UInt16(clamping: parsed.exponent + 1000)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parsed.digits.count + 4)
        if parsed.negative {
            bytes.append(0x40)
            bytes.append(UInt8(0xFF - (exponent >> 8)))
            bytes.append(UInt8(0xFF - (exponent & 0xFF)))
            bytes += parsed.digits.map { 0xFF - (0x30 + $0) }
            bytes.append(0xFF)
        } else {
            bytes.append(0xC0)
            bytes.append(UInt8(exponent >> 8))
            bytes.append(UInt8(exponent & 0xFF))
            bytes += parsed.digits.map { 0x30 + $0 }
            bytes.append(0x00)
        }
        return Data(bytes)
    }

    /// A decimal as 0.d1d2d3… × 10^exponent with no leading or trailing zero digits (empty digits: zero).
    static func parse(_ text: String) -> (negative: Bool, digits: [UInt8], exponent: Int)? {
        var scalars = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if scalars.first == "-" || scalars.first == "+" {
            negative = scalars.first == "-"
            scalars = scalars.dropFirst()
        }
        var mantissa = scalars
        var exponentPart = 0
        if let e = scalars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = scalars[..<e]
            guard let value = Int(scalars[scalars.index(after: e)...]) else { return nil }
            exponentPart = value
        }
        var digits: [UInt8] = []
        var pointPosition: Int?
        for character in mantissa {
            if character == "." {
                guard pointPosition == nil else { return nil }
                pointPosition = digits.count
            } else if let digit = character.wholeNumberValue, character.isASCII {
                digits.append(UInt8(digit))
            } else {
                return nil
            }
        }
        guard !digits.isEmpty else { return nil }
        var exponent = (pointPosition ?? digits.count) + exponentPart
        while digits.first == 0 {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.last == 0 { digits.removeLast() }
        if digits.isEmpty { return (false, [], 0) }
        return (negative, digits, exponent)
    }
}
