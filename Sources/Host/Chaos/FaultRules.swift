// DECISIONS (faults): the rule list is LocalStack's Chaos API (`/_localstack/chaos/faults` there, `/_host/chaos/faults`
// here): a JSON array of rules with `region`, `service`, `operation`, `probability` (default 1), `description` and
// `error: {statusCode (400–599, default 503), code (default ServiceUnavailable)}`, each field optional (absent matches
// all), validated with LocalStack's patterns; GET returns the rules as sent, POST replaces, PATCH appends, DELETE
// removes the rules equal to those sent, each answering the whole list; a bad body is 400
// `{"message":"Error validating JSON schema: …"}` and changes nothing. Rules are tried in order and each that matches
// draws by its probability; the first whose draw succeeds decides (a failed draw passes on to the next matching rule:
// LocalStack does not say, and this lets rules of one function stack, 5% crashes then 5% timeouts). A
// faulted operation does not run and answers `Operation failed due to a simulated fault` with the rule's status and
// code (LocalStack's text), in the service's own error shape. The host adds one field, `fault`, for faults in the
// event flow itself, which LocalStack has not: with `service: "lambda"` and an optional `function`, `error` (a thrown
// error: the function does not run), `crash` (the runtime is killed before the work: `Runtime.ExitError`, and the
// next invocation starts a new environment), `crashAfter` (it is killed after the work, before its answer reaches the
// host), `timeout` (the work runs, its answer is dropped and the invocation ends as `Sandbox.Timedout` at once rather
// than after the function's timeout; the environment is reset, as after a timeout), `slowStart` (a cold start takes
// `delayMilliseconds` more, counted in its Init Duration) and `initFailure` (a cold start's init fails: the waiting
// invocation gets the error and the environment is discarded); with `service: "sqs"` and an optional `queue`, for
// event source mappings: `duplicate` (the batch goes to two invocations), `lostAck` (the delete of the processed
// messages does not happen, so they come back), `reorder` (a batch's messages shuffled, a FIFO group's messages
// kept in order; on a standard queue part of the batch is also held back for `delayMilliseconds`, 1 s by default,
// so later messages overtake it; a message is held back at most once and its receive is not counted) and `delay`
// (`delayMilliseconds` before the invocation); `duplicate` and `lostAck` also with `service: "pipes"` (an optional
// `pipe`: the batch's events are put on the bus twice; the checkpoint after a batch is lost, so the batch comes
// again) and `service: "dynamodb"` (an optional `table`: a stream mapping invokes its function twice with the batch;
// its checkpoint is lost). Draws come from one generator seeded by
// `seed` (`/_host/chaos/faults?seed=N`, `--chaos-seed`), so a run with the same requests in the same order injects the
// same faults. Every injected fault is a trace hop (service `chaos`), on the timeline and in its trace.

import AWSShapes
import Foundation

/// One rule of the fault list, as LocalStack's Chaos API and the host's own fields define it.
struct FaultRule: Sendable, Equatable {
    var region: String?
    var service: String?
    var operation: String?
    var probability: Double
    var statusCode: Int
    var code: String
    /// The host's event-flow faults (nil: an API fault).
    var fault: EventFault?
    /// The function or queue an event-flow fault is limited to.
    var resource: String?
    var delayMilliseconds: Int
    /// The rule as it was sent (GET answers it verbatim; DELETE compares with it).
    var original: JSONValue

    enum EventFault: String, Sendable, CaseIterable {
        case error, crash, crashAfter, timeout, slowStart, initFailure
        case duplicate, lostAck, reorder, delay

        var isFunctionFault: Bool { [.error, .crash, .crashAfter, .timeout, .slowStart, .initFailure].contains(self) }
    }

    static let defaultMessage = "Operation failed due to a simulated fault"

