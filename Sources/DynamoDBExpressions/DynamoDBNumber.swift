import AWSShapes

// DECISIONS:
// - A number is kept as sign, significant digits (no leading or trailing zeros) and a power-of-ten exponent; all
//   arithmetic is exact decimal arithmetic on those digits, never `Double`.
// - Range as documented in "Supported data types and naming rules": up to 38 significant digits, positive and
//   negative magnitudes from 1E-130 to 9.9999999999999999999999999999999999999E+125. Messages as DynamoDB words
//   them: "Number overflow. Attempting to store a number with magnitude larger than supported range",
//   "Number underflow. Attempting to store a number with magnitude smaller than supported range",
//   "Attempting to store more than 38 significant digits in a Number", and for text that is not a number
//   "The parameter cannot be converted to a numeric value: <text>". The magnitude is checked before the precision.
// - Accepted text is what DynamoDB (Java BigDecimal) accepts: optional sign, digits with at most one decimal
//   point (".5" and "5." included), optional exponent `e`/`E` with optional sign. No whitespace, no "NaN",
//   no "Infinity", no hexadecimal.
// - Canonical text is what DynamoDB returns: leading and trailing zeros trimmed, never an exponent
//   ("1E+2" → "100", "00012.3400" → "12.34", "-0" → "0", "1E-3" → "0.001").
// - The result of `+`/`-` is checked like a stored number (DynamoDB rejects rather than rounds), except that a
//   result of more than 38 significant digits is reported as an overflow: DynamoDB answers `1e50 + 1` with
//   "Number overflow. Attempting to store a number with magnitude larger than supported range" (scylladb's
//   Alternator test_number.py, run on DynamoDB, records it).

