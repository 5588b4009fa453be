import AWSSigV4
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Where the host listens and how loud it is.
public struct HostConfiguration: Sendable {
    public var bindAddress: String
    /// The AWS endpoint (every AWS API); 0 picks a free port.
    public var awsPort: Int
    /// API Gateway's HTTP API; 0 picks a free port.
    public var apiPort: Int
    /// Durable state lives here (used by the services that keep any).
    public var dataDirectory: String
    /// Function output and START / END / REPORT lines on standard output.
    public var printFunctionLogs: Bool
    /// The waits before the retries of a failed asynchronous invocation (the last one repeats). AWS waits about
    /// 1 minute, then about 2; tests shorten them.
    public var asyncRetryDelays: [Duration]
    /// The first wait before EventBridge retries a target it could not deliver to; each next one doubles (with
    /// jitter) up to 5 minutes. AWS does not document its base; tests shorten it.
    public var eventBridgeRetryDelay: Duration
    /// Names accepted in `Host` and `Origin` besides the built-in local ones (`--allow-host`).
    public var allowedHostNames: [String]
    /// A connection that sends nothing for this long (idle between requests, or stalled inside one) is closed.
    public var idleTimeout: Duration
    /// Check every AWS request's SigV4 signature against ``credentials`` and the functions' own.
    public var verifySignatures: Bool
    /// The credentials clients may sign with when signatures are checked (default `test` / `test`).
    public var credentials: [AWSCredentials]
    /// Sees every AWS operation besides the host's own log line (tests; later faults).
    var operationHook: (any AWSOperationHook)?
    /// Record a trace of every request and event (the console, the X-Ray API); off, trace headers pass through.
    public var tracing: Bool
    /// How long traces are kept.
    public var traceRetention: TraceRetention
    /// The seed of the fault list's draws (`/_host/chaos/faults`): the same seed injects the same faults.
    public var chaosSeed: UInt64 = 1
    /// How long a graceful shutdown may take before the rest is cancelled (connections closed, functions killed):
    /// `host` allows 10 s, so that a request that never ends cannot keep Ctrl-C from stopping it. None waits for
    /// everything (the tests: a shutdown that hangs is a bug they must see).
    public var maximumShutdownDuration: Duration?
    /// What `host --watch` reloaded (the console shows it); nil when the host does not watch.
    public var reloads: ReloadLog?

    public init(
        bindAddress: String = "127.0.0.1", awsPort: Int = 4566, apiPort: Int = 3000,
        dataDirectory: String = ".host-data",
        printFunctionLogs: Bool = true, asyncRetryDelays: [Duration] = [.seconds(60), .seconds(120)],
        eventBridgeRetryDelay: Duration = .seconds(1), allowedHostNames: [String] = [],
        idleTimeout: Duration = .seconds(60), verifySignatures: Bool = false,
        credentials: [AWSCredentials] = [AWSCredentials(accessKeyID: "test", secretAccessKey: "test")],
        tracing: Bool = true, traceRetention: TraceRetention = TraceRetention()
    ) {
        self.tracing = tracing
        self.traceRetention = traceRetention
        self.verifySignatures = verifySignatures
        self.credentials = credentials
        self.allowedHostNames = allowedHostNames
        self.idleTimeout = idleTimeout
        self.bindAddress = bindAddress
        self.awsPort = awsPort
        self.apiPort = apiPort
        self.dataDirectory = dataDirectory
        self.printFunctionLogs = printFunctionLogs
        self.asyncRetryDelays = asyncRetryDelays
        self.eventBridgeRetryDelay = eventBridgeRetryDelay
    }
}

