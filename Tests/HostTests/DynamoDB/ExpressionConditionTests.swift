import AWSShapes
import Foundation
import Testing

@testable import DynamoDBExpressions
@testable import Host

@Suite("Condition evaluation")
struct ExpressionConditionTests {
    static let item: DynamoDBItem = [
        "s": .s("hello world"), "n": .n("10"), "b": .b(Data([1, 2, 3])), "t": .bool(true), "z": .null,
        "ss": .ss(["x", "y"]), "ns": .ns(["1", "2.5"]), "bs": .bs([Data([9])]),
        "l": .l([.s("a"), .n("2"), .m(["k": .s("v")])]),
        "m": .m(["nested": .m(["deep": .n("7")]), "list": .l([.n("1"), .n("2")])]), "e": .s("é"),
    ]
    static let values: [String: AttributeValue] = [
        ":s": .s("hello world"), ":hello": .s("hello"), ":world": .s("world"), ":n10": .n("10.0"), ":n9": .n("9"),
        ":n11": .n("11"), ":sn10": .s("10"), ":b": .b(Data([1, 2, 3])), ":b12": .b(Data([1, 2])),
        ":b2": .b(Data([2])), ":true": .bool(true), ":x": .s("x"), ":n25": .n("2.50"), ":n3": .n("3"),
        ":n2": .n("2"), ":bs9": .b(Data([9])), ":ss": .ss(["y", "x"]), ":ns": .ns(["2.5", "1.0"]),
        ":l": .l([.s("a"), .n("2.0"), .m(["k": .s("v")])]), ":kv": .m(["k": .s("v")]), ":n7": .n("7"),
        ":tS": .s("S"), ":tN": .s("N"), ":tB": .s("B"), ":tSS": .s("SS"), ":tNS": .s("NS"), ":tBS": .s("BS"),
        ":tM": .s("M"), ":tL": .s("L"), ":tNULL": .s("NULL"), ":tBOOL": .s("BOOL"), ":null": .null,
        ":e": .s("e\u{301}"), ":a": .s("a"), ":f": .s("f"),
    ]

