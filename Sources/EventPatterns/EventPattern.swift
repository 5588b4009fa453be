import AWSShapes

/// An EventBridge event pattern (rules, Pipe filters and event-source-mapping filters share it).
///
/// The pattern is compiled into a disjunction of conjunctions (`$or` expanded) of leaf fields addressed by dotted
/// paths. Matching follows event-ruler's `rulesForJSONEvent`: the fields of one conjunction must be satisfied by
/// leaf values that come from the same element of every array they share.
public struct EventPattern: Sendable {
    /// One leaf of the pattern: a dotted path and the matchers OR'ed for it.
    struct Field: Sendable, Equatable {
        var path: String
        var matchers: [EventPatternMatcher]

        /// Whether the field is satisfied when the event has no leaf value at its path.
        var matchesAbsence: Bool { matchers.contains(.exists(false)) }

        func matches(_ value: JSONValue) -> Bool {
            matchers.contains { $0 != .exists(false) && $0.matches(value) }
        }
    }

    /// AWS's limit on the number of conjunctions `$or` may expand to.
    public static let maximumCombinations = 1000

    /// The alternatives (OR) of conjunctions (AND) of fields.
    let alternatives: [[Field]]

    /// Parses and validates pattern JSON text with AWS's rules (see `EventPatternCompiler`).
    public init(parsing text: String) throws(EventPatternError) {
        alternatives = try EventPatternCompiler.compile(text)
    }

    /// Whether the event matches the pattern.
    public func matches(_ event: JSONValue) -> Bool { matches(Event(event)) }

    /// An event flattened once for matching against many patterns (every rule of a bus, every filter of a pipe).
    public struct Event: Sendable {
        let leaves: [String: [EventPatternFlattener.Leaf]]

        public init(_ event: JSONValue) { leaves = EventPatternFlattener.flatten(event) }
    }

    /// Whether the flattened event matches the pattern.
    public func matches(_ event: Event) -> Bool {
        alternatives.contains { Self.matchConjunction($0, leaves: event.leaves) }
    }

    /// Whether the event given as JSON text matches; invalid JSON never matches.
    public func matches(eventJSON text: String) -> Bool {
        guard let event = try? EventPatternJSONParser.parse(text) else { return false }
        return matches(event.jsonValue)
    }

    // MARK: Matching

    private static func matchConjunction(_ fields: [Field], leaves: [String: [EventPatternFlattener.Leaf]]) -> Bool {
        // Candidate leaves per field; a field with no candidates fails unless it accepts absence.
        var candidates: [[EventPatternFlattener.Leaf]] = []
        for field in fields {
            let present = leaves[field.path] ?? []
            if present.isEmpty {
                if field.matchesAbsence { continue }
                return false
            }
            let matching = present.filter { field.matches($0.value) }
            if matching.isEmpty { return false }
            candidates.append(matching)
        }
        candidates.sort { $0.count < $1.count }
        var chosen: [[Int: Int]] = []
        return search(candidates, index: 0, chosen: &chosen)
    }

    private static func search(_ candidates: [[EventPatternFlattener.Leaf]], index: Int, chosen: inout [[Int: Int]])
        -> Bool
    {
        guard index < candidates.count else { return true }
        for leaf in candidates[index] where chosen.allSatisfy({ consistent($0, leaf.arrays) }) {
            chosen.append(leaf.arrays)
            defer { chosen.removeLast() }
            if search(candidates, index: index + 1, chosen: &chosen) { return true }
        }
        return false
    }

    private static func consistent(_ a: [Int: Int], _ b: [Int: Int]) -> Bool {
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        return small.allSatisfy { entry in large[entry.key].map { $0 == entry.value } ?? true }
    }
}

/// Turns an event into leaf values by dotted path, remembering which element of which array each leaf came from.
enum EventPatternFlattener {
    struct Leaf: Sendable {
        var value: JSONValue
        /// Array identity → element index, for every array on the way to this leaf.
        var arrays: [Int: Int]
    }

    static func flatten(_ event: JSONValue) -> [String: [Leaf]] {
        var leaves: [String: [Leaf]] = [:]
        var nextArrayID = 0
        func walk(_ value: JSONValue, path: String, arrays: [Int: Int]) {
            switch value {
            case .object(let members):
                for (key, member) in members {
                    walk(member, path: path.isEmpty ? key : path + "." + key, arrays: arrays)
                }
            case .array(let elements):
                let id = nextArrayID
                nextArrayID += 1
                for (index, element) in elements.enumerated() {
                    var inner = arrays
                    inner[id] = index
                    walk(element, path: path, arrays: inner)
                }
            default:
                leaves[path, default: []].append(Leaf(value: value, arrays: arrays))
            }
        }
        walk(event, path: "", arrays: [:])
        return leaves
    }
}
