import CurlHTTP
import Testing

@testable import AWSClients

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test(
        "which error responses are retried",
        arguments: [
            (400, "ProvisionedThroughputExceededException", true),
            (400, "ThrottlingException", true),
            (400, "RequestLimitExceeded", true),
            (400, "TooManyRequestsException", true),
            (500, "InternalServerError", true),
            (503, "ServiceUnavailable", true),
            (502, nil, true),
            (400, "ValidationException", false),
            (400, "ConditionalCheckFailedException", false),
            (400, "TransactionCanceledException", false),
            (400, "ResourceNotFoundException", false),
            (403, "UnrecognizedClientException", false),
            (404, nil, false),
            (413, nil, false),
        ] as [(Int, String?, Bool)])
    func retryableResponses(_ status: Int, _ type: String?, _ retryable: Bool) {
        #expect(RetryPolicy().isRetryable(status: status, errorType: type) == retryable)
    }

    @Test("the defaults: 3 attempts, 25 ms base, 2 s cap")
    func defaults() {
        let policy = RetryPolicy()
        #expect(policy.maxAttempts == 3)
        #expect(policy.baseDelay == .milliseconds(25))
        #expect(policy.maxDelay == .seconds(2))
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }

    @Test(
        "the backoff ceiling doubles from the base and stops at the cap",
        arguments: [(1, 25), (2, 50), (3, 100), (4, 200), (6, 800), (7, 1_600), (8, 2_000), (20, 2_000), (100, 2_000)])
    func ceiling(_ retry: Int, _ milliseconds: Int) {
        #expect(RetryPolicy().backoffCeiling(beforeRetry: retry) == .milliseconds(milliseconds))
    }

    @Test("full jitter: the delay is the random fraction of the ceiling, within [0, ceiling]")
    func jitter() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(40), maxDelay: .milliseconds(100))
        #expect(policy.delay(beforeRetry: 1, random: 0) == .zero)
        #expect(policy.delay(beforeRetry: 1, random: 0.5) == .milliseconds(20))
        #expect(policy.delay(beforeRetry: 2, random: 0.25) == .milliseconds(20))
        #expect(policy.delay(beforeRetry: 3, random: 0.5) == .milliseconds(50))
        #expect(policy.delay(beforeRetry: 3, random: 7) == .milliseconds(100))
        #expect(policy.delay(beforeRetry: 3, random: -1) == .zero)
        for retry in 1...10 {
            for random in stride(from: 0.0, to: 1.0, by: 0.125) {
                let delay = policy.delay(beforeRetry: retry, random: random)
                #expect(delay >= .zero && delay <= policy.backoffCeiling(beforeRetry: retry))
            }
        }
    }

    @Test(
        "connection failures are retried, other curl errors are not",
        arguments: [(7, true), (6, true), (28, true), (52, true), (56, true), (1, false), (3, false)])
    func transport(_ code: Int, _ retryable: Bool) {
        #expect(RetryPolicy.retryableCurlCodes.contains(code) == retryable)
    }
}
