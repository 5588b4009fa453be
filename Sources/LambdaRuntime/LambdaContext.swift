import AWSShapes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// What the Runtime API tells a function about one invocation (the `/next` response headers).
public struct LambdaContext: Sendable {
    /// `Lambda-Runtime-Aws-Request-Id`.
    public var requestID: String
    /// `Lambda-Runtime-Deadline-Ms`: the invocation's deadline, in milliseconds since the Unix epoch.
    public var deadlineMilliseconds: Int64
    /// `Lambda-Runtime-Invoked-Function-Arn`.
    public var invokedFunctionARN: String
    /// `Lambda-Runtime-Trace-Id`, also exported as `_X_AMZN_TRACE_ID` while the invocation runs.
    public var traceID: String?
    /// `Lambda-Runtime-Client-Context`: the caller's client context, raw JSON.
    public var clientContext: String?
    /// `Lambda-Runtime-Cognito-Identity`: raw JSON.
    public var cognitoIdentity: String?
    /// `Lambda-Runtime-Aws-Tenant-Id`.
    public var tenantID: String?
    /// A logger whose lines carry this invocation's request id.
    public var logger: LambdaLogger

    public init(
        requestID: String,
        deadlineMilliseconds: Int64,
        invokedFunctionARN: String,
        traceID: String? = nil,
        clientContext: String? = nil,
        cognitoIdentity: String? = nil,
        tenantID: String? = nil,
        logger: LambdaLogger = LambdaLogger()
    ) {
        self.requestID = requestID
        self.deadlineMilliseconds = deadlineMilliseconds
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.tenantID = tenantID
        self.logger = logger
    }

    /// Time left before the deadline (negative once it has passed).
    public var remainingTime: Duration {
        .milliseconds(deadlineMilliseconds - currentEpochMilliseconds())
    }
}

/// Milliseconds since the Unix epoch from the real-time clock.
func currentEpochMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}
