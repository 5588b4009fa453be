import AWSShapes

// DECISIONS:
// - A projection keeps the structure of nested paths: `a.b` gives `{a: {b: …}}`, `l[2]` and `l[0]` give
//   `{l: [l[0], l[2]]}` (list elements in their original order, compacted). Paths that lead nowhere are left
//   out; a map or list that ends up with nothing projected is left out too.

/// Applies a parsed ProjectionExpression to an item.
package enum ExpressionProjector {
    /// The parts of `item` that `paths` name.
    package static func project(_ item: DynamoDBItem, paths: [ExpressionPath]) -> DynamoDBItem {
        var result: DynamoDBItem = [:]
        for (name, rests) in grouped(paths.map { $0.elements[...] }, byName: true) {
            guard case .name(let attribute) = name, let value = item[attribute],
                let projected = project(value, rests)
            else { continue }
            result[attribute] = projected
        }
        return result
    }

    private static func project(
        _ value: AttributeValue, _ paths: [ArraySlice<ExpressionPathElement>]
    ) -> AttributeValue? {
        if paths.contains(where: \.isEmpty) { return value }
        switch value {
        case .m(let map):
            var result: [String: AttributeValue] = [:]
            for (element, rests) in grouped(paths, byName: true) {
                guard case .name(let key) = element, let child = map[key], let projected = project(child, rests)
                else { continue }
                result[key] = projected
            }
            return result.isEmpty ? nil : .m(result)
        case .l(let list):
            var result: [AttributeValue] = []
            let byIndex = grouped(paths, byName: false).sorted { lhs, rhs in
                if case .index(let l) = lhs.0, case .index(let r) = rhs.0 { return l < r }
                return false
            }
            for (element, rests) in byIndex {
                guard case .index(let index) = element, index < list.count,
                    let projected = project(list[index], rests)
                else { continue }
                result.append(projected)
            }
            return result.isEmpty ? nil : .l(result)
        default:
            return nil
        }
    }

    /// Paths grouped by their first element (only names, or only indexes), with that element dropped.
    private static func grouped(
        _ paths: [ArraySlice<ExpressionPathElement>], byName: Bool
    ) -> [(ExpressionPathElement, [ArraySlice<ExpressionPathElement>])] {
        var order: [ExpressionPathElement] = []
        var groups: [ExpressionPathElement: [ArraySlice<ExpressionPathElement>]] = [:]
        for path in paths {
            guard let first = path.first else { continue }
            let isName = if case .name = first { true } else { false }
            guard isName == byName else { continue }
            if groups[first] == nil { order.append(first) }
            groups[first, default: []].append(path.dropFirst())
        }
        return order.map { ($0, groups[$0] ?? []) }
    }
}
