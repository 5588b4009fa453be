// DECISIONS (stream retries): a batch split by BisectBatchOnFunctionError does not use up a retry attempt (AWS
// documents that splitting does not count toward the retry quota); a one-record batch that fails does. A partial
// failure (`batchItemFailures` naming a SequenceNumber) checkpoints before the first failed record and counts as an
// attempt, so `approximateInvokeCount` is 1 + MaximumRetryAttempts when the batch is discarded, as AWS records it.
// Retries wait 100 ms × 2^(attempt − 1), at most 5 s, so an endlessly failing mapping does not spin.

/// What a stream mapping does after one invocation of a batch; pure, tested alone.
enum StreamBatchPolicy {
    struct Settings: Sendable, Equatable {
        /// -1: until the records expire.
        var maximumRetryAttempts: Int
        var bisectBatchOnFunctionError: Bool
    }

    enum Outcome: Sendable, Equatable {
        case success
        /// The function failed (error, timeout, or an unreadable `batchItemFailures` answer).
        case failure
        /// `batchItemFailures` named records; the first of them is at this index of the batch.
        case partial(firstFailed: Int)
    }

    struct Decision: Sendable, Equatable {
        /// How many records of the batch (from its start) the checkpoint moves past.
        var advance: Int
        /// The failed attempts of the record the checkpoint now points at.
        var attempts: Int
        /// The batch size to use next while a failing batch is bisected; nil: the mapping's BatchSize.
        var batchLimit: Int?
        /// Records given up on (indices of the batch), sent to the OnFailure destination with the condition.
        var discarded: Range<Int>?
        var condition: String?
        /// Invocations the discarded records went through.
        var invokeCount: Int = 0
    }

    static func decide(_ outcome: Outcome, batchCount: Int, attempts: Int, settings: Settings) -> Decision {
        switch outcome {
        case .success:
            return Decision(advance: batchCount, attempts: 0, batchLimit: nil)
        case .partial(let first):
            let attempts = attempts + 1
            if exhausted(attempts, settings) {
                return Decision(
                    advance: batchCount, attempts: 0, batchLimit: nil, discarded: first..<batchCount,
                    condition: "RetryAttemptsExhausted", invokeCount: attempts)
            }
            return Decision(advance: first, attempts: attempts, batchLimit: nil)
        case .failure:
            if settings.bisectBatchOnFunctionError, batchCount > 1 {
                return Decision(advance: 0, attempts: attempts, batchLimit: (batchCount + 1) / 2)
            }
            let attempts = attempts + 1
            if exhausted(attempts, settings) {
                return Decision(
                    advance: batchCount, attempts: 0, batchLimit: nil, discarded: 0..<batchCount,
                    condition: "RetryAttemptsExhausted", invokeCount: attempts)
            }
            return Decision(
                advance: 0, attempts: attempts, batchLimit: settings.bisectBatchOnFunctionError ? batchCount : nil)
        }
    }

    static func exhausted(_ attempts: Int, _ settings: Settings) -> Bool {
        settings.maximumRetryAttempts >= 0 && attempts > settings.maximumRetryAttempts
    }

    /// How long to wait before retrying after `attempts` failed attempts.
    static func backoff(attempts: Int) -> Duration {
        guard attempts > 0 else { return .zero }
        return .milliseconds(min(5000, 100 << min(attempts - 1, 6)))
    }
}
