import AWSShapes
import Testing

@testable import DynamoDBExpressions
@testable import Host

@Suite("Expression parser")
struct ExpressionParserTests {
    private func condition(
        _ text: String, names: [String: String] = [:], values: [String: AttributeValue] = [:]
    ) throws -> ExpressionCondition {
        var parser = ExpressionParser(.condition, text, names: names, values: values)
        return try parser.parseCondition()
    }

    private let v1 = AttributeValue.s("one")
    private let v2 = AttributeValue.n("2")
    private var values: [String: AttributeValue] { [":a": v1, ":b": v2, ":c": .s("three")] }

    @Test("NOT binds tighter than AND, AND tighter than OR")
    func precedence() throws {
        let a = ExpressionCondition.compare(.path(.init(attribute: "a")), .equal, .value(v1))
        let b = ExpressionCondition.compare(.path(.init(attribute: "b")), .equal, .value(v2))
        let c = ExpressionCondition.compare(.path(.init(attribute: "c")), .equal, .value(.s("three")))
        #expect(try condition("a = :a OR b = :b AND c = :c", values: values) == .or(a, .and(b, c)))
        #expect(try condition("a = :a AND b = :b OR c = :c", values: values) == .or(.and(a, b), c))
        #expect(try condition("NOT a = :a AND b = :b", values: values) == .and(.not(a), b))
        #expect(try condition("NOT (a = :a AND b = :b)", values: values) == .not(.and(a, b)))
        #expect(try condition("(a = :a OR b = :b) AND c = :c", values: values) == .and(.or(a, b), c))
        #expect(try condition("a = :a and b = :b or c = :c", values: values) == .or(.and(a, b), c))
    }

