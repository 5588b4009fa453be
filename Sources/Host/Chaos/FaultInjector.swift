import AWSShapes
import Foundation
import Synchronization

/// The fault list and its one generator: decides, call by call, which fault to inject, and records each in the traces.
public final class FaultInjector: Sendable {
    private struct State {
        /// Every rule in order, each switched on or off (the console's switches; the Chaos API sees the ones on).
        var entries: [(rule: FaultRule, on: Bool)] = [] {
            didSet { rules = entries.filter(\.on).map(\.rule) }
        }
        /// The rules switched on, in order: what every draw goes through.
        private(set) var rules: [FaultRule] = []
        var latencyMilliseconds = 0
        var generator: SeededGenerator
        /// Faults injected since the host started, by kind (`api`, `crash`, `duplicate`, …).
        var injected: [String: Int] = [:]
    }

    private let state: Mutex<State>
    let region: String
    let tracer: TraceRecorder?

    init(seed: UInt64 = 1, region: String, tracer: TraceRecorder?, rules: [FaultRule] = []) {
        var initial = State(generator: SeededGenerator(state: seed))
        initial.entries = rules.map { ($0, true) }
        state = Mutex(initial)
        self.region = region
        self.tracer = tracer
    }

    // MARK: the API (`/_host/chaos/faults`, `/_host/chaos/effects`)

    var rules: [FaultRule] { state.withLock { $0.rules } }

    /// The rules as sent, as a JSON array.
    var rulesJSON: String {
        "[" + rules.map { EventBridgeInput.text($0.original) }.joined(separator: ",") + "]"
    }

