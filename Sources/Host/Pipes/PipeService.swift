import AWSShapes
import Foundation
import Logging
import ServiceLifecycle

/// Runs every pipe whose desired state is RUNNING, restarting a pipe's runner when the API changes it, and holds
/// the operations of the Pipes API.
final class PipeService: Service {
    let store: PipeStore
    let dynamoDB: DynamoDBStore
    let delivery: EventBridgeDelivery
    let logger: Logger
    private let supervisor = RunnerSupervisor<PipeDefinition>()

    init(store: PipeStore, dynamoDB: DynamoDBStore, delivery: EventBridgeDelivery, logger: Logger) {
        self.store = store
        self.dynamoDB = dynamoDB
        self.delivery = delivery
        self.logger = logger
    }

    func run() async throws {
        let store = self.store
        try? await cancelWhenGracefulShutdown {
            await self.supervisor.run(
                load: {
                    var running: [String: PipeDefinition] = [:]
                    for pipe in try store.all() where pipe.desiredState == "RUNNING" { running[pipe.name] = pipe }
                    return running
                },
                start: { pipe in
                    Task {
                        do {
                            try await PipeRunner(
                                pipe: pipe, store: self.store, dynamoDB: self.dynamoDB, delivery: self.delivery,
                                logger: self.logger
                            ).run()
                        } catch {
                            self.logger.warning("pipe \(pipe.name): \(error)")
                        }
                    }
                })
        }
    }

    var runningPipes: Set<String> { supervisor.runningKeys }

    /// Declares the topology's pipes.
    func declare(_ configurations: [PipeConfiguration], roleAccount: String) throws {
        let now = Date()
        var pipes: [PipeDefinition] = []
        for configuration in configurations {
            guard
                let stream = try dynamoDB.table(named: configuration.sourceTable)?.streamARN(
                    region: store.region, account: store.account)
            else {
                throw AWSError("ValidationException", "Table \(configuration.sourceTable) has no stream")
            }
            var pipe = PipeDefinition(
                name: configuration.name, description: configuration.description, desiredState: "RUNNING",
                source: stream, startingPosition: configuration.startingPosition, batchSize: configuration.batchSize,
                maximumBatchingWindowInSeconds: configuration.maximumBatchingWindowInSeconds,
                filters: configuration.filters, maximumRetryAttempts: configuration.maximumRetryAttempts,
                maximumRecordAgeInSeconds: configuration.maximumRecordAgeInSeconds,
                deadLetterArn: configuration.deadLetterQueue.map {
                    "arn:aws:sqs:\(store.region):\(store.account):\($0)"
                },
                target: "arn:aws:events:\(store.region):\(store.account):event-bus/\(configuration.targetBus)",
                detailType: configuration.detailType, eventSource: configuration.source,
                inputTemplate: configuration.inputTemplate,
                roleArn: "arn:aws:iam::\(roleAccount):role/\(configuration.name)-pipe-role", tags: [:],
                creationTime: now.timeIntervalSince1970, lastModifiedTime: now.timeIntervalSince1970, declared: true)
            try pipe.validate()
            pipe.declared = true
            pipes.append(pipe)
        }
        try store.declare(pipes)
        supervisor.changes.signal()
    }

    // MARK: API operations

    private func find(_ name: String) throws -> PipeDefinition {
        guard let pipe = try store.get(name) else {
            throw AWSError("NotFoundException", "Pipe \(name) does not exist.", status: .notFound)
        }
        return pipe
    }

    /// Why a pipe is not moving records, if it is not.
    private func stateReason(_ pipe: PipeDefinition) -> String? {
        guard let (table, label) = pipe.sourceStream else { return "Unsupported source" }
        guard let found = try? dynamoDB.table(named: table), found.streamLabel == label else {
            return "The source stream \(pipe.source) does not exist."
        }
        if let bus = pipe.targetBus, (try? delivery.store.bus(bus)) == nil {
            return "The target event bus \(bus) does not exist."
        }
        return nil
    }

    func create(name: String, _ request: PipeRequest) throws -> PipeStateAnswer {
        let pipe = try PipeDefinition(creating: request, name: name, now: Date())
        try store.insert(pipe)
        supervisor.changes.signal()
        return pipe.state(arn: store.arn(name), currentState: "CREATING")
    }

    func describe(_ name: String) throws -> Pipes.DescribePipeResponse {
        let pipe = try find(name)
        return pipe.describe(arn: store.arn(name), currentState: pipe.desiredState, stateReason: stateReason(pipe))
    }

    func list(
        namePrefix: String?, desiredState: String?, currentState: String?, sourcePrefix: String?, targetPrefix: String?
    ) throws -> [Pipes.Pipe] {
        try store.all().filter { pipe in
            (namePrefix.map(pipe.name.hasPrefix) ?? true) && (desiredState.map { $0 == pipe.desiredState } ?? true)
                && (currentState.map { $0 == pipe.desiredState } ?? true)
                && (sourcePrefix.map(pipe.source.hasPrefix) ?? true)
                && (targetPrefix.map(pipe.target.hasPrefix) ?? true)
        }.map { pipe in pipe.listed(arn: store.arn(pipe.name), stateReason: stateReason(pipe)) }
    }

    func update(name: String, _ request: PipeRequest) throws -> PipeStateAnswer {
        var pipe = try find(name)
        if let source = request.source, source != pipe.source {
            throw PipeDefinition.invalid("The source of a pipe cannot change", field: "source")
        }
        try pipe.apply(request, now: Date())
        try store.update(pipe)
        supervisor.changes.signal()
        return pipe.state(arn: store.arn(name), currentState: "UPDATING")
    }

    func setState(name: String, _ state: String) throws -> PipeStateAnswer {
        var pipe = try find(name)
        pipe.desiredState = state
        pipe.lastModifiedTime = Date().timeIntervalSince1970
        try store.update(pipe)
        supervisor.changes.signal()
        return pipe.state(arn: store.arn(name), currentState: state == "RUNNING" ? "STARTING" : "STOPPING")
    }

    func delete(_ name: String) throws -> PipeStateAnswer {
        let pipe = try find(name)
        try store.delete(name)
        supervisor.changes.signal()
        return pipe.state(arn: store.arn(name), currentState: "DELETING")
    }
}
