import AWSShapes
import Testing

@testable import DynamoDBExpressions
@testable import Host

@Suite("DynamoDBNumber")
struct DynamoDBNumberTests {
    @Test(
        "number text is canonicalised as DynamoDB returns it",
        arguments: [
            ("1", "1"), ("-0.5", "-0.5"), ("1e3", "1000"), ("00012.3400", "12.34"), ("1E+2", "100"), ("-0", "0"),
            ("0.000", "0"), (".5", "0.5"), ("5.", "5"), ("+7", "7"), ("1E-3", "0.001"), ("-1.5e-2", "-0.015"),
            ("123.456e1", "1234.56"), ("100", "100"), ("0e999999999999", "0"), ("-000.000100", "-0.0001"),
            ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
        ])
    func canonicalText(input: String, expected: String) throws {
        #expect(try DynamoDBNumber(input).canonicalText == expected)
    }

    @Test("the range limits are representable without an exponent")
    func rangeLimits() throws {
        let largest = "9.9999999999999999999999999999999999999E+125"
        let text = try DynamoDBNumber(largest).canonicalText
        #expect(text == String(repeating: "9", count: 38) + String(repeating: "0", count: 126 - 38))
        #expect(try DynamoDBNumber("-" + largest).canonicalText == "-" + text)
        let smallest = try DynamoDBNumber("1E-130").canonicalText
        #expect(smallest == "0." + String(repeating: "0", count: 129) + "1")
        // Canonical text parses back to the same number.
        #expect(try DynamoDBNumber(text) == DynamoDBNumber(largest))
        #expect(try DynamoDBNumber(smallest) == DynamoDBNumber("1E-130"))
    }

    @Test(
        "text that is not a number is rejected with DynamoDB's message",
        arguments: [
            "", "abc", "1.2.3", "1e", "--1", " 1", "1 ", "NaN", "Infinity", "0x10", "1e+", "e5", ".", "-", "1,0",
        ])
    func notANumber(text: String) {
        // An empty text gets no ": " (nubo-db's conformance suite).
        let suffix = text.isEmpty ? "" : ": \(text)"
        expectDynamoDBValidationError("The parameter cannot be converted to a numeric value\(suffix)") {
            _ = try DynamoDBNumber(text)
        }
    }

    @Test("numbers beyond 1E+126 overflow", arguments: ["1E+126", "-1E+126", "1E+200", "10E+125", "1e999999999999"])
    func overflow(text: String) {
        expectDynamoDBValidationError(
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        ) { _ = try DynamoDBNumber(text) }
    }

    @Test("numbers below 1E-130 underflow", arguments: ["1E-131", "-0.9E-130", "1e-999999999999"])
    func underflow(text: String) {
        expectDynamoDBValidationError(
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        ) { _ = try DynamoDBNumber(text) }
    }

    @Test(
        "more than 38 significant digits are rejected; trailing and leading zeros do not count",
        arguments: [
            ("123456789012345678901234567890123456789", false), ("1.23456789012345678901234567890123456789", false),
            ("1234567890123456789012345678901234567800000", true),
            ("0.0000012345678901234567890123456789012345678", true),
        ])
    func precision(text: String, accepted: Bool) throws {
        if accepted {
            #expect(try DynamoDBNumber(text).significantDigitCount == 38)
        } else {
            expectDynamoDBValidationError("Attempting to store more than 38 significant digits in a Number") {
                _ = try DynamoDBNumber(text)
            }
        }
    }

    @Test(
        "numbers compare by value",
        arguments: [
            ("1", "1.0", 0), ("-1", "1", -1), ("10", "9", 1), ("-10", "-9", -1), ("0.001", "0.01", -1),
            ("1e2", "100", 0), ("0", "-0", 0), ("0", "-0.0001", 1), ("123.45", "123.5", -1), ("2", "10", -1),
        ])
    func comparison(lhs: String, rhs: String, expected: Int) throws {
        let (a, b) = (try DynamoDBNumber(lhs), try DynamoDBNumber(rhs))
        #expect(DynamoDBNumber.compare(a, b) == expected)
        #expect(DynamoDBNumber.compare(b, a) == -expected)
        #expect((a == b) == (expected == 0))
    }

