import AWSShapes

// DECISIONS (legacy parameters): DynamoDB's pre-expression parameters (Expected + ConditionalOperator,
// AttributeUpdates, AttributesToGet, KeyConditions, QueryFilter, ScanFilter) are translated into the expressions
// they stand for, with placeholders of their own, and run by the one expression engine. What the translation
// checks, and its messages, follow DynamoDB as scylladb's Alternator tests (run on DynamoDB) assert it and as
// dynalite (tested against DynamoDB) words it:
// - per operator: the number of values (`Invalid number of argument(s) for the EQ ComparisonOperator`), their types
//   (LT/LE/GT/GE, CONTAINS, NOT_CONTAINS, IN, BETWEEN: S, N or B; BEGINS_WITH: S or B; EQ and NE: any), IN's and
//   BETWEEN's values of one type, BETWEEN's bounds in order; a value of another type than the stored one is no
//   error, the condition is false.
// - semantics that differ from the expression operators are spelt out: NOT_CONTAINS is false on a missing
//   attribute (`attribute_exists AND NOT contains`); NE is true on one (as `<>`); IN compares values (a set is not
//   searched); CONTAINS finds an element of a set or a list, or a substring.
// - Expected: `{Value}` and `{Exists: true, Value}` are EQ, `{Exists: false}` is absence; `{Exists: true}` alone,
//   `{Exists: false, Value}`, Exists with a ComparisonOperator, Value with AttributeValueList are errors; a
//   ComparisonOperator takes its values from AttributeValueList or from Value.
// - AttributeUpdates: PUT sets, DELETE without a value removes, DELETE with a set removes its elements, ADD adds
//   to a number or a set (the expression ADD) and appends to a list (DynamoDB does; the expression ADD does not).
// - Entries are read in the order of their attribute names (DynamoDB's map order is not defined).

/// An expression standing for legacy parameters, with its own placeholders.
package struct LegacyTranslation: Sendable, Equatable {
    package var expression: String
    package var names: [String: String]
    package var values: [String: AttributeValue]
}

