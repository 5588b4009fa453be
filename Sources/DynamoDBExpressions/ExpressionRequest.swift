import AWSShapes

// DECISIONS:
// - All expressions of a request are parsed when the request is made, in the order KeyConditionExpression,
//   FilterExpression, ConditionExpression, UpdateExpression, ProjectionExpression; the first error wins.
// - Before parsing: an empty expression → "Invalid <Kind>: The expression can not be empty;"; an empty
//   ExpressionAttributeNames/Values → "ExpressionAttributeNames must not be empty" (Values alike); names or values
//   without any expression → "ExpressionAttributeNames can only be specified when using expressions"; a value
//   with an invalid number → "ExpressionAttributeValues contains invalid value: <number error> for key <key>".
// - An expression longer than 4,096 bytes (its raw text, before placeholders are resolved) → "Invalid <Kind>:
//   Expression size has exceeded the maximum allowed size;", followed by " expression size: <bytes>" for filter and
//   condition expressions only (as captured from DynamoDB by ExtendDB's conformance tests). The limit also bounds
//   the parser's work and the depth of what it builds.
// - After parsing, placeholders no expression used → "Value provided in ExpressionAttributeNames unused in
//   expressions: keys: {#a, #b}" (names before values; keys sorted).
// - `changedAttributes` of an update are the top-level attributes its SET/REMOVE/ADD/DELETE actions target
//   (DynamoDB's UPDATED_OLD/UPDATED_NEW return the attributes the update names, even when a value is unchanged).

