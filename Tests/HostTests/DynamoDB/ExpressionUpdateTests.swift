import AWSShapes
import Foundation
import Testing

@testable import DynamoDBExpressions
@testable import Host

@Suite("Update application")
struct ExpressionUpdateTests {
    static let values: [String: AttributeValue] = [
        ":one": .n("1"), ":half": .n("0.5"), ":s": .s("text"), ":l": .l([.s("z")]), ":ss": .ss(["b", "c"]),
        ":ns": .ns(["2", "3"]), ":bs": .bs([Data([2])]), ":m": .m(["k": .s("v")]), ":big": .n("1E+125"),
    ]
    static let item: DynamoDBItem = [
        "pk": .s("p"), "n": .n("10"), "s": .s("str"), "l": .l([.s("a"), .s("b"), .s("c")]),
        "m": .m(["x": .n("1"), "nest": .m(["y": .n("2")])]), "ss": .ss(["a", "b"]), "ns": .ns(["1", "2"]),
        "bs": .bs([Data([1]), Data([2])]), "top": .n("9.9999999999999999999999999999999999999E+125"),
    ]

    private func apply(_ expression: String, to item: DynamoDBItem = Self.item) throws -> DynamoDBItem {
        let words = Set(expression.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }.map(String.init))
        let used = Self.values.filter { words.contains($0.key) }
        let request = try ExpressionRequest(
            updateExpression: expression, expressionAttributeValues: used.isEmpty ? nil : used)
        return try request.applyUpdate(to: item).item
    }

    @Test(
        "each action changes only its target",
        arguments: [
            ("SET n = n + :one", "n", AttributeValue.n("11")),
            ("SET n = n - :half", "n", .n("9.5")),
            ("SET n = :one - n", "n", .n("-9")),
            ("SET fresh = :s", "fresh", .s("text")),
            ("SET s = n", "s", .n("10")),
            ("SET fresh = if_not_exists(fresh, :one)", "fresh", .n("1")),
            ("SET n = if_not_exists(n, :one)", "n", .n("10")),
            ("SET n = if_not_exists(n, :one) + :one", "n", .n("11")),
            ("SET l = list_append(l, :l)", "l", .l([.s("a"), .s("b"), .s("c"), .s("z")])),
            ("SET l = list_append(:l, l)", "l", .l([.s("z"), .s("a"), .s("b"), .s("c")])),
            ("SET l[1] = :s", "l", .l([.s("a"), .s("text"), .s("c")])),
            ("SET l[10] = :s", "l", .l([.s("a"), .s("b"), .s("c"), .s("text")])),
            ("SET m.x = :s", "m", .m(["x": .s("text"), "nest": .m(["y": .n("2")])])),
            ("SET m.nest.z = :m", "m", .m(["x": .n("1"), "nest": .m(["y": .n("2"), "z": .m(["k": .s("v")])])])),
            ("REMOVE l[1]", "l", .l([.s("a"), .s("c")])),
            ("REMOVE l[0], l[2]", "l", .l([.s("b")])),
            ("REMOVE l[2], l[0]", "l", .l([.s("b")])),
            ("REMOVE l[7]", "l", .l([.s("a"), .s("b"), .s("c")])),
            ("REMOVE m.nest.y", "m", .m(["x": .n("1"), "nest": .m([:])])),
            ("ADD n :one", "n", .n("11")),
            ("ADD fresh :one", "fresh", .n("1")),
            ("ADD ss :ss", "ss", .ss(["a", "b", "c"])),
            ("ADD ns :ns", "ns", .ns(["1", "2", "3"])),
            ("ADD fresh :ss", "fresh", .ss(["b", "c"])),
            ("ADD bs :bs", "bs", .bs([Data([1]), Data([2])])),
            ("DELETE ss :ss", "ss", .ss(["a"])),
            ("DELETE ns :ns", "ns", .ns(["1"])),
            ("DELETE bs :bs", "bs", .bs([Data([1])])),
        ])
    func action(expression: String, attribute: String, expected: AttributeValue) throws {
        let updated = try apply(expression)
        #expect(updated[attribute] == expected)
        var rest = updated
        rest[attribute] = nil
        var original = Self.item
        original[attribute] = nil
        #expect(rest == original)
    }

    @Test("removing, and deleting every element of a set, removes the attribute")
    func removals() throws {
        #expect(try apply("REMOVE s, absent")["s"] == nil)
        #expect(try apply("DELETE ss :ss", to: ["ss": .ss(["b", "c"])]) == [:])
        #expect(try apply("DELETE absent :ss") == Self.item)
    }

    @Test("every SET value is computed from the item before the update")
    func simultaneousSet() throws {
        let updated = try apply("SET n = s, s = n")
        #expect(updated["n"] == .s("str"))
        #expect(updated["s"] == .n("10"))
    }

    @Test(
        "run-time errors are DynamoDB's",
        arguments: [
            ("SET n = absent + :one", "The provided expression refers to an attribute that does not exist in the item"),
            ("SET n = :one - absent", "The provided expression refers to an attribute that does not exist in the item"),
            ("SET n = absent", "The provided expression refers to an attribute that does not exist in the item"),
            (
                "SET l = list_append(absent, :l)",
                "The provided expression refers to an attribute that does not exist in the item"
            ),
            ("SET n = s + :one", "An operand in the update expression has an incorrect data type"),
            ("SET l = list_append(s, :l)", "An operand in the update expression has an incorrect data type"),
            ("ADD s :one", "An operand in the update expression has an incorrect data type"),
            ("ADD ss :ns", "An operand in the update expression has an incorrect data type"),
            ("ADD n :ss", "An operand in the update expression has an incorrect data type"),
            ("DELETE ss :ns", "An operand in the update expression has an incorrect data type"),
            ("DELETE s :ss", "An operand in the update expression has an incorrect data type"),
            ("SET absent.x = :one", "The document path provided in the update expression is invalid for update"),
            ("SET m.gone.x = :one", "The document path provided in the update expression is invalid for update"),
            ("SET s.x = :one", "The document path provided in the update expression is invalid for update"),
            ("SET m[0] = :one", "The document path provided in the update expression is invalid for update"),
            ("SET l[5].x = :one", "The document path provided in the update expression is invalid for update"),
            ("REMOVE absent.x", "The document path provided in the update expression is invalid for update"),
            ("ADD absent.x :one", "The document path provided in the update expression is invalid for update"),
            (
                "SET n = top + :big",
                "Number overflow. Attempting to store a number with magnitude larger than supported range"
            ),
            (
                "ADD top :big",
                "Number overflow. Attempting to store a number with magnitude larger than supported range"
            ),
            (
                "SET n = :big + :half",
                "Number overflow. Attempting to store a number with magnitude larger than supported range"
            ),
        ])
    func runTimeErrors(expression: String, message: String) {
        expectDynamoDBValidationError(message) { _ = try apply(expression) }
    }

    @Test("changed attributes name every top-level target; updatedValues keeps nested structure")
    func changedAttributes() throws {
        let request = try ExpressionRequest(
            updateExpression: "SET m.nest.y = :one, fresh = :s REMOVE s, absent ADD n :one DELETE ss :ss",
            expressionAttributeValues: [":one": .n("1"), ":s": .s("text"), ":ss": .ss(["a"])])
        let (updated, changed) = try request.applyUpdate(to: Self.item)
        #expect(changed == ["m", "fresh", "s", "absent", "n", "ss"])
        #expect(request.updatedAttributeNames == changed)
        #expect(
            request.updatedValues(in: updated)
                == ["m": .m(["nest": .m(["y": .n("1")])]), "fresh": .s("text"), "n": .n("11"), "ss": .ss(["b"])])
        #expect(
            request.updatedValues(in: Self.item)
                == ["m": .m(["nest": .m(["y": .n("2")])]), "s": .s("str"), "n": .n("10"), "ss": .ss(["a", "b"])])
    }

    @Test("an update of a missing item starts from the key attributes")
    func upsert() throws {
        let request = try ExpressionRequest(
            updateExpression: "SET units = if_not_exists(units, :zero) + :units",
            expressionAttributeValues: [":zero": .n("0"), ":units": .n("3")])
        let key: DynamoDBItem = ["pk": .s("p"), "sk": .s("s")]
        #expect(try request.applyUpdate(to: key).item == ["pk": .s("p"), "sk": .s("s"), "units": .n("3")])
    }
}
