import AWSShapes
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// What the environments of one function are started with.
struct FunctionRuntimeSettings: Sendable {
    var function: FunctionConfiguration
    /// The resolved executable (the function's `bootstrap`).
    var executable: String
    var functionARN: String
    /// The environment every execution environment shares; each adds its own Runtime API address and log stream.
    var environment: [String: String]
    /// How long init may take before the environment is abandoned (AWS: 10 s for on-demand functions).
    var initTimeout: Duration = .seconds(10)
    /// Which `Host` and `Origin` headers the Runtime API accepts (web pages are refused).
    var requestPolicy = LocalRequestPolicy()
}

/// The execution environments of one function: cold starts up to the concurrency limit, warm reuse, a queue
/// beyond it, deadlines, crashes and init errors. One lock guards all of it; every effect (a socket write, a
/// spawn, a resumed caller) runs after the lock is released.
final class FunctionPool: Sendable {
    let settings: FunctionRuntimeSettings
    private let group: any EventLoopGroup
    private let awsEndpoint: SharedValue<String>
    private let sink: FunctionLogSink
    private let state: Mutex<State>
    /// Draws the faults of cold starts (`slowStart`, `initFailure`).
    private let faults: FaultInjector?

    private struct Slot {
        var machine = RuntimeAPIStateMachine<RuntimeAPIResponder>()
        var process: ChildProcess?
        var server: RuntimeAPIServer?
        var timer: Scheduled<Void>?
        var spawnedAt = ContinuousClock.now
        /// Set when init ends; reported by the first REPORT line only.
        var initDuration: Duration?
        var reportInit = true
        var invocationStartedAt = ContinuousClock.now
        var logLines: [String] = []
        /// The environment's CloudWatch log stream (`YYYY/MM/DD/[$LATEST]<32 hex>`).
        var logStream = ""
        /// An injected crash came before the spawned process was recorded: it is killed as soon as it is.
        var killWhenRecorded = false
        /// The executable generation the environment runs: one older than the pool's is retired when it is free.
        var generation = 0
    }

    private struct State {
        var slots: [Int: Slot] = [:]
        /// Which slot runs which invocation (the warmest free one, else a new one up to the limit).
        var scheduler: FunctionPoolScheduler<Invocation>
        var waiters: [String: CheckedContinuation<InvocationResult, Never>] = [:]
        /// What new environments start (replaced by a reload) and how many times it was replaced.
        var executable: String
        var generation = 0
        var isShuttingDown: Bool { scheduler.isStopping }
    }

    /// Work decided under the lock and done after it.
    private enum Effect {
        case deliver(slotID: Int, Invocation, RuntimeAPIResponder)
        case arm(slotID: Int, Invocation, any EventLoop)
        case spawn(slotID: Int)
        case finish(Completion)
        case respond(RuntimeAPIResponder, status: HTTPResponseStatus, body: String)
        case cancel(Scheduled<Void>)
        case stop(ChildProcess?, RuntimeAPIServer?)
    }

    private struct Completion {
        var invocation: Invocation
        var outcome: InvocationOutcome
        var logLines: [String]
        var duration: Duration
        var initDuration: Duration?
        var process: ChildProcess?
        var logStream: String
    }

    init(
        settings: FunctionRuntimeSettings, awsEndpoint: SharedValue<String>, group: any EventLoopGroup,
        sink: FunctionLogSink, faults: FaultInjector? = nil
    ) {
        self.settings = settings
        self.faults = faults
        state = Mutex(
            State(
                scheduler: FunctionPoolScheduler(maxConcurrency: settings.function.maxConcurrency),
                executable: settings.executable))
        self.awsEndpoint = awsEndpoint
        self.group = group
        self.sink = sink
    }

    var name: String { settings.function.name }

    /// Number of live execution environments.
    var environmentCount: Int { state.withLock { $0.slots.count } }

    /// Number of environments whose runtime waits in `/next` for work.
    var idleEnvironmentCount: Int { state.withLock { $0.slots.values.count(where: \.machine.isParked) } }

    /// What new environments start, and how many times it was replaced (``replaceExecutable(_:)``).
    var executable: (path: String, generation: Int) { state.withLock { ($0.executable, $0.generation) } }

