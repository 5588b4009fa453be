import AWSShapes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// DECISIONS:
// - Grammar as in the DynamoDB developer guide ("Condition and filter expressions, operators, and functions",
//   "Update expressions", "Projection expressions", "Key condition expressions"). Precedence, from tightest:
//   comparators / BETWEEN / IN, then NOT, then AND, then OR. Keywords (AND, OR, NOT, BETWEEN, IN, SET, REMOVE,
//   ADD, DELETE) are case-insensitive; function names are case-sensitive, as in DynamoDB.
// - A SET value is `operand`, `operand + operand` or `operand - operand` (no longer chains, as in DynamoDB); an
//   operand is a path, a `:value`, `if_not_exists(path, operand)` or `list_append(operand, operand)`.
// - ADD and DELETE take a path and a `:value`.
// - Every error is a `DynamoDBValidationError` prefixed `Invalid <Kind>: ` with DynamoDB's detail text, e.g.
//   `Invalid ConditionExpression: Syntax error; token: "<tok>", near: "<context>"` where the context runs from the
//   token before through the token after; `<EOF>` for a premature end.
// - Constant operands are type-checked at parse time like DynamoDB does: ordering comparators and BETWEEN need
//   N, S or B; begins_with needs S or B; attribute_type needs an S naming a type; `+`/`-` need N; list_append
//   needs L; ADD needs N or a set; DELETE needs a set. BETWEEN with constant bounds checks they have one type
//   and lower <= upper.
// - Two targets of one update overlap when one is a prefix of (or equal to) the other; they conflict when they
//   first differ at a step that is a name in one and an index in the other. Projections check overlaps too.