    @Test(
        "conditions evaluate as DynamoDB does",
        arguments: [
            ("s = :s", true), ("s = :hello", false), ("n = :n10", true), ("n = :sn10", false), ("n <> :sn10", true),
            ("n <> :n10", false), ("absent <> :n10", true), ("absent = :n10", false), ("b = :b", true),
            ("t = :true", true), ("z = :null", true), ("ss = :ss", true), ("ns = :ns", true), ("l = :l", true),
            ("m.nested.deep = :n7", true), ("m.#list[1] = :n2", true), ("m.#list[5] = :n2", false),
            ("l[2].k = :s", false), ("n < :n11", true), ("n <= :n10", true), ("n > :n9", true), ("n >= :n11", false),
            ("n < :sn10", false), ("n > :sn10", false), ("s > :hello", true), ("s < :world", true), ("b > :b12", true),
            ("b < :b2", true), ("absent < :n11", false), (":n9 < n", true),
            ("n BETWEEN :n9 AND :n11", true), ("n BETWEEN :n10 AND :n10", true), ("n BETWEEN :n11 AND :n11", false),
            ("s BETWEEN :hello AND :world", true), ("n BETWEEN :hello AND :world", false),
            ("n IN (:n9, :n10)", true), ("n IN (:n9, :n11)", false), ("n IN (:sn10)", false),
            ("absent IN (:n9)", false),
            ("attribute_exists(s)", true), ("attribute_exists(absent)", false),
            ("attribute_exists(m.nested.deep)", true),
            ("attribute_exists(m.nested.gone)", false), ("attribute_exists(s.x)", false),
            ("attribute_not_exists(absent)", true), ("attribute_not_exists(l[3])", true),
            ("attribute_not_exists(l[2])", false),
            ("attribute_type(s, :tS)", true), ("attribute_type(n, :tN)", true), ("attribute_type(b, :tB)", true),
            ("attribute_type(ss, :tSS)", true), ("attribute_type(ns, :tNS)", true), ("attribute_type(bs, :tBS)", true),
            ("attribute_type(m, :tM)", true), ("attribute_type(l, :tL)", true), ("attribute_type(z, :tNULL)", true),
            ("attribute_type(t, :tBOOL)", true), ("attribute_type(n, :tS)", false),
            ("attribute_type(absent, :tS)", false),
            ("begins_with(s, :hello)", true), ("begins_with(s, :world)", false), ("begins_with(b, :b12)", true),
            ("begins_with(b, :b2)", false), ("begins_with(absent, :hello)", false), ("begins_with(ss, :x)", false),
            ("contains(s, :world)", true), ("contains(s, :x)", false), ("contains(ss, :x)", true),
            ("contains(ss, :hello)", false), ("contains(ns, :n25)", true), ("contains(ns, :n3)", false),
            ("contains(bs, :bs9)", true), ("contains(l, :n2)", true), ("contains(l, :kv)", true),
            ("contains(l, :x)", false),
            ("contains(n, :n10)", false), ("contains(ss, :n2)", false),
            ("size(s) = :sizeS", true), ("size(b) = :n3", true), ("size(ss) = :n2", true), ("size(ns) = :n2", true),
            ("size(l) = :n3", true), ("size(m) = :n2", true), ("size(n) = :n2", false), ("size(absent) <> :n2", true),
            ("size(absent) < :n2", false), ("size(s) > :n10", true), ("size(e) = :n2", true),
            ("e = :e", false), ("e < :e", false), ("e > :e", true), ("s > :e", true),
            ("NOT attribute_exists(absent)", true), ("NOT (n = :n10 OR n = :n9)", false),
            ("n = :n9 OR n = :n10 AND s = :s", true), ("(n = :n9 OR n = :n10) AND s = :hello", false),
            ("l[0] BETWEEN :a AND :f", true),
        ])
    func evaluate(expression: String, expected: Bool) throws {
        var values = Self.values
        values[":sizeS"] = .n("11")
        var parser = ExpressionParser(.condition, expression, names: ["#list": "list"], values: values)
        let condition = try parser.parseCondition()
        #expect(ExpressionConditionEvaluator.evaluate(condition, on: Self.item) == expected)
        // Negation is the exact opposite.
        #expect(ExpressionConditionEvaluator.evaluate(.not(condition), on: Self.item) == !expected)
    }

    @Test("on a absent item every attribute is absent")
    func absentItem() throws {
        let values: [String: AttributeValue] = [":v": .s("v")]
        for (expression, expected) in [
            ("attribute_not_exists(pk)", true), ("attribute_exists(pk)", false), ("pk <> :v", true),
            ("pk = :v", false), ("contains(pk, :v)", false), ("size(pk) <> :v", true),
        ] {
            var parser = ExpressionParser(.condition, expression, values: values)
            #expect(
                ExpressionConditionEvaluator.evaluate(try parser.parseCondition(), on: nil) == expected, "\(expression)"
            )
        }
    }

    @Test("sort-key ordering: N by value, S and B by bytes")
    func keyOrdering() throws {
        let numbers: [AttributeValue] = ["-5", "-0.5", "0", "2", "10", "1E+2"].map { .n($0) }
        #expect(numbers.shuffled().sorted(by: DynamoDBKeyOrdering.areInIncreasingOrder) == numbers)
        // UTF-8 byte order: "Z" (0x5A) < "a" (0x61) < "é" (0xC3 0xA9) < "😀" (0xF0 …); U+FF5E (0xEF…) < U+1F600.
        let strings: [AttributeValue] = ["", "Z", "a", "ab", "b", "é", "\u{FF5E}", "😀"].map { .s($0) }
        #expect(strings.shuffled().sorted(by: DynamoDBKeyOrdering.areInIncreasingOrder) == strings)
        let binaries: [AttributeValue] = [[], [0], [0, 255], [1], [128], [255]].map { .b(Data($0)) }
        #expect(binaries.shuffled().sorted(by: DynamoDBKeyOrdering.areInIncreasingOrder) == binaries)
        #expect(DynamoDBKeyOrdering.compare(.n("1.0"), .n("1")) == 0)
    }
}
