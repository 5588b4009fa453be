/// Numbers and paging tokens from the wire, checked before any arithmetic: a negative, huge or unreadable value
/// is the caller's error, never a trap.
enum Paging {
    /// AWS's text for a number outside its member's range, e.g. `1 validation error detected: Value '0' at 'limit'
    /// failed to satisfy constraint: Member must have value greater than or equal to 1`.
    static func rangeMessage(_ value: Int, member: String, _ range: ClosedRange<Int>) -> String {
        let bound =
            value < range.lowerBound
            ? "greater than or equal to \(range.lowerBound)" : "less than or equal to \(range.upperBound)"
        return "1 validation error detected: Value '\(value)' at '\(member)' failed to satisfy constraint: "
            + "Member must have value \(bound)"
    }

    /// `value` (or `fallback` when absent) if it lies in `range`; otherwise the message for `invalid`.
    static func number<Failure: Error>(
        _ value: Int?, member: String, _ range: ClosedRange<Int>, default fallback: Int,
        invalid: (String) -> Failure
    ) throws(Failure) -> Int {
        guard let value else { return fallback }
        guard range.contains(value) else { throw invalid(rangeMessage(value, member: member, range)) }
        return value
    }

    /// A number given as query-string text: absent gives `fallback`; text that is not an integer in `range` fails.
    static func number<Failure: Error>(
        text: String?, member: String, _ range: ClosedRange<Int>, default fallback: Int,
        invalid: (String) -> Failure
    ) throws(Failure) -> Int {
        guard let text else { return fallback }
        guard let value = Int(text) else {
            throw invalid(
                "1 validation error detected: Value '\(text.prefix(100))' at '\(member)' failed to satisfy "
                    + "constraint: Member must be a number")
        }
        return try number(value, member: member, range, default: fallback, invalid: invalid)
    }

    /// The position an offset token names (the index of the next item): nil for no token, `invalid` unless it is
    /// an integer from 0 to `count`.
    static func offset<Failure: Error>(_ token: String?, count: Int, invalid: () -> Failure) throws(Failure) -> Int {
        guard let token else { return 0 }
        guard let offset = Int(token), (0...count).contains(offset) else { throw invalid() }
        return offset
    }

    /// One page of `all`: at most `size` items from the offset `token` names, and the token of the next page (nil
    /// on the last).
    static func page<Item, Failure: Error>(
        _ all: [Item], token: String?, size: Int, invalid: () -> Failure
    ) throws(Failure) -> (items: [Item], next: String?) {
        let start = try offset(token, count: all.count, invalid: invalid)
        let items = Array(all.dropFirst(start).prefix(size))
        return (items, start + items.count < all.count ? String(start + items.count) : nil)
    }
}
