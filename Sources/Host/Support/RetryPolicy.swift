/// AWS's retry policy for deliveries it makes on a caller's behalf (EventBridge targets, asynchronous Lambda
/// invocations): at most `maximumRetryAttempts` retries, none starting later than `maximumEventAgeInSeconds` after
/// the event arrived. Pure: the caller brings the clock and the delay of its own schedule.
struct RetryPolicy: Sendable, Equatable {
    var maximumRetryAttempts: Int
    var maximumEventAgeInSeconds: Int

    enum Decision: Sendable, Equatable {
        /// Try again at this time (seconds since 1970).
        case retry(at: Double)
        /// Give up; the condition AWS names in the dead-letter record (`EXHAUSTED_RETRY_CONDITION`).
        case giveUp(condition: String)
    }

    /// What follows a failed attempt after `retries` retries, for an event that arrived at `arrived`, at `now`, when
    /// the next retry would wait `delay` seconds.
    func afterFailure(retries: Int, arrived: Double, now: Double, delay: Double) -> Decision {
        if retries >= maximumRetryAttempts { return .giveUp(condition: "MaximumRetryAttempts") }
        let next = now + delay
        if next - arrived > Double(maximumEventAgeInSeconds) { return .giveUp(condition: "MaximumEventAgeInSeconds") }
        return .retry(at: next)
    }

    /// Whether the event is already too old to be tried at all.
    func isExpired(arrived: Double, now: Double) -> Bool { now - arrived > Double(maximumEventAgeInSeconds) }
}