/// The local mini-AWS built from a topology: the Lambda service, the AWS endpoint and the HTTP API, as services of
/// one `ServiceGroup` (stopped together by SIGINT / SIGTERM; every function process is reaped).
public final class HostRuntime: Sendable {
    public let topology: Topology
    public let lambda: LambdaService
    /// The durable queue of asynchronous invocations and its worker.
    let asyncInvocations: LambdaAsyncInvocations
    /// The durable state of every service that keeps any (`<data directory>/host.sqlite`).
    public let database: HostDatabase
    let dynamoDB: DynamoDBAPI
    /// The EventBridge API (tests call it directly).
    let eventBridge: EventBridgeAPI
    /// Lambda's event source mappings (declared and created through the API).
    let eventSourceMappings: EventSourceMappingService
    /// EventBridge Pipes (declared and created through the API).
    let pipes: PipeService
    let eventBridgeTargets: EventBridgeTargets
    /// The trace recorder, when tracing is on.
    let tracer: TraceRecorder?
    /// The fault list (`/_host/chaos/faults`) and its draws.
    let faults: FaultInjector
    let logsStore: LogsStore
    let sqsStore: SQSStore
    public let services: [any Service]
    /// The HTTP API's id (`requestContext.apiId`), when the topology has one.
    public let apiID: String?
    private let ports = PortBook()
    private let maximumShutdownDuration: Duration?