/// Parses one expression, resolving `#name` and `:value` placeholders and recording which ones it used.
package struct ExpressionParser {
    package let kind: ExpressionKind
    package let expression: String
    package let names: [String: String]
    package let values: [String: AttributeValue]
    private let tokens: [ExpressionToken]
    private var position = 0
    /// The `#name` placeholders the expression used.
    private(set) var usedNames: Set<String> = []
    /// The `:value` placeholders the expression used.
    private(set) var usedValues: Set<String> = []
    /// How deep the parser is in parentheses, NOTs and function calls (bounded: the parser, the evaluator and the
    /// tree's own teardown recurse as deep).
    private var depth = 0
    /// The token positions of the `(` and `)` of the parenthesized condition closed last.
    private var lastParentheses: (open: Int, close: Int)?

    /// Operators counted so far (comparators, BETWEEN, IN, AND, OR, NOT, `+`, `-`; not functions or parentheses).
    private var operators = 0

    /// DynamoDB's limit on operators in one expression. With redundant parentheses refused, it also bounds how
    /// deep conditions nest.
    package static let maximumOperators = 300
    /// The most levels a document path has (DynamoDB's limit).
    static let maximumPathLevels = 32

    /// The deepest nesting accepted (function calls inside function calls are not operators); the 4 KB limit
    /// allows about 300 levels.
    package static let maximumDepth = 500

    /// The largest number of operands of IN on its right.
    package static let maximumInOperands = 100

    package static let conditionFunctions: Set<String> = [
        "attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size",
    ]
    package static let updateFunctions: Set<String> = ["if_not_exists", "list_append"]
    package static let attributeTypeNames: Set<String> = ["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"]

    package init(
        _ kind: ExpressionKind, _ expression: String, names: [String: String] = [:],
        values: [String: AttributeValue] = [:]
    ) {
        self.kind = kind
        self.expression = expression
        self.names = names
        self.values = values
        self.tokens = ExpressionLexer.tokens(of: expression)
    }

    // MARK: Entry points

    /// Parses a ConditionExpression, FilterExpression or KeyConditionExpression.
    package mutating func parseCondition() throws(DynamoDBValidationError) -> ExpressionCondition {
        let condition = try parseOr()
        try expectEnd()
        return condition
    }

    /// Parses a ProjectionExpression: comma-separated document paths.
    package mutating func parseProjection() throws(DynamoDBValidationError) -> [ExpressionPath] {
        var paths = [try parsePath()]
        while current.isPunctuation(",") {
            advance()
            paths.append(try parsePath())
        }
        try expectEnd()
        try checkOverlaps(paths)
        return paths
    }

    /// Parses an UpdateExpression.
    package mutating func parseUpdate() throws(DynamoDBValidationError) -> ExpressionUpdate {
        var update = ExpressionUpdate()
        var seenSections: Set<String> = []
        repeat {
            let token = current
            let section = token.text.uppercased()
            guard token.kind == .word, ["SET", "REMOVE", "ADD", "DELETE"].contains(section) else {
                throw unexpected()
            }
            guard seenSections.insert(section).inserted else {
                throw .invalid(kind, "The \"\(section)\" section can only be used once in an update expression;")
            }
            advance()
            repeat {
                switch section {
                case "SET":
                    let path = try parsePath()
                    try expectPunctuation("=")
                    update.setActions.append(.init(path: path, value: try parseSetValue()))
                case "REMOVE":
                    update.removePaths.append(try parsePath())
                default:
                    let path = try parsePath()
                    guard current.kind == .valueReference else { throw unexpected() }
                    let value = try resolveValue(current.text)
                    try checkAddDeleteOperand(value, operator: section)
                    advance()
                    let action = ExpressionUpdate.ValueAction(path: path, value: value)
                    if section == "ADD" {
                        update.addActions.append(action)
                    } else {
                        update.deleteActions.append(action)
                    }
                }
            } while consumePunctuation(",")
        } while current.kind != .end
        try checkOverlaps(update.targetPaths)
        return update
    }

    // MARK: Tokens

    private var current: ExpressionToken { tokens[position] }

    private func peek(_ offset: Int = 1) -> ExpressionToken {
        tokens[min(position + offset, tokens.count - 1)]
    }

    private mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    private mutating func consumePunctuation(_ symbol: String) -> Bool {
        guard current.isPunctuation(symbol) else { return false }
        advance()
        return true
    }

    private mutating func expectPunctuation(_ symbol: String) throws(DynamoDBValidationError) {
        guard consumePunctuation(symbol) else { throw unexpected() }
    }

    private func expectEnd() throws(DynamoDBValidationError) {
        guard current.kind == .end else { throw unexpected() }
    }

    /// The syntax error for the current token.
    private func unexpected() -> DynamoDBValidationError {
        .syntax(kind, token: current.text, near: ExpressionLexer.near(tokens, at: position, in: expression))
    }

    private func isKeyword(_ token: ExpressionToken) -> Bool {
        ["AND", "OR", "NOT", "BETWEEN", "IN"].contains { token.isKeyword($0) }
    }

    // MARK: Placeholders and paths

    private mutating func resolveValue(_ placeholder: String) throws(DynamoDBValidationError) -> AttributeValue {
        guard let value = values[placeholder] else {
            throw .invalid(
                kind, "An expression attribute value used in expression is not defined; attribute value: \(placeholder)"
            )
        }
        usedValues.insert(placeholder)
        return value
    }

    private mutating func resolveName(_ placeholder: String) throws(DynamoDBValidationError) -> String {
        guard let name = names[placeholder] else {
            throw .invalid(
                kind,
                "An expression attribute name used in the document path is not defined; attribute name: \(placeholder)")
        }
        usedNames.insert(placeholder)
        return name
    }

    /// A path element name: a bare word (not reserved, not starting with a digit) or a `#name`.
    private mutating func parseName() throws(DynamoDBValidationError) -> String {
        let token = current
        switch token.kind {
        case .nameReference:
            advance()
            return try resolveName(token.text)
        case .word:
            guard let first = token.text.unicodeScalars.first, !("0"..."9").contains(first) else {
                throw unexpected()
            }
            if DynamoDBReservedWords.contains(token.text) {
                throw .invalid(kind, "Attribute name is a reserved keyword; reserved keyword: \(token.text)")
            }
            advance()
            return token.text
        default:
            throw unexpected()
        }
    }

    /// `name ( '.' name | '[' digits ']' )*`.
    private mutating func parsePath() throws(DynamoDBValidationError) -> ExpressionPath {
        var elements: [ExpressionPathElement] = [.name(try parseName())]
        while true {
            if consumePunctuation(".") {
                elements.append(.name(try parseName()))
            } else if consumePunctuation("[") {
                let token = current
                guard token.kind == .word, token.text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) })
                else { throw unexpected() }
                // DynamoDB bounds a list index (as a 32-bit signed number, the host's choice where unstated).
                guard let index = Int32(token.text).map(Int.init) else {
                    throw .invalid(kind, "List index is not within the allowable range; index: [\(token.text)]")
                }
                advance()
                try expectPunctuation("]")
                elements.append(.index(index))
            } else {
                // A path is at most 32 levels deep (names and indexes), as DynamoDB bounds it.
                if elements.count > Self.maximumPathLevels {
                    throw .invalid(
                        kind, "The document path has too many nesting levels; nesting levels: \(elements.count)")
                }
                return ExpressionPath(elements)
            }
        }
    }

    // MARK: Conditions

    private mutating func parseOr() throws(DynamoDBValidationError) -> ExpressionCondition {
        var condition = try parseAnd()
        while current.isKeyword("OR") {
            advance()
            try countOperator()
            condition = .or(condition, try parseAnd())
        }
        return condition
    }

    private mutating func parseAnd() throws(DynamoDBValidationError) -> ExpressionCondition {
        var condition = try parseNot()
        while current.isKeyword("AND") {
            advance()
            try countOperator()
            condition = .and(condition, try parseNot())
        }
        return condition
    }

    private mutating func parseNot() throws(DynamoDBValidationError) -> ExpressionCondition {
        if current.isKeyword("NOT") {
            advance()
            try countOperator()
            try enter()
            defer { depth -= 1 }
            return .not(try parseNot())
        }
        return try parsePrimary()
    }

    /// One more operator; more than DynamoDB allows is an error.
    private mutating func countOperator() throws(DynamoDBValidationError) {
        operators += 1
        guard operators <= Self.maximumOperators else {
            throw .invalid(kind, "The expression contains too many operators; operator count: \(operators)")
        }
    }

    /// One level deeper; too deep is an error, not a stack overflow.
    private mutating func enter() throws(DynamoDBValidationError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw .invalid(
                kind, "The expression is nested too deeply; the host accepts at most \(Self.maximumDepth) levels;")
        }
    }

    private mutating func parsePrimary() throws(DynamoDBValidationError) -> ExpressionCondition {
        if current.isPunctuation("(") {
            let open = position
            advance()
            try enter()
            defer { depth -= 1 }
            let condition = try parseOr()
            try expectPunctuation(")")
            // `((a = b))`: the inner parentheses hold all there is inside the outer ones (DynamoDB refuses it).
            if let inner = lastParentheses, inner.open == open + 1, inner.close == position - 2 {
                throw .invalid(kind, "The expression has redundant parentheses;")
            }
            lastParentheses = (open, position - 1)
            return condition
        }
        if current.kind == .word, peek().isPunctuation("("), current.text != "size" {
            return try parseConditionFunction()
        }
        let left = try parseOperand()
        let token = current
        if token.kind == .punctuation, let comparator = ExpressionComparator(rawValue: token.text) {
            advance()
            try countOperator()
            let right = try parseOperand()
            if comparator != .equal, comparator != .notEqual {
                try checkOrderable([left, right], operator: comparator.rawValue)
            }
            return .compare(left, comparator, right)
        }
        if token.isKeyword("BETWEEN") {
            advance()
            try countOperator()
            let lower = try parseOperand()
            guard current.isKeyword("AND") else { throw unexpected() }
            advance()
            let upper = try parseOperand()
            try checkOrderable([left, lower, upper], operator: "BETWEEN")
            if case .value(let low) = lower, case .value(let high) = upper {
                try checkBetweenBounds(low, high)
            }
            return .between(left, lower: lower, upper: upper)
        }
        if token.isKeyword("IN") {
            advance()
            try countOperator()
            try expectPunctuation("(")
            var list = [try parseOperand()]
            while consumePunctuation(",") { list.append(try parseOperand()) }
            try expectPunctuation(")")
            if list.count > Self.maximumInOperands {
                throw .invalid(
                    kind, "The IN operator is provided with too many operands; number of operands: \(list.count)")
            }
            return .isIn(left, list)
        }
        if case .size = left {
            throw .invalid(kind, "The function is not allowed to be used this way in an expression; function: size")
        }
        throw unexpected()
    }

    /// `path | :value | size(path)`.
    private mutating func parseOperand() throws(DynamoDBValidationError) -> ExpressionOperand {
        let token = current
        if token.kind == .valueReference {
            advance()
            return .value(try resolveValue(token.text))
        }
        if token.kind == .word, peek().isPunctuation("(") {
            let name = token.text
            guard name == "size" else {
                if Self.conditionFunctions.contains(name) {
                    throw .invalid(
                        kind, "The function is not allowed to be used this way in an expression; function: \(name)")
                }
                throw functionNotAllowedOrUnknown(name)
            }
            let arguments = try parseFunctionArguments()
            try checkArgumentCount(arguments, 1, function: name)
            switch arguments[0] {
            case .path(let path):
                return .size(path)
            case .size:
                // size(size(a)): the inner size is a number, which has no size.
                throw incorrectOperandType(name, .n("0"))
            case .value(let value):
                // The size of a literal is known now (a number, a boolean or null has none).
                guard let size = ExpressionValues.size(of: value) else { throw incorrectOperandType(name, value) }
                return .value(.n(String(size)))
            }
        }
        if token.kind == .word, isKeyword(token) {
            throw unexpected()
        }
        return .path(try parsePath())
    }

    private func functionNotAllowedOrUnknown(_ name: String) -> DynamoDBValidationError {
        if kind == .update, Self.conditionFunctions.contains(name) {
            return .invalid(kind, "The function is not allowed in an update expression; function: \(name)")
        }
        if kind != .update, Self.updateFunctions.contains(name) {
            return .invalid(kind, "The function is not allowed in a condition expression; function: \(name)")
        }
        return .invalid(kind, "Invalid function name; function: \(name)")
    }

    /// `( operand (, operand)* )` after a function name, which is consumed too.
    private mutating func parseFunctionArguments() throws(DynamoDBValidationError) -> [ExpressionOperand] {
        advance()  // the name
        try expectPunctuation("(")
        var arguments = [try parseOperand()]
        while consumePunctuation(",") { arguments.append(try parseOperand()) }
        try expectPunctuation(")")
        return arguments
    }

    private func checkArgumentCount(
        _ arguments: [some Any], _ count: Int, function: String
    ) throws(DynamoDBValidationError) {
        guard arguments.count == count else {
            throw .invalid(
                kind,
                "Incorrect number of operands for operator or function; operator or function: \(function), "
                    + "number of operands: \(arguments.count)")
        }
    }

    private func requirePath(
        _ operand: ExpressionOperand, function: String
    ) throws(DynamoDBValidationError) -> ExpressionPath {
        guard case .path(let path) = operand else {
            throw .invalid(
                kind, "Operator or function requires a document path; operator or function: \(function)")
        }
        return path
    }

    /// A function's first operand may not be the same path as another one (DynamoDB's rule and text).
    private func checkDistinct(_ arguments: [ExpressionOperand], function: String) throws(DynamoDBValidationError) {
        guard case .path(let first) = arguments.first,
            arguments.dropFirst().contains(where: { $0 == .path(first) })
        else { return }
        throw .invalid(
            kind,
            "The first operand must be distinct from the remaining operands for this operator or function; "
                + "operator: \(function), first operand: \(first)")
    }

    private func incorrectOperandType(_ function: String, _ value: AttributeValue) -> DynamoDBValidationError {
        .invalid(
            kind,
            "Incorrect operand type for operator or function; operator or function: \(function), "
                + "operand type: \(value.dynamoDBTypeName)")
    }

    private mutating func parseConditionFunction() throws(DynamoDBValidationError) -> ExpressionCondition {
        let name = current.text
        guard Self.conditionFunctions.contains(name) else { throw functionNotAllowedOrUnknown(name) }
        let arguments = try parseFunctionArguments()
        switch name {
        case "attribute_exists", "attribute_not_exists":
            try checkArgumentCount(arguments, 1, function: name)
            let path = try requirePath(arguments[0], function: name)
            return name == "attribute_exists" ? .attributeExists(path) : .attributeNotExists(path)
        case "attribute_type":
            // The first operand may be anything; the type must be a value naming one of DynamoDB's types.
            try checkArgumentCount(arguments, 2, function: name)
            try checkDistinct(arguments, function: name)
            switch arguments[1] {
            case .value(let value):
                guard case .s(let typeName) = value else { throw incorrectOperandType(name, value) }
                guard Self.attributeTypeNames.contains(typeName) else {
                    throw .invalid(
                        kind,
                        "Invalid attribute type name found; type: \(typeName), "
                            + "valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }")
                }
            default:
                throw .invalid(
                    kind,
                    "Incorrect operand type for operator or function; operator or function: \(name), "
                        + "operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}")
            }
            return .attributeType(arguments[0], arguments[1])
        case "begins_with":
            // Paths or values in either place; a value must be a string or a binary.
            try checkArgumentCount(arguments, 2, function: name)
            try checkDistinct(arguments, function: name)
            for case .value(let value) in arguments {
                switch value {
                case .s, .b: break
                default: throw incorrectOperandType(name, value)
                }
            }
            return .beginsWith(arguments[0], arguments[1])
        case "contains":
            try checkArgumentCount(arguments, 2, function: name)
            try checkDistinct(arguments, function: name)
            return .contains(arguments[0], arguments[1])
        default:  // size used as a condition
            throw .invalid(
                kind, "The function is not allowed to be used this way in an expression; function: \(name)")
        }
    }

    private func checkOrderable(_ operands: [ExpressionOperand], operator name: String) throws(DynamoDBValidationError)
    {
        for case .value(let value) in operands {
            switch value {
            case .n, .s, .b: continue
            default: throw incorrectOperandType(name, value)
            }
        }
    }

    private func checkBetweenBounds(_ low: AttributeValue, _ high: AttributeValue) throws(DynamoDBValidationError) {
        let bounds =
            "lower bound operand: AttributeValue: {\(low.dynamoDBTypeName):\(low.dynamoDBBriefText)}, "
            + "upper bound operand: AttributeValue: {\(high.dynamoDBTypeName):\(high.dynamoDBBriefText)}"
        guard let order = ExpressionValues.compareOrdered(low, high) else {
            throw .invalid(kind, "The BETWEEN operator requires same data type for lower and upper bounds; \(bounds)")
        }
        if order > 0 {
            throw .invalid(
                kind,
                "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; \(bounds)")
        }
    }

    // MARK: Updates

    /// `operand ( ('+' | '-') operand )?`.
    private mutating func parseSetValue() throws(DynamoDBValidationError) -> ExpressionUpdateValue {
        let left = try parseUpdateOperand()
        if current.isPunctuation("+") || current.isPunctuation("-") {
            let symbol = current.text
            advance()
            try countOperator()
            let right = try parseUpdateOperand()
            if current.isPunctuation("+") || current.isPunctuation("-") { throw unexpected() }
            for case .value(let value) in [left, right] {
                guard case .n = value else { throw incorrectOperandType(symbol, value) }
            }
            return symbol == "+" ? .plus(left, right) : .minus(left, right)
        }
        return left
    }

    /// `path | :value | if_not_exists(path, operand) | list_append(operand, operand)`.
    private mutating func parseUpdateOperand() throws(DynamoDBValidationError) -> ExpressionUpdateValue {
        let token = current
        if token.kind == .valueReference {
            advance()
            return .value(try resolveValue(token.text))
        }
        guard token.kind == .word, peek().isPunctuation("(") else {
            return .path(try parsePath())
        }
        let name = token.text
        guard Self.updateFunctions.contains(name) else { throw functionNotAllowedOrUnknown(name) }
        advance()
        try enter()
        defer { depth -= 1 }
        try expectPunctuation("(")
        var arguments = [try parseUpdateOperand()]
        while consumePunctuation(",") { arguments.append(try parseUpdateOperand()) }
        try expectPunctuation(")")
        try checkArgumentCount(arguments, 2, function: name)
        if name == "if_not_exists" {
            guard case .path(let path) = arguments[0] else {
                throw .invalid(
                    kind, "Operator or function requires a document path; operator or function: \(name)")
            }
            return .ifNotExists(path, arguments[1])
        }
        for case .value(let value) in arguments {
            guard case .l = value else { throw incorrectOperandType(name, value) }
        }
        return .listAppend(arguments[0], arguments[1])
    }

    private func checkAddDeleteOperand(
        _ value: AttributeValue, operator name: String
    ) throws(DynamoDBValidationError) {
        let allowed: Bool
        switch value {
        case .ss, .ns, .bs: allowed = true
        case .n: allowed = name == "ADD"
        default: allowed = false
        }
        guard allowed else {
            throw .invalid(
                kind,
                "Incorrect operand type for operator or function; operator: \(name), "
                    + "operand type: \(value.dynamoDBLongTypeName), typeSet: ALLOWED_FOR_\(name)_OPERAND")
        }
    }

    // MARK: Overlaps

    /// Refuses two paths that overlap (one is a prefix of, or equal to, the other) or conflict (they first differ
    /// where one has a name and the other an index), naming the first such pair. Sorting brings such pairs next to
    /// each other (a path sorts just before the paths it is a prefix of; at each step names sort before indexes, so
    /// where two groups part the last with a name is beside the first with an index): n log n, not n².
    private func checkOverlaps(_ paths: [ExpressionPath]) throws(DynamoDBValidationError) {
        guard paths.count > 1 else { return }
        let order = paths.indices.sorted { Self.precedes(paths[$0].elements, paths[$1].elements) }
        var first: (one: Int, two: Int, conflict: Bool)?
        for (a, b) in zip(order, order.dropFirst()) {
            guard let conflict = Self.clash(paths[a].elements, paths[b].elements) else { continue }
            let pair = (one: min(a, b), two: max(a, b), conflict: conflict)
            if first.map({ (pair.one, pair.two) < ($0.one, $0.two) }) ?? true { first = pair }
        }
        guard let first else { return }
        let one = paths[first.one]
        let two = paths[first.two]
        if first.conflict {
            throw .invalid(
                kind,
                "Two document paths conflict with each other; must remove or rewrite one of these paths; "
                    + "path one: \(one), path two: \(two)")
        }
        throw .invalid(
            kind,
            "Two document paths overlap with each other; must remove or rewrite one of these paths; "
                + "path one: \(one), path two: \(two)")
    }

    /// Path order for ``checkOverlaps(_:)``: step by step, names before indexes; a prefix first.
    private static func precedes(_ lhs: [ExpressionPathElement], _ rhs: [ExpressionPathElement]) -> Bool {
        for (left, right) in zip(lhs, rhs) {
            switch (left, right) {
            case (.name(let a), .name(let b)) where a != b: return a < b
            case (.index(let a), .index(let b)) where a != b: return a < b
            case (.name, .index): return true
            case (.index, .name): return false
            default: continue
            }
        }
        return lhs.count < rhs.count
    }

    /// nil when the paths part at a step where both have names or both indexes; true when one has a name and the
    /// other an index there (a conflict); false when one is a prefix of the other (an overlap).
    private static func clash(_ lhs: [ExpressionPathElement], _ rhs: [ExpressionPathElement]) -> Bool? {
        for (left, right) in zip(lhs, rhs) where left != right {
            switch (left, right) {
            case (.name, .index), (.index, .name): return true
            default: return nil
            }
        }
        return false
    }
}