    static func parse(_ body: Data) throws(FaultRuleError) -> [FaultRule] {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body)
        } catch {
            throw FaultRuleError("Error decoding JSON: \(error)")
        }
        guard case .array(let items) = value else {
            throw FaultRuleError("Error validating JSON schema: the rules are a JSON array")
        }
        guard items.count <= 1000 else { throw FaultRuleError("Error validating JSON schema: at most 1000 rules") }
        do {
            return try items.map { item throws(FaultRuleError) in try FaultRule(item) }
        } catch {
            throw FaultRuleError("Error validating JSON schema: \(error.message)")
        }
    }

    /// LocalStack's POST: these rules, on, and no other (switched-off ones too are gone).
    func replace(with rules: [FaultRule]) { state.withLock { $0.entries = rules.map { ($0, true) } } }
    func append(_ rules: [FaultRule]) { state.withLock { $0.entries += rules.map { ($0, true) } } }
    func remove(_ rules: [FaultRule]) {
        let originals = rules.map(\.original)
        state.withLock { $0.entries.removeAll { originals.contains($0.rule.original) } }
    }

    // MARK: the console's switches

    /// Every rule in order with whether it is on.
    var entries: [(rule: FaultRule, on: Bool)] { state.withLock { $0.entries } }

    /// The console's edit of the rules that are on: they become these, and the rules switched off stay (off).
    func replaceSwitchedOn(with rules: [FaultRule]) {
        state.withLock { $0.entries = rules.map { ($0, true) } + $0.entries.filter { !$0.on } }
    }

    /// Switches the first rule written as `text` (its JSON, as `entries` shows it) that is not yet `on` on or off;
    /// false when there is none. By its text, not its place: a page read before the list changed switches the
    /// rule it showed, or nothing.
    func setSwitch(rule text: String, on: Bool) -> Bool {
        state.withLock { state in
            guard
                let index = state.entries.firstIndex(where: {
                    $0.on != on && EventBridgeInput.text($0.rule.original) == text
                })
            else { return false }
            state.entries[index].on = on
            return true
        }
    }

    /// Switches every rule on or off, keeping them.
    func setAllSwitches(on: Bool) {
        state.withLock { state in state.entries = state.entries.map { ($0.rule, on) } }
    }

    func reseed(_ seed: UInt64) { state.withLock { $0.generator = SeededGenerator(state: seed) } }

    var latencyMilliseconds: Int {
        get { state.withLock { $0.latencyMilliseconds } }
        set { state.withLock { $0.latencyMilliseconds = newValue } }
    }

    /// Faults injected since the host started, by kind.
    var injected: [String: Int] { state.withLock { $0.injected } }

    /// The latency every AWS call waits first (LocalStack's network effect), counted and recorded as a hop of the
    /// call's trace (`header`, its X-Amzn-Trace-Id) when there is one.
    func latency(for resource: String, trace header: String?) -> Int {
        let milliseconds: Int = state.withLock { state in
            if state.latencyMilliseconds > 0 { state.injected["latency", default: 0] += 1 }
            return state.latencyMilliseconds
        }
        if milliseconds > 0 {
            record(
                "latency", resource: resource, detail: "\(milliseconds) ms of latency", trace: header,
                duration: Double(milliseconds) / 1000)
        }
        return milliseconds
    }

    // MARK: decisions

    /// The error an AWS call gets instead of running, when a rule says so.
    func apiFault(service: String, operation: String) -> AWSError? {
        let drawn = draw(kind: "api") { $0.matches(service: service, operation: operation, region: region) }
        guard let rule = drawn else { return nil }
        record("api", resource: service + " " + operation, detail: "\(rule.statusCode) \(rule.code)")
        return AWSError(rule.code, FaultRule.defaultMessage, status: .init(code: rule.statusCode))
    }

    /// The fault an invocation of `function` gets, if any.
    func functionFault(_ function: String, trace: String?) -> FaultRule? {
        let kinds: Set<FaultRule.EventFault> = [.error, .crash, .crashAfter, .timeout]
        guard let rule = draw(kinds: kinds, service: "lambda", resource: function) else { return nil }
        record(rule.fault!.rawValue, resource: function, detail: rule.fault!.rawValue, trace: trace)
        return rule
    }

    /// The fault a cold start of `function` gets, if any (`slowStart`, `initFailure`).
    func coldStartFault(_ function: String, trace: String?) -> FaultRule? {
        guard let rule = draw(kinds: [.slowStart, .initFailure], service: "lambda", resource: function) else {
            return nil
        }
        record(rule.fault!.rawValue, resource: function, detail: rule.fault!.rawValue, trace: trace)
        return rule
    }

    /// What an SQS event source mapping does to one batch of `queue`.
    struct BatchFaults: Equatable {
        var duplicate = false
        var lostAck = false
        var reorder = false
        /// With `reorder`: how long the held-back part of the batch waits (the rule's `delayMilliseconds`, 1 s by
        /// default).
        var holdBackMilliseconds = 0
        var delayMilliseconds = 0
        var isEmpty: Bool { self == BatchFaults() }
    }

    /// What a consumer of `queue` gets for one batch (`kinds`: what it can act out).
    func batchFaults(
        queue: String, trace: String?, kinds: [FaultRule.EventFault] = [.duplicate, .lostAck, .reorder, .delay]
    ) -> BatchFaults {
        guard state.withLock({ $0.rules.contains { $0.fault != nil } }) else { return BatchFaults() }
        var faults = BatchFaults()
        for kind in kinds {
            guard let rule = draw(kinds: [kind], service: "sqs", resource: queue) else { continue }
            switch kind {
            case .duplicate: faults.duplicate = true
            case .lostAck: faults.lostAck = true
            case .reorder:
                faults.reorder = true
                faults.holdBackMilliseconds = rule.delayMilliseconds > 0 ? rule.delayMilliseconds : 1000
            default: faults.delayMilliseconds = rule.delayMilliseconds
            }
            record(kind.rawValue, resource: queue, detail: kind.rawValue, trace: trace)
        }
        return faults
    }

    /// `items` in an order drawn from the generator; items of the same `group` (a FIFO message group) keep their
    /// order among themselves, as a FIFO queue guarantees.
    func shuffled<T>(_ items: [T], group: (T) -> String? = { _ in nil }) -> [T] {
        let order = state.withLock { state in Array(items.indices).shuffled(using: &state.generator) }
        var result = order.map { items[$0] }
        var queues: [String: [T]] = [:]
        for item in items { if let key = group(item) { queues[key, default: []].append(item) } }
        guard !queues.isEmpty else { return result }
        // Each group's places in the shuffled order get its items in their original order.
        for index in result.indices {
            guard let key = group(result[index]) else { continue }
            result[index] = queues[key]!.removeFirst()
        }
        return result
    }

    /// A whole number below `bound`, from the generator.
    func draw(below bound: Int) -> Int {
        state.withLock { state in Int(state.generator.next() % UInt64(max(1, bound))) }
    }

    /// Whether a pipe's (`pipes`) or a stream mapping's (`dynamodb`, by table) batch is delivered twice.
    func duplicatesBatch(service: String, resource: String, trace: String?) -> Bool {
        batchFault(.duplicate, service: service, resource: resource, trace: trace, "\(service) batch delivered twice")
    }

    /// Whether the checkpoint after a pipe's or a stream mapping's delivered batch is lost (the batch comes again).
    func losesCheckpoint(service: String, resource: String, trace: String?) -> Bool {
        batchFault(.lostAck, service: service, resource: resource, trace: trace, "\(service) checkpoint lost")
    }

    /// Whether a DeleteMessage (or a batch of them) on `queue` is lost: answered, not done.
    func losesAcknowledgement(queue: String, trace: String?) -> Bool {
        batchFault(.lostAck, service: "sqs", resource: queue, trace: trace, "delete of \(queue)'s messages lost")
    }

    /// Whether any rule that is on injects `kind` (in memory: what a hot path asks before any other work).
    func has(_ kind: FaultRule.EventFault) -> Bool {
        state.withLock { $0.rules.contains { $0.fault == kind } }
    }

    private func batchFault(
        _ kind: FaultRule.EventFault, service: String, resource: String, trace: String?, _ detail: String
    ) -> Bool {
        guard has(kind), draw(kinds: [kind], service: service, resource: resource) != nil
        else { return false }
        record(kind.rawValue, resource: resource, detail: detail, trace: trace)
        return true
    }

    private func draw(kinds: Set<FaultRule.EventFault>, service: String, resource: String) -> FaultRule? {
        draw { $0.matches(fault: kinds, service: service, resource: resource) }
    }

    /// The first rule that matches and whose draw succeeds (a failed draw passes on to the next), counted as
    /// injected under `kind` (by default its event-flow fault).
    private func draw(kind: String? = nil, where matches: (FaultRule) -> Bool) -> FaultRule? {
        state.withLock { state -> FaultRule? in
            for rule in state.rules where matches(rule) {
                guard rule.probability >= 1 || state.generator.unit() < rule.probability else { continue }
                state.injected[kind ?? rule.fault?.rawValue ?? "api", default: 0] += 1
                return rule
            }
            return nil
        }
    }

    /// An injected fault as a hop of the trace it hit (or of none).
    private func record(
        _ kind: String, resource: String, detail: String, trace header: String? = nil, duration: Double = 0
    ) {
        guard let tracer else { return }
        let context = (header ?? AWSRequestTrace.header).flatMap(TraceSegment.parse)
        tracer.record(
            TraceHop(
                traceID: context?.root, parentID: context?.parent, service: "chaos", operation: kind,
                resource: resource, source: "fault injection", start: Date().timeIntervalSince1970, duration: duration,
                status: .fault, error: "injected fault: \(detail)"))
    }
}

/// Answers the AWS operations a rule faults (before they run), as LocalStack's Chaos API does.
struct FaultHook: AWSOperationHook {
    let injector: FaultInjector
    let next: (any AWSOperationHook)?

    func willRun(_ call: AWSOperationCall) -> (any AWSServiceError)? {
        if let fault = injector.apiFault(service: call.service, operation: call.operation) { return fault }
        return next?.willRun(call)
    }

    func didRun(_ call: AWSOperationCall, outcome: AWSOperationOutcome) { next?.didRun(call, outcome: outcome) }
}