    /// - Parameter executables: the resolved executable of each function (Swift products built by the CLI);
    ///   functions not named here use the topology's `executable`.
    public init(
        topology: Topology, executables: [String: String] = [:], configuration: HostConfiguration = HostConfiguration(),
        logger: Logger
    ) throws {
        self.topology = topology
        maximumShutdownDuration = configuration.maximumShutdownDuration
        database = try HostDatabase(
            path: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("host.sqlite").path)
        // The host's clock: what SQS, asynchronous retries, EventBridge retries, stream pollers, TTL and schedules
        // count time by.
        let clock = try HostClock(database: database)
        let dynamoDB = DynamoDBAPI(
            store: DynamoDBStore(
                database: database, region: topology.region, account: topology.accountID, now: clock.now),
            endpointAddress:
                "\(configuration.bindAddress):\(configuration.awsPort == 0 ? 4566 : configuration.awsPort)")
        self.dynamoDB = dynamoDB
        try dynamoDB.ensureTables(topology.tables)
        let group = MultiThreadedEventLoopGroup.singleton
        let policy = LocalRequestPolicy(
            bindAddress: configuration.bindAddress, allowedNames: configuration.allowedHostNames)
        let http1 = HTTPServerBuilder.http1(
            configuration: .init(idleTimeout: .milliseconds(configuration.idleTimeout.milliseconds)))
        let logsStore = LogsStore(
            database: database, region: topology.region, account: topology.accountID, now: clock.now)
        self.logsStore = logsStore
        let tracer =
            configuration.tracing
            ? TraceRecorder(
                store: TraceStore(
                    database: try HostDatabase(
                        path: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("traces.sqlite")
                            .path, migrations: TraceStore.migrations, durable: false)),
                retention: configuration.traceRetention, logger: logger)
            : nil
        self.tracer = tracer
        let faults = FaultInjector(
            seed: topology.chaosSeed ?? configuration.chaosSeed, region: topology.region, tracer: tracer,
            rules: topology.faults)
        self.faults = faults
        // Function output reaches CloudWatch Logs (`/aws/lambda/<name>`) as on AWS, and the terminal when asked.
        let functionLogs = FunctionLogShipper(logs: logsStore, logger: logger, now: clock.now)
        let lambda = LambdaService(
            topology: topology, executables: executables, requestPolicy: policy,
            awsEndpoint:
                "http://\(configuration.bindAddress):\(configuration.awsPort == 0 ? 4566 : configuration.awsPort)",
            group: group, sink: FunctionLogSink(isEnabled: configuration.printFunctionLogs, shipper: functionLogs),
            logger: logger, tracer: tracer, faults: faults)
        self.lambda = lambda
        let sqsStore = SQSStore(
            database: database, region: topology.region, account: topology.accountID, now: clock.now)
        self.sqsStore = sqsStore
        let asyncInvocations = LambdaAsyncInvocations(
            database: database, lambda: lambda, sqs: sqsStore, retryDelays: configuration.asyncRetryDelays,
            logger: logger, now: clock.now)
        self.asyncInvocations = asyncInvocations
        // Graceful shutdown goes in reverse order: the asynchronous worker stops before the functions do.
        // The log shipper comes first so that it stops last, with the functions' final lines.
        var services: [any Service] = [
            functionLogs, lambda, asyncInvocations,
            DynamoDBSweeper(store: dynamoDB.store, logger: logger, now: clock.now),
        ]
        // The recorder comes first of all so that it stops last, with every hop.
        if let tracer { services.insert(tracer, at: 0) }
        services.append(SQSMessageMover(store: sqsStore, logger: logger))
        let eventBridgeStore = EventBridgeStore(
            database: database, region: topology.region, account: topology.accountID)
        let targets = EventBridgeTargets(
            sqs: sqsStore, lambda: asyncInvocations, logs: logsStore, retryDelay: configuration.eventBridgeRetryDelay,
            logger: logger, now: clock.now, tracer: tracer, faults: faults)
        self.eventBridgeTargets = targets
        services.append(EventBridgeRetries(database: database, targets: targets))
        let delivery = EventBridgeDelivery(store: eventBridgeStore, targets: targets)
        let eventBridge = EventBridgeAPI(store: eventBridgeStore, delivery: delivery, clock: clock)
        let scheduler = EventBridgeScheduler(store: eventBridgeStore, targets: targets, clock: clock, logger: logger)
        services.append(scheduler)
        self.eventBridge = eventBridge
        try sqsStore.ensureQueues(topology.queues)
        for group in Set(topology.rules.flatMap { $0.targets.compactMap(\.logGroup) }) {
            try logsStore.ensureGroup(group)
        }
        // A function's log group exists from the start when the topology names it or its retention (as Terraform
        // creates it); its retention is the topology's.
        for function in topology.functions where function.logGroup != nil || function.logRetentionInDays != nil {
            try logsStore.ensureGroup(function.logGroupName)
            try logsStore.setRetention(group: function.logGroupName, days: function.logRetentionInDays)
        }
        try eventBridgeStore.apply(
            buses: topology.buses, rules: topology.rules, sqs: sqsStore, lambda: lambda, now: clock.now())
        let eventSourceMappings = EventSourceMappingService(
            store: EventSourceMappingStore(database: database, region: topology.region, account: topology.accountID),
            sqs: sqsStore, dynamoDB: dynamoDB.store, lambda: lambda, logger: logger)
        try eventSourceMappings.declare(topology.eventSourceMappings)
        self.eventSourceMappings = eventSourceMappings
        services.append(eventSourceMappings)
        let pipes = PipeService(
            store: PipeStore(database: database, region: topology.region, account: topology.accountID),
            dynamoDB: dynamoDB.store, delivery: delivery, logger: logger)
        try pipes.declare(topology.pipes, roleAccount: topology.accountID)
        self.pipes = pipes
        services.append(pipes)
        var apiID: String?
        let expectsAPI = !topology.httpAPIs.isEmpty
        let routers = [
            dynamoDB.router, SQSAPI(store: sqsStore, base: lambda.awsEndpoint, faults: faults).router,
            eventBridge.router,
            LogsAPI(store: logsStore).router,
        ]
        let faultHook = FaultHook(injector: faults, next: configuration.operationHook)
        let hook = OperationLog(
            logger: logger,
            next: tracer.map { tracer in
                TraceOperationHook(
                    recorder: tracer,
                    keyNames: { [store = dynamoDB.store] table in
                        guard let definition = try? store.table(named: table) else { return [] }
                        return [definition.partitionKey.name] + (definition.sortKey.map { [$0.name] } ?? [])
                    }, next: faultHook)
            } ?? faultHook)
        let console = Console(
            topology: topology, tracer: tracer, lambda: lambda, sqs: sqsStore, dynamoDB: dynamoDB.store,
            eventBridge: eventBridgeStore, pipes: pipes, mappings: eventSourceMappings, logs: logsStore,
            routers: routers, hook: hook, faults: faults, reloads: configuration.reloads)
        let awsApplication = Application(
            responder: AWSEndpoint(
                lambda: lambda, asyncInvocations: asyncInvocations, eventSourceMappings: eventSourceMappings,
                pipes: pipes, routers: routers, xray: XRayAPI(store: tracer?.store, account: topology.accountID),
                console: console, faults: faults, clock: ClockAPI(clock: clock, scheduler: scheduler), hook: hook,
                policy: policy,
                verifier: configuration.verifySignatures
                    ? SignatureVerifier(
                        credentials: configuration.credentials + [LambdaService.functionCredentials],
                        region: topology.region)
                    : nil, account: topology.accountID),
            server: http1,
            configuration: .init(
                address: .hostname(configuration.bindAddress, port: configuration.awsPort), serverName: "host"),
            onServerRunning: { [ports] channel in
                if let port = channel.localAddress?.port {
                    lambda.awsEndpoint.value = "http://\(configuration.bindAddress):\(port)"
                }
                ports.record(aws: channel.localAddress?.port, expectsAPI: expectsAPI)
            },
            eventLoopGroupProvider: .shared(group),
            logger: logger
        )
        services.append(awsApplication)
        if !topology.httpAPIs.isEmpty {
            let gateway = try APIGateway(
                configurations: topology.httpAPIs, lambda: lambda, logger: logger, tracer: tracer, now: clock.now)
            apiID = topology.httpAPIs.count == 1 ? APIGateway.apiID(topology.httpAPIs[0].name) : nil
            services.append(
                Application(
                    responder: gateway,
                    server: http1,
                    configuration: .init(address: .hostname(configuration.bindAddress, port: configuration.apiPort)),
                    onServerRunning: { [ports] channel in ports.record(api: channel.localAddress?.port) },
                    eventLoopGroupProvider: .shared(group),
                    logger: logger
                ))
        }
        self.apiID = apiID
        self.services = services
    }

