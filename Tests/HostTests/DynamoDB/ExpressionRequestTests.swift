import AWSShapes
import Foundation
import Testing

@testable import DynamoDBExpressions
@testable import Host

@Suite("Expression request: projection, key conditions, request-wide validation")
struct ExpressionRequestTests {
    static let item: DynamoDBItem = [
        "pk": .s("p"),
        "a": .m(["b": .n("1"), "c": .s("c"), "d": .l([.n("0"), .n("1"), .m(["e": .s("e"), "f": .s("f")])])]),
        "l": .l([.s("x"), .s("y"), .s("z")]), "s": .s("s"),
    ]

    @Test(
        "projection keeps nested structure and list order",
        arguments: [
            ("pk", ["pk": AttributeValue.s("p")]),
            ("a.b, s", ["a": .m(["b": .n("1")]), "s": .s("s")]),
            ("l[2], l[0]", ["l": .l([.s("x"), .s("z")])]),
            ("a.d[2].f, a.c", ["a": .m(["c": .s("c"), "d": .l([.m(["f": .s("f")])])])]),
            ("l[7], absent, a.zz, s.t", [:]),
            ("#k, a.#k", ["pk": .s("p")]),
        ] as [(String, DynamoDBItem)])
    func projection(expression: String, expected: DynamoDBItem) throws {
        let names = expression.contains("#k") ? ["#k": "pk"] : nil
        let request = try ExpressionRequest(projectionExpression: expression, expressionAttributeNames: names)
        #expect(request.project(Self.item) == expected)
    }

    @Test("without a projection the whole item is returned")
    func noProjection() throws {
        #expect(try ExpressionRequest().project(Self.item) == Self.item)
    }

    @Test(
        "key conditions resolve against the key schema",
        arguments: [
            ("pk = :p", "pk", nil as String?, nil as DynamoDBKeyPredicate?),
            ("pk = :p AND sk = :s", "pk", "sk", .equal(.s("s"))),
            ("(pk = :p) AND (sk < :s)", "pk", "sk", .less(.s("s"))),
            ("sk <= :s AND pk = :p", "pk", "sk", .lessOrEqual(.s("s"))),
            (":p = pk AND :s > sk", "pk", "sk", .less(.s("s"))),
            ("pk = :p AND sk >= :s", "pk", "sk", .greaterOrEqual(.s("s"))),
            ("pk = :p AND sk BETWEEN :s AND :t", "pk", "sk", .between(.s("s"), .s("t"))),
            ("pk = :p AND begins_with(sk, :s)", "pk", "sk", .beginsWith(.s("s"))),
            ("gsi1pk = :p", "gsi1pk", "gsi1sk", nil),
        ])
    func keyConditions(expression: String, partitionKey: String, sortKey: String?, predicate: DynamoDBKeyPredicate?)
        throws
    {
        let words = Set(expression.split { !($0.isLetter || $0.isNumber || $0 == ":") }.map(String.init))
        let values = [":p": AttributeValue.s("p"), ":s": .s("s"), ":t": .s("t")].filter { words.contains($0.key) }
        let request = try ExpressionRequest(keyConditionExpression: expression, expressionAttributeValues: values)
        let condition = try request.keyCondition(partitionKey: partitionKey, sortKey: sortKey)
        #expect(condition.partitionKeyName == partitionKey)
        #expect(condition.partitionKeyValue == .s("p"))
        #expect(condition.sortKeyPredicate == predicate)
    }

    @Test(
        "sort-key predicates match as DynamoDB compares keys",
        arguments: [
            (DynamoDBKeyPredicate.equal(.n("5")), AttributeValue.n("5.0"), true), (.equal(.n("5")), .s("5"), false),
            (.less(.n("10")), .n("9"), true), (.less(.n("10")), .n("10"), false),
            (.lessOrEqual(.n("10")), .n("10"), true),
            (.greater(.s("b")), .s("ba"), true), (.greater(.s("b")), .s("a"), false),
            (.greaterOrEqual(.s("b")), .s("b"), true),
            (.between(.n("1"), .n("3")), .n("2.5"), true), (.between(.n("1"), .n("3")), .n("3.5"), false),
            (.between(.s("a"), .s("c")), .s("c"), true), (.beginsWith(.s("ORDER#")), .s("ORDER#1"), true),
            (.beginsWith(.s("ORDER#")), .s("order#1"), false), (.beginsWith(.b(Data([1]))), .b(Data([1, 2])), true),
            (.beginsWith(.s("1")), .n("1"), false),
        ])
    func predicates(predicate: DynamoDBKeyPredicate, value: AttributeValue, expected: Bool) {
        #expect(predicate.matches(value) == expected)
        let condition = DynamoDBKeyCondition(
            partitionKeyName: "pk", partitionKeyValue: .s("p"), sortKeyName: "sk", sortKeyPredicate: predicate)
        #expect(condition.matches(sortValue: value) == expected)
        #expect(condition.matches(["pk": .s("p"), "sk": value]) == expected)
        #expect(!condition.matches(["pk": .s("q"), "sk": value]))
        #expect(!condition.matches(sortValue: nil))
    }

