import AWSShapes
import DynamoDBExpressions
import Foundation
import Synchronization

/// PutItem, GetItem, UpdateItem, DeleteItem, Query, Scan, BatchGetItem, BatchWriteItem, TransactWriteItems and
/// TransactGetItems. Every write runs its condition and update inside the store's write transaction.
final class DynamoDBItemOperations: Sendable {
    let store: DynamoDBStore
    let tables: DynamoDBTableOperations
    /// TransactWriteItems' ClientRequestToken idempotency (10 minutes): token → (request fingerprint, time).
    let tokens: Mutex<[String: (fingerprint: Data, time: Date)]>

    static let maximumItemSize = 400 * 1024
    static let pageSize = 1024 * 1024

    init(store: DynamoDBStore) {
        self.store = store
        self.tables = DynamoDBTableOperations(store: store)
        self.tokens = Mutex([:])
    }

    // MARK: single items

    func putItem(_ input: PutItemInput) throws -> PutItemOutput {
        try Self.refuseItemCollectionMetrics(input.returnItemCollectionMetrics, "PutItem")
        try LegacyParameters.refuseMixing(
            nonExpression: ["Expected": input.expected != nil],
            expression: ["ConditionExpression": input.conditionExpression != nil])
        let table = try table(input.tableName)
        try Self.allowReturnValues(input.returnValues, ["NONE", "ALL_OLD"])
        let expressions = try Self.expressions(
            condition: input.conditionExpression, names: input.expressionAttributeNames,
            values: input.expressionAttributeValues,
            legacyCondition: try LegacyParameters.expected(
                input.expected, conditionalOperator: input.conditionalOperator?.rawValue))
        let item = try Self.validated(input.item, table: table)
        let key = try Self.key(of: item, table: table)
        let allOldOnFailure = input.returnValuesOnConditionCheckFailure?.rawValue == "ALL_OLD"
        let result = try store.write(table: table.name, key: key) { old in
            guard expressions.conditionHolds(on: old) else {
                throw DynamoDBAPIError.conditionalCheckFailed(item: allOldOnFailure ? old : nil)
            }
            return .put(item)
        }
        return PutItemOutput(
            attributes: input.returnValues?.rawValue == "ALL_OLD" ? result.old : nil,
            consumedCapacity: DynamoDBCapacity.report(
                .write(old: result.old, new: result.new, table: table), table: table.name,
                mode: input.returnConsumedCapacity))
    }

    func getItem(_ input: GetItemInput) throws -> GetItemOutput {
        try LegacyParameters.refuseMixing(
            nonExpression: ["AttributesToGet": input.attributesToGet != nil],
            expression: ["ProjectionExpression": input.projectionExpression != nil])
        let table = try table(input.tableName)
        let expressions = try Self.expressions(
            projection: input.projectionExpression, names: input.expressionAttributeNames, values: nil,
            legacyProjection: try input.attributesToGet.map(LegacyParameters.attributesToGet))
        let key = try Self.exactKey(input.key, table: table)
        let item = try store.getItem(table: table.name, key: key)
        return GetItemOutput(
            item: item.map(expressions.project),
            consumedCapacity: DynamoDBCapacity.report(
                .read(item, consistent: input.consistentRead == true), table: table.name,
                mode: input.returnConsumedCapacity))
    }

