/// An invalid event pattern. `message` is the text AWS returns in `InvalidEventPatternException` where it is known
/// (recorded against AWS in `test_events_patterns.snapshot.json`), otherwise a message in the same style.
public struct EventPatternError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The part after "Event pattern is not valid. Reason: ".
    public var reason: String

    public init(reason: String) { self.reason = reason }

    /// AWS's full message, e.g. `Event pattern is not valid. Reason: Empty arrays are not allowed`.
    public var message: String { "Event pattern is not valid. Reason: " + reason }

    /// The AWS error code for API responses.
    public var code: String { "InvalidEventPatternException" }

    public var description: String { message }
}
