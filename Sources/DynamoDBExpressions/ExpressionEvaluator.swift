import AWSShapes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// DECISIONS:
// - Comparisons are type-strict: operands of different types are never equal, and never ordered (`<` etc. are
//   false). `<>` is the negation of `=`, so it is true across types and when either operand is missing.
// - N compares by value, S by UTF-8 bytes (not by Swift's Unicode-canonical `String` comparison), B by bytes.
//   Sets are equal when they hold the same elements in any order; lists element-wise; maps key-wise.
// - `size` gives the UTF-8 length of S, the byte count of B, and the element count of sets, L and M; for
//   other types (N, BOOL, NULL) or a missing attribute the operand is missing and the comparison is false.
// - `contains`: S in S or B in B (substring, bytes), an element of SS/NS/BS of the matching scalar type, or an element of a
//   list (deep equality). `begins_with`: S and B only.

/// Value semantics of DynamoDB expressions.
package enum ExpressionValues {
    /// DynamoDB equality (see DECISIONS).
    package static func equal(_ lhs: AttributeValue, _ rhs: AttributeValue) -> Bool {
        switch (lhs, rhs) {
        case (.s(let left), .s(let right)):
            return left.utf8.elementsEqual(right.utf8)
        case (.n(let left), .n(let right)):
            return compareNumbers(left, right) == 0
        case (.b(let left), .b(let right)):
            return left == right
        case (.bool(let left), .bool(let right)):
            return left == right
        case (.null, .null):
            return true
        case (.ss(let left), .ss(let right)):
            return Set(left.map { Array($0.utf8) }) == Set(right.map { Array($0.utf8) })
        case (.ns(let left), .ns(let right)):
            return Set(left.map(numberKey)) == Set(right.map(numberKey))
        case (.bs(let left), .bs(let right)):
            return Set(left) == Set(right)
        case (.l(let left), .l(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { equal($0, $1) }
        case (.m(let left), .m(let right)):
            return left.count == right.count
                && left.allSatisfy { key, value in right[key].map { equal(value, $0) } ?? false }
        default:
            return false
        }
    }

    /// Orders two N, two S or two B values: -1, 0 or 1; nil for any other pair (different or unordered types).
    package static func compareOrdered(_ lhs: AttributeValue, _ rhs: AttributeValue) -> Int? {
        switch (lhs, rhs) {
        case (.n(let left), .n(let right)):
            return compareNumbers(left, right)
        case (.s(let left), .s(let right)):
            return compareBytes(left.utf8, right.utf8)
        case (.b(let left), .b(let right)):
            return compareBytes(left, right)
        default:
            return nil
        }
    }

    /// Compares number texts by value (texts that are not numbers, which validated items never hold, compare as
    /// text).
    package static func compareNumbers(_ lhs: String, _ rhs: String) -> Int {
        if let left = try? DynamoDBNumber(lhs), let right = try? DynamoDBNumber(rhs) {
            return DynamoDBNumber.compare(left, right)
        }
        return compareBytes(lhs.utf8, rhs.utf8)
    }

    private static func numberKey(_ text: String) -> String {
        (try? DynamoDBNumber(text).canonicalText) ?? text
    }

    /// Lexicographic comparison of unsigned bytes: -1, 0 or 1.
    package static func compareBytes<Left: Sequence<UInt8>, Right: Sequence<UInt8>>(_ lhs: Left, _ rhs: Right) -> Int {
        var left = lhs.makeIterator()
        var right = rhs.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let l?, let r?) where l != r: return l < r ? -1 : 1
            default: continue
            }
        }
    }

    /// The value at `path` in `item`, or nil when any step is missing or of the wrong kind.
    package static func value(at path: ExpressionPath, in item: DynamoDBItem?) -> AttributeValue? {
        guard let item, case .name(let first) = path.elements.first, var current = item[first] else { return nil }
        for element in path.elements.dropFirst() {
            switch (element, current) {
            case (.name(let name), .m(let map)):
                guard let next = map[name] else { return nil }
                current = next
            case (.index(let index), .l(let list)):
                guard index < list.count else { return nil }
                current = list[index]
            default:
                return nil
            }
        }
        return current
    }

    /// The `size` of a value, or nil for types without one.
    package static func size(of value: AttributeValue) -> Int? {
        switch value {
        case .s(let text): text.utf8.count
        case .b(let data): data.count
        case .ss(let set): set.count
        case .ns(let set): set.count
        case .bs(let set): set.count
        case .l(let list): list.count
        case .m(let map): map.count
        case .n, .bool, .null: nil
        }
    }

    /// Whether `haystack` holds `needle` as a contiguous run.
    package static func containsBytes(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}

