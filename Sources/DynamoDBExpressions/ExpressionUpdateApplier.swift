import AWSShapes

// DECISIONS:
// - Every SET value is computed from the item as it was before the update (DynamoDB evaluates all operands
//   first), then the sections are applied: SET, REMOVE, ADD, DELETE. Targets never overlap (the parser rejects
//   that), so the order only matters for list indexes.
// - SET of a list index at or past the end appends; several such SETs of one list append in index order. REMOVE of list elements removes the highest index first, so
//   `REMOVE a[0], a[2]` removes the elements the indexes named in the original list; later elements shift down.
// - A path whose last step is missing is fine (SET creates it, REMOVE and DELETE do nothing); a missing or
//   mistyped step before the last raises "The document path provided in the update expression is invalid for
//   update" (for every section).
// - A path or function operand that is missing raises "The provided expression refers to an attribute that does
//   not exist in the item" (`if_not_exists` excepted); a present operand of the wrong type raises "An operand in
//   the update expression has an incorrect data type".
// - ADD to a missing attribute stores the value; N + N adds; a set gets the union with a set of its type.
//   DELETE removes the elements from a set of the same type; an emptied set is removed (DynamoDB has no empty
//   sets). Anything else is an incorrect data type.

/// Applies a parsed UpdateExpression to an item.
package enum ExpressionUpdateApplier {
    /// The item after `update`.
    package static func apply(_ update: ExpressionUpdate, to original: DynamoDBItem) throws(DynamoDBValidationError)
        -> DynamoDBItem
    {
        var setValues: [(ExpressionPath, AttributeValue)] = []
        for action in update.setActions {
            setValues.append((action.path, try evaluate(action.value, on: original)))
        }
        // Elements of one list are set in index order, so several past the end append in index order (as
        // DynamoDB: `SET a[84] = :x, a[17] = :y` appends y, then x).
        var slotsByList: [ExpressionPath: [Int]] = [:]
        for (slot, (path, _)) in setValues.enumerated() {
            guard case .index? = path.elements.last else { continue }
            slotsByList[ExpressionPath(Array(path.elements.dropLast())), default: []].append(slot)
        }
        for slots in slotsByList.values where slots.count > 1 {
            let ordered = slots.map { setValues[$0] }.sorted { lhs, rhs in
                guard case .index(let left)? = lhs.0.elements.last, case .index(let right)? = rhs.0.elements.last
                else { return false }
                return left < right
            }
            for (slot, value) in zip(slots, ordered) { setValues[slot] = value }
        }
        var item = original
        for (path, value) in setValues {
            try modify(&item, at: path) { _ in value }
        }
        for path in update.removePaths.sorted(by: removalOrder) {
            try modify(&item, at: path) { _ in nil }
        }
        for action in update.addActions {
            try modify(&item, at: action.path) { current throws(DynamoDBValidationError) in
                try add(action.value, to: current)
            }
        }
        for action in update.deleteActions {
            try modify(&item, at: action.path) { current throws(DynamoDBValidationError) in
                try delete(action.value, from: current)
            }
        }
        return item
    }

    /// Paths with higher list indexes first (names in any fixed order).
    private static func removalOrder(_ lhs: ExpressionPath, _ rhs: ExpressionPath) -> Bool {
        for (left, right) in zip(lhs.elements, rhs.elements) where left != right {
            switch (left, right) {
            case (.index(let l), .index(let r)): return l > r
            case (.name(let l), .name(let r)): return l < r
            case (.name, .index): return true
            case (.index, .name): return false
            }
        }
        return lhs.elements.count > rhs.elements.count
    }

    // MARK: SET values

    package static func evaluate(
        _ value: ExpressionUpdateValue, on item: DynamoDBItem
    ) throws(DynamoDBValidationError) -> AttributeValue {
        switch value {
        case .value(let constant):
            return constant
        case .path(let path):
            guard let found = ExpressionValues.value(at: path, in: item) else {
                throw .attributeDoesNotExist
            }
            return found
        case .ifNotExists(let path, let fallback):
            if let found = ExpressionValues.value(at: path, in: item) { return found }
            return try evaluate(fallback, on: item)
        case .plus(let left, let right), .minus(let left, let right):
            let (lhs, rhs) = (try evaluate(left, on: item), try evaluate(right, on: item))
            guard case .n(let leftText) = lhs, case .n(let rightText) = rhs else {
                throw .incorrectOperandDataType
            }
            let (a, b) = (try DynamoDBNumber(leftText), try DynamoDBNumber(rightText))
            if case .plus = value {
                return .n(try a.adding(b).canonicalText)
            }
            return .n(try a.subtracting(b).canonicalText)
        case .listAppend(let left, let right):
            let (lhs, rhs) = (try evaluate(left, on: item), try evaluate(right, on: item))
            guard case .l(let first) = lhs, case .l(let second) = rhs else {
                throw .incorrectOperandDataType
            }
            return .l(first + second)
        }
    }

    // MARK: ADD and DELETE

    private static func add(
        _ value: AttributeValue, to current: AttributeValue?
    ) throws(DynamoDBValidationError) -> AttributeValue? {
        guard let current else { return value }
        switch (current, value) {
        case (.n(let left), .n(let right)):
            return .n(try DynamoDBNumber(left).adding(DynamoDBNumber(right)).canonicalText)
        case (.ss(let existing), .ss(let added)):
            return .ss(union(existing, added) { ExpressionValues.equal(.s($0), .s($1)) })
        case (.ns(let existing), .ns(let added)):
            return .ns(union(existing, added) { ExpressionValues.equal(.n($0), .n($1)) })
        case (.bs(let existing), .bs(let added)):
            return .bs(union(existing, added) { $0 == $1 })
        default:
            throw .incorrectOperandDataType
        }
    }

    private static func delete(
        _ value: AttributeValue, from current: AttributeValue?
    ) throws(DynamoDBValidationError) -> AttributeValue? {
        guard let current else { return nil }
        switch (current, value) {
        case (.ss(let existing), .ss(let removed)):
            let rest = existing.filter { element in !removed.contains { ExpressionValues.equal(.s($0), .s(element)) } }
            return rest.isEmpty ? nil : .ss(rest)
        case (.ns(let existing), .ns(let removed)):
            let rest = existing.filter { element in !removed.contains { ExpressionValues.equal(.n($0), .n(element)) } }
            return rest.isEmpty ? nil : .ns(rest)
        case (.bs(let existing), .bs(let removed)):
            let rest = existing.filter { !removed.contains($0) }
            return rest.isEmpty ? nil : .bs(rest)
        default:
            throw .incorrectOperandDataType
        }
    }

    private static func union<Element>(
        _ existing: [Element], _ added: [Element], _ same: (Element, Element) -> Bool
    ) -> [Element] {
        var result = existing
        for element in added where !result.contains(where: { same($0, element) }) {
            result.append(element)
        }
        return result
    }

    // MARK: Writing at a path

    /// Replaces the value at `path` with `change(current)` (nil removes it).
    package static func modify(
        _ item: inout DynamoDBItem, at path: ExpressionPath,
        _ change: (AttributeValue?) throws(DynamoDBValidationError) -> AttributeValue?
    ) throws(DynamoDBValidationError) {
        guard case .name(let name) = path.elements.first else { throw .invalidDocumentPathForUpdate }
        let rest = path.elements.dropFirst()
        if rest.isEmpty {
            item[name] = try change(item[name])
            return
        }
        guard let child = item[name] else { throw .invalidDocumentPathForUpdate }
        item[name] = try modified(child, at: rest, change)
    }

    private static func modified(
        _ container: AttributeValue, at path: ArraySlice<ExpressionPathElement>,
        _ change: (AttributeValue?) throws(DynamoDBValidationError) -> AttributeValue?
    ) throws(DynamoDBValidationError) -> AttributeValue {
        guard let element = path.first else { return container }
        let rest = path.dropFirst()
        switch (element, container) {
        case (.name(let name), .m(var map)):
            if rest.isEmpty {
                map[name] = try change(map[name])
            } else {
                guard let child = map[name] else { throw .invalidDocumentPathForUpdate }
                map[name] = try modified(child, at: rest, change)
            }
            return .m(map)
        case (.index(let index), .l(var list)):
            if rest.isEmpty {
                let current = index < list.count ? list[index] : nil
                let new = try change(current)
                if let new {
                    if index < list.count { list[index] = new } else { list.append(new) }
                } else if index < list.count {
                    list.remove(at: index)
                }
            } else {
                guard index < list.count else { throw .invalidDocumentPathForUpdate }
                list[index] = try modified(list[index], at: rest, change)
            }
            return .l(list)
        default:
            throw .invalidDocumentPathForUpdate
        }
    }
}