    @Test("document paths resolve names and keep map keys and list indexes")
    func paths() throws {
        let parsed = try condition(
            "attribute_exists(a.#b[2].c[10][0])", names: ["#b": "name with space"])
        #expect(
            parsed
                == .attributeExists(
                    ExpressionPath([.name("a"), .name("name with space"), .index(2), .name("c"), .index(10), .index(0)])
                ))
        #expect(
            ExpressionPath([.name("a"), .name("b"), .index(2)]).description == "[a, b, [2]]")
    }

    @Test("every comparator, BETWEEN, IN and the functions parse")
    func conditionForms() throws {
        let a = ExpressionPath(attribute: "a")
        for comparator in ExpressionComparator.allCases {
            #expect(
                try condition("a \(comparator.rawValue) :b", values: values)
                    == .compare(.path(a), comparator, .value(v2)))
        }
        #expect(
            try condition("a BETWEEN :b AND :b", values: values)
                == .between(.path(a), lower: .value(v2), upper: .value(v2)))
        #expect(
            try condition("a in (:a, :c,:a)", values: values)
                == .isIn(.path(a), [.value(v1), .value(.s("three")), .value(v1)]))
        #expect(try condition("size(a) > :b", values: values) == .compare(.size(a), .greater, .value(v2)))
        #expect(try condition("begins_with(a, :a)", values: values) == .beginsWith(.path(a), .value(v1)))
        #expect(try condition("contains(a, :b)", values: values) == .contains(.path(a), .value(v2)))
        #expect(
            try condition("attribute_type(a, :t)", values: [":t": .s("SS")])
                == .attributeType(.path(a), .value(.s("SS"))))
        #expect(try condition("attribute_not_exists(a)") == .attributeNotExists(a))
        #expect(try condition(":b < a", values: values) == .compare(.value(v2), .less, .path(a)))
    }

    @Test("an update with all four sections in any order")
    func updateSections() throws {
        var parser = ExpressionParser(
            .update,
            "remove r, l[1]  ADD n :n DELETE s :s SET a = :v, b = b + :n, c = if_not_exists(c, :n) - c, d = list_append(d, :l)",
            values: [":n": .n("1"), ":s": .ss(["x"]), ":v": .s("v"), ":l": .l([.null])])
        let update = try parser.parseUpdate()
        let path = { (name: String) in ExpressionPath(attribute: name) }
        #expect(update.removePaths == [path("r"), ExpressionPath([.name("l"), .index(1)])])
        #expect(update.addActions == [.init(path: path("n"), value: .n("1"))])
        #expect(update.deleteActions == [.init(path: path("s"), value: .ss(["x"]))])
        #expect(
            update.setActions == [
                .init(path: path("a"), value: .value(.s("v"))),
                .init(path: path("b"), value: .plus(.path(path("b")), .value(.n("1")))),
                .init(path: path("c"), value: .minus(.ifNotExists(path("c"), .value(.n("1"))), .path(path("c")))),
                .init(path: path("d"), value: .listAppend(.path(path("d")), .value(.l([.null])))),
            ])
        #expect(update.targetTopLevelNames == ["r", "l", "n", "s", "a", "b", "c", "d"])
        #expect(parser.usedValues == [":n", ":s", ":v", ":l"])
    }

    @Test("the reserved-word list is DynamoDB's, enforced case-insensitively for bare names only")
    func reservedWords() throws {
        #expect(DynamoDBReservedWords.all.count == 573)
        for word in ["name", "Status", "SIZE", "value", "data", "timestamp", "key", "date", "year", "zone", "abort"] {
            #expect(DynamoDBReservedWords.contains(word), "\(word)")
            expectDynamoDBValidationError(
                "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: \(word)"
            ) { _ = try condition("attribute_exists(\(word))") }
            #expect(
                try condition("attribute_exists(#w)", names: ["#w": word]) == .attributeExists(.init(attribute: word)))
        }
        for word in ["pk", "sk", "units", "orderStatus", "sku", "gsi1pk", "createdAt", "updatedAt"] {
            #expect(!DynamoDBReservedWords.contains(word), "\(word)")
        }
    }

    @Test(
        "invalid expressions raise DynamoDB's ValidationException messages",
        arguments: [
            (
                ExpressionKind.condition, "a = :a :c",
                #"Invalid ConditionExpression: Syntax error; token: ":c", near: ":a :c""#
            ),
            (.condition, "a = ", #"Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "= ""#),
            (.condition, "a == :a", #"Invalid ConditionExpression: Syntax error; token: "=", near: "== :a""#),
            (.condition, "a != :a", #"Invalid ConditionExpression: Syntax error; token: "!", near: "a !=""#),
            (.condition, "(a = :a", #"Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ":a""#),
            (.filter, "a BETWEEN :a OR :c", #"Invalid FilterExpression: Syntax error; token: "OR", near: ":a OR :c""#),
            (
                .condition, "a = :missing",
                "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :missing"
            ),
            (
                .filter, "#missing = :a",
                "Invalid FilterExpression: An expression attribute name used in the document path is not defined; attribute name: #missing"
            ),
            (
                .condition, "name = :a",
                "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"
            ),
            (
                .condition, "a.Status = :a",
                "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Status"
            ),
            (.condition, "foo(a)", "Invalid ConditionExpression: Invalid function name; function: foo"),
            // Functions: the same path twice, a path as attribute_type's type, the size of a number or of a size.
            (
                .condition, "contains(a, a)",
                "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a]"
            ),
            (
                .filter, "attribute_type(s, i)",
                "Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
            ),
            (
                .condition, "size(:b) > :b",
                "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"
            ),
            (
                .condition, "size(size(a)) > :b",
                "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"
            ),
            (
                .condition, "begins_with(:b, a)",
                "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
            ),
            // A word starts with a letter or a digit; a path is 32 levels at most; an index is bounded.
            (.update, "SET _123 = :a", #"Invalid UpdateExpression: Syntax error; token: "_", near: "SET _123""#),
            (
                .projection, "a" + String(repeating: ".b", count: 32),
                "Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 33"
            ),
            (
                .projection, "a[99999999999999]",
                "Invalid ProjectionExpression: List index is not within the allowable range; index: [99999999999999]"
            ),
            (
                .condition, "if_not_exists(a, :a) = :a",
                "Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists"
            ),
            (
                .condition, "size(a)",
                "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"
            ),
            (
                .condition, "attribute_exists(a) = :a",
                "Invalid ConditionExpression: Syntax error; token: \"=\", near: \") = :a\""
            ),
            (
                .condition, "a = attribute_exists(b)",
                "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists"
            ),
            (
                .condition, "attribute_exists(:a)",
                "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"
            ),
            (
                .condition, "begins_with(a)",
                "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"
            ),
            (
                .condition, "begins_with(a, :b)",
                "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
            ),
            (
                .condition, "attribute_type(a, :a)",
                "Invalid ConditionExpression: Invalid attribute type name found; type: one, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }"
            ),
            (
                .condition, "a < :bool",
                "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: BOOL"
            ),
            (
                .condition, "a BETWEEN :b AND :one",
                "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}"
            ),
            (
                .condition, "a BETWEEN :b AND :a",
                "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {S:one}"
            ),
            (.condition, "1a = :a", #"Invalid ConditionExpression: Syntax error; token: "1a", near: "1a =""#),
            (
                .projection, "a, b.c, size",
                "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: size"
            ),
            (
                .projection, "a, a.b",
                "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
            ),
            (.projection, "a,", #"Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ",""#),
            (.projection, "a[x]", #"Invalid ProjectionExpression: Syntax error; token: "x", near: "[x]""#),
            (
                .update, "SET a = :a SET b = :a",
                #"Invalid UpdateExpression: The "SET" section can only be used once in an update expression;"#
            ),
            (
                .update, "remove a ADD n :b Remove b",
                #"Invalid UpdateExpression: The "REMOVE" section can only be used once in an update expression;"#
            ),
            (
                .update, "SET a = :a, a.b = :a",
                "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
            ),
            (
                .update, "SET a = :a REMOVE a",
                "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"
            ),
            (
                .update, "SET a[0] = :a REMOVE a.b",
                "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]"
            ),
            (
                .update, "SET a = :a + :one + :one",
                #"Invalid UpdateExpression: Syntax error; token: "+", near: ":one + :one""#
            ),
            (
                .update, "SET a = :a + :one",
                "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"
            ),
            (
                .update, "SET a = list_append(a, :a)",
                "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S"
            ),
            (
                .update, "SET a = if_not_exists(:a, :a)",
                "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"
            ),
            (
                .update, "SET a = attribute_exists(b)",
                "Invalid UpdateExpression: The function is not allowed in an update expression; function: attribute_exists"
            ),
            (.update, "SET a = foo(b)", "Invalid UpdateExpression: Invalid function name; function: foo"),
            (
                .update, "ADD a :a",
                "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"
            ),
            (
                .update, "DELETE a :one",
                "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"
            ),
            (.update, "UPDATE a = :a", #"Invalid UpdateExpression: Syntax error; token: "UPDATE", near: "UPDATE a""#),
            (.update, "SET a = :a,", #"Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ",""#),
            (
                .update, "SET #x = :a",
                "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x"
            ),
            (
                .update, "SET a = b + :nope",
                "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :nope"
            ),
            (
                .update, "SET Year = :a",
                "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Year"
            ),
            (.update, "ADD a b", #"Invalid UpdateExpression: Syntax error; token: "b", near: "a b""#),
        ])
    func errors(kind: ExpressionKind, expression: String, message: String) {
        let values: [String: AttributeValue] = [":a": .s("one"), ":b": .n("2"), ":one": .n("1"), ":bool": .bool(true)]
        expectDynamoDBValidationError(message) {
            var parser = ExpressionParser(kind, expression, names: [:], values: values)
            switch kind {
            case .update: _ = try parser.parseUpdate()
            case .projection: _ = try parser.parseProjection()
            default: _ = try parser.parseCondition()
            }
        }
    }

    @Test("functions take a value where DynamoDB takes one, and the size of a literal is known at once")
    func functionOperands() throws {
        let a = ExpressionPath(attribute: "a")
        let t: [String: AttributeValue] = [":t": .s("N"), ":v": .n("0"), ":s": .s("abc")]
        #expect(
            try condition("attribute_type (:v, :t)", values: t) == .attributeType(.value(.n("0")), .value(.s("N"))))
        #expect(try condition("begins_with(:s, a)", values: t) == .beginsWith(.value(.s("abc")), .path(a)))
        #expect(try condition("contains(a, a1)", values: t) == .contains(.path(a), .path(.init(attribute: "a1"))))
        #expect(try condition("size(:s) = :v", values: t) == .compare(.value(.n("3")), .equal, .value(.n("0"))))
        let item: DynamoDBItem = ["a": .s("ab")]
        #expect(ExpressionConditionEvaluator.evaluate(try condition("begins_with(:s, a)", values: t), on: item))
        #expect(ExpressionConditionEvaluator.evaluate(try condition("attribute_type(:v, :t)", values: t), on: item))
    }

    @Test("IN takes up to 100 operands")
    func inLimit() throws {
        let values = Dictionary(uniqueKeysWithValues: (0...100).map { (":v\($0)", AttributeValue.n("\($0)")) })
        let hundred = (0..<100).map { ":v\($0)" }.joined(separator: ", ")
        var parser = ExpressionParser(.filter, "a IN (\(hundred))", values: values)
        guard case .isIn(_, let list) = try parser.parseCondition() else {
            Issue.record("not an IN")
            return
        }
        #expect(list.count == 100)
        expectDynamoDBValidationError(
            "Invalid FilterExpression: The IN operator is provided with too many operands; number of operands: 101"
        ) {
            var parser = ExpressionParser(.filter, "a IN (\(hundred), :v100)", values: values)
            _ = try parser.parseCondition()
        }
    }
}