/// Evaluates parsed conditions against an item.
package enum ExpressionConditionEvaluator {
    /// Whether `condition` holds for `item` (nil: there is no item, so every attribute is missing).
    package static func evaluate(_ condition: ExpressionCondition, on item: DynamoDBItem?) -> Bool {
        switch condition {
        case .and(let left, let right):
            return evaluate(left, on: item) && evaluate(right, on: item)
        case .or(let left, let right):
            return evaluate(left, on: item) || evaluate(right, on: item)
        case .not(let inner):
            return !evaluate(inner, on: item)
        case .compare(let left, let comparator, let right):
            let (lhs, rhs) = (resolve(left, in: item), resolve(right, in: item))
            if comparator == .notEqual {
                guard let lhs, let rhs else { return true }
                return !ExpressionValues.equal(lhs, rhs)
            }
            guard let lhs, let rhs else { return false }
            if comparator == .equal { return ExpressionValues.equal(lhs, rhs) }
            guard let order = ExpressionValues.compareOrdered(lhs, rhs) else { return false }
            switch comparator {
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            case .equal, .notEqual: return false
            }
        case .between(let operand, let lower, let upper):
            guard let value = resolve(operand, in: item), let low = resolve(lower, in: item),
                let high = resolve(upper, in: item),
                let fromLow = ExpressionValues.compareOrdered(value, low),
                let toHigh = ExpressionValues.compareOrdered(value, high)
            else { return false }
            return fromLow >= 0 && toHigh <= 0
        case .isIn(let operand, let list):
            guard let value = resolve(operand, in: item) else { return false }
            return list.contains { candidate in
                resolve(candidate, in: item).map { ExpressionValues.equal(value, $0) } ?? false
            }
        case .attributeExists(let path):
            return ExpressionValues.value(at: path, in: item) != nil
        case .attributeNotExists(let path):
            return ExpressionValues.value(at: path, in: item) == nil
        case .attributeType(let operand, let typeOperand):
            guard let value = resolve(operand, in: item),
                case .s(let typeName)? = resolve(typeOperand, in: item)
            else { return false }
            return value.dynamoDBTypeName == typeName
        case .beginsWith(let operand, let prefixOperand):
            switch (resolve(operand, in: item), resolve(prefixOperand, in: item)) {
            case (.s(let text)?, .s(let prefix)?):
                return text.utf8.starts(with: prefix.utf8)
            case (.b(let data)?, .b(let prefix)?):
                return data.starts(with: prefix)
            default:
                return false
            }
        case .contains(let containerOperand, let operand):
            guard let container = resolve(containerOperand, in: item),
                let element = resolve(operand, in: item)
            else { return false }
            switch (container, element) {
            case (.s(let text), .s(let part)):
                return ExpressionValues.containsBytes(Array(text.utf8), Array(part.utf8))
            case (.b(let data), .b(let part)):
                return ExpressionValues.containsBytes(Array(data), Array(part))
            case (.ss(let set), .s):
                return set.contains { ExpressionValues.equal(.s($0), element) }
            case (.ns(let set), .n):
                return set.contains { ExpressionValues.equal(.n($0), element) }
            case (.bs(let set), .b):
                return set.contains { ExpressionValues.equal(.b($0), element) }
            case (.l(let list), _):
                return list.contains { ExpressionValues.equal($0, element) }
            default:
                return false
            }
        }
    }

    /// The value of an operand, or nil when it is missing.
    package static func resolve(_ operand: ExpressionOperand, in item: DynamoDBItem?) -> AttributeValue? {
        switch operand {
        case .value(let value):
            return value
        case .path(let path):
            return ExpressionValues.value(at: path, in: item)
        case .size(let path):
            guard let value = ExpressionValues.value(at: path, in: item),
                let size = ExpressionValues.size(of: value)
            else { return nil }
            return .n(String(size))
        }
    }
}