    func updateItem(_ input: UpdateItemInput) throws -> UpdateItemOutput {
        try Self.refuseItemCollectionMetrics(input.returnItemCollectionMetrics, "UpdateItem")
        try LegacyParameters.refuseMixing(
            nonExpression: ["AttributeUpdates": input.attributeUpdates != nil, "Expected": input.expected != nil],
            expression: [
                "UpdateExpression": input.updateExpression != nil,
                "ConditionExpression": input.conditionExpression != nil,
            ])
        let table = try table(input.tableName)
        try Self.allowReturnValues(input.returnValues, ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"])
        let legacyUpdate = try input.attributeUpdates.flatMap(LegacyParameters.attributeUpdates)
        let expressions = try Self.expressions(
            condition: input.conditionExpression, update: input.updateExpression,
            names: input.expressionAttributeNames, values: input.expressionAttributeValues,
            legacyCondition: try LegacyParameters.expected(
                input.expected, conditionalOperator: input.conditionalOperator?.rawValue),
            legacyUpdate: legacyUpdate)
        let key = try Self.exactKey(input.key, table: table)
        let keyNames = Set(key.keys)
        if let name = expressions.updatedAttributeNames.sorted().first(where: keyNames.contains) {
            throw DynamoDBAPIError.validation(
                "One or more parameter values were invalid: Cannot update attribute \(name). This attribute is part of the key"
            )
        }
        let allOldOnFailure = input.returnValuesOnConditionCheckFailure?.rawValue == "ALL_OLD"
        let result = try store.write(table: table.name, key: key) { old in
            guard expressions.conditionHolds(on: old) else {
                throw DynamoDBAPIError.conditionalCheckFailed(item: allOldOnFailure ? old : nil)
            }
            do {
                return try Self.decideUpdate(old: old, key: key, expressions: expressions, table: table)
            } catch let error as DynamoDBValidationError
                where legacyUpdate != nil
                && (error.message.contains("Incorrect operand type")
                    || error.message.contains("An operand in the update expression has an incorrect data type"))
            {
                // An ADD or DELETE of AttributeUpdates onto a value of another kind: DynamoDB's legacy wording.
                throw DynamoDBValidationError("Type mismatch for attribute to update")
            }
        }
        let attributes: DynamoDBItem?
        switch input.returnValues?.rawValue ?? "NONE" {
        case "ALL_OLD": attributes = result.old
        case "ALL_NEW": attributes = result.new
        case "UPDATED_OLD": attributes = result.old.map(expressions.updatedValues(in:))
        case "UPDATED_NEW": attributes = result.new.map(expressions.updatedValues(in:))
        default: attributes = nil
        }
        return UpdateItemOutput(
            attributes: attributes.flatMap { $0.isEmpty ? nil : $0 },
            consumedCapacity: DynamoDBCapacity.report(
                .write(old: result.old, new: result.new, table: table), table: table.name,
                mode: input.returnConsumedCapacity))
    }

    func deleteItem(_ input: DeleteItemInput) throws -> DeleteItemOutput {
        try Self.refuseItemCollectionMetrics(input.returnItemCollectionMetrics, "DeleteItem")
        try LegacyParameters.refuseMixing(
            nonExpression: ["Expected": input.expected != nil],
            expression: ["ConditionExpression": input.conditionExpression != nil])
        let table = try table(input.tableName)
        try Self.allowReturnValues(input.returnValues, ["NONE", "ALL_OLD"])
        let expressions = try Self.expressions(
            condition: input.conditionExpression, names: input.expressionAttributeNames,
            values: input.expressionAttributeValues,
            legacyCondition: try LegacyParameters.expected(
                input.expected, conditionalOperator: input.conditionalOperator?.rawValue))
        let key = try Self.exactKey(input.key, table: table)
        let allOldOnFailure = input.returnValuesOnConditionCheckFailure?.rawValue == "ALL_OLD"
        let result = try store.write(table: table.name, key: key) { old in
            guard expressions.conditionHolds(on: old) else {
                throw DynamoDBAPIError.conditionalCheckFailed(item: allOldOnFailure ? old : nil)
            }
            return .delete
        }
        return DeleteItemOutput(
            attributes: input.returnValues?.rawValue == "ALL_OLD" ? result.old : nil,
            consumedCapacity: DynamoDBCapacity.report(
                .write(old: result.old, new: result.new, table: table), table: table.name,
                mode: input.returnConsumedCapacity))
    }

    /// What an update does to the item it finds (nil: none). An update that would leave a missing item with
    /// nothing but its key (only REMOVE or DELETE actions) creates nothing and writes no stream record, as
    /// DynamoDB; an UpdateItem with no update expression at all creates the key-only item, as DynamoDB does.
    static func decideUpdate(
        old: DynamoDBItem?, key: DynamoDBItem, expressions: ExpressionRequest, table: DynamoDBTable
    ) throws -> DynamoDBWriteDecision {
        let (updated, _) = try expressions.applyUpdate(to: old ?? key)
        if old == nil, expressions.update != nil, updated == key { return .keep }
        return .put(try validated(updated, table: table))
    }

    // MARK: queries

    func query(_ input: QueryInput) throws -> QueryOutput {
        // KeyConditions counts as a non-expression parameter only beside KeyConditionExpression: DynamoDB takes it
        // with a FilterExpression or a ProjectionExpression.
        try LegacyParameters.refuseMixing(
            nonExpression: [
                "AttributesToGet": input.attributesToGet != nil, "QueryFilter": input.queryFilter != nil,
                "ConditionalOperator": input.conditionalOperator != nil,
                "KeyConditions": input.keyConditions != nil && input.keyConditionExpression != nil,
            ],
            expression: [
                "ProjectionExpression": input.projectionExpression != nil,
                "FilterExpression": input.filterExpression != nil,
                "KeyConditionExpression": input.keyConditionExpression != nil,
            ])
        let table = try table(input.tableName)
        let (partitionKey, sortKey, index) = try Self.schema(table, indexName: input.indexName)
        // A query without a key condition is refused as such before its filter is looked at, as DynamoDB does.
        guard input.keyConditions != nil || input.keyConditionExpression != nil else {
            throw DynamoDBAPIError.validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
        }
        if let used = input.queryFilter?.keys.sorted().first(where: { [partitionKey.name, sortKey?.name].contains($0) })
        {
            throw DynamoDBAPIError.validation(
                "QueryFilter can only contain non-primary key attributes: Primary key attribute: \(used)")
        }
        let expressions = try Self.expressions(
            filter: input.filterExpression, keyCondition: input.keyConditionExpression,
            projection: input.projectionExpression, names: input.expressionAttributeNames,
            values: input.expressionAttributeValues,
            legacyFilter: try LegacyParameters.filter(
                input.queryFilter, conditionalOperator: input.conditionalOperator?.rawValue, parameter: "QueryFilter"),
            legacyKeyCondition: try input.keyConditions.map { conditions throws(DynamoDBValidationError) in
                try LegacyParameters.keyConditions(
                    conditions, partitionKey: partitionKey.name, sortKey: sortKey?.name,
                    keyTypes: Dictionary(
                        [(partitionKey.name, partitionKey.type)] + (sortKey.map { [($0.name, $0.type)] } ?? []),
                        uniquingKeysWith: { first, _ in first }))
            },
            legacyProjection: try input.attributesToGet.map(LegacyParameters.attributesToGet))
        if let index, !index.isLocal, input.consistentRead == true {
            throw DynamoDBAPIError.validation("Consistent reads are not supported on global secondary indexes")
        }
        // A filter may not read the key attributes of what is queried (DynamoDB's message names the first).
        let keyNames = [partitionKey.name] + (sortKey.map { [$0.name] } ?? [])
        if let used = expressions.filter?.topLevelNames.first(where: keyNames.contains) {
            throw DynamoDBAPIError.validation(
                "Filter Expression can only contain non-primary key attributes: Primary key attribute: \(used)")
        }
        let condition = try expressions.keyCondition(partitionKey: partitionKey.name, sortKey: sortKey?.name)
        guard condition.partitionKeyValue.dynamoDBTypeName == partitionKey.type else {
            throw DynamoDBAPIError.validation(
                "One or more parameter values were invalid: Condition parameter type does not match schema type")
        }
        let sort = try condition.sortKeyPredicate.map { predicate -> DynamoDBStore.SortCondition in
            if let sortKey, predicate.values.contains(where: { $0.dynamoDBTypeName != sortKey.type }) {
                throw DynamoDBAPIError.validation(
                    "One or more parameter values were invalid: Condition parameter type does not match schema type")
            }
            switch predicate {
            case .equal(let value): return .equal(value)
            case .less(let value): return .less(value, orEqual: false)
            case .lessOrEqual(let value): return .less(value, orEqual: true)
            case .greater(let value): return .greater(value, orEqual: false)
            case .greaterOrEqual(let value): return .greater(value, orEqual: true)
            case .between(let low, let high): return .between(low, high)
            case .beginsWith(let prefix):
                guard sortKey?.type != "N" else {
                    throw DynamoDBAPIError.validation(
                        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
                    )
                }
                return .beginsWith(prefix)
            }
        }
        if let start = input.exclusiveStartKey {
            try Self.checkQueryStart(start, table: table, index: index, condition: condition)
        }
        var (output, bytes) = try page(
            table: table, index: index, limit: input.limit, select: input.select?.rawValue, expressions: expressions,
            exclusiveStart: input.exclusiveStartKey, isQuery: true
        ) { start, batch in
            try store.query(
                table: table.name, index: input.indexName, partition: condition.partitionKeyValue, sort: sort,
                forward: input.scanIndexForward ?? true, exclusiveStart: start, limit: batch)
        }
        output.consumedCapacity = DynamoDBCapacity.report(
            .scan(bytes: bytes, consistent: input.consistentRead == true, index: index),
            table: table.name, mode: input.returnConsumedCapacity)
        return output
    }

    func scan(_ input: ScanInput) throws -> ScanOutput {
        try LegacyParameters.refuseMixing(
            nonExpression: [
                "AttributesToGet": input.attributesToGet != nil, "ScanFilter": input.scanFilter != nil,
                "ConditionalOperator": input.conditionalOperator != nil,
            ],
            expression: [
                "ProjectionExpression": input.projectionExpression != nil,
                "FilterExpression": input.filterExpression != nil,
            ])
        let table = try table(input.tableName)
        let expressions = try Self.expressions(
            filter: input.filterExpression, projection: input.projectionExpression,
            names: input.expressionAttributeNames, values: input.expressionAttributeValues,
            legacyFilter: try LegacyParameters.filter(
                input.scanFilter, conditionalOperator: input.conditionalOperator?.rawValue, parameter: "ScanFilter"),
            legacyProjection: try input.attributesToGet.map(LegacyParameters.attributesToGet))
        let (_, _, index) = try Self.schema(table, indexName: input.indexName)
        if let index, !index.isLocal, input.consistentRead == true {
            throw DynamoDBAPIError.validation("Consistent reads are not supported on global secondary indexes")
        }
        let (segment, totalSegments) = try Self.segments(input.segment, of: input.totalSegments)
        if let start = input.exclusiveStartKey {
            try Self.checkScanStart(start, table: table, index: index, segment: segment, of: totalSegments)
        }
        let result = try page(
            table: table, index: index, limit: input.limit, select: input.select?.rawValue, expressions: expressions,
            exclusiveStart: input.exclusiveStartKey
        ) { start, batch in
            try store.scan(
                table: table.name, index: input.indexName, exclusiveStart: start, limit: batch, segment: segment,
                totalSegments: totalSegments)
        }
        return ScanOutput(
            items: result.query.items, count: result.query.count, scannedCount: result.query.scannedCount,
            lastEvaluatedKey: result.query.lastEvaluatedKey,
            consumedCapacity: DynamoDBCapacity.report(
                .scan(bytes: result.bytes, consistent: input.consistentRead == true, index: index, minimumUnits: 4),
                table: table.name, mode: input.returnConsumedCapacity))
    }

    // MARK: ExclusiveStartKey

    /// The attributes an ExclusiveStartKey holds: the table's key, and the index's when one is read.
    static func startKeyNames(table: DynamoDBTable, index: DynamoDBTable.Index?) -> Set<String> {
        Set(
            [table.partitionKey, index?.partitionKey].compactMap { $0?.name }
                + [table.sortKey, index?.sortKey].compactMap { $0?.name })
    }

    /// A Query's ExclusiveStartKey, checked as DynamoDB checks it (DynamoDB's texts, as scylladb's Alternator
    /// tests quote them): exactly the key attributes; a table without a sort key cannot be restarted; a start
    /// outside the queried partition or the sort key's condition is refused.
    static func checkQueryStart(
        _ start: DynamoDBItem, table: DynamoDBTable, index: DynamoDBTable.Index?, condition: DynamoDBKeyCondition
    ) throws {
        guard Set(start.keys) == startKeyNames(table: table, index: index) else {
            throw DynamoDBAPIError.validation("The provided starting key is invalid")
        }
        try startKey(start, table: table)
        if index == nil, table.sortKey == nil {
            let described = start.sorted { $0.key < $1.key }.map { name, value in
                "\(name)=AttributeValue: {\(value.dynamoDBTypeName):\(Self.plainText(value))}"
            }
            throw DynamoDBAPIError.validation(
                "The provided exclusive start key is invalid: ExclusiveStartKey: {\(described.joined(separator: ", "))}"
            )
        }
        let partitionKey = index?.partitionKey ?? table.partitionKey
        let samePartition =
            start[partitionKey.name].map {
                ExpressionValues.equal($0, condition.partitionKeyValue)
            } ?? false
        guard let predicate = condition.sortKeyPredicate, let sortKey = index?.sortKey ?? table.sortKey else {
            if !samePartition {
                throw DynamoDBAPIError.validation(
                    "The provided starting key is outside query boundaries based on provided conditions")
            }
            return
        }
        guard let sortValue = start[sortKey.name], predicate.matches(sortValue) else {
            throw DynamoDBAPIError.validation("The provided starting key does not match the range key predicate")
        }
        if !samePartition {
            throw DynamoDBAPIError.validation("The query can return at most one row and cannot be restarted")
        }
    }

    /// A Scan's ExclusiveStartKey: exactly the key attributes, in the segment scanned.
    static func checkScanStart(
        _ start: DynamoDBItem, table: DynamoDBTable, index: DynamoDBTable.Index?, segment: Int, of total: Int
    ) throws {
        guard Set(start.keys) == startKeyNames(table: table, index: index) else {
            throw DynamoDBAPIError.validation(
                "The provided starting key is invalid"
                    + (index == nil ? ": The provided key element does not match the schema" : ""))
        }
        try startKey(start, table: table)
        if total > 1 {
            let (partition, _) = try DynamoDBStore.encodedKey(table: table, key: start)
            guard DynamoDBStore.segment(ofEncodedPartition: partition, totalSegments: total) == segment else {
                throw DynamoDBAPIError.validation(
                    "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey "
                        + "with correct Segment. TotalSegments: \(total) Segment: \(segment)")
            }
        }
    }

    /// The table key of a start key, its types and values checked with the table's key rules.
    private static func startKey(_ start: DynamoDBItem, table: DynamoDBTable) throws {
        do {
            _ = try key(of: start, table: table)
        } catch let error as DynamoDBAPIError {
            throw DynamoDBAPIError.validation("The provided starting key is invalid: \(error.message)")
        }
    }

    /// A scalar's text as DynamoDB prints it inside a message (a binary in base 64).
    static func plainText(_ value: AttributeValue) -> String {
        switch value {
        case .s(let text), .n(let text): text
        case .b(let data): data.base64EncodedString()
        default: value.dynamoDBTypeName
        }
    }

    /// Scan's Segment and TotalSegments, checked as DynamoDB checks them (docs/aws-behaviour-notes.md §1).
    static func segments(_ segment: Int?, of total: Int?) throws -> (segment: Int, total: Int) {
        if let segment, segment < 0 || segment > 999_999 {
            throw DynamoDBAPIError.validation(Paging.rangeMessage(segment, member: "segment", 0...999_999))
        }
        if let total, total < 1 {
            throw DynamoDBAPIError.validation(Paging.rangeMessage(total, member: "totalSegments", 1...1_000_000))
        }
        if let total, total > 1_000_000 {
            throw DynamoDBAPIError.validation(
                "1 validation error detected: Value at 'totalSegments' failed to satisfy constraint: Member must have "
                    + "value between 1 and 1000000")
        }
        switch (segment, total) {
        case (nil, nil):
            return (0, 1)
        case (_?, nil):
            throw DynamoDBAPIError.validation(
                "The TotalSegments parameter is required but was not present in the request when Segment parameter "
                    + "is present")
        case (nil, _?):
            throw DynamoDBAPIError.validation(
                "The Segment parameter is required but was not present in the request when parameter TotalSegments "
                    + "is present")
        case (let segment?, let total?):
            guard segment < total else {
                throw DynamoDBAPIError.validation(
                    "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: "
                        + "\(segment) is not less than TotalSegments: \(total)")
            }
            return (segment, total)
        }
    }

    /// Reads items batch by batch until `limit` items were evaluated or 1 MB was read; applies the filter and
    /// projection; the last evaluated key says where the next page starts.
    private func page(
        table: DynamoDBTable, index: DynamoDBTable.Index?, limit: Int?, select: String?, expressions: ExpressionRequest,
        exclusiveStart: DynamoDBItem?, isQuery: Bool = false, fetch: (DynamoDBItem?, Int) throws -> [DynamoDBItem]
    ) throws -> (query: QueryOutput, bytes: Int) {
        if let limit, limit < 1 {
            // Query's message names no value and capitalises Limit; Scan's is the model's (as DynamoDB answers).
            throw DynamoDBAPIError.validation(
                isQuery
                    ? "1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must have "
                        + "value greater than or equal to 1"
                    : Paging.rangeMessage(limit, member: "limit", 1...Int.max))
        }
        try Self.checkSelect(select, index: index, table: table, expressions: expressions)
        // A local index fetches from the table what it does not project (DynamoDB reads the item then): its filter
        // sees the whole item, and Select=ALL_ATTRIBUTES or a projection returns what the table holds.
        let fetchesFromTable =
            index?.isLocal == true && (select == "ALL_ATTRIBUTES" || expressions.projection != nil)
        var items: [DynamoDBItem] = []
        var evaluated = 0
        var bytes = 0
        var start = exclusiveStart
        var lastEvaluated: DynamoDBItem?
        var exhausted = false
        while !exhausted {
            let wanted = min(limit.map { $0 - evaluated } ?? 1000, 1000)
            let batch = try fetch(start, wanted)
            if batch.count < wanted { exhausted = true }
            for item in batch {
                evaluated += 1
                bytes += dynamoDBItemSize(item)
                lastEvaluated = item
                let visible =
                    fetchesFromTable ? item : index.map { Self.indexProjection(item, index: $0, table: table) } ?? item
                if expressions.filterMatches(index?.isLocal == true ? item : visible) {
                    items.append(expressions.project(visible))
                }
                if let limit, evaluated >= limit { break }
                if bytes >= Self.pageSize { break }
            }
            if let limit, evaluated >= limit { break }
            if bytes >= Self.pageSize { break }
            guard let last = batch.last else { break }
            start = last
        }
        // A LastEvaluatedKey whenever the page stopped before the end (AWS also sends one when the limit is met
        // exactly by the last item).
        // A Query of a table without a sort key reads one item at most and cannot be restarted: no key then.
        let singleItem = isQuery && index == nil && table.sortKey == nil
        let stoppedEarly =
            !singleItem && (!exhausted || (limit.map { evaluated >= $0 } ?? false) || bytes >= Self.pageSize)
        var lastKey: DynamoDBItem?
        if stoppedEarly, let lastEvaluated {
            lastKey = try Self.key(of: lastEvaluated, table: table)
            if let index {
                for key in [index.partitionKey] + (index.sortKey.map { [$0] } ?? []) {
                    lastKey?[key.name] = lastEvaluated[key.name]
                }
            }
        }
        let countOnly = select == "COUNT"
        return (
            QueryOutput(
                items: countOnly ? nil : items, count: items.count, scannedCount: evaluated, lastEvaluatedKey: lastKey),
            bytes
        )
    }

    /// Select's value against what is read (DynamoDB's checks and texts): ALL_PROJECTED_ATTRIBUTES only on an
    /// index, ALL_ATTRIBUTES on a global index only when it projects everything, SPECIFIC_ATTRIBUTES only with
    /// a projection and a projection only with it (or no Select).
    static func checkSelect(
        _ select: String?, index: DynamoDBTable.Index?, table: DynamoDBTable, expressions: ExpressionRequest
    ) throws {
        let invalid = "One or more parameter values were invalid: "
        switch select {
        case "ALL_PROJECTED_ATTRIBUTES" where index == nil:
            throw DynamoDBAPIError.validation(
                invalid + "Select type ALL_PROJECTED_ATTRIBUTES is supported only for index queries")
        case "ALL_ATTRIBUTES" where index.map { !$0.isLocal && $0.projectionType != "ALL" } ?? false:
            throw DynamoDBAPIError.validation(
                invalid + "Select type ALL_ATTRIBUTES is not supported for global secondary index "
                    + "\(index?.name ?? "") because its projection type is not ALL")
        case "SPECIFIC_ATTRIBUTES" where expressions.projection == nil:
            throw DynamoDBAPIError.validation(
                invalid + "Select type SPECIFIC_ATTRIBUTES requires a ProjectionExpression or AttributesToGet")
        case .some(let select) where select != "SPECIFIC_ATTRIBUTES" && expressions.projection != nil:
            throw DynamoDBAPIError.validation(
                invalid + "Cannot specify the AttributesToGet or ProjectionExpression when choosing to get "
                    + "\(select)")
        default: break
        }
        // A global index cannot fetch from the table: a projection may name only what it projects.
        if let index, !index.isLocal, index.projectionType != "ALL", let projection = expressions.projection {
            let projected = projectedNames(index: index, table: table)
            let missing = projection.map(\.topLevelName).filter { !projected.contains($0) }
            if !missing.isEmpty {
                throw DynamoDBAPIError.validation(
                    invalid
                        + "Global secondary index \(index.name) does not project [\(missing.joined(separator: ", "))]")
            }
        }
    }

    /// The top-level attributes an index holds when it does not project everything: the table's keys, its own
    /// and, for INCLUDE, the named ones.
    static func projectedNames(index: DynamoDBTable.Index, table: DynamoDBTable) -> Set<String> {
        var names = Set([table.partitionKey.name, index.partitionKey.name])
        for key in [table.sortKey, index.sortKey].compactMap({ $0 }) { names.insert(key.name) }
        if index.projectionType == "INCLUDE" { names.formUnion(index.nonKeyAttributes ?? []) }
        return names
    }

    /// What a GSI holds of an item: its keys and the table's keys, plus the named attributes for INCLUDE.
    static func indexProjection(_ item: DynamoDBItem, index: DynamoDBTable.Index, table: DynamoDBTable) -> DynamoDBItem
    {
        guard index.projectionType != "ALL" else { return item }
        let names = projectedNames(index: index, table: table)
        return item.filter { names.contains($0.key) }
    }

    // MARK: batches

    func batchGetItem(_ input: BatchGetItemInput) throws -> BatchGetItemOutput {
        guard !input.requestItems.isEmpty else {
            throw DynamoDBAPIError.validation("The requestItems parameter is required for BatchGetItem")
        }
        for (name, request) in input.requestItems.sorted(by: { $0.key < $1.key }) where request.keys.count > 100 {
            throw DynamoDBAPIError.validation(
                "1 validation error detected: Value at 'RequestItems.\(name).member.Keys' failed to satisfy "
                    + "constraint: Member must have length less than or equal to 100")
        }
        let total = input.requestItems.values.reduce(0) { $0 + $1.keys.count }
        guard total <= 100 else {
            throw DynamoDBAPIError.validation("Too many items requested for the BatchGetItem call")
        }
        var responses: [String: [DynamoDBItem]] = [:]
        var spent: [String: DynamoDBCapacity] = [:]
        let asked = DynamoDBCapacity.isAsked(input.returnConsumedCapacity)
        for (name, request) in input.requestItems {
            let table = try table(name)
            try LegacyParameters.refuseMixing(
                nonExpression: ["AttributesToGet": request.attributesToGet != nil],
                expression: ["ProjectionExpression": request.projectionExpression != nil])
            let expressions = try Self.expressions(
                projection: request.projectionExpression, names: request.expressionAttributeNames, values: nil,
                legacyProjection: try request.attributesToGet.map(LegacyParameters.attributesToGet))
            let keys = try request.keys.map { try Self.exactKey($0, table: table) }
            guard Set(keys.map(DynamoDBJSON.text)).count == keys.count else {
                throw DynamoDBAPIError.validation("Provided list of item keys contains duplicates")
            }
            var found: [DynamoDBItem] = []
            var capacity = DynamoDBCapacity()
            for key in keys {
                let item = try store.getItem(table: name, key: key)
                if asked { capacity = capacity + .read(item, consistent: request.consistentRead == true) }
                if let item { found.append(expressions.project(item)) }
            }
            responses[name] = found
            spent[name] = capacity
        }
        return BatchGetItemOutput(
            responses: responses, unprocessedKeys: [:],
            consumedCapacity: DynamoDBCapacity.report(spent, mode: input.returnConsumedCapacity))
    }

    func batchWriteItem(_ input: BatchWriteItemInput) throws -> BatchWriteItemOutput {
        try Self.refuseItemCollectionMetrics(input.returnItemCollectionMetrics, "BatchWriteItem")
        let total = input.requestItems.values.reduce(0) { $0 + $1.count }
        guard total <= 25 else {
            throw DynamoDBAPIError.validation(
                "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"
            )
        }
        var writes: [DynamoDBTransactWrite] = []
        var tables: [DynamoDBTable] = []
        var seen = Set<String>()
        for (name, requests) in input.requestItems.sorted(by: { $0.key < $1.key }) {
            let table = try table(name)
            for request in requests {
                let key: DynamoDBItem
                let decision: DynamoDBWriteDecision
                if let put = request.putRequest {
                    let item = try Self.validated(put.item, table: table)
                    key = try Self.key(of: item, table: table)
                    decision = .put(item)
                } else if let delete = request.deleteRequest {
                    key = try Self.exactKey(delete.key, table: table)
                    decision = .delete
                } else {
                    throw DynamoDBAPIError.validation(
                        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
                    )
                }
                let identity = name + "/" + (try DynamoDBStore.json(key))
                guard seen.insert(identity).inserted else {
                    throw DynamoDBAPIError.validation("Provided list of item keys contains duplicates")
                }
                writes.append(DynamoDBTransactWrite(table: name, key: key) { _ in decision })
                tables.append(table)
            }
        }
        // Each write stands alone in AWS; here they commit together, which is one of the outcomes AWS allows.
        let results = try store.transact(writes)
        return BatchWriteItemOutput(
            unprocessedItems: [:],
            consumedCapacity: DynamoDBCapacity.report(
                Self.spentPerTable(results, tables: tables), mode: input.returnConsumedCapacity))
    }

    // MARK: transactions

    func transactWriteItems(_ input: TransactWriteItemsInput) throws -> TransactWriteItemsOutput {
        try Self.refuseItemCollectionMetrics(input.returnItemCollectionMetrics, "TransactWriteItems")
        guard (1...100).contains(input.transactItems.count) else {
            throw DynamoDBAPIError.validation(
                "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"
            )
        }
        if let token = input.clientRequestToken {
            let fingerprint = try Self.fingerprint(input.transactItems)
            // A token is remembered ten minutes of the host's clock, as DynamoDB does.
            let now = store.now()
            let replay = try tokens.withLock { tokens -> Bool in
                tokens = tokens.filter { now.timeIntervalSince($0.value.time) < 600 }
                guard let previous = tokens[token] else { return false }
                guard previous.fingerprint == fingerprint else {
                    throw DynamoDBAPIError(
                        code: "IdempotentParameterMismatchException",
                        message: "The request uses the same client token as a previous, but non-identical request.")
                }
                return true
            }
            if replay { return TransactWriteItemsOutput() }
        }
        var writes: [DynamoDBTransactWrite] = []
        var tables: [DynamoDBTable] = []
        var returnOld: [Bool] = []
        var seen = Set<String>()
        // An item that fails its own validation (its key, its attributes) cancels the transaction with a
        // ValidationError reason in its place and None elsewhere (nothing after it is looked at), as DynamoDB
        // answers; a malformed request (an expression, a placeholder) is a ValidationException of the whole.
        func itemLevel<T>(_ check: () throws -> T) throws -> T {
            do {
                return try check()
            } catch let error as DynamoDBAPIError where error.code == "ValidationException" {
                let reasons = input.transactItems.indices.map { index in
                    index == writes.count
                        ? CancellationReason(code: "ValidationError", message: error.message)
                        : CancellationReason(code: "None")
                }
                throw Self.canceled(reasons)
            }
        }
        for entry in input.transactItems {
            let actions = [entry.conditionCheck != nil, entry.put != nil, entry.update != nil, entry.delete != nil]
            guard actions.filter({ $0 }).count == 1 else {
                throw DynamoDBAPIError.validation("TransactItems can only contain one of Check, Put, Update or Delete")
            }
            let table = try table(
                entry.conditionCheck?.tableName ?? entry.put?.tableName ?? entry.update?.tableName
                    ?? entry.delete?.tableName ?? "")
            let write: DynamoDBTransactWrite
            if let check = entry.conditionCheck {
                let expressions = try ExpressionRequest(
                    conditionExpression: check.conditionExpression,
                    expressionAttributeNames: check.expressionAttributeNames,
                    expressionAttributeValues: check.expressionAttributeValues)
                returnOld.append(check.returnValuesOnConditionCheckFailure?.rawValue == "ALL_OLD")
                let checkKey = try itemLevel { try Self.exactKey(check.key, table: table) }
                write = DynamoDBTransactWrite(table: table.name, key: checkKey) {
                    old in
                    guard expressions.conditionHolds(on: old) else { throw TransactConditionFailed() }
                    return .keep
                }
            } else if let put = entry.put {
                let expressions = try ExpressionRequest(
                    conditionExpression: put.conditionExpression,
                    expressionAttributeNames: put.expressionAttributeNames,
                    expressionAttributeValues: put.expressionAttributeValues)
                let item = try itemLevel { try Self.validated(put.item, table: table) }
                returnOld.append(put.returnValuesOnConditionCheckFailure?.rawValue == "ALL_OLD")
                write = DynamoDBTransactWrite(table: table.name, key: try Self.key(of: item, table: table)) { old in
                    guard expressions.conditionHolds(on: old) else { throw TransactConditionFailed() }
                    return .put(item)
                }
            } else if let update = entry.update {
                let expressions = try ExpressionRequest(
                    conditionExpression: update.conditionExpression, updateExpression: update.updateExpression,
                    expressionAttributeNames: update.expressionAttributeNames,
                    expressionAttributeValues: update.expressionAttributeValues)
                let key = try itemLevel { try Self.exactKey(update.key, table: table) }
                if let name = expressions.updatedAttributeNames.sorted().first(where: Set(key.keys).contains) {
                    throw DynamoDBAPIError.validation(
                        "One or more parameter values were invalid: Cannot update attribute \(name). This attribute is part of the key"
                    )
                }
                returnOld.append(update.returnValuesOnConditionCheckFailure?.rawValue == "ALL_OLD")
                write = DynamoDBTransactWrite(table: table.name, key: key) { old in
                    guard expressions.conditionHolds(on: old) else { throw TransactConditionFailed() }
                    return try Self.decideUpdate(old: old, key: key, expressions: expressions, table: table)
                }
            } else if let delete = entry.delete {
                let expressions = try ExpressionRequest(
                    conditionExpression: delete.conditionExpression,
                    expressionAttributeNames: delete.expressionAttributeNames,
                    expressionAttributeValues: delete.expressionAttributeValues)
                returnOld.append(delete.returnValuesOnConditionCheckFailure?.rawValue == "ALL_OLD")
                let deleteKey = try itemLevel { try Self.exactKey(delete.key, table: table) }
                write = DynamoDBTransactWrite(table: table.name, key: deleteKey) {
                    old in
                    guard expressions.conditionHolds(on: old) else { throw TransactConditionFailed() }
                    return .delete
                }
            } else {
                continue
            }
            let identity = write.table + "/" + (try DynamoDBStore.json(write.key))
            guard seen.insert(identity).inserted else {
                throw DynamoDBAPIError.validation("Transaction request cannot include multiple operations on one item")
            }
            writes.append(write)
            tables.append(table)
        }
        // "The aggregate size of the items in the transaction cannot exceed 4 MB" (the items a Put carries).
        let putBytes = input.transactItems.reduce(0) { $0 + ($1.put.map { dynamoDBItemSize($0.item) } ?? 0) }
        if putBytes > 4 * 1024 * 1024 {
            throw DynamoDBAPIError.validation(
                "Transaction request size cannot exceed 4 MB: its items hold \(putBytes) bytes")
        }
        let results: [DynamoDBWriteResult]
        do {
            results = try store.transact(writes)
        } catch let canceled as DynamoDBTransactionCanceled {
            // Re-read the items that failed their condition, for ReturnValuesOnConditionCheckFailure = ALL_OLD.
            var reasons: [CancellationReason] = []
            for (index, reason) in canceled.reasons.enumerated() {
                switch reason {
                case nil:
                    reasons.append(CancellationReason(code: "None"))
                case is TransactConditionFailed:
                    let item =
                        returnOld[index] ? try store.getItem(table: writes[index].table, key: writes[index].key) : nil
                    reasons.append(
                        CancellationReason(
                            code: "ConditionalCheckFailed", message: "The conditional request failed", item: item))
                case let error as DynamoDBValidationError:
                    reasons.append(CancellationReason(code: "ValidationError", message: error.message))
                case let error as DynamoDBAPIError:
                    reasons.append(CancellationReason(code: "ValidationError", message: error.message))
                case let error as any AWSServiceError:
                    reasons.append(CancellationReason(code: "ValidationError", message: error.message))
                case let error?:
                    reasons.append(CancellationReason(code: "ValidationError", message: error.localizedDescription))
                }
            }
            throw Self.canceled(reasons)
        }
        if let token = input.clientRequestToken {
            let fingerprint = try Self.fingerprint(input.transactItems)
            tokens.withLock { $0[token] = (fingerprint, store.now()) }
        }
        // A transaction spends twice what its writes would.
        return TransactWriteItemsOutput(
            consumedCapacity: DynamoDBCapacity.report(
                Self.spentPerTable(results, tables: tables).mapValues { $0.scaled(by: 2) },
                mode: input.returnConsumedCapacity))
    }

    /// The capacity of writes done (one result per write, in the order of `tables`), summed per table.
    static func spentPerTable(_ results: [DynamoDBWriteResult], tables: [DynamoDBTable]) -> [String: DynamoDBCapacity] {
        var spent: [String: DynamoDBCapacity] = [:]
        for (result, table) in zip(results, tables) {
            spent[table.name, default: DynamoDBCapacity()] =
                spent[table.name, default: DynamoDBCapacity()]
                + .write(old: result.old, new: result.new, table: table)
        }
        return spent
    }

    /// ReturnItemCollectionMetrics=SIZE asks for what the host does not compute: refused by name, not dropped.
    static func refuseItemCollectionMetrics(_ value: ReturnItemCollectionMetrics?, _ operation: String) throws {
        guard let value, value.rawValue != "NONE" else { return }
        try DynamoDBTableOperations.refuseUnimplemented(
            operation, ["ReturnItemCollectionMetrics=\(value.rawValue)": true])
    }

    /// TransactionCanceledException with its reasons, one per action.
    static func canceled(_ reasons: [CancellationReason]) -> DynamoDBAPIError {
        let codes = reasons.map { $0.code ?? "None" }.joined(separator: ", ")
        return DynamoDBAPIError(
            code: "TransactionCanceledException",
            message: "Transaction cancelled, please refer cancellation reasons for specific reasons [\(codes)]",
            cancellationReasons: reasons)
    }

    func transactGetItems(_ input: TransactGetItemsInput) throws -> TransactGetItemsOutput {
        guard (1...100).contains(input.transactItems.count) else {
            throw DynamoDBAPIError.validation(
                "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"
            )
        }
        var responses: [ItemResponse] = []
        var spent: [String: DynamoDBCapacity] = [:]
        for entry in input.transactItems {
            let get = entry.get
            let table = try table(get.tableName)
            let expressions = try ExpressionRequest(
                projectionExpression: get.projectionExpression, expressionAttributeNames: get.expressionAttributeNames)
            let item = try store.getItem(table: table.name, key: try Self.exactKey(get.key, table: table))
            responses.append(ItemResponse(item: item.map(expressions.project)))
            // A transactional read is a consistent one, twice over.
            guard DynamoDBCapacity.isAsked(input.returnConsumedCapacity) else { continue }
            spent[table.name, default: DynamoDBCapacity()] =
                spent[table.name, default: DynamoDBCapacity()]
                + DynamoDBCapacity.read(item, consistent: true).scaled(by: 2)
        }
        return TransactGetItemsOutput(
            consumedCapacity: DynamoDBCapacity.report(spent, mode: input.returnConsumedCapacity), responses: responses)
    }

    /// The request's expressions, with the translations of its legacy parameters (AttributesToGet, Expected,
    /// AttributeUpdates, KeyConditions, QueryFilter, ScanFilter) in place of the expressions they stand for. The
    /// request's own placeholders are checked first as DynamoDB checks them (names without an expression of the
    /// request's own are an error even when a legacy parameter is translated).
    static func expressions(
        condition: String? = nil, filter: String? = nil, keyCondition: String? = nil, projection: String? = nil,
        update: String? = nil, names: [String: String]?, values: [String: AttributeValue]?,
        legacyCondition: LegacyTranslation? = nil, legacyFilter: LegacyTranslation? = nil,
        legacyKeyCondition: LegacyTranslation? = nil, legacyProjection: LegacyTranslation? = nil,
        legacyUpdate: LegacyTranslation? = nil
    ) throws(DynamoDBValidationError) -> ExpressionRequest {
        let request = try ExpressionRequest(
            conditionExpression: condition, filterExpression: filter, keyConditionExpression: keyCondition,
            projectionExpression: projection, updateExpression: update, expressionAttributeNames: names,
            expressionAttributeValues: values)
        let legacy = [legacyCondition, legacyFilter, legacyKeyCondition, legacyProjection, legacyUpdate]
        guard legacy.contains(where: { $0 != nil }) else { return request }
        let (allNames, allValues) = LegacyTranslation.merge(legacy, names: names, values: values)
        // The caller's expressions were held to DynamoDB's 4 KB above; what the legacy parameters become is not
        // (DynamoDB bounds those by their own counts, such as an item's 400 KB).
        return try ExpressionRequest(
            conditionExpression: condition ?? legacyCondition?.expression,
            filterExpression: filter ?? legacyFilter?.expression,
            keyConditionExpression: keyCondition ?? legacyKeyCondition?.expression,
            projectionExpression: projection ?? legacyProjection?.expression,
            updateExpression: update ?? legacyUpdate?.expression, expressionAttributeNames: allNames,
            expressionAttributeValues: allValues, maximumSize: .max)
    }

    struct TransactConditionFailed: Error {}

    /// The same request always gives the same bytes (dictionary keys sorted), so a retry is recognised.
    static func fingerprint(_ items: [TransactWriteItem]) throws -> Data {
        var writer = AWSJSONWriter()
        writer.beginArray()
        for item in items { item.write(to: &writer) }
        writer.endArray()
        return Data(writer.bytes)
    }

    /// The table an item operation names; AWS's message for a missing one is shorter than for table operations.
    /// A name no table can have is a ValidationException (the model's constraint), as DynamoDB answers.
    private func table(_ name: String) throws -> DynamoDBTable {
        guard let table = try store.table(named: name) else {
            try DynamoDBTableOperations.validateName(name)
            throw DynamoDBAPIError.resourceNotFound()
        }
        return table
    }

    // MARK: validation

    static func allowReturnValues(_ value: ReturnValue?, _ allowed: Set<String>) throws {
        guard let value, !allowed.contains(value.rawValue) else { return }
        throw DynamoDBAPIError.validation("Return values set to invalid value")
    }

    /// The schema a Query or Scan reads: the table's keys or the index's.
    static func schema(_ table: DynamoDBTable, indexName: String?) throws -> (
        DynamoDBTable.Key, DynamoDBTable.Key?, DynamoDBTable.Index?
    ) {
        guard let indexName else { return (table.partitionKey, table.sortKey, nil) }
        guard let index = table.indexes.first(where: { $0.name == indexName }) else {
            throw DynamoDBAPIError.validation("The table does not have the specified index: \(indexName)")
        }
        return (index.partitionKey, index.sortKey, index)
    }

    /// Checks an incoming item: numbers, key attributes and their types, empty values, index keys, size.
    static func validated(_ item: DynamoDBItem, table: DynamoDBTable) throws -> DynamoDBItem {
        if item.keys.contains("") {
            throw DynamoDBAPIError.validation("One or more parameter values were invalid: Empty attribute name")
        }
        let item = try item.canonicalizedItem()
        _ = try key(of: item, table: table)
        for index in table.indexes {
            for (position, key) in [(0, index.partitionKey)] + (index.sortKey.map { [(1, $0)] } ?? []) {
                guard let value = item[key.name] else { continue }
                if value.dynamoDBTypeName != key.type {
                    throw DynamoDBAPIError.validation(
                        "One or more parameter values were invalid: Type mismatch for Index Key \(key.name) Expected: \(key.type) Actual: \(value.dynamoDBTypeName) IndexName: \(index.name)"
                    )
                }
                if Self.keySize(value) == 0 {
                    throw DynamoDBAPIError.validation(
                        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty \(key.type == "B" ? "binary" : "string") value. IndexName: \(index.name), IndexKey: \(key.name)"
                    )
                }
                // An index's keys are bounded as the table's are (2048 bytes for a partition key, 1024 for a sort key).
                let limit = position == 0 ? 2048 : 1024
                if Self.keySize(value) > limit {
                    throw DynamoDBAPIError.validation(
                        "One or more parameter values were invalid: Size limit exceeded for Index Key \(key.name) Actual Size: \(Self.keySize(value)) bytes Max Size: \(limit) bytes IndexName: \(index.name)"
                    )
                }
            }
        }
        guard dynamoDBItemSize(item) <= maximumItemSize else {
            throw DynamoDBAPIError.validation("Item size has exceeded the maximum allowed size")
        }
        return item
    }

    /// The key attributes of a full item (others ignored).
    static func key(of item: DynamoDBItem, table: DynamoDBTable) throws -> DynamoDBItem {
        switch table.key(of: item) {
        case .failure(let error): throw DynamoDBAPIError.validation(error.message)
        case .success(let key):
            for (name, value) in key {
                if case .s(let text) = value, text.isEmpty {
                    throw DynamoDBAPIError.validation(
                        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: \(name)"
                    )
                }
                if case .b(let data) = value, data.isEmpty {
                    throw DynamoDBAPIError.validation(
                        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: \(name)"
                    )
                }
            }
            // DynamoDB's key sizes (the missing space in "of2048" is DynamoDB's).
            func size(_ value: AttributeValue?) -> Int { value.map(Self.keySize) ?? 0 }
            if size(key[table.partitionKey.name]) > 2048 {
                throw DynamoDBAPIError.validation(
                    "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit "
                        + "of2048 bytes")
            }
            if let sortKey = table.sortKey, size(key[sortKey.name]) > 1024 {
                throw DynamoDBAPIError.validation(
                    "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the "
                        + "size limit of 1024 bytes")
            }
            return try key.canonicalizedItem()
        }
    }

    /// A key value's size in bytes (a number counts its text).
    static func keySize(_ value: AttributeValue) -> Int {
        switch value {
        case .s(let text): text.utf8.count
        case .b(let data): data.count
        case .n(let text): text.utf8.count
        default: 0
        }
    }

    /// A `Key` parameter: exactly the key attributes.
    static func exactKey(_ key: DynamoDBItem, table: DynamoDBTable) throws -> DynamoDBItem {
        let expected = Set([table.partitionKey.name] + (table.sortKey.map { [$0.name] } ?? []))
        guard Set(key.keys) == expected else {
            throw DynamoDBAPIError.validation("The provided key element does not match the schema")
        }
        return try Self.key(of: key, table: table)
    }
}