/// An exact DynamoDB number: up to 38 significant decimal digits, magnitude 1E-130 ..< 1E+126 (or zero).
package struct DynamoDBNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The most significant digits DynamoDB stores.
    package static let maximumSignificantDigits = 38
    /// The largest allowed exponent of the leading digit (numbers are below 1E+126).
    package static let maximumAdjustedExponent = 125
    /// The smallest allowed exponent of the leading digit (numbers are at least 1E-130).
    package static let minimumAdjustedExponent = -130

    /// Whether the number is below zero (never true for zero).
    private(set) var isNegative: Bool
    /// Significant digits, most significant first, each 0...9; no leading or trailing zero; empty for zero.
    private(set) var digits: [UInt8]
    /// The value is `digits` read as an integer times 10^exponent.
    private(set) var exponent: Int

    /// Zero.
    package static let zero = DynamoDBNumber(unchecked: false, digits: [], exponent: 0)

    private init(unchecked negative: Bool, digits: [UInt8], exponent: Int) {
        var digits = digits
        var exponent = exponent
        let firstNonZero = digits.firstIndex { $0 != 0 } ?? digits.endIndex
        digits.removeFirst(firstNonZero)
        while let last = digits.last, last == 0 {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty {
            self.isNegative = false
            self.digits = []
            self.exponent = 0
        } else {
            self.isNegative = negative
            self.digits = digits
            self.exponent = exponent
        }
    }

    /// Parses DynamoDB number text (`"1"`, `"-0.5"`, `"1e3"`, `"00012.3400"`) and checks it fits DynamoDB's range.
    /// - Throws: `DynamoDBValidationError` worded as DynamoDB words it.
    package init(_ text: String) throws(DynamoDBValidationError) {
        guard let parsed = Self.parseUnchecked(text) else {
            throw DynamoDBValidationError(
                "The parameter cannot be converted to a numeric value" + (text.isEmpty ? "" : ": \(text)"))
        }
        try parsed.checkRange()
        self = parsed
    }

    /// An integer.
    package init(_ value: Int) {
        let magnitude = value.magnitude
        let digits = String(magnitude).utf8.map { $0 - UInt8(ascii: "0") }
        self.init(unchecked: value < 0, digits: digits, exponent: 0)
    }

    private static func parseUnchecked(_ text: String) -> DynamoDBNumber? {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var mantissa: [UInt8] = []
        var fractionDigits = 0
        var seenPoint = false
        while let byte = bytes.first, byte != UInt8(ascii: "e"), byte != UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                mantissa.append(byte - UInt8(ascii: "0"))
                if seenPoint { fractionDigits += 1 }
            } else {
                return nil
            }
        }
        guard !mantissa.isEmpty else { return nil }
        var exponent = 0
        if !bytes.isEmpty {
            bytes = bytes.dropFirst()  // the `e`
            var exponentNegative = false
            if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
                exponentNegative = first == UInt8(ascii: "-")
                bytes = bytes.dropFirst()
            }
            guard !bytes.isEmpty else { return nil }
            for byte in bytes {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                // Clamp: any exponent this large is out of range anyway (unless the mantissa is zero).
                exponent = min(exponent * 10 + Int(byte - UInt8(ascii: "0")), 1_000_000_000)
            }
            if exponentNegative { exponent = -exponent }
        }
        return DynamoDBNumber(unchecked: negative, digits: mantissa, exponent: exponent - fractionDigits)
    }

    /// The exponent of the leading digit (`123` → 2, `0.05` → -2); 0 for zero.
    package var adjustedExponent: Int { digits.isEmpty ? 0 : exponent + digits.count - 1 }

    /// Whether the number is zero.
    package var isZero: Bool { digits.isEmpty }

    /// The number of significant digits (0 for zero).
    package var significantDigitCount: Int { digits.count }

    private func checkRange() throws(DynamoDBValidationError) {
        guard !digits.isEmpty else { return }
        if adjustedExponent > Self.maximumAdjustedExponent {
            throw DynamoDBValidationError(
                "Number overflow. Attempting to store a number with magnitude larger than supported range")
        }
        if adjustedExponent < Self.minimumAdjustedExponent {
            throw DynamoDBValidationError(
                "Number underflow. Attempting to store a number with magnitude smaller than supported range")
        }
        if digits.count > Self.maximumSignificantDigits {
            throw DynamoDBValidationError("Attempting to store more than 38 significant digits in a Number")
        }
    }

    /// The text DynamoDB returns for the number: no exponent, no leading or trailing zeros.
    package var canonicalText: String {
        if digits.isEmpty { return "0" }
        let zero = UInt8(ascii: "0")
        var bytes: [UInt8] = isNegative ? [UInt8(ascii: "-")] : []
        let pointPosition = digits.count + exponent
        if exponent >= 0 {
            bytes += digits.map { $0 + zero }
            bytes += [UInt8](repeating: zero, count: exponent)
        } else if pointPosition > 0 {
            bytes += digits[..<pointPosition].map { $0 + zero }
            bytes.append(UInt8(ascii: "."))
            bytes += digits[pointPosition...].map { $0 + zero }
        } else {
            bytes += [zero, UInt8(ascii: ".")]
            bytes += [UInt8](repeating: zero, count: -pointPosition)
            bytes += digits.map { $0 + zero }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    package var description: String { canonicalText }

    // MARK: Comparison

    /// Compares magnitudes: -1, 0 or 1.
    private static func compareMagnitude(_ lhs: DynamoDBNumber, _ rhs: DynamoDBNumber) -> Int {
        if lhs.digits.isEmpty || rhs.digits.isEmpty {
            return lhs.digits.isEmpty ? (rhs.digits.isEmpty ? 0 : -1) : 1
        }
        if lhs.adjustedExponent != rhs.adjustedExponent {
            return lhs.adjustedExponent < rhs.adjustedExponent ? -1 : 1
        }
        for (left, right) in zip(lhs.digits, rhs.digits) where left != right {
            return left < right ? -1 : 1
        }
        if lhs.digits.count == rhs.digits.count { return 0 }
        return lhs.digits.count < rhs.digits.count ? -1 : 1
    }

    /// Compares values: -1, 0 or 1.
    package static func compare(_ lhs: DynamoDBNumber, _ rhs: DynamoDBNumber) -> Int {
        func signum(_ number: DynamoDBNumber) -> Int { number.isZero ? 0 : (number.isNegative ? -1 : 1) }
        let (left, right) = (signum(lhs), signum(rhs))
        if left != right { return left < right ? -1 : 1 }
        let magnitude = compareMagnitude(lhs, rhs)
        return left < 0 ? -magnitude : magnitude
    }

    package static func < (lhs: DynamoDBNumber, rhs: DynamoDBNumber) -> Bool {
        compare(lhs, rhs) < 0
    }

    // MARK: Arithmetic

    /// The sum, exact. Throws the errors of a stored number if the result has more than 38 significant digits or
    /// is out of range.
    package func adding(_ other: DynamoDBNumber) throws(DynamoDBValidationError) -> DynamoDBNumber {
        if other.isZero { return self }
        if isZero { return other }
        let exponent = min(self.exponent, other.exponent)
        // Little-endian digit arrays aligned at `exponent`.
        let left = Self.aligned(self, to: exponent)
        let right = Self.aligned(other, to: exponent)
        let result: DynamoDBNumber
        if isNegative == other.isNegative {
            result = DynamoDBNumber(
                unchecked: isNegative, digits: Self.addMagnitudes(left, right).reversed(), exponent: exponent)
        } else if Self.compareMagnitude(self, other) >= 0 {
            result = DynamoDBNumber(
                unchecked: isNegative, digits: Self.subtractMagnitudes(left, right).reversed(), exponent: exponent)
        } else {
            result = DynamoDBNumber(
                unchecked: other.isNegative, digits: Self.subtractMagnitudes(right, left).reversed(),
                exponent: exponent)
        }
        if result.digits.count > Self.maximumSignificantDigits, result.adjustedExponent >= Self.minimumAdjustedExponent
        {
            throw DynamoDBValidationError(
                "Number overflow. Attempting to store a number with magnitude larger than supported range")
        }
        try result.checkRange()
        return result
    }

    /// The difference, exact; errors as `adding(_:)`.
    package func subtracting(_ other: DynamoDBNumber) throws(DynamoDBValidationError) -> DynamoDBNumber {
        try adding(other.negated())
    }

    /// The number with the opposite sign.
    package func negated() -> DynamoDBNumber {
        DynamoDBNumber(unchecked: !isNegative, digits: digits, exponent: exponent)
    }

    private static func aligned(_ number: DynamoDBNumber, to exponent: Int) -> [UInt8] {
        [UInt8](repeating: 0, count: number.exponent - exponent) + number.digits.reversed()
    }

    private static func addMagnitudes(_ lhs: [UInt8], _ rhs: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(max(lhs.count, rhs.count) + 1)
        var carry: UInt8 = 0
        for index in 0..<max(lhs.count, rhs.count) {
            let sum = (index < lhs.count ? lhs[index] : 0) + (index < rhs.count ? rhs[index] : 0) + carry
            result.append(sum % 10)
            carry = sum / 10
        }
        if carry > 0 { result.append(carry) }
        return result
    }

    /// `lhs - rhs` for little-endian magnitudes with `lhs >= rhs`.
    private static func subtractMagnitudes(_ lhs: [UInt8], _ rhs: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(lhs.count)
        var borrow = 0
        for index in 0..<lhs.count {
            var difference = Int(lhs[index]) - Int(index < rhs.count ? rhs[index] : 0) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 10 }
            result.append(UInt8(difference))
        }
        return result
    }

    // MARK: Storage helpers

    /// A text whose byte order is the numeric order (for a storage index on number sort keys):
    /// negative numbers start with `0`, zero is `1`, positive numbers start with `2`; then the leading digit's
    /// exponent, then the digits (complemented for negative numbers, which end with `~`).
    package var orderPreservingKey: String {
        if digits.isEmpty { return "1" }
        let biased = adjustedExponent - Self.minimumAdjustedExponent  // 0...255 for valid numbers
        func padded(_ value: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, 3 - text.count)) + text
        }
        let zero = UInt8(ascii: "0")
        if isNegative {
            let body = String(decoding: digits.map { 9 - $0 + zero }, as: UTF8.self)
            return "0" + padded(999 - biased) + body + "~"
        }
        return "2" + padded(biased) + String(decoding: digits.map { $0 + zero }, as: UTF8.self)
    }

    /// The bytes DynamoDB counts for the number in an item's size: about one byte per two significant digits,
    /// plus one.
    package var storageSize: Int { (digits.count + 1) / 2 + 1 }
}

