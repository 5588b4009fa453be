import AWSShapes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// DECISIONS:
// - A KeyConditionExpression is `pk = :v` optionally AND-ed with one sort-key condition (`=`, `<`, `<=`, `>`,
//   `>=`, `BETWEEN`, `begins_with`); parentheses are allowed and `:v = pk` is read as `pk = :v`.
// - Shape errors found without the key schema are raised when the request is parsed:
//   "Invalid operator used in KeyConditionExpression: OR" (also NOT, IN, <>, and any function other than
//   begins_with), "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
//   "KeyConditionExpressions must only contain one condition per key",
//   "KeyConditionExpressions cannot have conditions on nested attributes",
//   "Conditions can be of length 1 or 2 only".
// - Errors against the key schema (as DynamoDB and moto word them): a missing partition key condition →
//   "Query condition missed key schema element: <pk>"; a non-`=` partition key condition or a condition on an
//   attribute that is not a key → "Query key condition not supported" (or the missed sort key element when the
//   table has one that the expression does not name).
// - Value types against the schema's attribute types are the caller's check (it knows the attribute
//   definitions).

/// A condition on one key attribute.
package enum DynamoDBKeyPredicate: Sendable, Equatable {
    case equal(AttributeValue)
    case less(AttributeValue)
    case lessOrEqual(AttributeValue)
    case greater(AttributeValue)
    case greaterOrEqual(AttributeValue)
    case between(AttributeValue, AttributeValue)
    case beginsWith(AttributeValue)

    /// The values the predicate compares with.
    package var values: [AttributeValue] {
        switch self {
        case .equal(let value), .less(let value), .lessOrEqual(let value), .greater(let value),
            .greaterOrEqual(let value), .beginsWith(let value):
            [value]
        case .between(let low, let high): [low, high]
        }
    }

    /// Whether a key value satisfies the predicate (type-strict: a value of another type never does).
    package func matches(_ value: AttributeValue) -> Bool {
        func order(_ bound: AttributeValue) -> Int? { ExpressionValues.compareOrdered(value, bound) }
        switch self {
        case .equal(let bound): return order(bound) == 0
        case .less(let bound): return order(bound).map { $0 < 0 } ?? false
        case .lessOrEqual(let bound): return order(bound).map { $0 <= 0 } ?? false
        case .greater(let bound): return order(bound).map { $0 > 0 } ?? false
        case .greaterOrEqual(let bound): return order(bound).map { $0 >= 0 } ?? false
        case .between(let low, let high):
            guard let fromLow = order(low), let toHigh = order(high) else { return false }
            return fromLow >= 0 && toHigh <= 0
        case .beginsWith(let prefix):
            switch (value, prefix) {
            case (.s(let text), .s(let start)): return text.utf8.starts(with: start.utf8)
            case (.b(let data), .b(let start)): return data.starts(with: start)
            default: return false
            }
        }
    }
}

/// A Query's key condition resolved against the key schema of the table or index queried.
package struct DynamoDBKeyCondition: Sendable, Equatable {
    /// The partition key attribute name and the value it must equal.
    package var partitionKeyName: String
    package var partitionKeyValue: AttributeValue
    /// The sort key attribute name, when the table or index has one.
    package var sortKeyName: String?
    /// The condition on the sort key, when the expression has one.
    package var sortKeyPredicate: DynamoDBKeyPredicate?

    /// Whether an item's sort key value satisfies the sort key condition (always true without one; false for a
    /// missing value when there is one).
    package func matches(sortValue: AttributeValue?) -> Bool {
        guard let sortKeyPredicate else { return true }
        guard let sortValue else { return false }
        return sortKeyPredicate.matches(sortValue)
    }

    /// Whether an item satisfies the whole key condition.
    package func matches(_ item: DynamoDBItem) -> Bool {
        guard let partition = item[partitionKeyName], ExpressionValues.equal(partition, partitionKeyValue) else {
            return false
        }
        return matches(sortValue: sortKeyName.flatMap { item[$0] })
    }
}