    /// Waits until every server listens; returns the AWS endpoint's and the HTTP API's ports (0 without an API).
    public func ready() async -> (aws: Int, api: Int) {
        await ports.ready()
    }

    /// A service group that runs everything and stops on SIGINT or SIGTERM.
    public func serviceGroup(logger: Logger, handlingSignals: Bool = true) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [], logger: logger)
        configuration.maximumGracefulShutdownDuration = maximumShutdownDuration
        return ServiceGroup(configuration: configuration)
    }
}

/// The ports the servers bound, and who waits for them.
private final class PortBook: Sendable {
    private struct Ports {
        var aws: Int?
        var api: Int?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(Ports())

    func record(aws: Int? = nil, api: Int? = nil, expectsAPI: Bool = true) {
        let waiters = state.withLock { ports -> [CheckedContinuation<Void, Never>] in
            if let aws { ports.aws = aws }
            if let api { ports.api = api }
            if !expectsAPI && ports.api == nil { ports.api = 0 }
            guard ports.aws != nil, ports.api != nil else { return [] }
            defer { ports.waiters = [] }
            return ports.waiters
        }
        waiters.forEach { $0.resume() }
    }

    func ready() async -> (aws: Int, api: Int) {
        await withCheckedContinuation { continuation in
            let isReady = state.withLock { ports in
                if ports.aws != nil && ports.api != nil { return true }
                ports.waiters.append(continuation)
                return false
            }
            if isReady { continuation.resume() }
        }
        return state.withLock { ($0.aws ?? 0, $0.api ?? 0) }
    }
}

extension Duration {
    /// Whole milliseconds (NIO's `TimeAmount` and timers want integers).
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
