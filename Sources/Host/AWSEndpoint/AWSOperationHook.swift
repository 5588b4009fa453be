import Foundation
import Logging

/// Sees every operation of the host's AWS services: before it runs, with its decoded input (and may answer in its
/// place, which is how faults are injected), and after, with its outcome and duration (traces, metrics, logs).
protocol AWSOperationHook: Sendable {
    /// Called with the decoded input before the operation runs; an error returned is the operation's answer.
    func willRun(_ call: AWSOperationCall) -> (any AWSServiceError)?
    /// Called once the operation answered (also when it was not run: an unknown operation, an undecodable input).
    func didRun(_ call: AWSOperationCall, outcome: AWSOperationOutcome)
}

extension AWSOperationHook {
    func willRun(_ call: AWSOperationCall) -> (any AWSServiceError)? { nil }
}

/// One call of an operation, as the hook sees it.
struct AWSOperationCall: Sendable {
    /// The service's signing name: `dynamodb`, `sqs`, `events`, `logs`, `lambda`, `pipes`.
    var service: String
    /// The operation's name, e.g. `PutItem`.
    var operation: String
    /// The decoded input; nil when the call did not get as far as decoding.
    var input: (any Sendable)?
    /// The output, when the operation succeeded.
    var output: (any Sendable)? = nil
    /// The request's body (JSON protocols).
    var body: Data? = nil

    /// What the skeleton carries through one call to report it to the hook.
    struct Context: Sendable {
        let service: String
        let operation: String
        let hook: (any AWSOperationHook)?
        let body: Data?
        private let input = SharedValue<(any Sendable)?>(nil)
        private let output = SharedValue<(any Sendable)?>(nil)

        init(service: String, operation: String, hook: (any AWSOperationHook)?, body: Data? = nil) {
            self.service = service
            self.operation = operation
            self.hook = hook
            self.body = body
        }

        /// The operation answered with `output`.
        func didProduce(_ output: any Sendable) {
            guard hook != nil else { return }
            self.output.value = output
        }

        /// The input was decoded: the hook may answer instead of the operation.
        func willRun(input: any Sendable) throws {
            guard let hook else { return }
            self.input.value = input
            if let fault = hook.willRun(AWSOperationCall(service: service, operation: operation, input: input)) {
                throw fault
            }
        }

        func didRun(status: Int, error: (any AWSServiceError)?, duration: Duration) {
            guard let hook else { return }
            hook.didRun(
                AWSOperationCall(
                    service: service, operation: operation, input: input.value, output: output.value, body: body),
                outcome: AWSOperationOutcome(status: status, errorCode: error?.code, duration: duration))
        }
    }
}

/// How an operation ended.
struct AWSOperationOutcome: Sendable, Equatable {
    var status: Int
    /// The error's code when the operation failed.
    var errorCode: String?
    var duration: Duration
}

/// Writes one `debug` line per operation (`dynamodb PutItem 200 0.31 ms`) and passes the call on.
struct OperationLog: AWSOperationHook {
    let logger: Logger
    let next: (any AWSOperationHook)?

    func willRun(_ call: AWSOperationCall) -> (any AWSServiceError)? { next?.willRun(call) }

    func didRun(_ call: AWSOperationCall, outcome: AWSOperationOutcome) {
        logger.debug(
            "\(call.service) \(call.operation) \(outcome.status)\(outcome.errorCode.map { " " + $0 } ?? "") \(Self.milliseconds(outcome.duration)) ms"
        )
        next?.didRun(call, outcome: outcome)
    }
}

extension OperationLog {
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.2f", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }
}

/// What one AWS request carries that a service may need beyond its input: the caller's X-Ray trace header
/// (`X-Amzn-Trace-Id`, sent by AWS SDKs and the host's functions' clients on every call), read by SQS (a message's
/// `AWSTraceHeader` when the sender set none) and EventBridge (an entry's `TraceHeader` when it has none).
enum AWSRequestTrace {
    @TaskLocal static var header: String?
}
