// LIMITATIONS (Lambda): functions run the local build, not the deployed architecture; only `$LATEST` (no versions,
// aliases or layers); asynchronous (`Event`) invocations are durable and retried (LambdaAsyncInvocations.swift), but
// only dead-letter queues, no on-success / on-failure destinations; no response streaming to the caller (a streamed response is buffered);
// no provisioned concurrency or SnapStart; the Runtime API's HTTP parser limits request headers to 80 KB, so
// awslambdaric's X-Ray error-cause header is refused above that; no Extensions, Logs or Telemetry APIs.

import AWSShapes
import AWSSigV4
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A Lambda API failure, rendered as AWS renders it.
public struct LambdaServiceError: Error, Equatable {
    public var type: String
    public var message: String
    public var status: Int

    static func notFound(_ arn: String) -> LambdaServiceError {
        LambdaServiceError(type: "ResourceNotFoundException", message: "Function not found: \(arn)", status: 404)
    }
}

extension LambdaService {
    /// The temporary credentials every function gets (the host accepts them when it checks signatures).
    static let functionCredentials = AWSCredentials(
        accessKeyID: "ASIAHOSTLOCALFUNCTION", secretAccessKey: "host-local-function-secret",
        sessionToken: "host-local-function-session")
}

/// A value several services read and one updates (the AWS endpoint's address once its port is bound).
final class SharedValue<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }

    /// Reads or changes the value under its lock.
    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        storage.withLock { body(&$0) }
    }
}

/// How a caller invokes: the Invoke API's options.
public struct InvokeOptions: Sendable {
    public var clientContext: String?
    public var traceID: String?
    public var wantsLogTail = false
    public var tenantID: String?
    /// Where the invocation's arrow starts in a trace when its parent hop does not say (a mapping's queue or
    /// table, a rule).
    var traceSource: String?
    /// Ids the invocation's hop is found by besides its request id (the batch's message ids, sequence numbers).
    var traceKeys: [String] = []

    init(traceID: String?, traceSource: String?, traceKeys: [String]) {
        self.traceID = traceID
        self.traceSource = traceSource
        self.traceKeys = traceKeys
    }

    public init(
        clientContext: String? = nil, traceID: String? = nil, wantsLogTail: Bool = false, tenantID: String? = nil
    ) {
        self.clientContext = clientContext
        self.traceID = traceID
        self.wantsLogTail = wantsLogTail
        self.tenantID = tenantID
    }
}

/// The host's Lambda: every function of the topology and its execution environments. Asynchronous invocations are
/// queued durably by ``LambdaAsyncInvocations``, which runs them through ``invoke(_:payload:requestID:options:)``.
public final class LambdaService: Service {
    public let region: String
    public let accountID: String
    private let pools: [String: FunctionPool]
    private let logger: Logger
    private let sink: FunctionLogSink
    /// Records each invocation as a hop of its trace (and makes the invocation's segment the parent of what the
    /// function calls, as Lambda's active tracing does); nil passes trace headers through untouched.
    let tracer: TraceRecorder?
    /// Injects the function faults of the fault list (and tells the mappings theirs); nil injects none.
    let faults: FaultInjector?
    /// `AWS_ENDPOINT_URL` for functions: known for sure once the AWS endpoint has bound its port.
    let awsEndpoint: SharedValue<String>

    /// - Parameters:
    ///   - executables: the resolved executable of every function, by name.
    ///   - awsEndpoint: `AWS_ENDPOINT_URL` for the functions: the host's AWS endpoint.
    public init(
        topology: Topology, executables: [String: String], requestPolicy: LocalRequestPolicy = LocalRequestPolicy(),
        awsEndpoint: String, group: any EventLoopGroup, sink: FunctionLogSink, logger: Logger,
        hostPATH: String = ProcessInfo.processInfo.environment["PATH"] ?? "", tracer: TraceRecorder? = nil,
        faults: FaultInjector? = nil
    ) {
        self.tracer = tracer
        self.faults = faults
        self.region = topology.region
        self.accountID = topology.accountID
        self.logger = logger
        self.sink = sink
        let awsEndpoint = SharedValue(awsEndpoint)
        self.awsEndpoint = awsEndpoint
        var pools: [String: FunctionPool] = [:]
        for function in topology.functions {
            let executable = executables[function.name] ?? function.executable ?? function.name
            let arn = "arn:aws:lambda:\(topology.region):\(topology.accountID):function:\(function.name)"
            let settings = FunctionRuntimeSettings(
                function: function, executable: executable, functionARN: arn,
                environment: Self.environment(
                    for: function, executable: executable, region: topology.region, hostPATH: hostPATH),
                requestPolicy: requestPolicy)
            pools[function.name] = FunctionPool(
                settings: settings, awsEndpoint: awsEndpoint, group: group, sink: sink, faults: faults)
        }
        self.pools = pools
    }