/// The translation of each legacy parameter into its expression (see DECISIONS).
package enum LegacyParameters {
    /// Placeholders of one translation: `#<prefix>0`, `:<prefix>0`… (a prefix per parameter, so that a Query's
    /// KeyConditions, QueryFilter and AttributesToGet can share one request).
    struct Builder {
        let prefix: String
        var names: [String: String] = [:]
        var values: [String: AttributeValue] = [:]

        mutating func name(_ attribute: String) -> String {
            let placeholder = "#\(prefix)\(names.count)"
            names[placeholder] = attribute
            return placeholder
        }

        mutating func value(_ value: AttributeValue) -> String {
            let placeholder = ":\(prefix)\(values.count)"
            values[placeholder] = value
            return placeholder
        }

        func translation(_ expression: String) -> LegacyTranslation {
            LegacyTranslation(expression: expression, names: names, values: values)
        }
    }

    static func invalid(_ detail: String) -> DynamoDBValidationError {
        DynamoDBValidationError("One or more parameter values were invalid: \(detail)")
    }

    // MARK: conditions

    /// `Expected` joined by `ConditionalOperator`; nil for an empty map (no condition).
    package static func expected(
        _ expected: [String: DynamoDB.ExpectedAttributeValue]?, conditionalOperator: String?
    ) throws(DynamoDBValidationError) -> LegacyTranslation? {
        try checkConditionalOperator(conditionalOperator, count: expected?.count ?? 0, of: "Expected")
        guard let expected, !expected.isEmpty else { return nil }
        var builder = Builder(prefix: "legacyExpected")
        var parts: [String] = []
        for (attribute, condition) in expected.sorted(by: { $0.key < $1.key }) {
            if let comparison = condition.comparisonOperator {
                if condition.exists != nil {
                    throw invalid("Exists and ComparisonOperator cannot be used together for Attribute: \(attribute)")
                }
                if condition.value != nil && condition.attributeValueList != nil {
                    throw invalid("Value and AttributeValueList cannot be used together for Attribute: \(attribute)")
                }
                let arguments = condition.attributeValueList ?? condition.value.map { [$0] } ?? []
                if arguments.isEmpty && comparison.rawValue != "NULL" && comparison.rawValue != "NOT_NULL" {
                    throw invalid(
                        "Value or AttributeValueList must be used with ComparisonOperator: \(comparison.rawValue) "
                            + "for Attribute: \(attribute)")
                }
                parts.append(try compare(attribute, comparison.rawValue, arguments, &builder))
                continue
            }
            if condition.attributeValueList != nil {
                throw invalid(
                    "AttributeValueList can only be used with a ComparisonOperator for Attribute: \(attribute)")
            }
            if condition.exists == false {
                if condition.value != nil {
                    throw invalid("Value cannot be used when Exists is false for Attribute: \(attribute)")
                }
                parts.append("attribute_not_exists(\(builder.name(attribute)))")
                continue
            }
            guard let value = condition.value else {
                throw invalid(
                    "Value must be provided when Exists is \(condition.exists == true ? "true" : "null") for "
                        + "Attribute: \(attribute)")
            }
            parts.append("\(builder.name(attribute)) = \(builder.value(value))")
        }
        return builder.translation(parts.joined(separator: conditionalOperator == "OR" ? " OR " : " AND "))
    }

    /// `QueryFilter` or `ScanFilter` joined by `ConditionalOperator`; nil for an empty map (no filter).
    package static func filter(
        _ conditions: [String: DynamoDB.Condition]?, conditionalOperator: String?, parameter: String
    ) throws(DynamoDBValidationError) -> LegacyTranslation? {
        try checkConditionalOperator(conditionalOperator, count: conditions?.count ?? 0, of: parameter)
        guard let conditions, !conditions.isEmpty else { return nil }
        var builder = Builder(prefix: "legacyFilter")
        var parts: [String] = []
        for (attribute, condition) in conditions.sorted(by: { $0.key < $1.key }) {
            parts.append(
                try compare(
                    attribute, condition.comparisonOperator.rawValue, condition.attributeValueList ?? [],
                    &builder))
        }
        return builder.translation(parts.joined(separator: conditionalOperator == "OR" ? " OR " : " AND "))
    }

    /// ConditionalOperator combines the conditions of a map that has some.
    static func checkConditionalOperator(
        _ conditionalOperator: String?, count: Int, of parameter: String
    ) throws(DynamoDBValidationError) {
        guard conditionalOperator != nil, count == 0 else { return }
        throw DynamoDBValidationError(
            "ConditionalOperator cannot be used without \(parameter == "Expected" ? "Expected" : "Filter") conditions")
    }

    /// The number of values each operator takes (IN: one or more).
    static let arity: [String: ClosedRange<Int>] = [
        "EQ": 1...1, "NE": 1...1, "LE": 1...1, "LT": 1...1, "GE": 1...1, "GT": 1...1, "NOT_NULL": 0...0,
        "NULL": 0...0, "CONTAINS": 1...1, "NOT_CONTAINS": 1...1, "BEGINS_WITH": 1...1, "IN": 1...Int.max,
        "BETWEEN": 2...2,
    ]

    /// The value types an operator takes (EQ and NE: any).
    static func allowedTypes(_ comparison: String) -> Set<String>? {
        switch comparison {
        case "BEGINS_WITH": ["S", "B"]
        case "LE", "LT", "GE", "GT", "CONTAINS", "NOT_CONTAINS", "IN", "BETWEEN": ["S", "N", "B"]
        default: nil
        }
    }

    /// Checks an operator's values (number, types, order) as DynamoDB does before it reads anything.
    static func check(_ comparison: String, _ arguments: [AttributeValue]) throws(DynamoDBValidationError) {
        guard let arity = arity[comparison], arity.contains(arguments.count) else {
            throw invalid("Invalid number of argument(s) for the \(comparison) ComparisonOperator")
        }
        if let allowed = allowedTypes(comparison),
            let wrong = arguments.first(where: { !allowed.contains($0.dynamoDBTypeName) })
        {
            throw invalid(
                "ComparisonOperator \(comparison) is not valid for \(wrong.dynamoDBTypeName) AttributeValue type")
        }
        if comparison == "IN" || comparison == "BETWEEN",
            Set(arguments.map(\.dynamoDBTypeName)).count > 1
        {
            throw invalid("AttributeValues inside AttributeValueList must be of same type")
        }
        if comparison == "BETWEEN", let order = ExpressionValues.compareOrdered(arguments[0], arguments[1]), order > 0 {
            throw DynamoDBValidationError(
                "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
        }
    }

    /// One attribute's condition as an expression.
    static func compare(
        _ attribute: String, _ comparison: String, _ arguments: [AttributeValue], _ builder: inout Builder
    ) throws(DynamoDBValidationError) -> String {
        try check(comparison, arguments)
        let name = builder.name(attribute)
        let values = arguments.map { builder.value($0) }
        switch comparison {
        case "EQ": return "\(name) = \(values[0])"
        case "NE": return "\(name) <> \(values[0])"
        case "LE": return "\(name) <= \(values[0])"
        case "LT": return "\(name) < \(values[0])"
        case "GE": return "\(name) >= \(values[0])"
        case "GT": return "\(name) > \(values[0])"
        case "NOT_NULL": return "attribute_exists(\(name))"
        case "NULL": return "attribute_not_exists(\(name))"
        case "CONTAINS": return "contains(\(name), \(values[0]))"
        case "NOT_CONTAINS": return "(attribute_exists(\(name)) AND NOT contains(\(name), \(values[0])))"
        case "BEGINS_WITH": return "begins_with(\(name), \(values[0]))"
        case "IN": return "\(name) IN (\(values.joined(separator: ", ")))"
        default: return "\(name) BETWEEN \(values[0]) AND \(values[1])"
        }
    }

    // MARK: key conditions

    /// `KeyConditions` as a key condition expression, checked against the key schema (`keyTypes`: S, N or B of
    /// each key attribute).
    package static func keyConditions(
        _ conditions: [String: DynamoDB.Condition], partitionKey: String, sortKey: String?, keyTypes: [String: String]
    ) throws(DynamoDBValidationError) -> LegacyTranslation {
        guard (1...2).contains(conditions.count) else {
            throw DynamoDBValidationError("Conditions can be of length 1 or 2 only")
        }
        guard let partition = conditions[partitionKey] else {
            throw DynamoDBValidationError("Query condition missed key schema element: \(partitionKey)")
        }
        // A condition on another attribute: the sort key it should have been is missed; with no sort key (a
        // hash-only table or index), the condition is not supported (as DynamoDB answers both).
        if conditions.keys.contains(where: { $0 != partitionKey && $0 != sortKey }) {
            guard let sortKey else { throw DynamoDBValidationError("Query key condition not supported") }
            throw DynamoDBValidationError("Query condition missed key schema element: \(sortKey)")
        }
        var builder = Builder(prefix: "legacyKey")
        var parts: [String] = []
        for (attribute, condition) in [(partitionKey, partition)]
            + (sortKey.flatMap { key in conditions[key].map { [(key, $0)] } } ?? [])
        {
            let comparison = condition.comparisonOperator.rawValue
            let arguments = condition.attributeValueList ?? []
            guard let arity = arity[comparison], arity.contains(arguments.count) else {
                throw invalid("Invalid number of argument(s) for the \(comparison) ComparisonOperator")
            }
            let ranged: Set = ["LE", "LT", "GE", "GT", "BEGINS_WITH", "BETWEEN"]
            if attribute == partitionKey && comparison != "EQ" {
                throw DynamoDBValidationError(
                    ranged.contains(comparison)
                        ? "Query key condition not supported"
                        : "Attempted conditional constraint is not an indexable operation")
            }
            guard comparison == "EQ" || ranged.contains(comparison) else {
                throw DynamoDBValidationError("Attempted conditional constraint is not an indexable operation")
            }
            if comparison == "BEGINS_WITH", keyTypes[attribute] == "N" {
                throw invalid("ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type")
            }
            if arguments.contains(where: { $0.dynamoDBTypeName != keyTypes[attribute] }) {
                throw invalid("Condition parameter type does not match schema type")
            }
            try check(comparison, arguments)
            parts.append(try compare(attribute, comparison, arguments, &builder))
        }
        return builder.translation(parts.joined(separator: " AND "))
    }

    // MARK: projections

    /// `AttributesToGet` as a projection expression.
    package static func attributesToGet(_ attributes: [String]) throws(DynamoDBValidationError) -> LegacyTranslation {
        var seen = Set<String>()
        var builder = Builder(prefix: "legacyGet")
        var parts: [String] = []
        for attribute in attributes {
            guard !attribute.isEmpty else { throw invalid("Empty attribute name") }
            guard seen.insert(attribute).inserted else {
                throw invalid("Duplicate value in attribute name: \(attribute)")
            }
            parts.append(builder.name(attribute))
        }
        return builder.translation(parts.joined(separator: ", "))
    }

    // MARK: updates

    /// `AttributeUpdates` as an update expression; nil for an empty map (no update: the key-only item).
    package static func attributeUpdates(
        _ updates: [String: DynamoDB.AttributeValueUpdate]
    ) throws(DynamoDBValidationError) -> LegacyTranslation? {
        guard !updates.isEmpty else { return nil }
        if updates.keys.contains("") { throw invalid("Empty attribute name") }
        var builder = Builder(prefix: "legacyUpdate")
        var set: [String] = []
        var remove: [String] = []
        var add: [String] = []
        var delete: [String] = []
        for (attribute, update) in updates.sorted(by: { $0.key < $1.key }) {
            let action = update.action?.rawValue ?? "PUT"
            guard let value = update.value else {
                guard action == "DELETE" else {
                    throw invalid("Only DELETE action is allowed when no attribute value is specified")
                }
                remove.append(builder.name(attribute))
                continue
            }
            let type = value.dynamoDBTypeName
            switch action {
            case "PUT":
                set.append("\(builder.name(attribute)) = \(builder.value(value))")
            case "DELETE":
                guard ["SS", "NS", "BS"].contains(type) else {
                    throw invalid("DELETE action with value is not supported for the type \(type)")
                }
                delete.append("\(builder.name(attribute)) \(builder.value(value))")
            default:
                switch type {
                case "N", "SS", "NS", "BS":
                    add.append("\(builder.name(attribute)) \(builder.value(value))")
                case "L":
                    // ADD appends to a list (the expression ADD does not take lists).
                    let name = builder.name(attribute)
                    set.append(
                        "\(name) = list_append(if_not_exists(\(name), \(builder.value(.l([])))), \(builder.value(value)))"
                    )
                default:
                    throw invalid("ADD action is not supported for the type \(type)")
                }
            }
        }
        let clauses = [("SET", set), ("REMOVE", remove), ("ADD", add), ("DELETE", delete)].filter { !$0.1.isEmpty }
        return builder.translation(clauses.map { "\($0.0) \($0.1.joined(separator: ", "))" }.joined(separator: " "))
    }

    // MARK: mixing

    /// A request may not mix expression and non-expression parameters (each list in DynamoDB's order).
    package static func refuseMixing(
        nonExpression: KeyValuePairs<String, Bool>, expression: KeyValuePairs<String, Bool>
    ) throws(DynamoDBValidationError) {
        let legacy = nonExpression.filter(\.value).map(\.key)
        let modern = expression.filter(\.value).map(\.key)
        guard !legacy.isEmpty, !modern.isEmpty else { return }
        throw DynamoDBValidationError(
            "Can not use both expression and non-expression parameters in the same request: Non-expression "
                + "parameters: {\(legacy.joined(separator: ", "))} Expression parameters: "
                + "{\(modern.joined(separator: ", "))}")
    }
}

extension LegacyTranslation {
    /// The request's own placeholders with this translation's added.
    package static func merge(
        _ translations: [LegacyTranslation?], names: [String: String]?, values: [String: AttributeValue]?
    ) -> (names: [String: String]?, values: [String: AttributeValue]?) {
        var allNames = names ?? [:]
        var allValues = values ?? [:]
        for translation in translations.compactMap({ $0 }) {
            allNames.merge(translation.names) { $1 }
            allValues.merge(translation.values) { $1 }
        }
        return (allNames.isEmpty ? nil : allNames, allValues.isEmpty ? nil : allValues)
    }
}