    // MARK: reloading

    /// A new build (or a changed script): new environments start `path`; free environments of the old one stop now,
    /// busy ones when their invocation ends (it finishes on the old binary). Returns how many environments ran the
    /// old one.
    @discardableResult
    func replaceExecutable(_ path: String) -> Int {
        let (effects, retired) = state.withLock { state -> ([Effect], Int) in
            state.executable = path
            state.generation += 1
            let retired = state.slots.count
            var effects: [Effect] = []
            for slotID in state.slots.keys.sorted() { effects += release(&state, slotID: slotID) }
            return (effects, retired)
        }
        perform(effects)
        return retired
    }

    // MARK: invoking

    /// Runs one invocation to its end and returns what the Invoke API answers.
    func invoke(_ invocation: Invocation) async -> InvocationResult {
        await withCheckedContinuation { continuation in
            let effects = state.withLock { state -> [Effect]? in
                guard !state.isShuttingDown else { return nil }
                state.waiters[invocation.requestID] = continuation
                return apply(&state, state.scheduler.enqueue(invocation))
            }
            guard let effects else {
                let stopped = InvocationOutcome.exited(status: "signal: terminated")
                continuation.resume(returning: stopped.result(requestID: invocation.requestID, logLines: []))
                return
            }
            perform(effects)
        }
    }

    /// Hands queued invocations to available environments, starting new ones up to the concurrency limit.
    private func schedule(_ state: inout State) -> [Effect] {
        apply(&state, state.scheduler.schedule())
    }

    /// Carries out the scheduler's decisions on the slots' Runtime API state machines.
    private func apply(_ state: inout State, _ decisions: [FunctionPoolScheduler<Invocation>.Decision]) -> [Effect] {
        var effects: [Effect] = []
        for decision in decisions {
            switch decision {
            case .assign(let slotID, let invocation):
                switch state.slots[slotID]?.machine.assign(invocation) {
                case .deliver(let invocation, let waiter):
                    effects.append(startInvocation(&state, slotID: slotID, invocation, waiter))
                case .held:
                    // Held for a runtime that has not asked for it yet: the deadline runs from now, so a runtime
                    // stuck between invocations cannot keep the caller waiting forever (its server's loop, or any
                    // loop while the server is not recorded yet).
                    if case .betweenInvocations = state.slots[slotID]?.machine.state {
                        let loop = state.slots[slotID]?.server?.channel.eventLoop ?? group.next()
                        effects.append(.arm(slotID: slotID, invocation, loop))
                    }
                case nil:
                    // The scheduler only assigns to a slot that can take work; should that ever not hold, the
                    // invocation fails rather than leave its caller waiting.
                    assertionFailure("\(invocation.requestID) assigned to slot \(slotID), which cannot take it")
                    var slot = Slot()
                    effects.append(.finish(completion(&slot, invocation, .exited(status: "signal: killed"))))
                }
            case .spawn(let slotID, let invocation):
                var slot = Slot()
                slot.generation = state.generation
                _ = slot.machine.assign(invocation)
                state.slots[slotID] = slot
                effects.append(.spawn(slotID: slotID))
            }
        }
        return effects
    }

    private func startInvocation(
        _ state: inout State, slotID: Int, _ invocation: Invocation, _ waiter: RuntimeAPIResponder
    ) -> Effect {
        state.slots[slotID]?.invocationStartedAt = .now
        state.slots[slotID]?.logLines.append("START RequestId: \(invocation.requestID) Version: $LATEST")
        return .deliver(slotID: slotID, invocation, waiter)
    }

    /// After a transition: a slot that can take work takes the next queued invocation or waits in `available`.
    private func release(_ state: inout State, slotID: Int) -> [Effect] {
        guard let slot = state.slots[slotID], slot.machine.isAvailable else { return [] }
        if slot.generation < state.generation {
            // Its executable was replaced: it stops, and its place may start the new one.
            guard let (removed, _) = remove(&state, slotID: slotID) else { return [] }
            var effects: [Effect] = [.stop(removed.process, removed.server)]
            if let timer = removed.timer { effects.append(.cancel(timer)) }
            return effects + schedule(&state)
        }
        return apply(&state, state.scheduler.free(slotID))
    }

