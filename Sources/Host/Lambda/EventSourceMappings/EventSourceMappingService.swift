import AWSShapes
import Foundation
import Logging
import ServiceLifecycle

/// Runs every enabled event source mapping (SQS pollers, DynamoDB stream pollers) and restarts a mapping's runner when
/// the API changes it. Also holds the operations of the mapping API, so the API stays a thin HTTP layer.
final class EventSourceMappingService: Service {
    let store: EventSourceMappingStore
    let sqs: SQSStore
    let dynamoDB: DynamoDBStore
    let lambda: LambdaService
    let logger: Logger
    private let supervisor = RunnerSupervisor<EventSourceMapping>()

    init(store: EventSourceMappingStore, sqs: SQSStore, dynamoDB: DynamoDBStore, lambda: LambdaService, logger: Logger)
    {
        self.store = store
        self.sqs = sqs
        self.dynamoDB = dynamoDB
        self.lambda = lambda
        self.logger = logger
    }

    func run() async throws {
        let store = self.store
        try? await cancelWhenGracefulShutdown {
            await self.supervisor.run(
                load: {
                    var enabled: [String: EventSourceMapping] = [:]
                    for (mapping, _) in try store.all() where mapping.enabled { enabled[mapping.uuid] = mapping }
                    return enabled
                },
                start: { mapping in Task { await self.runner(for: mapping) } })
        }
    }

    private func runner(for mapping: EventSourceMapping) async {
        do {
            switch mapping.source {
            case .queue(let queue):
                try await SQSEventSourceMapping(
                    mapping: mapping, queue: queue, sqs: sqs, lambda: lambda, logger: logger
                )
                .run()
            case .stream(let table, let label):
                try await StreamEventSourceMapping(
                    mapping: mapping, table: table, label: label, store: store, dynamoDB: dynamoDB, sqs: sqs,
                    lambda: lambda, logger: logger
                ).run()
            case nil:
                logger.warning("mapping \(mapping.uuid): unsupported source \(mapping.eventSourceArn)")
            }
        } catch {
            logger.warning("mapping \(mapping.uuid): \(error)")
        }
    }

    /// The UUIDs of the mappings that have a runner (tests wait for them).
    var runningMappings: Set<String> { supervisor.runningKeys }

    // MARK: declared mappings

    /// Declares the topology's mappings (by their stable UUIDs).
    func declare(_ configurations: [EventSourceMappingConfiguration]) throws {
        var mappings: [EventSourceMapping] = []
        for configuration in configurations {
            let arn: String
            switch configuration.source {
            case .queue(let queue):
                arn = sqs.arn(of: queue)
            case .table(let table):
                guard let stream = try dynamoDB.table(named: table)?.streamARN(region: sqs.region, account: sqs.account)
                else { throw AWSError("InvalidParameterValueException", "Table \(table) has no stream") }
                arn = stream
            }
            let uuid = EventSourceMapping.stableUUID("\(configuration.function)|\(configuration.source)")
            var request = EventSourceMappingRequest()
            request.eventSourceArn = arn
            request.batchSize = configuration.batchSize
            request.maximumBatchingWindowInSeconds = configuration.maximumBatchingWindowInSeconds
            request.filterCriteria = .init(filters: configuration.filters.map { .init(pattern: $0) })
            request.functionResponseTypes = configuration.reportBatchItemFailures ? ["ReportBatchItemFailures"] : []
            request.enabled = configuration.enabled
            if case .table = configuration.source {
                request.startingPosition = configuration.startingPosition
                request.maximumRetryAttempts = configuration.maximumRetryAttempts
                request.maximumRecordAgeInSeconds = configuration.maximumRecordAgeInSeconds
                request.bisectBatchOnFunctionError = configuration.bisectBatchOnFunctionError
                request.destinationConfig = configuration.onFailureQueue.map {
                    .init(onFailure: .init(destination: sqs.arn(of: $0)))
                }
            } else {
                request.scalingConfig = .init(maximumConcurrency: configuration.maximumConcurrency)
            }
            var mapping = try EventSourceMapping(
                creating: request, functionName: configuration.function, uuid: uuid, now: Date())
            mapping.declared = true
            mappings.append(mapping)
        }
        try store.declare(mappings)
        supervisor.changes.signal()
    }

    // MARK: API operations

