import AWSShapes
import Foundation

/// One request to run a function, as the Runtime API hands it to an execution environment.
struct Invocation: Sendable {
    var requestID: String
    var payload: [UInt8]
    var contentType: String = "application/json"
    /// `Lambda-Runtime-Client-Context`: the decoded JSON of the Invoke API's base64 `X-Amz-Client-Context`.
    var clientContext: String?
    var cognitoIdentity: String?
    var tenantID: String?
    var traceID: String
    /// The caller asked for `X-Amz-Log-Type: Tail`: the REPORT line is built even when logs are silenced.
    var wantsLogTail = false
    /// A fault the fault list drew for this invocation, which its environment acts out (`crash`, `crashAfter`,
    /// `timeout`).
    var fault: FaultRule.EventFault?
}

/// What the caller of an invocation gets back: the Invoke API's body and headers.
public struct InvocationResult: Sendable, Equatable {
    /// The function's response, or the error document when `functionError` is set.
    public var payload: [UInt8]
    /// `X-Amz-Function-Error`: `Unhandled` when the function failed (the Invoke call itself still succeeds).
    public var functionError: String?
    /// The invocation's log lines (START … REPORT), for `X-Amz-Log-Type: Tail`.
    public var logLines: [String]
    public var requestID: String

    /// The error document, when the invocation failed.
    public var error: LambdaErrorBody? {
        guard functionError != nil else { return nil }
        return try? JSONDecoder().decode(LambdaErrorBody.self, from: Data(payload))
    }

    /// `X-Amz-Log-Result`: the base64 of the last 4 KB of the invocation's log.
    public var logTailBase64: String {
        let text = Array(logLines.joined(separator: "\n").utf8.suffix(4096))
        return Data(text).base64EncodedString()
    }
}

/// How an invocation ended, decided by the Runtime API state machine or the platform.
enum InvocationOutcome: Sendable, Equatable {
    /// The runtime posted `/response`.
    case response([UInt8])
    /// The runtime posted `/error` (or `/init/error` for the invocation that waited on init).
    case error(LambdaErrorBody)
    /// The deadline passed: `Sandbox.Timedout`.
    case timedOut(seconds: Int)
    /// The process exited without answering: `Runtime.ExitError`. `status` reads as Go prints it.
    case exited(status: String)
    /// The response was larger than the Runtime API accepts.
    case responseTooLarge(bytes: Int)
    /// The executable could not be started.
    case invalidEntrypoint(String)

    /// The invocation's result as the Invoke API returns it.
    func result(requestID: String, logLines: [String]) -> InvocationResult {
        func failure(_ type: String, _ message: String) -> InvocationResult {
            let body = LambdaErrorBody(errorMessage: message, errorType: type)
            let payload = (try? JSONEncoder().encode(body)).map(Array.init) ?? []
            return InvocationResult(
                payload: payload, functionError: "Unhandled", logLines: logLines, requestID: requestID)
        }
        switch self {
        case .response(let payload):
            return InvocationResult(payload: payload, functionError: nil, logLines: logLines, requestID: requestID)
        case .error(let body):
            let payload = (try? JSONEncoder().encode(body)).map(Array.init) ?? []
            return InvocationResult(
                payload: payload, functionError: "Unhandled", logLines: logLines, requestID: requestID)
        case .timedOut(let seconds):
            return failure(
                "Sandbox.Timedout", "RequestId: \(requestID) Error: Task timed out after \(seconds).00 seconds")
        case .exited(let status):
            return failure("Runtime.ExitError", "RequestId: \(requestID) Error: Runtime exited with error: \(status)")
        case .responseTooLarge(let bytes):
            return failure(
                "Function.ResponseSizeTooLarge",
                "Response payload size (\(bytes) bytes) exceeded maximum allowed payload size (6291556 bytes)."
            )
        case .invalidEntrypoint(let reason):
            return failure("Runtime.InvalidEntrypoint", "RequestId: \(requestID) Error: \(reason)")
        }
    }
}