/// The expressions of one DynamoDB request, parsed and validated together; the storage layer's entry point.
///
/// ```swift
/// let request = try ExpressionRequest(
///     conditionExpression: "attribute_exists(pk) AND units >= :units",
///     updateExpression: "SET units = units - :units",
///     expressionAttributeValues: [":units": .n("2")])
/// guard request.conditionHolds(on: stored) else { /* ConditionalCheckFailedException */ }
/// let (newItem, changed) = try request.applyUpdate(to: stored ?? key)
/// ```
package struct ExpressionRequest: Sendable {
    /// The parsed ConditionExpression, if any.
    package let condition: ExpressionCondition?
    /// The parsed FilterExpression, if any.
    package let filter: ExpressionCondition?
    /// The parsed KeyConditionExpression, if any (resolve it with `keyCondition(partitionKey:sortKey:)`).
    package let keyConditionParts: ExpressionKeyConditionParts?
    /// The parsed ProjectionExpression, if any.
    package let projection: [ExpressionPath]?
    /// The parsed UpdateExpression, if any.
    package let update: ExpressionUpdate?

    /// DynamoDB's limit on each expression's text, in bytes.
    package static let maximumExpressionSize = 4096

    /// Parses and validates every expression of a request.
    /// - Throws: `DynamoDBValidationError` with DynamoDB's message for the first problem found.
    package init(
        conditionExpression: String? = nil,
        filterExpression: String? = nil,
        keyConditionExpression: String? = nil,
        projectionExpression: String? = nil,
        updateExpression: String? = nil,
        expressionAttributeNames: [String: String]? = nil,
        expressionAttributeValues: [String: AttributeValue]? = nil,
        maximumSize: Int = Self.maximumExpressionSize
    ) throws(DynamoDBValidationError) {
        let expressions: [(ExpressionKind, String?)] = [
            (.keyCondition, keyConditionExpression), (.filter, filterExpression), (.condition, conditionExpression),
            (.update, updateExpression), (.projection, projectionExpression),
        ]
        for case (let kind, let text?) in expressions
        where text.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            throw .invalid(kind, "The expression can not be empty;")
        }
        for case (let kind, let text?) in expressions where text.utf8.count > maximumSize {
            let size = kind == .filter || kind == .condition ? " expression size: \(text.utf8.count)" : ""
            throw .invalid(kind, "Expression size has exceeded the maximum allowed size;" + size)
        }
        let anyExpression = expressions.contains { $0.1 != nil }
        if let names = expressionAttributeNames {
            if names.isEmpty { throw DynamoDBValidationError("ExpressionAttributeNames must not be empty") }
            // An attribute is never named "" (an item cannot hold one).
            if let key = names.keys.sorted().first(where: { names[$0]?.isEmpty == true }) {
                throw DynamoDBValidationError(
                    "ExpressionAttributeNames contains invalid value: Empty attribute name for key \(key)")
            }
            if !anyExpression {
                throw DynamoDBValidationError("ExpressionAttributeNames can only be specified when using expressions")
            }
        }
        var values: [String: AttributeValue] = [:]
        if let given = expressionAttributeValues {
            if given.isEmpty { throw DynamoDBValidationError("ExpressionAttributeValues must not be empty") }
            if !anyExpression {
                throw DynamoDBValidationError(
                    "ExpressionAttributeValues can only be specified when using expressions")
            }
            for key in given.keys.sorted() {
                do {
                    values[key] = try given[key]!.canonicalized()
                } catch {
                    throw DynamoDBValidationError(
                        "ExpressionAttributeValues contains invalid value: \(error.message) for key \(key)")
                }
            }
        }
        let names = expressionAttributeNames ?? [:]
        var usedNames: Set<String> = []
        var usedValues: Set<String> = []
        func parser(_ kind: ExpressionKind, _ text: String) -> ExpressionParser {
            ExpressionParser(kind, text, names: names, values: values)
        }

        var keyConditionParts: ExpressionKeyConditionParts?
        if let keyConditionExpression {
            var keyParser = parser(.keyCondition, keyConditionExpression)
            keyConditionParts = try ExpressionKeyConditionParts(keyParser.parseCondition())
            usedNames.formUnion(keyParser.usedNames)
            usedValues.formUnion(keyParser.usedValues)
        }
        var filter: ExpressionCondition?
        if let filterExpression {
            var filterParser = parser(.filter, filterExpression)
            filter = try filterParser.parseCondition()
            usedNames.formUnion(filterParser.usedNames)
            usedValues.formUnion(filterParser.usedValues)
        }
        var condition: ExpressionCondition?
        if let conditionExpression {
            var conditionParser = parser(.condition, conditionExpression)
            condition = try conditionParser.parseCondition()
            usedNames.formUnion(conditionParser.usedNames)
            usedValues.formUnion(conditionParser.usedValues)
        }
        var update: ExpressionUpdate?
        if let updateExpression {
            var updateParser = parser(.update, updateExpression)
            update = try updateParser.parseUpdate()
            usedNames.formUnion(updateParser.usedNames)
            usedValues.formUnion(updateParser.usedValues)
        }
        var projection: [ExpressionPath]?
        if let projectionExpression {
            var projectionParser = parser(.projection, projectionExpression)
            projection = try projectionParser.parseProjection()
            usedNames.formUnion(projectionParser.usedNames)
            usedValues.formUnion(projectionParser.usedValues)
        }

        let unusedNames = Set(names.keys).subtracting(usedNames)
        if !unusedNames.isEmpty {
            throw DynamoDBValidationError(
                "Value provided in ExpressionAttributeNames unused in expressions: keys: {"
                    + unusedNames.sorted().joined(separator: ", ") + "}")
        }
        let unusedValues = Set(values.keys).subtracting(usedValues)
        if !unusedValues.isEmpty {
            throw DynamoDBValidationError(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {"
                    + unusedValues.sorted().joined(separator: ", ") + "}")
        }
        self.condition = condition
        self.filter = filter
        self.keyConditionParts = keyConditionParts
        self.projection = projection
        self.update = update
    }

    /// Whether the ConditionExpression holds for the stored item (nil: no item stored). True without a
    /// ConditionExpression. On false the caller raises `ConditionalCheckFailedException` ("The conditional request
    /// failed").
    package func conditionHolds(on item: DynamoDBItem?) -> Bool {
        guard let condition else { return true }
        return ExpressionConditionEvaluator.evaluate(condition, on: item)
    }

    /// Whether a Query/Scan item passes the FilterExpression (true without one).
    package func filterMatches(_ item: DynamoDBItem) -> Bool {
        guard let filter else { return true }
        return ExpressionConditionEvaluator.evaluate(filter, on: item)
    }

    /// The top-level attributes the UpdateExpression assigns, removes or changes (empty without one). The caller
    /// rejects an update naming a key attribute before applying it ("One or more parameter values were invalid:
    /// Cannot update attribute <name>. This attribute is part of the key").
    package var updatedAttributeNames: Set<String> {
        update?.targetTopLevelNames ?? []
    }

    /// Applies the UpdateExpression. For an UpdateItem on a missing item, pass the key attributes as `item`.
    /// - Returns: the new item (unchanged without an UpdateExpression) and the top-level attributes the update
    ///   targets (for ReturnValues UPDATED_OLD / UPDATED_NEW).
    /// - Throws: `DynamoDBValidationError` for run-time errors (missing operand, wrong operand type, invalid
    ///   document path, number out of range).
    package func applyUpdate(
        to item: DynamoDBItem
    ) throws(DynamoDBValidationError) -> (item: DynamoDBItem, changedAttributes: Set<String>) {
        guard let update else { return (item, []) }
        return (try ExpressionUpdateApplier.apply(update, to: item), update.targetTopLevelNames)
    }

    /// The parts of an item the update's target paths name (nested targets keep their structure), for
    /// UPDATED_OLD (pass the old item) and UPDATED_NEW (pass the new one).
    package func updatedValues(in item: DynamoDBItem) -> DynamoDBItem {
        guard let update else { return [:] }
        return ExpressionProjector.project(item, paths: update.targetPaths)
    }

    /// The item reduced to the ProjectionExpression (the whole item without one).
    package func project(_ item: DynamoDBItem) -> DynamoDBItem {
        guard let projection else { return item }
        return ExpressionProjector.project(item, paths: projection)
    }

    /// The KeyConditionExpression resolved against the key schema of the table or index queried.
    /// - Throws: `DynamoDBValidationError` when there is no KeyConditionExpression or it does not fit the schema.
    package func keyCondition(
        partitionKey: String, sortKey: String?
    ) throws(DynamoDBValidationError) -> DynamoDBKeyCondition {
        guard let keyConditionParts else {
            throw DynamoDBValidationError(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
        }
        return try keyConditionParts.resolve(partitionKey: partitionKey, sortKey: sortKey)
    }
}