    @Test(
        "addition and subtraction are exact",
        arguments: [
            ("0.1", "0.2", "0.3", "-0.1"),
            (
                "99999999999999999999999999999999999999", "-1", "99999999999999999999999999999999999998",
                "100000000000000000000000000000000000000"
            ),
            (
                "12345678901234567890123456789012345678", "-12345678901234567890123456789012345677", "1",
                "24691357802469135780246913578024691355"
            ),
            ("5", "-7.5", "-2.5", "12.5"), ("-5", "5", "0", "-10"), ("1E+100", "1E+100", "2E+100", "0"),
            (
                "0.000000000000000000000000000000000001", "1", "1.000000000000000000000000000000000001",
                "-0.999999999999999999999999999999999999"
            ),
        ])
    func arithmetic(lhs: String, rhs: String, sum: String, difference: String) throws {
        let (a, b) = (try DynamoDBNumber(lhs), try DynamoDBNumber(rhs))
        #expect(try a.adding(b) == DynamoDBNumber(sum))
        #expect(try a.subtracting(b) == DynamoDBNumber(difference))
        #expect(try a.adding(b).canonicalText == DynamoDBNumber(sum).canonicalText)
    }

    @Test("arithmetic agrees with integer arithmetic on many pairs")
    func arithmeticMatchesIntegers() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let a = Int.random(in: -1_000_000_000_000...1_000_000_000_000, using: &generator)
            let b = Int.random(in: -1_000_000_000_000...1_000_000_000_000, using: &generator)
            let scale = Int.random(in: 0...6, using: &generator)
            // a·10^-scale ± b·10^-scale, compared through integer arithmetic.
            func decimal(_ value: Int) -> String { "\(value)e-\(scale)" }
            let sum = try DynamoDBNumber(decimal(a)).adding(DynamoDBNumber(decimal(b)))
            let difference = try DynamoDBNumber(decimal(a)).subtracting(DynamoDBNumber(decimal(b)))
            #expect(sum == (try DynamoDBNumber(decimal(a + b))))
            #expect(difference == (try DynamoDBNumber(decimal(a - b))))
            #expect(
                DynamoDBNumber.compare(try DynamoDBNumber(decimal(a)), try DynamoDBNumber(decimal(b)))
                    == (a < b ? -1 : (a == b ? 0 : 1)))
        }
    }

    @Test("a result beyond the supported range raises DynamoDB's errors")
    func arithmeticOverflow() throws {
        let largest = try DynamoDBNumber("9.9999999999999999999999999999999999999E+125")
        expectDynamoDBValidationError(
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        ) { _ = try largest.adding(DynamoDBNumber("1E+125")) }
        // Too many digits for 38 is reported as an overflow, as DynamoDB answers 1e50 + 1.
        expectDynamoDBValidationError(
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        ) { _ = try DynamoDBNumber("1E+20").adding(DynamoDBNumber("1E-20")) }
        expectDynamoDBValidationError(
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        ) { _ = try DynamoDBNumber("2E-130").subtracting(DynamoDBNumber("1.5E-130")) }
    }

    @Test("the order-preserving key sorts like the numbers")
    func orderPreservingKey() throws {
        let texts = [
            "-1E+125", "-100", "-10", "-9.5", "-9", "-1.5", "-1", "-0.5", "-0.05", "-1E-130", "0", "1E-130", "0.05",
            "0.5", "1", "1.5", "9", "9.5", "10", "100", "123.456", "1E+125",
        ]
        let numbers = try texts.map { try DynamoDBNumber($0) }
        let byKey = numbers.shuffled().sorted { $0.orderPreservingKey < $1.orderPreservingKey }
        #expect(byKey == numbers.sorted())
        #expect(numbers.sorted().map(\.canonicalText) == texts.map { try! DynamoDBNumber($0).canonicalText })
    }

    @Test("canonicalized rewrites every number inside a value and rejects invalid ones")
    func canonicalizedValues() throws {
        let value = AttributeValue.m([
            "n": .n("1E+2"), "ns": .ns(["0010", "2.50"]), "l": .l([.n("-0.0"), .s("1E+2")]),
            "m": .m(["deep": .n("00.1")]),
        ])
        let expected = AttributeValue.m([
            "n": .n("100"), "ns": .ns(["10", "2.5"]), "l": .l([.n("0"), .s("1E+2")]), "m": .m(["deep": .n("0.1")]),
        ])
        #expect(try value.canonicalized() == expected)
        #expect(try ["a": value].canonicalizedItem() == ["a": expected])
        expectDynamoDBValidationError("The parameter cannot be converted to a numeric value: x") {
            try DynamoDBNumber.validate(["a": .l([.m(["b": .ns(["1", "x"])])])])
        }
    }
}