    /// The environment AWS gives a `provided.al2023` function; nothing of the host's own environment but `PATH`.
    static func environment(
        for function: FunctionConfiguration, executable: String, region: String, hostPATH: String
    ) -> [String: String] {
        let taskRoot = URL(fileURLWithPath: executable).deletingLastPathComponent().path
        // AWS's PATH first; the host's after it, so interpreters a script bootstrap names (python3) are found.
        let awsPATH = "/usr/local/bin:/usr/bin/:/bin:/opt/bin"
        let extra = hostPATH.split(separator: ":").map(String.init).filter {
            !awsPATH.split(separator: ":").map(String.init).contains($0)
        }
        var environment = function.environment
        let platform: [String: String] = [
            "_HANDLER": function.handler,
            "LAMBDA_TASK_ROOT": taskRoot,
            "LAMBDA_RUNTIME_DIR": taskRoot,
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": String(function.memorySize),
            "AWS_LAMBDA_LOG_GROUP_NAME": function.logGroupName,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_ACCESS_KEY_ID": functionCredentials.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": functionCredentials.secretAccessKey,
            "AWS_SESSION_TOKEN": functionCredentials.sessionToken ?? "",
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "PATH": ([awsPATH] + extra).joined(separator: ":"),
            "LD_LIBRARY_PATH": "/lib64:/usr/lib64:\(taskRoot):\(taskRoot)/lib:/opt/lib",
        ]
        environment.merge(platform) { _, platform in platform }
        // A PATH the topology gives (Lambda lets a function set it) wins: a script bootstrap then finds the user's
        // interpreter (a venv, pyenv) before the system's.
        if let path = function.environment["PATH"] { environment["PATH"] = path }
        if let format = function.logFormat { environment["AWS_LAMBDA_LOG_FORMAT"] = format }
        if let level = function.logLevel { environment["AWS_LAMBDA_LOG_LEVEL"] = level }
        return environment
    }

    public var functionNames: [String] { pools.keys.sorted() }