    /// Removes a finished slot; returns what it owed and its resources to stop.
    private func remove(_ state: inout State, slotID: Int) -> (Slot, Invocation?)? {
        guard var slot = state.slots.removeValue(forKey: slotID) else { return nil }
        state.scheduler.remove(slotID)
        let owed = slot.machine.terminate()
        return (slot, owed)
    }

    private func completion(_ slot: inout Slot, _ invocation: Invocation, _ outcome: InvocationOutcome) -> Completion {
        let completion = Completion(
            invocation: invocation, outcome: outcome, logLines: slot.logLines,
            duration: .now - slot.invocationStartedAt,
            initDuration: slot.reportInit ? slot.initDuration : nil, process: slot.process, logStream: slot.logStream)
        if slot.initDuration != nil { slot.reportInit = false }
        slot.logLines = []
        return completion
    }

    // MARK: the Runtime API

    private func handle(slotID: Int, _ request: RuntimeAPIRequest, _ responder: RuntimeAPIResponder) {
        switch request.route {
        case .next:
            let effects = state.withLock { state -> [Effect] in
                guard var slot = state.slots[slotID] else { return [] }
                let action = slot.machine.nextRequested(by: responder)
                var effects: [Effect] = []
                switch action {
                case .deliver(_, let initCompleted), .park(let initCompleted):
                    if initCompleted {
                        slot.initDuration = .now - slot.spawnedAt
                        if let timer = slot.timer { effects.append(.cancel(timer)) }
                        slot.timer = nil
                    }
                case .reject, .ignore: break
                }
                state.slots[slotID] = slot
                switch action {
                case .deliver(let invocation, _):
                    effects.append(startInvocation(&state, slotID: slotID, invocation, responder))
                case .park:
                    effects += release(&state, slotID: slotID)
                case .reject(let rejection):
                    effects.append(
                        .respond(responder, status: .init(statusCode: rejection.status), body: rejection.json))
                case .ignore: break
                }
                return effects
            }
            perform(effects)

        case .response(let requestID), .error(let requestID):
            if let mode = request.headers.first(name: "Lambda-Runtime-Function-Response-Mode"),
                mode.lowercased() != "streaming"
            {
                responder.sendJSON(
                    status: .badRequest,
                    #"{"errorType":"InvalidFunctionResponseMode","errorMessage":"Invalid function response mode"}"#)
                return
            }
            drainOutput(slotID: slotID)
            if actOutFault(slotID: slotID, requestID: requestID) { return }
            let outcome = Self.outcome(of: request)
            let effects = state.withLock { state -> [Effect] in
                guard var slot = state.slots[slotID] else {
                    return [.respond(responder, status: .badRequest, body: RuntimeAPIRejection.invalidRequestID.json)]
                }
                switch slot.machine.posted(requestID: requestID, outcome: outcome) {
                case .reject(let rejection):
                    return [.respond(responder, status: .init(statusCode: rejection.status), body: rejection.json)]
                case .complete(let invocation, let outcome):
                    var effects: [Effect] = []
                    if let timer = slot.timer { effects.append(.cancel(timer)) }
                    slot.timer = nil
                    if case .responseTooLarge = outcome {
                        effects.append(
                            .respond(responder, status: .payloadTooLarge, body: RuntimeAPIRejection.tooLarge.json))
                    } else {
                        effects.append(.respond(responder, status: .accepted, body: #"{"status":"OK"}"#))
                    }
                    effects.append(.finish(completion(&slot, invocation, outcome)))
                    state.slots[slotID] = slot
                    return effects + release(&state, slotID: slotID)
                }
            }
            perform(effects)

        case .initError:
            drainOutput(slotID: slotID)
            failInit(slotID: slotID, Self.errorBody(of: request), responder: responder)

        case .unknown:
            responder.sendJSON(
                status: .notFound, #"{"errorType":"NotFound","errorMessage":"Unknown Runtime API path"}"#)
        }
    }

    /// An invocation whose fault is `crashAfter` or `timeout` did its work: its answer is lost. `crashAfter` kills
    /// the runtime (the caller gets `Runtime.ExitError` when it exits); `timeout` ends it as its deadline would, at
    /// once rather than after the function's timeout, and resets the environment as a timeout does.
    private func actOutFault(slotID: Int, requestID: String) -> Bool {
        let (fault, process) = state.withLock { state -> (FaultRule.EventFault?, ChildProcess?) in
            guard let slot = state.slots[slotID], case .invoking(let invocation) = slot.machine.state,
                invocation.requestID == requestID
            else { return (nil, nil) }
            return (invocation.fault, slot.process)
        }
        switch fault {
        case .crashAfter?:
            sink.write(function: name, "injected fault: the runtime is killed after the work of \(requestID)")
            (process ?? killWhenRecorded(slotID: slotID))?.signalGroup(SIGKILL)
            return true
        case .timeout?:
            sink.write(function: name, "injected fault: \(requestID) runs past its deadline")
            timedOut(slotID: slotID, requestID: requestID)
            return true
        default:
            return false
        }
    }

    /// Init failed (the runtime posted `/init/error`, or an injected `initFailure`): the invocation that waited on it
    /// fails with the error and the environment is discarded.
    private func failInit(slotID: Int, _ body: LambdaErrorBody, responder: RuntimeAPIResponder? = nil) {
        let effects = state.withLock { state -> [Effect] in
            guard var slot = state.slots[slotID] else { return [] }
            switch slot.machine.initErrorPosted() {
            case .reject(let rejection):
                return responder.map {
                    [.respond($0, status: .init(statusCode: rejection.status), body: rejection.json)]
                }
                    ?? []
            case .terminate(let pending):
                var effects: [Effect] = []
                if let responder { effects.append(.respond(responder, status: .accepted, body: #"{"status":"OK"}"#)) }
                slot.initDuration = .now - slot.spawnedAt
                if let timer = slot.timer { effects.append(.cancel(timer)) }
                if let pending { effects.append(.finish(completion(&slot, pending, .error(body)))) }
                state.slots[slotID] = slot
                if let (removed, _) = remove(&state, slotID: slotID) {
                    effects.append(.stop(removed.process, removed.server))
                }
                return effects + schedule(&state)
            }
        }
        perform(effects)
    }

    /// Reads what the function printed before it answered, so those lines belong to this invocation; skipped when
    /// nobody will read them.
    private func drainOutput(slotID: Int) {
        state.withLock { state -> ChildProcess? in
            guard let slot = state.slots[slotID] else { return nil }
            return sink.isReading || slot.machine.currentInvocation?.wantsLogTail == true ? slot.process : nil
        }?.drainOutput()
    }

    private static func outcome(of request: RuntimeAPIRequest) -> InvocationOutcome {
        if request.isTooLarge { return .responseTooLarge(bytes: request.receivedBytes) }
        if case .error = request.route { return .error(errorBody(of: request)) }
        // A streamed response that failed midway says so in its trailers.
        if let type = request.trailers?.first(name: "Lambda-Runtime-Function-Error-Type") {
            let message = request.trailers?.first(name: "Lambda-Runtime-Function-Error-Body")
                .flatMap { Data(base64Encoded: $0) }
                .flatMap { try? JSONDecoder().decode(LambdaErrorBody.self, from: $0) }
            return .error(message ?? LambdaErrorBody(errorMessage: "", errorType: type))
        }
        return .response(request.body)
    }

    /// The posted error document; when the body is missing or unreadable, Lambda builds one from the header.
    private static func errorBody(of request: RuntimeAPIRequest) -> LambdaErrorBody {
        if let body = try? JSONDecoder().decode(LambdaErrorBody.self, from: Data(request.body)) { return body }
        let type = request.headers.first(name: "Lambda-Runtime-Function-Error-Type") ?? "Runtime.Unknown"
        return LambdaErrorBody(errorMessage: String(decoding: request.body, as: UTF8.self), errorType: type)
    }

    // MARK: the environment's life

    private func startEnvironment(slotID: Int) async {
        if let faults {
            let trace = state.withLock { $0.slots[slotID]?.machine.currentInvocation?.traceID }
            switch faults.coldStartFault(name, trace: trace) {
            case let rule? where rule.fault == .slowStart:
                // Counted in the Init Duration, as a slow init is.
                sink.write(function: name, "injected fault: the cold start takes \(rule.delayMilliseconds) ms longer")
                try? await Task.sleep(for: .milliseconds(rule.delayMilliseconds))
            case let rule? where rule.fault == .initFailure:
                failInit(
                    slotID: slotID,
                    LambdaErrorBody(errorMessage: "Injected fault: init failed", errorType: "InjectedFault"))
                return
            default:
                break
            }
        }
        var server: RuntimeAPIServer?
        // The generation is the one of the executable actually started (a reload may have come since the spawn).
        let executable = state.withLock { state in
            state.slots[slotID]?.generation = state.generation
            return state.executable
        }
        do {
            let started = try await RuntimeAPIServer.start(
                group: group, policy: settings.requestPolicy,
                handler: { [self] request, responder in handle(slotID: slotID, request, responder) },
                onDisconnect: { [self] channel in disconnected(slotID: slotID, channel: channel) })
            server = started
            var environment = settings.environment
            environment["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:\(started.port)"
            let logStream = Self.logStreamName(at: sink.now)
            environment["AWS_LAMBDA_LOG_STREAM_NAME"] = logStream
            state.withLock { $0.slots[slotID]?.logStream = logStream }
            environment["AWS_ENDPOINT_URL"] = awsEndpoint.value
            let process = try ChildProcess(
                executable: executable,
                arguments: settings.function.arguments,
                environment: environment,
                directory: environment["LAMBDA_TASK_ROOT"],
                onLine: { [self] _, line in appendLog(slotID: slotID, line) },
                onExit: { [self] status in exited(slotID: slotID, status: status) }
            )
            let timer = started.channel.eventLoop.scheduleTask(
                in: TimeAmount.nanoseconds(settings.initTimeout.nanoseconds)
            ) {
                [self] in
                initTimedOut(slotID: slotID)
            }
            let (wanted, initializing, owesCrash) = state.withLock { state -> (Bool, Bool, Bool) in
                guard let slot = state.slots[slotID] else { return (false, false, false) }
                state.slots[slotID]?.process = process
                state.slots[slotID]?.server = started
                guard case .initializing = slot.machine.state, slot.timer == nil else {
                    return (true, false, slot.killWhenRecorded)
                }
                state.slots[slotID]?.timer = timer
                return (true, true, slot.killWhenRecorded)
            }
            if !initializing { timer.cancel() }
            if !wanted {
                process.signalGroup(SIGKILL)
                started.close()
            } else if owesCrash {
                // An injected crash came before this point: its exit fails the invocation.
                process.signalGroup(SIGKILL)
            }
        } catch {
            server?.close()
            let effects = state.withLock { state -> [Effect] in
                guard let removed = remove(&state, slotID: slotID) else { return [] }
                var slot = removed.0
                let owed = removed.1
                var effects: [Effect] = []
                if let owed {
                    effects.append(
                        .finish(completion(&slot, owed, .invalidEntrypoint("Couldn't start the runtime: \(error)"))))
                }
                return effects + schedule(&state)
            }
            sink.write(function: name, "could not start \(executable): \(error)")
            perform(effects)
        }
    }

    /// A runtime dropped the connection its `/next` waited on: forget that waiter (the runtime will ask again), so
    /// no invocation is written into a closed socket.
    private func disconnected(slotID: Int, channel: any Channel) {
        state.withLock { state in
            guard case .parked(let waiter) = state.slots[slotID]?.machine.state, waiter.channel === channel else {
                return
            }
            state.slots[slotID]?.machine.waiterGone()
        }
    }

    private func appendLog(slotID: Int, _ line: String) {
        sink.write(function: name, line)
        let stream = state.withLock { state -> String? in
            guard state.slots[slotID] != nil else { return nil }
            state.slots[slotID]?.logLines.append(line)
            // The tail is the last 4 KB: keep a bounded window of lines.
            if let count = state.slots[slotID]?.logLines.count, count > 400 {
                state.slots[slotID]?.logLines.removeFirst(count - 200)
            }
            return state.slots[slotID]?.logStream
        }
        if let stream { sink.shipper?.append(group: logGroup, stream: stream, line) }
    }

    /// The function's CloudWatch log group.
    var logGroup: String { settings.function.logGroupName }

    /// Whether CloudWatch gets AWS's JSON system records rather than text lines.
    private var logsJSON: Bool { settings.function.logFormat == "JSON" }

    private func exited(slotID: Int, status: String) {
        let effects = state.withLock { state -> [Effect] in
            guard let removed = remove(&state, slotID: slotID) else { return [] }
            var slot = removed.0
            let owed = removed.1
            var effects: [Effect] = [.stop(nil, slot.server)]
            if let timer = slot.timer { effects.append(.cancel(timer)) }
            if let owed { effects.append(.finish(completion(&slot, owed, .exited(status: status)))) }
            return effects + schedule(&state)
        }
        if !effects.isEmpty { sink.write(function: name, "runtime process exited: \(status)") }
        perform(effects)
    }

    private func timedOut(slotID: Int, requestID: String) {
        let effects = state.withLock { state -> [Effect] in
            guard var slot = state.slots[slotID], let invocation = slot.machine.deadlinePassed(requestID: requestID)
            else { return [] }
            let completion = completion(&slot, invocation, .timedOut(seconds: settings.function.timeout))
            state.slots[slotID] = slot
            _ = remove(&state, slotID: slotID)
            return [.finish(completion), .stop(slot.process, slot.server)] + schedule(&state)
        }
        perform(effects)
    }

    private func initTimedOut(slotID: Int) {
        let effects = state.withLock { state -> [Effect] in
            guard var slot = state.slots[slotID], case .initializing = slot.machine.state else { return [] }
            let owed = slot.machine.terminate()
            var effects: [Effect] = [.stop(slot.process, slot.server)]
            let seconds = Int(settings.initTimeout.components.seconds)
            if let owed { effects.append(.finish(completion(&slot, owed, .timedOut(seconds: seconds)))) }
            _ = remove(&state, slotID: slotID)
            return effects + schedule(&state)
        }
        perform(effects)
    }

    // MARK: effects

    private func perform(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .deliver(let slotID, let invocation, let responder):
                deliver(slotID: slotID, invocation, responder)
            case .arm(let slotID, let invocation, let loop):
                loop.execute { self.armDeadline(slotID: slotID, invocation, on: loop) }
            case .spawn(let slotID):
                Task { await self.startEnvironment(slotID: slotID) }
            case .finish(let completion):
                finish(completion)
            case .respond(let responder, let status, let body):
                responder.sendJSON(status: status, body)
            case .cancel(let timer):
                timer.cancel()
            case .stop(let process, let server):
                server?.close()
                if let process {
                    // As RIE: SIGTERM to the process group, SIGKILL if it is still there shortly after.
                    process.signalGroup(SIGTERM)
                    group.next().scheduleTask(in: .milliseconds(500)) { process.signalGroup(SIGKILL) }
                }
            }
        }
    }

    private func deliver(slotID: Int, _ invocation: Invocation, _ responder: RuntimeAPIResponder) {
        let loop = responder.channel.eventLoop
        guard loop.inEventLoop else {
            loop.execute { self.deliver(slotID: slotID, invocation, responder) }
            return
        }
        // The runtime's `/next` connection closed before the host saw it: the invocation waits for the next `/next`.
        guard responder.channel.isActive else {
            undeliver(slotID: slotID, invocation, on: loop)
            return
        }
        if invocation.fault == .crash {
            // An injected crash: the runtime is killed before the work; its exit fails the invocation. The deadline
            // runs too, so that nothing can leave the caller waiting; a runtime that asked for work before its
            // spawn was recorded is killed as soon as it is.
            sink.write(function: name, "injected fault: the runtime is killed before \(invocation.requestID)")
            armDeadline(slotID: slotID, invocation, on: loop)
            killWhenRecorded(slotID: slotID)?.signalGroup(SIGKILL)
            return
        }
        sink.write(function: name, "START RequestId: \(invocation.requestID) Version: $LATEST")
        if let shipper = sink.shipper, let stream = state.withLock({ $0.slots[slotID]?.logStream }) {
            shipper.append(
                group: logGroup, stream: stream,
                logsJSON
                    ? #"{"time":"\#(ISO8601.milliseconds(sink.now))","type":"platform.start","record":{"requestId":"\#(invocation.requestID)","version":"$LATEST"}}"#
                    : "START RequestId: \(invocation.requestID) Version: $LATEST")
        }
        let timeout = settings.function.timeout
        let deadline = Int64(Date().timeIntervalSince1970 * 1000) + Int64(timeout) * 1000
        var headers = [
            ("Lambda-Runtime-Aws-Request-Id", invocation.requestID),
            ("Lambda-Runtime-Deadline-Ms", String(deadline)),
            ("Lambda-Runtime-Invoked-Function-Arn", settings.functionARN),
            ("Lambda-Runtime-Trace-Id", invocation.traceID),
            ("Content-Type", invocation.contentType),
        ]
        if let value = invocation.clientContext { headers.append(("Lambda-Runtime-Client-Context", value)) }
        if let value = invocation.cognitoIdentity { headers.append(("Lambda-Runtime-Cognito-Identity", value)) }
        if let value = invocation.tenantID { headers.append(("Lambda-Runtime-Aws-Tenant-Id", value)) }
        armDeadline(slotID: slotID, invocation, on: loop)
        responder.send(status: .ok, headers: headers, body: invocation.payload) { [self] written in
            if !written { undeliver(slotID: slotID, invocation, on: loop) }
        }
    }

    /// Takes back an invocation that never reached the runtime: the runtime's next `/next` gets it. Its deadline
    /// keeps running (as for an invocation held for a runtime between invocations), so a runtime that never asks
    /// again cannot keep the caller waiting.
    private func undeliver(slotID: Int, _ invocation: Invocation, on loop: any EventLoop) {
        let taken = state.withLock { state -> Bool in
            state.slots[slotID]?.machine.deliveryFailed(requestID: invocation.requestID) ?? false
        }
        guard taken else { return }
        armDeadline(slotID: slotID, invocation, on: loop)
        sink.write(function: name, "the runtime's /next connection closed before \(invocation.requestID) reached it")
    }

    /// The slot's process; when its spawn is not recorded yet, marks the slot so that it is killed once it is.
    private func killWhenRecorded(slotID: Int) -> ChildProcess? {
        state.withLock { state in
            guard let process = state.slots[slotID]?.process else {
                state.slots[slotID]?.killWhenRecorded = true
                return nil
            }
            return process
        }
    }

    /// Starts the invocation's deadline unless it already runs (an invocation held before its `/next`).
    private func armDeadline(slotID: Int, _ invocation: Invocation, on loop: any EventLoop) {
        let timer = loop.scheduleTask(in: .seconds(Int64(settings.function.timeout))) { [self] in
            timedOut(slotID: slotID, requestID: invocation.requestID)
        }
        let kept = state.withLock { state -> Bool in
            guard let slot = state.slots[slotID], slot.timer == nil,
                slot.machine.currentInvocation?.requestID == invocation.requestID
            else { return false }
            state.slots[slotID]?.timer = timer
            return true
        }
        if !kept { timer.cancel() }
    }

    private func finish(_ completion: Completion) {
        let invocation = completion.invocation
        var lines = completion.logLines
        let end = "END RequestId: \(invocation.requestID)"
        var report = "REPORT RequestId: \(invocation.requestID)"
        if sink.isReading || invocation.wantsLogTail {
            let milliseconds =
                Double(completion.duration.components.attoseconds) / 1e15
                + Double(completion.duration.components.seconds) * 1000
            let initMilliseconds = completion.initDuration.map {
                Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000
            }
            // Custom runtimes are billed for init too.
            let billed = Int((milliseconds + (initMilliseconds ?? 0)).rounded(.up))
            let memory = completion.process?.peakMemoryMegabytes() ?? 0
            report += "\tDuration: \(Self.format(milliseconds)) ms\tBilled Duration: \(max(1, billed)) ms"
            report += "\tMemory Size: \(settings.function.memorySize) MB\tMax Memory Used: \(memory) MB"
            if let initMilliseconds { report += "\tInit Duration: \(Self.format(initMilliseconds)) ms" }
            switch completion.outcome {
            case .timedOut: report += "\tStatus: timeout"
            case .exited: report += "\tStatus: error\tError Type: Runtime.ExitError"
            default: break
            }
            sink.write(function: name, end)
            sink.write(function: name, report)
            if let shipper = sink.shipper, !completion.logStream.isEmpty {
                if logsJSON {
                    let status: String
                    switch completion.outcome {
                    case .timedOut: status = "timeout"
                    case .exited: status = "error"
                    default: status = "success"
                    }
                    var metrics =
                        #""durationMs":\#(Self.format(milliseconds)),"billedDurationMs":\#(max(1, billed)),"memorySizeMB":\#(settings.function.memorySize),"maxMemoryUsedMB":\#(memory)"#
                    if let initMilliseconds { metrics += #","initDurationMs":\#(Self.format(initMilliseconds))"# }
                    shipper.append(
                        group: logGroup, stream: completion.logStream,
                        #"{"time":"\#(ISO8601.milliseconds(sink.now))","type":"platform.report","record":{"requestId":"\#(invocation.requestID)","metrics":{\#(metrics)},"status":"\#(status)"}}"#
                    )
                } else {
                    shipper.append(group: logGroup, stream: completion.logStream, end)
                    shipper.append(group: logGroup, stream: completion.logStream, report)
                }
            }
        }
        lines.append(end)
        lines.append(report)
        let result = completion.outcome.result(requestID: invocation.requestID, logLines: lines)
        state.withLock { $0.waiters.removeValue(forKey: invocation.requestID) }?.resume(returning: result)
    }

    /// What the pool holds, for a report when something waits too long: each environment's state, the invocations
    /// queued and the callers waiting. Empty when it holds nothing.
    var diagnostics: String {
        state.withLock { state in
            guard !state.slots.isEmpty || !state.waiters.isEmpty || !state.scheduler.queue.isEmpty else { return "" }
            let slots = state.slots.sorted { $0.key < $1.key }.map { id, slot in
                "#\(id) \(slot.machine.state) process \(slot.process.map { String($0.pid) } ?? "none")"
                    + (slot.timer == nil ? "" : " deadline armed")
            }
            return "\(name): \(state.waiters.count) caller(s) waiting, \(state.scheduler.queue.count) queued; "
                + slots.joined(separator: "; ")
        }
    }

    // MARK: shutdown

    /// Ends every environment: SIGTERM, then SIGKILL for those still running after `grace`; waits until all are
    /// reaped. Invocations still running or queued end with `Runtime.ExitError`.
    func shutdown(grace: Duration = .seconds(2)) async {
        let (slots, queued) = state.withLock { state -> ([Slot], [Invocation]) in
            let queued = state.scheduler.stop()
            let slots = Array(state.slots.values)
            state.slots = [:]
            return (slots, queued)
        }
        var effects: [Effect] = []
        for var slot in slots {
            slot.timer?.cancel()
            if let owed = slot.machine.terminate() {
                effects.append(.finish(completion(&slot, owed, .exited(status: "signal: terminated"))))
            }
        }
        for invocation in queued {
            var slot = Slot()
            effects.append(.finish(completion(&slot, invocation, .exited(status: "signal: terminated"))))
        }
        perform(effects)
        for slot in slots {
            slot.server?.close()
            slot.process?.signalGroup(SIGTERM)
        }
        await withTaskGroup(of: Void.self) { group in
            for slot in slots {
                guard let process = slot.process else { continue }
                group.addTask {
                    let killer = Task {
                        try await Task.sleep(for: grace)
                        process.signalGroup(SIGKILL)
                    }
                    _ = await process.waitForExit()
                    killer.cancel()
                }
            }
        }
    }

    // MARK: helpers

    private static func format(_ milliseconds: Double) -> String {
        let hundredths = Int((milliseconds * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    private static func logStreamName(at date: Date) -> String {
        let day = ISO8601.day(date).replacingOccurrences(of: "-", with: "/")
        let hex = Identifiers.hex32()
        return "\(day)/[$LATEST]\(hex)"
    }
}

extension RuntimeAPIRejection {
    var json: String { #"{"errorMessage":"\#(errorMessage)","errorType":"\#(errorType)"}"# }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
