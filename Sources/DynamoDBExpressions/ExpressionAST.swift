import AWSShapes

/// One step of a document path: a map key (or top-level attribute name) or a list index.
package enum ExpressionPathElement: Hashable, Sendable {
    case name(String)
    case index(Int)
}

/// A document path such as `a.b[2].c`, with `#name` placeholders already replaced by the names they stand for.
/// It always starts with a name.
package struct ExpressionPath: Hashable, Sendable, CustomStringConvertible {
    package var elements: [ExpressionPathElement]

    package init(_ elements: [ExpressionPathElement]) {
        self.elements = elements
    }

    /// A path of one top-level attribute.
    package init(attribute name: String) {
        self.elements = [.name(name)]
    }

    /// The top-level attribute the path starts at.
    package var topLevelName: String {
        guard case .name(let name) = elements.first else { return "" }
        return name
    }

    /// The path as DynamoDB prints it in error messages: `[a, b, [2]]`.
    package var description: String {
        let parts = elements.map { element -> String in
            switch element {
            case .name(let name): name
            case .index(let index): "[\(index)]"
            }
        }
        return "[" + parts.joined(separator: ", ") + "]"
    }
}

/// An operand of a condition: a document path, a value (a resolved `:value` placeholder) or `size(path)`.
package enum ExpressionOperand: Sendable, Equatable {
    case path(ExpressionPath)
    case value(AttributeValue)
    case size(ExpressionPath)
}

/// A comparator of a condition.
package enum ExpressionComparator: String, Sendable, CaseIterable {
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// The comparator with its operands swapped (`:v < a` is `a > :v`).
    package var mirrored: ExpressionComparator {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        }
    }
}

/// A parsed condition (ConditionExpression, FilterExpression, KeyConditionExpression).
package indirect enum ExpressionCondition: Sendable, Equatable {
    case compare(ExpressionOperand, ExpressionComparator, ExpressionOperand)
    case between(ExpressionOperand, lower: ExpressionOperand, upper: ExpressionOperand)
    case isIn(ExpressionOperand, [ExpressionOperand])
    case and(ExpressionCondition, ExpressionCondition)
    case or(ExpressionCondition, ExpressionCondition)
    case not(ExpressionCondition)
    case attributeExists(ExpressionPath)
    case attributeNotExists(ExpressionPath)
    /// `attribute_type(x, :type)`: x a path or a value.
    case attributeType(ExpressionOperand, ExpressionOperand)
    /// `begins_with(x, y)`, `contains(x, y)`: either operand a path or a value.
    case beginsWith(ExpressionOperand, ExpressionOperand)
    case contains(ExpressionOperand, ExpressionOperand)
}

/// The right-hand side of a `SET` action.
package indirect enum ExpressionUpdateValue: Sendable, Equatable {
    case path(ExpressionPath)
    case value(AttributeValue)
    case plus(ExpressionUpdateValue, ExpressionUpdateValue)
    case minus(ExpressionUpdateValue, ExpressionUpdateValue)
    case ifNotExists(ExpressionPath, ExpressionUpdateValue)
    case listAppend(ExpressionUpdateValue, ExpressionUpdateValue)
}

/// A parsed UpdateExpression: its four sections (each may be empty).
package struct ExpressionUpdate: Sendable, Equatable {
    package struct SetAction: Sendable, Equatable {
        var path: ExpressionPath
        var value: ExpressionUpdateValue
    }

    package struct ValueAction: Sendable, Equatable {
        var path: ExpressionPath
        var value: AttributeValue
    }

    package var setActions: [SetAction] = []
    package var removePaths: [ExpressionPath] = []
    package var addActions: [ValueAction] = []
    package var deleteActions: [ValueAction] = []

    /// Every path the update writes or removes, in section order SET, REMOVE, ADD, DELETE.
    package var targetPaths: [ExpressionPath] {
        setActions.map(\.path) + removePaths + addActions.map(\.path) + deleteActions.map(\.path)
    }

    /// The top-level attributes the update assigns, removes or changes (the caller rejects key attributes).
    package var targetTopLevelNames: Set<String> {
        Set(targetPaths.map(\.topLevelName))
    }
}

extension ExpressionCondition {
    /// The top-level attributes the condition reads, in the order they appear.
    package var topLevelNames: [String] {
        func names(_ operand: ExpressionOperand) -> [String] {
            switch operand {
            case .path(let path), .size(let path): [path.topLevelName]
            case .value: []
            }
        }
        switch self {
        case .compare(let left, _, let right): return names(left) + names(right)
        case .between(let value, let lower, let upper): return names(value) + names(lower) + names(upper)
        case .isIn(let value, let list): return names(value) + list.flatMap(names)
        case .and(let left, let right), .or(let left, let right): return left.topLevelNames + right.topLevelNames
        case .not(let condition): return condition.topLevelNames
        case .attributeExists(let path), .attributeNotExists(let path): return [path.topLevelName]
        case .attributeType(let first, let second), .beginsWith(let first, let second),
            .contains(let first, let second):
            return names(first) + names(second)
        }
    }
}