extension DynamoDBNumber {
    /// Checks every number inside an incoming value (`N`, `NS`, and those nested in `M` and `L`).
    /// - Throws: the `DynamoDBValidationError` of the first invalid number.
    package static func validate(_ value: AttributeValue) throws(DynamoDBValidationError) {
        _ = try value.canonicalized()
    }

    /// Checks every number inside an incoming item.
    package static func validate(_ item: DynamoDBItem) throws(DynamoDBValidationError) {
        for value in item.values { try validate(value) }
    }
}

extension AttributeValue {
    /// The value with every number (in `N`, `NS`, and nested in `M` and `L`) rewritten to DynamoDB's canonical
    /// text (`"1E+2"` → `"100"`), as DynamoDB stores and returns it. Number sets keep their order.
    /// - Throws: `DynamoDBValidationError` for a number DynamoDB rejects, and for an empty set or a set with
    ///   duplicates (with DynamoDB's texts, which differ by set type).
    package func canonicalized() throws(DynamoDBValidationError) -> AttributeValue {
        let invalid = "One or more parameter values were invalid: "
        switch self {
        case .n(let text):
            return .n(try DynamoDBNumber(text).canonicalText)
        case .ns(let texts):
            guard !texts.isEmpty else { throw DynamoDBValidationError(invalid + "An number set  may not be empty") }
            var result: [String] = []
            result.reserveCapacity(texts.count)
            for text in texts { result.append(try DynamoDBNumber(text).canonicalText) }
            guard Set(result).count == result.count else {
                throw DynamoDBValidationError("Input collection contains duplicates")
            }
            return .ns(result)
        case .ss(let texts):
            guard !texts.isEmpty else { throw DynamoDBValidationError(invalid + "An string set  may not be empty") }
            guard Set(texts).count == texts.count else {
                throw DynamoDBValidationError(
                    invalid + "Input collection [\(texts.joined(separator: ", "))] contains duplicates.")
            }
            return self
        case .bs(let values):
            guard !values.isEmpty else { throw DynamoDBValidationError(invalid + "Binary sets should not be empty") }
            guard Set(values).count == values.count else {
                let texts = values.map { $0.base64EncodedString() }.joined(separator: ", ")
                throw DynamoDBValidationError(invalid + "Input collection [\(texts)]of type BS contains duplicates.")
            }
            return self
        case .m(let map):
            var result: [String: AttributeValue] = [:]
            result.reserveCapacity(map.count)
            for (key, value) in map { result[key] = try value.canonicalized() }
            return .m(result)
        case .l(let list):
            var result: [AttributeValue] = []
            result.reserveCapacity(list.count)
            for value in list { result.append(try value.canonicalized()) }
            return .l(result)
        case .s, .b, .null, .bool:
            return self
        }
    }
}

extension Dictionary where Key == String, Value == AttributeValue {
    /// The item with every number in canonical text (see `AttributeValue.canonicalized()`).
    package func canonicalizedItem() throws(DynamoDBValidationError) -> DynamoDBItem {
        var result: DynamoDBItem = [:]
        result.reserveCapacity(count)
        for (key, value) in self { result[key] = try value.canonicalized() }
        return result
    }
}