extension AttributeValue {
    /// The DynamoDB type name: `S`, `N`, `B`, `SS`, `NS`, `BS`, `M`, `L`, `NULL`, `BOOL`.
    package var dynamoDBTypeName: String {
        switch self {
        case .s: "S"
        case .n: "N"
        case .b: "B"
        case .ss: "SS"
        case .ns: "NS"
        case .bs: "BS"
        case .m: "M"
        case .l: "L"
        case .null: "NULL"
        case .bool: "BOOL"
        }
    }

    /// The long type name DynamoDB uses in ADD/DELETE operand errors (`STRING`, `NUMBER`, …).
    package var dynamoDBLongTypeName: String {
        switch self {
        case .s: "STRING"
        case .n: "NUMBER"
        case .b: "BINARY"
        case .ss: "STRING_SET"
        case .ns: "NUMBER_SET"
        case .bs: "BINARY_SET"
        case .m: "MAP"
        case .l: "LIST"
        case .null: "NULL"
        case .bool: "BOOLEAN"
        }
    }

    /// A short rendering of a scalar for error messages (`5`, `abc`).
    package var dynamoDBBriefText: String {
        switch self {
        case .s(let text), .n(let text): text
        case .b(let data): data.base64EncodedString()
        case .bool(let flag): String(flag)
        case .null: "true"
        default: dynamoDBTypeName
        }
    }
}
