import AWSShapes
import Foundation
import PropertyBased
import Testing

@testable import DynamoDBExpressions
@testable import EventPatterns
@testable import Host

/// Every parser that reads what a client sends, fed random text built from its own tokens: it answers (a value or
/// its service's error), never traps, never overflows the stack, and stays quick. The fuzzer checks the same from
/// outside; these find the smallest failing input when something breaks (the generators shrink).
@Suite struct ParserPropertyTests {
    /// Random tokens joined by spaces or by nothing (the generators pick the tokens).
    @Sendable static func joined(_ tokens: [String?]) -> String {
        tokens.compactMap { $0 }.joined(separator: tokens.count % 2 == 0 ? " " : "")
    }

    @Test func expressionsAlwaysAnswer() async {
        let tokens = [
            "(", ")", "a", "b.c", "l[0]", "#n", ":v", ":w", "=", "<>", "<", ">=", "AND", "OR", "NOT", "BETWEEN", "IN",
            ",", "size(a)", "attribute_exists(", "begins_with(", "SET", "REMOVE", "ADD", "DELETE", "+", "-",
            "if_not_exists(", "list_append(", "((",
        ]
        await propertyCheck(count: 300, input: Gen<String?>.element(of: tokens).array(of: 0...600).map(Self.joined)) {
            text in
            let started = ContinuousClock.now
            for kind in 0..<3 {
                do {
                    _ = try ExpressionRequest(
                        conditionExpression: kind == 0 ? text : nil, projectionExpression: kind == 1 ? text : nil,
                        updateExpression: kind == 2 ? text : nil, expressionAttributeNames: ["#n": "n"],
                        expressionAttributeValues: [":v": .n("1"), ":w": .l([])])
                } catch {
                    #expect(error is DynamoDBValidationError)
                }
            }
            #expect(ContinuousClock.now - started < .seconds(1), "\(text.prefix(200))")
        }
    }

    @Test func logFilterPatternsAlwaysAnswer() async {
        let tokens = [
            "{", "}", "(", ")", "$.a", "$.b[0]", "=", "!=", "<", ">=", "&&", "||", "\"x\"", "1", "*", "?", "-", "err",
            "IS", "TRUE", "NULL", "EXISTS",
        ]
        await propertyCheck(count: 300, input: Gen<String?>.element(of: tokens).array(of: 0...300).map(Self.joined)) {
            text in
            do {
                _ = try LogsFilterPattern(parsing: text)
            } catch {
                #expect(error is LogsError)
            }
        }
    }

    @Test func eventPatternsAlwaysAnswer() async {
        let tokens = [
            "{", "}", "[", "]", ":", ",", "\"a\"", "\"$or\"", "\"prefix\"", "\"numeric\"", "\"anything-but\"",
            "\"cidr\"", "\"exists\"", "\"wildcard\"", "\"10.0.0.0/8\"", "\">\"", "1", "true", "null", "\"x*\"",
        ]
        await propertyCheck(count: 300, input: Gen<String?>.element(of: tokens).array(of: 0...300).map(Self.joined)) {
            text in
            do {
                _ = try EventPattern(parsing: text)
            } catch {
                #expect((error as? EventPatternError)?.reason.isEmpty == false)
            }
        }
    }

    @Test func templatesWithoutPlaceholdersComeOutUnchanged() async {
        let tokens = ["{", "}", "\"a\"", ":", ",", "<$.a>", "<aws.events.event>", "\\\"", "\"", "<", ">", "x y"]
        await propertyCheck(count: 300, input: Gen<String?>.element(of: tokens).array(of: 0...200).map(Self.joined)) {
            text in
            let filled = EventBridgeInput.fill(text) { _ in nil }
            if EventBridgeInput.placeholders(in: text).isEmpty { #expect(filled == text) }
            // Every placeholder is replaced by its value (here `null` outside strings, nothing inside them).
            #expect(!filled.contains("<$.a>") && !filled.contains("<aws.events.event>"))
        }
    }

    @Test func jsonValuesSurviveEncodingAndParsing() async {
        let scalars: [JSONValue] = [
            .null, .bool(true), .number(-1.5), .number(1e300), .string("é\u{1}\"\\/"), .string(""),
        ]
        let values = Gen<JSONValue?>.element(of: scalars).array(of: 0...20).map { items -> JSONValue in
            .object(
                Dictionary(
                    uniqueKeysWithValues: items.compactMap { $0 }.enumerated().map { ("k\($0.offset)", $0.element) }))
        }
        await propertyCheck(count: 200, input: values) { value in
            let encoded = try value.encoded(sortedKeys: true)
            #expect(try JSONValue(parsing: encoded) == value)
        }
    }
}