    private func functionName(_ identifier: String?) throws -> String {
        guard let identifier, !identifier.isEmpty else {
            throw AWSError(
                "InvalidParameterValueException",
                "1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null"
            )
        }
        do {
            return try lambda.pool(for: identifier).name
        } catch {
            throw AWSError("ResourceNotFoundException", "Function not found: \(error.message)", status: .notFound)
        }
    }

    /// Checks that the source exists, as CreateEventSourceMapping does.
    private func checkSource(_ mapping: EventSourceMapping) throws {
        switch mapping.source {
        case .queue(let queue):
            guard try sqs.queue(named: queue) != nil else {
                throw AWSError(
                    "InvalidParameterValueException",
                    "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist."
                )
            }
        case .stream(let table, let label):
            guard let found = try dynamoDB.table(named: table), found.streamLabel == label,
                found.streamViewType != nil
            else {
                throw AWSError("InvalidParameterValueException", "Stream not found: \(mapping.eventSourceArn)")
            }
        case nil:
            throw AWSError("InvalidParameterValueException", "Unsupported event source: \(mapping.eventSourceArn)")
        }
        if let destination = mapping.onFailureDestination {
            guard let queue = sqs.name(ofArn: destination), try sqs.queue(named: queue) != nil else {
                throw AWSError(
                    "InvalidParameterValueException", "The destination \(destination) does not exist.")
            }
        }
    }

    func create(_ request: EventSourceMappingRequest) throws -> AWSLambda.EventSourceMappingConfiguration {
        let name = try functionName(request.functionName)
        let mapping = try EventSourceMapping(
            creating: request, functionName: name, uuid: Identifiers.uuid(), now: Date())
        try checkSource(mapping)
        try store.insert(mapping)
        supervisor.changes.signal()
        return render(mapping, state: "Creating", lastProcessingResult: "No records processed")
    }

    func get(_ uuid: String) throws -> AWSLambda.EventSourceMappingConfiguration {
        let (mapping, result) = try find(uuid)
        return render(mapping, state: mapping.enabled ? "Enabled" : "Disabled", lastProcessingResult: result)
    }

    func list(functionName identifier: String?, eventSourceArn: String?) throws -> [AWSLambda
        .EventSourceMappingConfiguration]
    {
        let function = try identifier.map { try functionName($0) }
        return try store.all().filter { entry in
            (function == nil || entry.mapping.functionName == function)
                && (eventSourceArn == nil || entry.mapping.eventSourceArn == eventSourceArn)
        }.map { render($0.mapping, state: $0.mapping.enabled ? "Enabled" : "Disabled", lastProcessingResult: $0.1) }
    }

    func update(_ uuid: String, _ request: EventSourceMappingRequest) throws
        -> AWSLambda.EventSourceMappingConfiguration
    {
        var (mapping, result) = try find(uuid)
        let wasEnabled = mapping.enabled
        if request.functionName != nil { mapping.functionName = try functionName(request.functionName) }
        if request.startingPosition != nil || request.eventSourceArn != nil {
            throw AWSError(
                "InvalidParameterValueException", "The event source and starting position of a mapping cannot change.")
        }
        try mapping.apply(request, now: Date())
        try checkSource(mapping)
        try store.update(mapping)
        supervisor.changes.signal()
        let state = mapping.enabled == wasEnabled ? "Updating" : mapping.enabled ? "Enabling" : "Disabling"
        return render(mapping, state: state, lastProcessingResult: result)
    }

    func delete(_ uuid: String) throws -> AWSLambda.EventSourceMappingConfiguration {
        let (mapping, result) = try find(uuid)
        try store.delete(uuid)
        supervisor.changes.signal()
        return render(mapping, state: "Deleting", lastProcessingResult: result)
    }

    private func find(_ uuid: String) throws -> (EventSourceMapping, String) {
        guard let found = try store.get(uuid) else {
            throw AWSError(
                "ResourceNotFoundException", "The resource you requested does not exist.", status: .notFound)
        }
        return found
    }

    private func render(_ mapping: EventSourceMapping, state: String, lastProcessingResult: String)
        -> AWSLambda.EventSourceMappingConfiguration
    {
        mapping.configuration(
            state: state, functionARN: lambda.functionARN(mapping.functionName),
            mappingARN: store.mappingARN(mapping.uuid), lastProcessingResult: lastProcessingResult)
    }
}
