import AWSShapes

/// The fields of a JSON object under validation, with the reference's zod rules (seed-behaviour.md §4). Every
/// failure is a non-transient `InvalidArgumentsError`.
struct Fields {
    let members: [String: JSONValue]

    /// The members of a JSON object; anything else (a missing or non-JSON body, `null`, an array) is invalid.
    init(_ value: JSONValue?) throws(CommerceError) {
        guard let members = value?.objectValue else { throw .invalidArguments("expected a JSON object") }
        self.members = members
    }

    init(members: [String: JSONValue]) { self.members = members }

    func has(_ name: String) -> Bool { members[name] != nil }

    /// A string whose trimmed length is at least `minimum`. Returns it untrimmed (what the APIs store) or trimmed
    /// (what the workers store).
    // DECISIONS: strings are at most 256 characters, units at most 1,000,000,000 and prices at most 10^15 (the
    // reference has no upper bounds: there, an id of 500 KB or a price of 1e300 fails in DynamoDB with a 500; here it
    // is the client's 400).
    static let maximumStringLength = 256
    static let maximumUnits = 1_000_000_000
    static let maximumPrice = 1e15

    func string(_ name: String, minimum: Int = 4, trimmed: Bool) throws(CommerceError) -> String {
        guard let text = members[name]?.stringValue else { throw .invalidArguments("\(name) must be a string") }
        let trimmedText = javaScriptTrimmed(text)
        guard javaScriptLength(trimmedText) >= minimum else {
            throw .invalidArguments("\(name) must be at least \(minimum) characters long once trimmed")
        }
        guard javaScriptLength(text) <= Self.maximumStringLength else {
            throw .invalidArguments("\(name) must be at most \(Self.maximumStringLength) characters long")
        }
        return trimmed ? String(trimmedText) : text
    }

    func optionalString(_ name: String, minimum: Int = 4, trimmed: Bool) throws(CommerceError) -> String? {
        guard has(name) else { return nil }
        return try string(name, minimum: minimum, trimmed: trimmed)
    }

    /// An integer number (2.0 counts: JSON cannot tell) within `range`.
    // DECISIONS: an integer must fit Int (the reference accepts any JavaScript integer, such as 1e300).
    func integer(_ name: String, in range: ClosedRange<Int>) throws(CommerceError) -> Int {
        guard let number = members[name]?.doubleValue, number.rounded() == number, let integer = Int(exactly: number)
        else { throw .invalidArguments("\(name) must be an integer") }
        guard range.contains(integer) else { throw .invalidArguments("\(name) must be within \(range)") }
        return integer
    }

    /// An integer ≥ 1.
    func units(_ name: String = "units") throws(CommerceError) -> Int {
        try integer(name, in: 1...Self.maximumUnits)
    }

    /// A number ≥ 0 (decimals allowed, no upper bound).
    func price(_ name: String = "price") throws(CommerceError) -> Double {
        guard let number = members[name]?.doubleValue else { throw .invalidArguments("\(name) must be a number") }
        guard number >= 0 else { throw .invalidArguments("\(name) must be at least 0") }
        guard number <= Self.maximumPrice else {
            throw .invalidArguments("\(name) must be at most \(Self.maximumPrice)")
        }
        return number
    }

    /// The list APIs' optional `limit` (1…1000) and `sortDirection` (`asc` or `desc`).
    func listOptions() throws(CommerceError) -> ListOptions {
        var options = ListOptions()
        if has("limit") { options.limit = try integer("limit", in: 1...1000) }
        if has("sortDirection") {
            guard let direction = members["sortDirection"]?.stringValue.flatMap(SortDirection.init(rawValue:))
            else { throw .invalidArguments("sortDirection must be asc or desc") }
            options.sortDirection = direction
        }
        return options
    }
}

public enum SortDirection: String, Sendable, Equatable {
    case asc, desc
}

/// What a list API was asked for, when no id is given.
public struct ListOptions: Sendable, Equatable {
    public var sortDirection: SortDirection?
    public var limit: Int?

    public init(sortDirection: SortDirection? = nil, limit: Int? = nil) {
        self.sortDirection = sortDirection
        self.limit = limit
    }
}