/// The key conditions of a parsed KeyConditionExpression, before the key schema is known.
package struct ExpressionKeyConditionParts: Sendable, Equatable {
    package var parts: [(name: String, predicate: DynamoDBKeyPredicate)]

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.parts.count == rhs.parts.count
            && zip(lhs.parts, rhs.parts).allSatisfy { $0.name == $1.name && $0.predicate == $1.predicate }
    }

    /// Checks the shape of a parsed key condition.
    package init(_ condition: ExpressionCondition) throws(DynamoDBValidationError) {
        var parts: [(name: String, predicate: DynamoDBKeyPredicate)] = []
        try Self.flatten(condition, into: &parts)
        var seen: Set<String> = []
        for part in parts where !seen.insert(part.name).inserted {
            throw DynamoDBValidationError("KeyConditionExpressions must only contain one condition per key")
        }
        if parts.count > 2 {
            throw DynamoDBValidationError("Conditions can be of length 1 or 2 only")
        }
        self.parts = parts
    }

    private static func invalidOperator(_ name: String) -> DynamoDBValidationError {
        DynamoDBValidationError("Invalid operator used in KeyConditionExpression: \(name)")
    }

    private static func keyName(_ path: ExpressionPath) throws(DynamoDBValidationError) -> String {
        guard path.elements.count == 1 else {
            throw DynamoDBValidationError("KeyConditionExpressions cannot have conditions on nested attributes")
        }
        return path.topLevelName
    }

    private static let multipleNames = DynamoDBValidationError(
        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition")

    private static func flatten(
        _ condition: ExpressionCondition, into parts: inout [(name: String, predicate: DynamoDBKeyPredicate)]
    ) throws(DynamoDBValidationError) {
        switch condition {
        case .and(let left, let right):
            try flatten(left, into: &parts)
            try flatten(right, into: &parts)
        case .or: throw invalidOperator("OR")
        case .not: throw invalidOperator("NOT")
        case .isIn: throw invalidOperator("IN")
        case .attributeExists: throw invalidOperator("attribute_exists")
        case .attributeNotExists: throw invalidOperator("attribute_not_exists")
        case .attributeType: throw invalidOperator("attribute_type")
        case .contains: throw invalidOperator("contains")
        case .compare(let left, let comparator, let right):
            if comparator == .notEqual { throw invalidOperator("<>") }
            let path: ExpressionPath
            let value: AttributeValue
            var comparator = comparator
            switch (left, right) {
            case (.size, _), (_, .size):
                throw invalidOperator("size")
            case (.path(let p), .value(let v)):
                (path, value) = (p, v)
            case (.value(let v), .path(let p)):
                (path, value, comparator) = (p, v, comparator.mirrored)
            case (.path, .path):
                throw multipleNames
            default:
                throw DynamoDBValidationError(
                    "Invalid condition in KeyConditionExpression: No key attribute specified")
            }
            let predicate: DynamoDBKeyPredicate =
                switch comparator {
                case .equal, .notEqual: .equal(value)
                case .less: .less(value)
                case .lessOrEqual: .lessOrEqual(value)
                case .greater: .greater(value)
                case .greaterOrEqual: .greaterOrEqual(value)
                }
            parts.append((try keyName(path), predicate))
        case .between(let operand, let lower, let upper):
            switch (operand, lower, upper) {
            case (.size, _, _): throw invalidOperator("size")
            case (.path(let path), .value(let low), .value(let high)):
                parts.append((try keyName(path), .between(low, high)))
            default:
                throw multipleNames
            }
        case .beginsWith(let first, let operand):
            guard case .path(let path) = first else {
                throw DynamoDBValidationError("Invalid condition in KeyConditionExpression: No key attribute specified")
            }
            guard case .value(let prefix) = operand else { throw multipleNames }
            parts.append((try keyName(path), .beginsWith(prefix)))
        }
    }

    /// Resolves the parts against a key schema.
    package func resolve(partitionKey: String, sortKey: String?) throws(DynamoDBValidationError) -> DynamoDBKeyCondition
    {
        guard let partition = parts.first(where: { $0.name == partitionKey }) else {
            throw DynamoDBValidationError("Query condition missed key schema element: \(partitionKey)")
        }
        guard case .equal(let partitionValue) = partition.predicate else {
            throw DynamoDBValidationError("Query key condition not supported")
        }
        let others = parts.filter { $0.name != partitionKey }
        var sortPredicate: DynamoDBKeyPredicate?
        if let other = others.first {
            guard let sortKey, other.name == sortKey else {
                if let sortKey, !others.contains(where: { $0.name == sortKey }) {
                    throw DynamoDBValidationError("Query condition missed key schema element: \(sortKey)")
                }
                throw DynamoDBValidationError("Query key condition not supported")
            }
            sortPredicate = other.predicate
        }
        return DynamoDBKeyCondition(
            partitionKeyName: partitionKey, partitionKeyValue: partitionValue, sortKeyName: sortKey,
            sortKeyPredicate: sortPredicate)
    }
}

/// The order of key values in DynamoDB: N by numeric value, S by UTF-8 bytes, B by unsigned bytes.
package enum DynamoDBKeyOrdering {
    /// -1, 0 or 1. Values of different types (which one key attribute never holds) order by type name.
    package static func compare(_ lhs: AttributeValue, _ rhs: AttributeValue) -> Int {
        if let order = ExpressionValues.compareOrdered(lhs, rhs) { return order }
        return ExpressionValues.compareBytes(lhs.dynamoDBTypeName.utf8, rhs.dynamoDBTypeName.utf8)
    }

    /// Whether `lhs` sorts before `rhs` (for `sort(by:)`).
    package static func areInIncreasingOrder(_ lhs: AttributeValue, _ rhs: AttributeValue) -> Bool {
        compare(lhs, rhs) < 0
    }
}
