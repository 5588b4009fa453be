import AWSShapes
import AWSSigV4
import Foundation

/// The MD5 digests SQS returns: of the body (`MD5OfBody`) and of the message attributes (`MD5OfMessageAttributes`,
/// AWS's encoding: per attribute in name order, the 4-byte big-endian length and UTF-8 bytes of the name, then of
/// the data type, then a transport byte (1 string, 2 binary) and the length and bytes of the value).
enum SQSDigest {
    static func md5Hex(_ text: String) -> String { md5Hex(Array(text.utf8)) }

    static func md5Hex(_ bytes: [UInt8]) -> String {
        hex(md5(bytes))
    }

    /// The digest of message attributes, `nil` when there are none.
    static func md5OfAttributes(_ attributes: [String: SQS.MessageAttributeValue]?) -> String? {
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
    static func md5OfSystemAttributes(_ attributes: [String: SQS.MessageSystemAttributeValue]?) -> String? {
        md5OfAttributes(
            attributes?.mapValues {
                SQS.MessageAttributeValue(
                    stringValue: $0.stringValue, binaryValue: $0.binaryValue, dataType: $0.dataType)
            })
    }

    /// MD5 (checksums here, not security).
    static func md5(_ message: [UInt8]) -> [UInt8] { Crypto.md5(message) }

    /// Lower-case hexadecimal (the one encoder SigV4 uses too).
    static func hex(_ bytes: [UInt8]) -> String { Crypto.hex(bytes) }

    /// The hex SHA-256 of a FIFO message body: its deduplication id under ContentBasedDeduplication.
    static func sha256Hex(_ text: String) -> String {
        hex(sha256(Array(text.utf8)))
    }

    /// SHA-256.
    static func sha256(_ message: [UInt8]) -> [UInt8] { Crypto.sha256(message) }
}
