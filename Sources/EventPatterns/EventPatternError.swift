/// An invalid event pattern. `message` is the text AWS returns in `InvalidEventPatternException` (recorded against
/// AWS in `test_events_patterns.snapshot.json`): event-ruler's reason, then, for errors found while reading the
/// pattern, the location suffix of the JSON parser AWS runs (`\n at [Source: (String)"…"; line: 1, column: 11]`).
public struct EventPatternError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The part after "Event pattern is not valid. Reason: ", without the location.
    public var reason: String
    /// The parser location suffix AWS appends (twice where AWS repeats it), or empty.
    public var location: String

    public init(reason: String, location: String = "") {
        self.reason = reason
        self.location = location
    }

    /// AWS's full message, e.g. `Event pattern is not valid. Reason: Empty arrays are not allowed\n at [Source: …]`.
    public var message: String { "Event pattern is not valid. Reason: " + reason + location }

    /// The AWS error code for API responses.
    public var code: String { "InvalidEventPatternException" }

    public var description: String { message }
}
