import Testing

@testable import Host

/// The one retry policy of EventBridge targets and asynchronous invocations, alone.
struct RetryPolicyTests {
    let policy = RetryPolicy(maximumRetryAttempts: 2, maximumEventAgeInSeconds: 60)

    @Test func retriesUntilTheAttemptsAreUsedUp() {
        #expect(policy.afterFailure(retries: 0, arrived: 0, now: 1, delay: 5) == .retry(at: 6))
        #expect(policy.afterFailure(retries: 1, arrived: 0, now: 7, delay: 10) == .retry(at: 17))
        #expect(
            policy.afterFailure(retries: 2, arrived: 0, now: 18, delay: 1) == .giveUp(condition: "MaximumRetryAttempts")
        )
    }

    @Test func noRetryStartsLaterThanTheEventsMaximumAge() {
        #expect(policy.afterFailure(retries: 0, arrived: 0, now: 50, delay: 10) == .retry(at: 60))
        #expect(
            policy.afterFailure(retries: 0, arrived: 0, now: 50, delay: 11)
                == .giveUp(condition: "MaximumEventAgeInSeconds"))
        #expect(!policy.isExpired(arrived: 0, now: 60))
        #expect(policy.isExpired(arrived: 0, now: 61))
    }

    @Test func zeroRetriesGivesUpAtTheFirstFailure() {
        let none = RetryPolicy(maximumRetryAttempts: 0, maximumEventAgeInSeconds: 86_400)
        #expect(
            none.afterFailure(retries: 0, arrived: 0, now: 0, delay: 1) == .giveUp(condition: "MaximumRetryAttempts"))
    }
}
