import AWSShapes
import Testing

@testable import EventPatterns
@testable import Host

struct EventPatternTests {
    func match(_ pattern: String, _ event: String) throws -> Bool {
        try EventPattern(parsing: pattern).matches(eventJSON: event)
    }

    func reason(_ pattern: String) -> String? {
        do {
            _ = try EventPattern(parsing: pattern)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func exactValues() throws {
        #expect(try match(#"{"a": ["x", 5, true, null]}"#, #"{"a": "x"}"#))
        #expect(try match(#"{"a": ["x", 5, true, null]}"#, #"{"a": 5.0}"#))
        #expect(try match(#"{"a": ["x", 5, true, null]}"#, #"{"a": true}"#))
        #expect(try match(#"{"a": ["x", 5, true, null]}"#, #"{"a": null}"#))
        #expect(try !match(#"{"a": ["x", 5, true, null]}"#, #"{"a": "5"}"#))
        #expect(try !match(#"{"a": ["x", 5, true, null]}"#, #"{"a": "true"}"#))
        #expect(try !match(#"{"a": ["x"]}"#, #"{"a": "X"}"#))
        #expect(try !match(#"{"a": ["x"]}"#, #"{}"#))
        #expect(try match(#"{"a": ["x"]}"#, #"{"a": ["y", "x"]}"#))
        #expect(try !match(#"{"a": [null]}"#, #"{"a": []}"#))
    }

    @Test func prefixSuffixAndIgnoreCase() throws {
        #expect(try match(#"{"a": [{"prefix": "us-"}]}"#, #"{"a": "us-east-1"}"#))
        #expect(try !match(#"{"a": [{"prefix": "us-"}]}"#, #"{"a": "US-east-1"}"#))
        #expect(try match(#"{"a": [{"prefix": {"equals-ignore-case": "US-"}}]}"#, #"{"a": "us-east-1"}"#))
        #expect(try match(#"{"a": [{"prefix": ""}]}"#, #"{"a": "anything"}"#))
        #expect(try !match(#"{"a": [{"prefix": ""}]}"#, #"{"a": 1}"#))
        #expect(try match(#"{"a": [{"suffix": ".png"}]}"#, #"{"a": "x.png"}"#))
        #expect(try match(#"{"a": [{"suffix": {"equals-ignore-case": ".PNG"}}]}"#, #"{"a": "x.png"}"#))
        #expect(try match(#"{"a": [{"equals-ignore-case": "AlIcE"}]}"#, #"{"a": "alice"}"#))
        #expect(try !match(#"{"a": [{"equals-ignore-case": "alice"}]}"#, #"{"a": "alicia"}"#))
    }

    @Test func wildcard() throws {
        #expect(try match(#"{"a": [{"wildcard": "a*c*e"}]}"#, #"{"a": "abcde"}"#))
        #expect(try match(#"{"a": [{"wildcard": "*"}]}"#, #"{"a": ""}"#))
        #expect(try !match(#"{"a": [{"wildcard": "a*c"}]}"#, #"{"a": "abcd"}"#))
        #expect(try match(#"{"a": [{"wildcard": "a\\*b"}]}"#, #"{"a": "a*b"}"#))
        #expect(try !match(#"{"a": [{"wildcard": "a\\*b"}]}"#, #"{"a": "axb"}"#))
        #expect(try match(#"{"a": [{"wildcard": "a\\\\b*"}]}"#, #"{"a": "a\\bcd"}"#))
        #expect(try !match(#"{"a": [{"wildcard": ""}]}"#, #"{"a": "x"}"#))
        #expect(reason(#"{"a": [{"wildcard": "a**"}]}"#) == "Consecutive wildcard characters at pos 2")
    }

    @Test func anythingBut() throws {
        #expect(try match(#"{"a": [{"anything-but": "x"}]}"#, #"{"a": "y"}"#))
        #expect(try match(#"{"a": [{"anything-but": "x"}]}"#, #"{"a": null}"#))
        #expect(try !match(#"{"a": [{"anything-but": "x"}]}"#, #"{}"#))
        #expect(try !match(#"{"a": [{"anything-but": [1, 2]}]}"#, #"{"a": 2.0}"#))
        #expect(try match(#"{"a": [{"anything-but": [1, 2]}]}"#, #"{"a": "2"}"#))
        #expect(try !match(#"{"a": [{"anything-but": {"prefix": "in"}}]}"#, #"{"a": "init"}"#))
        #expect(try match(#"{"a": [{"anything-but": {"prefix": "in"}}]}"#, #"{"a": 12}"#))
        #expect(try !match(#"{"a": [{"anything-but": {"suffix": [".a", ".b"]}}]}"#, #"{"a": "x.b"}"#))
        #expect(try !match(#"{"a": [{"anything-but": {"equals-ignore-case": "X"}}]}"#, #"{"a": "x"}"#))
        #expect(try match(#"{"a": [{"anything-but": {"wildcard": "*/x/*"}}]}"#, #"{"a": "a/y/b"}"#))
        #expect(try !match(#"{"a": [{"anything-but": {"wildcard": "*/x/*"}}]}"#, #"{"a": "a/x/b"}"#))
        #expect(reason(#"{"a": [{"anything-but": ["x", 1]}]}"#) != nil)
        let scalarOnly = "Value of anything-but must be an array or single string/number value."
        #expect(reason(#"{"a": [{"anything-but": true}]}"#) == scalarOnly)
    }

    @Test func numeric() throws {
        #expect(try match(#"{"a": [{"numeric": [">", 0, "<=", 5]}]}"#, #"{"a": 5}"#))
        #expect(try !match(#"{"a": [{"numeric": [">", 0, "<=", 5]}]}"#, #"{"a": 0}"#))
        #expect(try match(#"{"a": [{"numeric": [">=", 0, "<", 5]}]}"#, #"{"a": 0}"#))
        #expect(try match(#"{"a": [{"numeric": ["=", 3.018e2]}]}"#, #"{"a": 301.8}"#))
        #expect(try !match(#"{"a": [{"numeric": ["<", 10]}]}"#, #"{"a": "5"}"#))
        #expect(try !match(#"{"a": [{"numeric": ["<", 10]}]}"#, #"{"a": null}"#))
        // event-ruler's grammar: a range is `> (or >=) x` optionally followed by `< (or <=) y`, nothing else.
        #expect(reason(#"{"a": [{"numeric": ["<", 1, ">", 0]}]}"#) == "Too many elements in numeric expression")
        #expect(reason(#"{"a": [{"numeric": [">", 1, ">", 0]}]}"#) == "Bad numeric range operator: >")
        #expect(reason(#"{"a": [{"numeric": [">", 5, "<", 1]}]}"#) == "Bottom must be less than top")
        #expect(reason(#"{"a": [{"numeric": ["=", 5, "<", 1]}]}"#) == "Too many elements in numeric expression")
        #expect(reason(#"{"a": [{"numeric": [">", 1e400]}]}"#) == "Cannot compare number : 1e400")
        #expect(reason(#"{"a": [{"numeric": [">", 12345678901234567891]}]}"#) != nil)
        #expect(try match(#"{"a": [{"numeric": [">", 0.1]}]}"#, #"{"a": 0.2}"#))
        #expect(reason(#"{"a": [{"numeric": ["=<", 1]}]}"#) == "Unrecognized numeric range operator: =<")
        #expect(reason(#"{"a": [{"numeric": [">", "1"]}]}"#) == "Value of > must be numeric")
        #expect(reason(#"{"a": [{"NUMERIC": [">", 1]}]}"#) == "Unrecognized match type NUMERIC")
    }

    @Test func existsAndMissingFields() throws {
        #expect(try match(#"{"a": [{"exists": true}]}"#, #"{"a": null}"#))
        #expect(try !match(#"{"a": [{"exists": true}]}"#, #"{"a": []}"#))
        #expect(try !match(#"{"a": [{"exists": true}]}"#, #"{"a": {"b": 1}}"#))
        #expect(try match(#"{"a": [{"exists": false}]}"#, #"{"b": 1}"#))
        #expect(try match(#"{"a": [{"exists": false}]}"#, #"{"a": []}"#))
        #expect(try !match(#"{"a": [{"exists": false}]}"#, #"{"a": 1}"#))
        #expect(try match(#"{"a": [{"anything-but": "x"}, {"exists": false}]}"#, #"{}"#))
        #expect(reason(#"{"a": [{"exists": "yes"}]}"#) != nil)
    }

    @Test func cidr() throws {
        #expect(try match(#"{"ip": [{"cidr": "10.0.0.0/24"}]}"#, #"{"ip": "10.0.0.255"}"#))
        #expect(try !match(#"{"ip": [{"cidr": "10.0.0.0/24"}]}"#, #"{"ip": "10.0.1.0"}"#))
        #expect(try !match(#"{"ip": [{"cidr": "10.0.0.0/24"}]}"#, #"{"ip": "::1"}"#))
        #expect(try match(#"{"ip": [{"cidr": "2001:db8::/32"}]}"#, #"{"ip": "2001:0db8:ffff::1"}"#))
        #expect(try match(#"{"ip": [{"cidr": "::ffff:0:0/96"}]}"#, #"{"ip": "::ffff:10.1.2.3"}"#))
        #expect(reason(#"{"ip": [{"cidr": "10.0.0.0"}]}"#) == "Malformed CIDR, one '/' required")
        #expect(reason(#"{"ip": [{"cidr": "10.0.0.0/x"}]}"#) == "Malformed CIDR, mask bits must be an integer")
        #expect(reason(#"{"ip": [{"cidr": "10.0.0/8"}]}"#) == "Nonstandard IP address: 10.0.0")
        // event-ruler's mask checks (CIDR.java), which AWS runs.
        #expect(reason(#"{"ip": [{"cidr": "10.0.0.0/-1"}]}"#) == "Malformed CIDR, mask bits must not be negative")
        #expect(reason(#"{"ip": [{"cidr": "10.0.0.1/32"}]}"#) == "IPv4 mask bits must be < 32")
        #expect(reason(#"{"ip": [{"cidr": "::1/128"}]}"#) == "IPv6 mask bits must be < 128")
    }

    @Test func orAndStructure() throws {
        let pattern = #"{"d": {"$or": [{"a": [1]}, {"b": [{"prefix": "x"}]}]}, "s": ["src"]}"#
        #expect(try match(pattern, #"{"s": "src", "d": {"a": 1}}"#))
        #expect(try match(pattern, #"{"s": "src", "d": {"b": "xy"}}"#))
        #expect(try !match(pattern, #"{"s": "other", "d": {"a": 1}}"#))
        #expect(try !match(pattern, #"{"s": "src", "d": {"a": 2, "b": "y"}}"#))
        #expect(reason(#"{"$or": [{"a": [1]}]}"#) != nil)
        // 11 × 11 × 11 = 1331 combinations exceed AWS's limit of 1000.
        let alternatives = (0..<11).map { #"{"k\#($0)": [1]}"# }.joined(separator: ",")
        let or = #"{"$or": [\#(alternatives)]}"#
        let big = #"{"x": \#(or), "y": \#(or), "z": \#(or)}"#
        #expect(reason(big)?.contains("combinations") == true)
    }

    @Test func dottedKeysAndCaseSensitivity() throws {
        #expect(try match(#"{"d": {"s": {"t": ["r"]}}}"#, #"{"d": {"s.t": "r"}}"#))
        #expect(try match(#"{"d": {"s.t": ["r"]}}"#, #"{"d": {"s": {"t": "r"}}}"#))
        #expect(try !match(#"{"K": ["v"]}"#, #"{"k": "v"}"#))
    }

    @Test func arrayConsistency() throws {
        // event-ruler arrayRule3/arrayEvent3 shape: both fields must come from the same element.
        let pattern = #"{"items": {"name": ["a"], "size": [2]}}"#
        #expect(try match(pattern, #"{"items": [{"name": "a", "size": 2}, {"name": "b", "size": 3}]}"#))
        #expect(try !match(pattern, #"{"items": [{"name": "a", "size": 3}, {"name": "b", "size": 2}]}"#))
        // Different arrays are independent.
        #expect(try match(#"{"x": ["a"], "y": ["b"]}"#, #"{"x": ["z", "a"], "y": ["b", "q"]}"#))
        // Nested arrays: the outer element must be shared, the inner arrays are separate.
        let nested = #"{"o": {"i": {"v": [1]}, "w": [5]}}"#
        #expect(try match(nested, #"{"o": [{"i": [{"v": 0}, {"v": 1}], "w": 5}, {"w": 6}]}"#))
        #expect(try !match(nested, #"{"o": [{"i": [{"v": 1}], "w": 6}, {"w": 5}]}"#))
    }

    @Test func validationMessages() {
        #expect(reason(#"{"a": "x"}"#) == #""a" must be an object or an array"#)
        #expect(reason(#"{"a": []}"#) == "Empty arrays are not allowed")
        #expect(reason(#"{"a": [{"EXISTS": true}]}"#) == "Unrecognized match type EXISTS")
        #expect(reason(#"{"a": [{"prefix": ["x"]}]}"#) == "prefix match pattern must be a string")
        #expect(reason(#"{"a": [{"suffix": 1}]}"#) == "suffix match pattern must be a string")
        #expect(reason(#"{"a": [{"anything-but": {"prefix": ""}}]}"#) == "Null prefix/suffix not allowed")
        #expect(reason("[1]") != nil)
        #expect(reason("{") != nil)
        #expect(reason("{}") == "Empty objects are not allowed")
        #expect(reason(#"{"a": [{}]}"#) == "Match expression name not found")
        #expect(reason(#"{"a": [{"prefix": "x", "suffix": "y"}]}"#) == "Only one key allowed in match expression")
        #expect(reason(#"{"a": [{"anything-but": []}]}"#)?.contains("mixed type is not supported") == true)
        #expect(reason(#"{"$or": [{"prefix": ["x"]}, {"b": ["y"]}]}"#)?.contains("reserved fieldName") == true)
        let error = EventPatternError(reason: "Empty arrays are not allowed")
        #expect(error.message == "Event pattern is not valid. Reason: Empty arrays are not allowed")
        #expect(error.code == "InvalidEventPatternException")
    }

    /// AWS's messages end with its JSON parser's location: after the last token read, a string's opening quote
    /// until its text is read, the column in UTF-16 units on the error's line, the source cut after 500 characters.
    @Test func locationSuffix() {
        func message(_ pattern: String) -> String? {
            do {
                _ = try EventPattern(parsing: pattern)
                return nil
            } catch {
                return error.message
            }
        }
        let multiline = "{\n  \"a\": {\n    \"b\": \"x\"\n  }\n}"
        #expect(
            message(multiline)
                == "Event pattern is not valid. Reason: \"b\" must be an object or an array\n at [Source: (String)\""
                + multiline + "\"; line: 3, column: 11]")
        // A string whose text was read: after its closing quote; "é" is one UTF-16 unit, "😀" two.
        #expect(message(#"{"é😀": [{"wildcard": "a**"}]}"#)?.hasSuffix("line: 1, column: 28]") == true)
        // Syntax errors in Jackson's words, at the offending character.
        #expect(
            message(#"{"a": [1,]}"#)
                == "Event pattern is not valid. Reason: Unexpected character (']' (code 93)): expected a value\n at "
                + #"[Source: (String)"{"a": [1,]}"; line: 1, column: 10]"#)
        #expect(message(#"{"a" ["x"]}"#)?.contains("was expecting a colon to separate field name and value") == true)
        #expect(message(#"{"a": [tru]}"#)?.contains("Unrecognized token 'tru'") == true)
        // AWS reads the pattern as it compiles it: the first error wins, and what follows the root is not read.
        #expect(message(#"{"a": "x", "b": [}"#)?.contains(#""a" must be an object or an array"#) == true)
        #expect(message(#"{"a": ["x"]} trailing"#) == nil)
        // Errors inside anything-but lists are reported twice, as AWS does.
        let twice = message(#"{"a": [{"anything-but": ["x", true]}]}"#) ?? ""
        #expect(twice.components(separatedBy: " at [Source").count == 3)
        // Long patterns are cut in the location after 500 characters.
        let long = #"{"a": [{"prefix": 1}], "b": [""# + String(repeating: "x", count: 600) + #""]}"#
        #expect(
            message(long)?.hasSuffix(
                "\"[truncated \(long.utf16.count - 500) chars]; line: 1, column: 20]") == true)
        // Errors found after reading (CIDR values, wildcard complexity) carry no location.
        #expect(message(#"{"ip": [{"cidr": "10.0.0.0"}]}"#)?.contains(" at [Source") == false)
    }

    @Test func duplicateKeysLastWins() throws {
        #expect(try match(#"{"a": ["x"], "a": ["y"]}"#, #"{"a": "y"}"#))
        #expect(try !match(#"{"a": ["x"], "a": ["y"]}"#, #"{"a": "x"}"#))
    }

    @Test func matchesJSONValueEvents() throws {
        let pattern = try EventPattern(parsing: #"{"source": ["s"], "detail": {"n": [{"numeric": [">", 1]}]}}"#)
        #expect(pattern.matches(["source": "s", "detail": ["n": 2]]))
        #expect(!pattern.matches(["source": "s", "detail": ["n": 1]]))
        #expect(!pattern.matches(eventJSON: "not json"))
    }
}
