import CurlHTTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When and how long to wait before sending a request again: capped exponential backoff with full jitter.
///
/// A request is retried on a throttling error (``throttlingErrorTypes``), on a 5xx status and on a connection
/// error (``isRetryable(_:)-(CurlError)``), never on another 4xx; at most ``maxAttempts`` attempts in all. Before
/// retry *n* (1, 2, …) the client sleeps a uniformly random time in `[0, min(maxDelay, baseDelay × 2ⁿ⁻¹))`.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; 1 disables retries.
    public var maxAttempts: Int
    /// The backoff ceiling before the first retry.
    public var baseDelay: Duration
    /// The largest backoff ceiling.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(25), maxDelay: Duration = .seconds(2)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The error types (after any `namespace#` prefix) that mean "slow down".
    public static let throttlingErrorTypes: Set<String> = [
        "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
        "TooManyRequestsException", "Throttling", "ThrottledException", "RequestThrottled",
        "RequestThrottledException",
    ]

    /// libcurl codes of failures to reach or hear from the server, worth another attempt.
    static let retryableCurlCodes: Set<Int> = [
        5,  // COULDNT_RESOLVE_PROXY
        6,  // COULDNT_RESOLVE_HOST
        7,  // COULDNT_CONNECT
        28,  // OPERATION_TIMEDOUT
        35,  // SSL_CONNECT_ERROR
        52,  // GOT_NOTHING
        55,  // SEND_ERROR
        56,  // RECV_ERROR
    ]

    /// Whether an error response is worth another attempt: a throttling error type, or a 5xx status.
    public func isRetryable(status: Int, errorType: String?) -> Bool {
        if let errorType, Self.throttlingErrorTypes.contains(errorType) { return true }
        return (500...599).contains(status)
    }

    /// Whether a transport failure is worth another attempt: connection refused, reset or timed out, nothing
    /// received, name resolution or TLS handshake failed.
    public func isRetryable(_ error: CurlError) -> Bool {
        Self.retryableCurlCodes.contains(error.code)
    }

    /// The ceiling of the backoff before retry `retry` (1 for the first retry): `min(maxDelay, baseDelay × 2ⁿ⁻¹)`.
    public func backoffCeiling(beforeRetry retry: Int) -> Duration {
        let doublings = min(max(0, retry - 1), 30)
        let ceiling = baseDelay * (1 << doublings)
        return min(ceiling, maxDelay)
    }

    /// The backoff before retry `retry`: `random` (in `[0, 1)`) times ``backoffCeiling(beforeRetry:)``.
    public func delay(beforeRetry retry: Int, random: Double) -> Duration {
        backoffCeiling(beforeRetry: retry) * min(max(random, 0), 1)
    }
}

/// Blocks the calling thread for `duration` (the default sleep of the clients).
@Sendable
public func blockingSleep(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    guard seconds > 0 || attoseconds > 0 else { return }
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}
