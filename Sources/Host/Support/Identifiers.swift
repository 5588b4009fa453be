/// Identifiers made from the system's random generator with one `getrandom` call each; Foundation's `UUID()` opens
/// /dev/urandom on every call on Linux, too slow for a per-invocation path.
enum Identifiers {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hex(_ value: UInt64, digits: Int, into bytes: inout [UInt8]) {
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            bytes.append(hexDigits[Int((value >> UInt64(shift)) & 0xF)])
        }
    }

    /// 128 random bits with a version-4 UUID's version and variant bits set.
    private static func randomVersion4() -> (high: UInt64, low: UInt64) {
        var generator = SystemRandomNumberGenerator()
        return (
            (generator.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000,
            (generator.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        )
    }

    /// A random (version 4) UUID in lower case: the form of Lambda request ids.
    static func uuid() -> String {
        let (high, low) = randomVersion4()
        return uuid(high: high, low: low)
    }

    /// 128 bits in a UUID's text form (lower case, dashes at 8-4-4-4-12).
    static func uuid(high: UInt64, low: UInt64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        hex(high >> 32, digits: 8, into: &bytes)
        bytes.append(UInt8(ascii: "-"))
        hex(high >> 16, digits: 4, into: &bytes)
        bytes.append(UInt8(ascii: "-"))
        hex(high, digits: 4, into: &bytes)
        bytes.append(UInt8(ascii: "-"))
        hex(low >> 48, digits: 4, into: &bytes)
        bytes.append(UInt8(ascii: "-"))
        hex(low, digits: 12, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 32 random hex digits (a version-4 UUID without its dashes): DynamoDB's stream event ids, the hex of Lambda's
    /// log stream names.
    static func hex32() -> String {
        let (high, low) = randomVersion4()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        hex(high, digits: 16, into: &bytes)
        hex(low, digits: 16, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 16 random hex digits: an X-Ray segment id.
    static func hex16() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        hex(generator.next(), digits: 16, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An X-Ray trace id: `1-<epoch seconds, 8 hex>-<24 random hex>`.
    static func traceRoot(epochSeconds: UInt64) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = Array("1-".utf8)
        bytes.reserveCapacity(35)
        hex(epochSeconds, digits: 8, into: &bytes)
        bytes.append(UInt8(ascii: "-"))
        hex(generator.next(), digits: 16, into: &bytes)
        hex(generator.next(), digits: 8, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An X-Ray trace header: `Root=1-<epoch seconds, 8 hex>-<24 hex>;Parent=<16 hex>;Sampled=0`.
    static func traceHeader(epochSeconds: UInt64) -> String {
        "Root=" + traceRoot(epochSeconds: epochSeconds) + ";Parent=" + hex16() + ";Sampled=0"
    }

}