    /// Reads and checks one rule (LocalStack's schema, and the host's fields).
    init(_ value: JSONValue) throws(FaultRuleError) {
        guard case .object(let fields) = value else {
            throw FaultRuleError("\(EventBridgeInput.text(value).prefix(200)) is not of type 'object'")
        }
        let known: Set<String> = [
            "region", "service", "operation", "probability", "description", "error", "fault", "function", "queue",
            "pipe", "table", "delayMilliseconds",
        ]
        if let extra = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw FaultRuleError("Additional properties are not allowed ('\(extra)' was unexpected)")
        }
        func string(_ key: String, pattern: (UInt8) -> Bool) throws(FaultRuleError) -> String? {
            guard let value = fields[key] else { return nil }
            guard case .string(let text) = value else {
                throw FaultRuleError("\(EventBridgeInput.text(value).prefix(100)) is not of type 'string'")
            }
            guard !text.isEmpty, text.utf8.count <= 256, text.utf8.allSatisfy(pattern) else {
                throw FaultRuleError("'\(text.prefix(100))' does not match the pattern of '\(key)'")
            }
            return text
        }
        func letterOrDigit(_ byte: UInt8) -> Bool {
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
        }
        region = try string("region") { letterOrDigit($0) || $0 == UInt8(ascii: "-") }
        service = try string("service") { letterOrDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        operation = try string("operation") { letterOrDigit($0) && !($0 >= 48 && $0 <= 57) }
        if let description = fields["description"] {
            guard case .string(let text) = description, text.utf8.count <= 8192 else {
                throw FaultRuleError("'description' is not a string of at most 8192 bytes")
            }
        }
        probability = 1
        if let value = fields["probability"] {
            guard case .number(let number) = value, (0...1).contains(number) else {
                throw FaultRuleError("\(EventBridgeInput.text(value).prefix(100)) is not a probability from 0 to 1")
            }
            probability = number
        }
        statusCode = 503
        code = "ServiceUnavailable"
        if let error = fields["error"] {
            guard case .object(let members) = error else { throw FaultRuleError("'error' is not of type 'object'") }
            if let extra = members.keys.sorted().first(where: { $0 != "statusCode" && $0 != "code" }) {
                throw FaultRuleError("Additional properties are not allowed ('\(extra)' was unexpected)")
            }
            if let value = members["statusCode"] {
                guard case .number(let number) = value, number.rounded() == number, (400...599).contains(number)
                else {
                    throw FaultRuleError("\(EventBridgeInput.text(value).prefix(100)) is not a status from 400 to 599")
                }
                statusCode = Int(number)
            }
            if let value = members["code"] {
                guard case .string(let text) = value, !text.isEmpty, text.utf8.count <= 128,
                    text.utf8.allSatisfy(letterOrDigit)
                else {
                    throw FaultRuleError("\(EventBridgeInput.text(value).prefix(100)) does not match '^[a-zA-Z0-9]+$'")
                }
                code = text
            }
        }
        fault = nil
        if let value = fields["fault"] {
            guard case .string(let text) = value, let kind = EventFault(rawValue: text) else {
                throw FaultRuleError(
                    "'fault' is one of " + EventFault.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let services =
                kind.isFunctionFault
                ? ["lambda"] : kind == .duplicate || kind == .lostAck ? ["sqs", "pipes", "dynamodb"] : ["sqs"]
            guard let service, services.contains(service) else {
                throw FaultRuleError(
                    "a '\(text)' fault needs \"service\": " + services.map { "\"\($0)\"" }.joined(separator: " or "))
            }
            fault = kind
        }
        var named: [String] = []
        for key in ["function", "queue", "pipe", "table"] {
            if let name = try string(key, pattern: { letterOrDigit($0) || $0 == 45 || $0 == 95 || $0 == 46 }) {
                named.append(name)
            }
        }
        guard named.count <= 1 else { throw FaultRuleError("a rule names one function, queue, pipe or table") }
        resource = named.first
        if resource != nil && fault == nil {
            throw FaultRuleError("'function', 'queue', 'pipe' and 'table' name the target of an event-flow 'fault'")
        }
        delayMilliseconds = 0
        if let value = fields["delayMilliseconds"] {
            guard case .number(let number) = value, number.rounded() == number, (0...600_000).contains(number) else {
                throw FaultRuleError("'delayMilliseconds' is an integer from 0 to 600000")
            }
            delayMilliseconds = Int(number)
        }
        original = value
    }

    /// Whether an API call matches (every field given matches; an event-flow rule never does).
    func matches(service: String, operation: String, region: String) -> Bool {
        fault == nil && (self.service.map { $0 == service } ?? true)
            && (self.operation.map { $0 == operation } ?? true) && (self.region.map { $0 == region } ?? true)
    }

    /// Whether an event-flow fault applies to this function, queue, pipe or table (of `service`).
    func matches(fault kinds: Set<EventFault>, service: String, resource name: String) -> Bool {
        guard let fault, kinds.contains(fault), self.service == service else { return false }
        return resource.map { $0 == name } ?? true
    }
}

struct FaultRuleError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// A small seeded generator (SplitMix64): the same seed draws the same faults.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