    /// Every pool that holds an environment, a queued invocation or a waiting caller (a report for a hang).
    public var diagnostics: String {
        pools.keys.sorted().compactMap { pools[$0]?.diagnostics }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    public func functionARN(_ name: String) -> String {
        "arn:aws:lambda:\(region):\(accountID):function:\(name)"
    }

    func configuration(of name: String) -> FunctionRuntimeSettings? { pools[name]?.settings }

    /// Live execution environments of a function.
    public func environmentCount(of name: String) -> Int { pools[name]?.environmentCount ?? 0 }

    /// Execution environments of a function whose runtime waits in `/next` for work.
    public func idleEnvironmentCount(of name: String) -> Int { pools[name]?.idleEnvironmentCount ?? 0 }

    /// Finds a function by name, full ARN (`arn:aws:lambda:region:account:function:name[:qualifier]`) or partial
    /// ARN (`account:function:name`). Only `$LATEST` exists.
    func pool(for identifier: String, qualifier: String? = nil) throws(LambdaServiceError) -> FunctionPool {
        var name = identifier
        var qualifier = qualifier
        let parts = identifier.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 7, parts[0] == "arn", parts[5] == "function" {
            name = parts[6]
            if parts.count == 8 { qualifier = parts[7] }
        } else if parts.count >= 3, parts[1] == "function" {
            name = parts[2]
            if parts.count == 4 { qualifier = parts[3] }
        } else if parts.count == 2 {
            name = parts[0]
            qualifier = parts[1]
        }
        guard let pool = pools[name], qualifier == nil || qualifier == "$LATEST" else {
            throw .notFound(functionARN(name) + (qualifier.map { ":\($0)" } ?? ""))
        }
        return pool
    }

    /// Invokes synchronously (`RequestResponse`) and returns the function's result or error. `requestID` is given
    /// by an asynchronous invocation's retries (the same id each time); otherwise a new one is made.
    public func invoke(
        _ function: String, payload: [UInt8], requestID: String? = nil, options: InvokeOptions = InvokeOptions()
    ) async throws(LambdaServiceError) -> InvocationResult {
        let pool = try pool(for: function)
        let fault = faults?.functionFault(pool.name, trace: options.traceID)?.fault
        guard let tracer else {
            return await run(pool, makeInvocation(payload: payload, options: options, requestID: requestID), fault)
        }
        let segment = options.traceID.flatMap(TraceSegment.init(continuing:)) ?? .starting()
        var options = options
        options.traceID = segment.header
        let invocation = makeInvocation(payload: payload, options: options, requestID: requestID)
        let start = Date().timeIntervalSince1970
        let started = ContinuousClock.now
        tracer.open(segment: segment.id, resource: pool.name)
        let result = await run(pool, invocation, fault)
        tracer.close(segment: segment.id)
        let elapsed = ContinuousClock.now - started
        let error = result.error
        let status: TraceHop.Status =
            if let error {
                error.errorType.hasPrefix("Sandbox.") || error.errorType.hasPrefix("Runtime.")
                    || error.errorType.hasPrefix("Function.") ? .fault : .error
            } else { .ok }
        tracer.record(
            TraceHop(
                id: segment.id, traceID: segment.root, parentID: segment.parent, service: "lambda",
                operation: "Invoke", resource: pool.name, source: options.traceSource, start: start,
                duration: elapsed.seconds,
                status: status, error: error.map { "\($0.errorType): \($0.errorMessage)" },
                keys: [invocation.requestID] + options.traceKeys, payload: TraceHop.text(payload),
                response: TraceHop.text(result.payload)))
        return result
    }

    /// Runs an invocation, with the fault drawn for it: the function throws without running; its environment acts
    /// out the others (the runtime is killed before the work or after it, or the work ends in a timeout).
    private func run(_ pool: FunctionPool, _ invocation: Invocation, _ fault: FaultRule.EventFault?) async
        -> InvocationResult
    {
        if fault == .error {
            let body = LambdaErrorBody(errorMessage: "Injected fault: the function threw", errorType: "InjectedFault")
            return InvocationOutcome.error(body).result(requestID: invocation.requestID, logLines: [])
        }
        var invocation = invocation
        invocation.fault = fault
        return await pool.invoke(invocation)
    }

    func makeInvocation(payload: [UInt8], options: InvokeOptions, requestID: String? = nil) -> Invocation {
        Invocation(
            requestID: requestID ?? Identifiers.uuid(), payload: payload, clientContext: options.clientContext,
            tenantID: options.tenantID, traceID: options.traceID ?? Self.newTraceID(),
            wantsLogTail: options.wantsLogTail)
    }

    /// `Root=1-<epoch hex>-<96 random bits>;Parent=<64 random bits>;Sampled=0`, the X-Ray header format.
    static func newTraceID() -> String {
        Identifiers.traceHeader(epochSeconds: UInt64(Date().timeIntervalSince1970))
    }

    /// Hot reload: each named function's new environments start the new executable (a rebuilt binary, or the same
    /// script path after it changed); its free environments stop now, busy ones once their invocation ends. Returns
    /// the functions replaced with the number of environments each retired; unknown names are ignored.
    @discardableResult
    public func replaceExecutables(_ executables: [String: String]) -> [String: Int] {
        var retired: [String: Int] = [:]
        for (name, path) in executables {
            guard let pool = pools[name] else { continue }
            retired[name] = pool.replaceExecutable(path)
        }
        return retired
    }

    /// The executable a function's new environments start and how many times it was replaced.
    public func executable(of name: String) -> (path: String, generation: Int)? { pools[name]?.executable }

    /// Waits for shutdown, then stops every execution environment.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Stops every execution environment and reaps every process.
    public func shutdown() async {
        await withDiscardingTaskGroup { group in
            for pool in pools.values { group.addTask { await pool.shutdown() } }
        }
        sink.flush()
    }
}
