import Testing

@testable import Host

/// The decisions of a stream mapping after an invocation, alone.
@Suite struct StreamBatchPolicyTests {
    static let retryTwice = StreamBatchPolicy.Settings(maximumRetryAttempts: 2, bisectBatchOnFunctionError: false)

    @Test func successMovesPastTheBatchAndForgetsFailures() {
        let decision = StreamBatchPolicy.decide(.success, batchCount: 5, attempts: 2, settings: Self.retryTwice)
        #expect(decision == .init(advance: 5, attempts: 0, batchLimit: nil))
    }

    @Test func aFailingBatchIsRetriedUntilItsAttemptsAreUsedThenDiscarded() {
        var attempts = 0
        var decisions: [StreamBatchPolicy.Decision] = []
        for _ in 0..<3 {
            let decision = StreamBatchPolicy.decide(
                .failure, batchCount: 4, attempts: attempts, settings: Self.retryTwice)
            decisions.append(decision)
            attempts = decision.attempts
        }
        #expect(decisions[0] == .init(advance: 0, attempts: 1, batchLimit: nil))
        #expect(decisions[1] == .init(advance: 0, attempts: 2, batchLimit: nil))
        #expect(
            decisions[2]
                == .init(
                    advance: 4, attempts: 0, batchLimit: nil, discarded: 0..<4, condition: "RetryAttemptsExhausted",
                    invokeCount: 3))
    }

    @Test func minusOneRetriesForever() {
        let forever = StreamBatchPolicy.Settings(maximumRetryAttempts: -1, bisectBatchOnFunctionError: false)
        let decision = StreamBatchPolicy.decide(.failure, batchCount: 1, attempts: 10_000, settings: forever)
        #expect(decision.discarded == nil)
        #expect(decision.attempts == 10_001)
    }

    @Test func zeroRetriesDiscardsAfterTheFirstFailure() {
        let none = StreamBatchPolicy.Settings(maximumRetryAttempts: 0, bisectBatchOnFunctionError: false)
        let decision = StreamBatchPolicy.decide(.failure, batchCount: 2, attempts: 0, settings: none)
        #expect(decision.discarded == 0..<2)
        #expect(decision.invokeCount == 1)
    }

    @Test func bisectHalvesTheBatchWithoutUsingAnAttemptDownToOneRecord() {
        let bisect = StreamBatchPolicy.Settings(maximumRetryAttempts: 0, bisectBatchOnFunctionError: true)
        let first = StreamBatchPolicy.decide(.failure, batchCount: 5, attempts: 0, settings: bisect)
        #expect(first == .init(advance: 0, attempts: 0, batchLimit: 3))
        let second = StreamBatchPolicy.decide(.failure, batchCount: 3, attempts: 0, settings: bisect)
        #expect(second == .init(advance: 0, attempts: 0, batchLimit: 2))
        let single = StreamBatchPolicy.decide(.failure, batchCount: 1, attempts: 0, settings: bisect)
        #expect(single.discarded == 0..<1, "one record left: its failure counts, and zero retries discards it")
    }

    @Test func aPartialFailureCheckpointsBeforeTheFirstFailedRecord() {
        let partial = StreamBatchPolicy.decide(
            .partial(firstFailed: 2), batchCount: 5, attempts: 0, settings: Self.retryTwice)
        #expect(partial == .init(advance: 2, attempts: 1, batchLimit: nil))
        let exhausted = StreamBatchPolicy.decide(
            .partial(firstFailed: 0), batchCount: 3, attempts: 2, settings: Self.retryTwice)
        #expect(exhausted.discarded == 0..<3)
        #expect(exhausted.invokeCount == 3)
        #expect(exhausted.advance == 3)
    }

    @Test func backoffGrowsAndIsCapped() {
        #expect(StreamBatchPolicy.backoff(attempts: 0) == .zero)
        #expect(StreamBatchPolicy.backoff(attempts: 1) == .milliseconds(100))
        #expect(StreamBatchPolicy.backoff(attempts: 3) == .milliseconds(400))
        #expect(StreamBatchPolicy.backoff(attempts: 50) == .milliseconds(5000))
    }
}
