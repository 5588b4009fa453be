import Foundation
import Hummingbird
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

    public init(
        bindAddress: String = "127.0.0.1", awsPort: Int = 4566, apiPort: Int = 3000,
        dataDirectory: String = ".host-data",
        printFunctionLogs: Bool = true
    ) {
        self.bindAddress = bindAddress
        self.awsPort = awsPort
        self.apiPort = apiPort
        self.dataDirectory = dataDirectory
        self.printFunctionLogs = printFunctionLogs
    }
}

/// The local mini-AWS built from a topology: the Lambda service, the AWS endpoint and the HTTP API, as services of
/// one `ServiceGroup` (stopped together by SIGINT / SIGTERM; every function process is reaped).
public final class HostRuntime: Sendable {
    public let topology: Topology
    public let lambda: LambdaService
    /// The durable state of every service that keeps any (`<data directory>/host.sqlite`).
    public let database: HostDatabase
    let dynamoDB: DynamoDBAPI
    /// The EventBridge API (tests call it directly).
    let eventBridge: EventBridgeAPI
    public let services: [any Service]
    /// The HTTP API's id (`requestContext.apiId`), when the topology has one.
    public let apiID: String?
    private let ports = PortBook()

    /// - Parameter executables: the resolved executable of each function (Swift products built by the CLI);
    ///   functions not named here use the topology's `executable`.
    public init(
        topology: Topology, executables: [String: String] = [:], configuration: HostConfiguration = HostConfiguration(),
        logger: Logger
    ) throws {
        self.topology = topology
        database = try HostDatabase(
            path: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("host.sqlite").path,
            migrations: DynamoDBStore.migrations + SQSStore.migrations + EventBridgeStore.migrations
                + PipeRunner.migrations)
        let dynamoDB = DynamoDBAPI(
            store: DynamoDBStore(database: database, region: topology.region, account: topology.accountID))
        self.dynamoDB = dynamoDB
        try dynamoDB.ensureTables(topology.tables)
        let group = MultiThreadedEventLoopGroup.singleton
        let lambda = LambdaService(
            topology: topology, executables: executables,
            awsEndpoint:
                "http://\(configuration.bindAddress):\(configuration.awsPort == 0 ? 4566 : configuration.awsPort)",
            group: group, sink: FunctionLogSink(isEnabled: configuration.printFunctionLogs), logger: logger)
        self.lambda = lambda
        var services: [any Service] = [lambda, DynamoDBSweeper(store: dynamoDB.store, logger: logger)]
        let sqsStore = SQSStore(database: database, region: topology.region, account: topology.accountID)
        services.append(SQSMessageMover(store: sqsStore, logger: logger))
        let eventBridgeStore = EventBridgeStore(
            database: database, region: topology.region, account: topology.accountID)
        let delivery = EventBridgeDelivery(store: eventBridgeStore, sqs: sqsStore, lambda: lambda)
        let eventBridge = EventBridgeAPI(store: eventBridgeStore, sqs: sqsStore, lambda: lambda)
        self.eventBridge = eventBridge
        try sqsStore.ensureQueues(topology.queues)
        try eventBridgeStore.apply(buses: topology.buses, rules: topology.rules, sqs: sqsStore, lambda: lambda)
        for mapping in topology.eventSourceMappings {
            services.append(try SQSEventSourceMapping(mapping: mapping, sqs: sqsStore, lambda: lambda, logger: logger))
        }
        for pipe in topology.pipes {
            services.append(try PipeRunner(pipe: pipe, dynamoDB: dynamoDB.store, delivery: delivery, logger: logger))
        }
        var apiID: String?
        let expectsAPI = topology.httpAPI != nil
        let awsApplication = Application(
            responder: AWSEndpoint(
                lambda: lambda,
                jsonServices: [dynamoDB, SQSAPI(store: sqsStore, base: lambda.awsEndpoint), eventBridge]),
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
        if let api = topology.httpAPI {
            let gateway = try APIGateway(configuration: api, lambda: lambda, logger: logger)
            apiID = gateway.apiID
            services.append(
                Application(
                    responder: gateway,
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
        ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [], logger: logger))
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