    @Test(
        "invalid key conditions raise DynamoDB's errors",
        arguments: [
            ("pk = :p OR sk = :s", "Invalid operator used in KeyConditionExpression: OR"),
            ("NOT pk = :p", "Invalid operator used in KeyConditionExpression: NOT"),
            ("pk = :p AND sk <> :s", "Invalid operator used in KeyConditionExpression: <>"),
            ("pk = :p AND sk IN (:s)", "Invalid operator used in KeyConditionExpression: IN"),
            ("pk = :p AND contains(sk, :s)", "Invalid operator used in KeyConditionExpression: contains"),
            ("pk = :p AND attribute_exists(sk)", "Invalid operator used in KeyConditionExpression: attribute_exists"),
            ("pk = :p AND size(sk) = :s", "Invalid operator used in KeyConditionExpression: size"),
            ("pk = sk", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"),
            ("pk = :p AND pk = :s", "KeyConditionExpressions must only contain one condition per key"),
            ("pk.x = :p", "KeyConditionExpressions cannot have conditions on nested attributes"),
            ("pk = :p AND sk = :s AND extra = :s", "Conditions can be of length 1 or 2 only"),
            ("sk = :s", "Query condition missed key schema element: pk"),
            ("pk < :p", "Query key condition not supported"),
            ("pk = :p AND begins_with(extra, :s)", "Query condition missed key schema element: sk"),
            ("pk = :p AND", #"Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "AND""#),
            (
                "pk = :p AND begins_with(sk, :n)",
                "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
            ),
        ])
    func keyConditionErrors(expression: String, message: String) {
        let words = Set(expression.split { !($0.isLetter || $0.isNumber || $0 == ":") }.map(String.init))
        let values = [":p": AttributeValue.s("p"), ":s": .s("s"), ":n": .n("1")].filter { words.contains($0.key) }
        expectDynamoDBValidationError(message) {
            let request = try ExpressionRequest(
                keyConditionExpression: expression, expressionAttributeValues: values.isEmpty ? nil : values)
            _ = try request.keyCondition(partitionKey: "pk", sortKey: "sk")
        }
    }

    @Test("a table without a sort key rejects a second condition")
    func noSortKey() {
        expectDynamoDBValidationError("Query key condition not supported") {
            let request = try ExpressionRequest(
                keyConditionExpression: "pk = :p AND sk = :s",
                expressionAttributeValues: [":p": .s("p"), ":s": .s("s")])
            _ = try request.keyCondition(partitionKey: "pk", sortKey: nil)
        }
    }

    @Test("names and values are checked across all expressions of the request")
    func requestWideValidation() throws {
        // Each placeholder is used by a different expression: no error.
        let request = try ExpressionRequest(
            conditionExpression: "attribute_exists(#a)", projectionExpression: "#b", updateExpression: "SET c = :c",
            expressionAttributeNames: ["#a": "a", "#b": "b"], expressionAttributeValues: [":c": .n("1E+2")])
        // Values are canonicalised.
        #expect(request.update?.setActions.first?.value == .value(.n("100")))
        expectDynamoDBValidationError("Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}") {
            _ = try ExpressionRequest(
                conditionExpression: "a = :a", expressionAttributeValues: [":a": .s("a"), ":v": .s("v")])
        }
        expectDynamoDBValidationError(
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v, :w}"
        ) {
            _ = try ExpressionRequest(
                filterExpression: "a = :a", expressionAttributeValues: [":w": .s("w"), ":a": .s("a"), ":v": .s("v")])
        }
        expectDynamoDBValidationError("Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}") {
            _ = try ExpressionRequest(
                conditionExpression: "attribute_exists(#a)", expressionAttributeNames: ["#a": "a", "#n": "n"])
        }
        expectDynamoDBValidationError("ExpressionAttributeValues can only be specified when using expressions") {
            _ = try ExpressionRequest(expressionAttributeValues: [":v": .s("v")])
        }
        expectDynamoDBValidationError("ExpressionAttributeNames can only be specified when using expressions") {
            _ = try ExpressionRequest(expressionAttributeNames: ["#n": "n"])
        }
        expectDynamoDBValidationError("ExpressionAttributeValues must not be empty") {
            _ = try ExpressionRequest(conditionExpression: "attribute_exists(a)", expressionAttributeValues: [:])
        }
        expectDynamoDBValidationError("ExpressionAttributeNames must not be empty") {
            _ = try ExpressionRequest(conditionExpression: "attribute_exists(a)", expressionAttributeNames: [:])
        }
        expectDynamoDBValidationError("Invalid UpdateExpression: The expression can not be empty;") {
            _ = try ExpressionRequest(updateExpression: "  ")
        }
        expectDynamoDBValidationError(
            "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: 1x for key :v"
        ) {
            _ = try ExpressionRequest(conditionExpression: "a = :v", expressionAttributeValues: [":v": .n("1x")])
        }
        expectDynamoDBValidationError(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
        ) {
            _ = try ExpressionRequest(filterExpression: "attribute_exists(a)").keyCondition(
                partitionKey: "pk", sortKey: nil)
        }
    }

    @Test("without condition, filter or update the request changes nothing")
    func emptyRequest() throws {
        let request = try ExpressionRequest()
        #expect(request.conditionHolds(on: nil))
        #expect(request.filterMatches(Self.item))
        let (item, changed) = try request.applyUpdate(to: Self.item)
        #expect(item == Self.item)
        #expect(changed.isEmpty)
    }
}
