import AWSShapes
import Foundation

/// The MD5 digests SQS returns: of the body (`MD5OfBody`) and of the message attributes (`MD5OfMessageAttributes`,
/// AWS's encoding: per attribute in name order, the 4-byte big-endian length and UTF-8 bytes of the name, then of
/// the data type, then a transport byte (1 string, 2 binary) and the length and bytes of the value).
enum SQSDigest {
    static func md5Hex(_ text: String) -> String { md5Hex(Array(text.utf8)) }

    static func md5Hex(_ bytes: [UInt8]) -> String {
        md5(bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The digest of message attributes, `nil` when there are none.
    static func md5OfAttributes(_ attributes: [String: MessageAttributeValue]?) -> String? {
        guard let attributes, !attributes.isEmpty else { return nil }
        var bytes: [UInt8] = []
        func append(_ value: [UInt8]) {
            let length = UInt32(value.count)
            bytes += [
                UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF),
            ]
            bytes += value
        }
        for name in attributes.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let value = attributes[name]!
            append(Array(name.utf8))
            append(Array(value.dataType.utf8))
            if let binary = value.binaryValue, value.stringValue == nil {
                bytes.append(2)
                append(Array(binary))
            } else {
                bytes.append(1)
                append(Array((value.stringValue ?? "").utf8))
            }
        }
        return md5Hex(bytes)
    }

    /// The digest of message system attributes (the same encoding).
    static func md5OfSystemAttributes(_ attributes: [String: MessageSystemAttributeValue]?) -> String? {
        md5OfAttributes(
            attributes?.mapValues {
                MessageAttributeValue(dataType: $0.dataType, stringValue: $0.stringValue, binaryValue: $0.binaryValue)
            })
    }

    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
        14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
        21, 6, 10, 15, 21,
    ]

    private static let constants: [UInt32] = (0..<64).map {
        UInt32(truncatingIfNeeded: Int64(abs(sin(Double($0 + 1))) * 4_294_967_296))
    }

    /// RFC 1321 MD5 (the host has no crypto library; digests here are checksums, not security).
    static func md5(_ message: [UInt8]) -> [UInt8] {
        var bytes = message
        let bitLength = UInt64(message.count) &* 8
        bytes.append(0x80)
        while bytes.count % 64 != 56 { bytes.append(0) }
        for index in 0..<8 { bytes.append(UInt8((bitLength >> (8 * UInt64(index))) & 0xFF)) }
        var a0: UInt32 = 0x6745_2301
        var b0: UInt32 = 0xefcd_ab89
        var c0: UInt32 = 0x98ba_dcfe
        var d0: UInt32 = 0x1032_5476
        var words = [UInt32](repeating: 0, count: 16)
        for chunk in stride(from: 0, to: bytes.count, by: 64) {
            for index in 0..<16 {
                let base = chunk + index * 4
                words[index] =
                    UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16
                    | UInt32(bytes[base + 3]) << 24
            }
            var a = a0
            var b = b0
            var c = c0
            var d = d0
            for round in 0..<64 {
                var f: UInt32
                var g: Int
                switch round {
                case 0..<16:
                    f = (b & c) | (~b & d)
                    g = round
                case 16..<32:
                    f = (d & b) | (~d & c)
                    g = (5 * round + 1) % 16
                case 32..<48:
                    f = b ^ c ^ d
                    g = (3 * round + 5) % 16
                default:
                    f = c ^ (b | ~d)
                    g = (7 * round) % 16
                }
                f = f &+ a &+ constants[round] &+ words[g]
                a = d
                d = c
                c = b
                b = b &+ ((f << shifts[round]) | (f >> (32 - shifts[round])))
            }
            a0 = a0 &+ a
            b0 = b0 &+ b
            c0 = c0 &+ c
            d0 = d0 &+ d
        }
        return [a0, b0, c0, d0].flatMap { word in (0..<4).map { UInt8((word >> (8 * UInt32($0))) & 0xFF) } }
    }
}
