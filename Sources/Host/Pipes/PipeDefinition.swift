// DECISIONS (Pipes): a pipe's state changes at once (CreatePipe answers CREATING, and DescribePipe right after says
// RUNNING); a pipe whose source stream does not exist is CREATE_FAILED-free: it is created and waits, its
// StateReason saying why. Sources are DynamoDB streams and targets event buses; other sources, targets and
// enrichment are refused with a ValidationException naming the field. Pipes declared in the topology are declared
// again at every start. ParallelizationFactor is kept and shown, not applied (one poller per stream keeps order).
//
// DECISIONS (Pipes retries): a pipe runs the same stream poller as a Lambda stream mapping (Streams/StreamPoller),
// so its `DynamoDBStreamParameters` mean what a mapping's settings mean. A batch the bus refuses (PutEvents answers
// an entry with an error, e.g. a `Time` out of range) fails whole: the events it did accept are rolled back and the
// batch is retried after 100 ms × 2^(attempt − 1), at most 5 s. After MaximumRetryAttempts retries (default -1:
// until the record expires) or once its records are older than MaximumRecordAgeInSeconds (default -1: never, since
// the host keeps its stream records) the batch is discarded and the checkpoint moves past it, so a poison record
// blocks the pipe only for as long as the pipe says. OnPartialBatchItemFailure AUTOMATIC_BISECT splits a failing
// batch as BisectBatchOnFunctionError does. The attempts are stored with the checkpoint (a restart keeps counting).
// DeadLetterConfig.Arn naming a queue of the host gets one message per discarded batch. AWS documents that this
// message describes the batch rather than carrying its records, but not its exact body; the host sends the body
// Lambda sends a stream mapping's OnFailure destination (recorded from AWS: `requestContext`, `responseContext`,
// `version`, `timestamp`, `DDBStreamBatchInfo`) with the pipe's ARN in `requestContext.functionArn` and the error
// code of the refused event (e.g. `InvalidArgument`) in `responseContext.functionError`, so one consumer reads both
// kinds, and the stream coordinates in DDBStreamBatchInfo let it re-read the records. The API takes any DLQ ARN (AWS
// also takes SNS topics); a DLQ that is not a queue of the host is logged and the batch dropped.

import AWSShapes
import EventPatterns
import Foundation

/// An EventBridge Pipe as the Pipes API describes it: a DynamoDB stream source with its parameters, and an event bus
/// target with its parameters and input template. Stored as JSON in the host database.
struct PipeDefinition: Codable, Sendable, Equatable {
    var name: String
    var description: String?
    /// `RUNNING` or `STOPPED`.
    var desiredState: String
    var source: String
    var startingPosition: String
    var batchSize: Int
    var maximumBatchingWindowInSeconds: Int
    var filters: [String]
    var maximumRetryAttempts: Int?
    var maximumRecordAgeInSeconds: Int?
    var parallelizationFactor: Int?
    var onPartialBatchItemFailure: String?
    var deadLetterArn: String?
    var target: String
    /// `EventBridgeEventBusParameters`; each may be a JSON path (`$.…`) into the record.
    var detailType: String?
    var eventSource: String?
    var resources: [String]?
    var time: String?
    var endpointID: String?
    var inputTemplate: String?
    var roleArn: String
    var tags: [String: String]
    var creationTime: Double
    var lastModifiedTime: Double
    var declared: Bool

    /// The source table and stream label, from the stream ARN.
    var sourceStream: (table: String, label: String)? {
        guard case .stream(let table, let label)? = EventSourceMapping.source(of: source) else { return nil }
        return (table, label)
    }

    /// The target bus's name, from its ARN.
    var targetBus: String? {
        let parts = target.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "events", parts[5].hasPrefix("event-bus/") else { return nil }
        return String(parts[5].dropFirst("event-bus/".count))
    }
}

/// What a CreatePipe or UpdatePipe request names (an update names no source and no starting position), read from
/// the generated shapes.
struct PipeRequest: Sendable {
    struct DynamoDBStream: Sendable {
        var batchSize: Int?
        var deadLetterArn: String??
        var onPartialBatchItemFailure: String?
        var maximumBatchingWindowInSeconds: Int?
        var maximumRecordAgeInSeconds: Int?
        var maximumRetryAttempts: Int?
        var parallelizationFactor: Int?
        var startingPosition: String?
    }

    var description: String?
    var desiredState: String?
    var source: String?
    var filterCriteria: Pipes.FilterCriteria?
    var dynamoDBStream: DynamoDBStream?
    var enrichment: String?
    var target: String?
    var targetParameters: Pipes.PipeTargetParameters?
    var roleArn: String?
    var tags: [String: String]?
}

/// The members CreatePipe's and UpdatePipe's DynamoDB stream parameters share (each its own shape in the model).
protocol PipeDynamoDBStreamParameters {
    var batchSize: Int? { get }
    var deadLetterConfig: Pipes.DeadLetterConfig? { get }
    var onPartialBatchItemFailure: Pipes.OnPartialBatchItemFailureStreams? { get }
    var maximumBatchingWindowInSeconds: Int? { get }
    var maximumRecordAgeInSeconds: Int? { get }
    var maximumRetryAttempts: Int? { get }
    var parallelizationFactor: Int? { get }
}

extension Pipes.PipeSourceDynamoDBStreamParameters: PipeDynamoDBStreamParameters {}
extension Pipes.UpdatePipeSourceDynamoDBStreamParameters: PipeDynamoDBStreamParameters {}

extension PipeRequest.DynamoDBStream {
    init(_ parameters: some PipeDynamoDBStreamParameters, startingPosition: String?) {
        self.init(
            batchSize: parameters.batchSize, deadLetterArn: parameters.deadLetterConfig.map { $0.arn },
            onPartialBatchItemFailure: parameters.onPartialBatchItemFailure?.rawValue,
            maximumBatchingWindowInSeconds: parameters.maximumBatchingWindowInSeconds,
            maximumRecordAgeInSeconds: parameters.maximumRecordAgeInSeconds,
            maximumRetryAttempts: parameters.maximumRetryAttempts,
            parallelizationFactor: parameters.parallelizationFactor, startingPosition: startingPosition)
    }
}

extension PipeRequest {
    init(_ input: Pipes.CreatePipeRequest) {
        let stream = input.sourceParameters?.dynamoDBStreamParameters
        self.init(
            description: input.description, desiredState: input.desiredState?.rawValue, source: input.source,
            filterCriteria: input.sourceParameters?.filterCriteria,
            dynamoDBStream: stream.map { DynamoDBStream($0, startingPosition: $0.startingPosition.rawValue) },
            enrichment: input.enrichment, target: input.target, targetParameters: input.targetParameters,
            roleArn: input.roleArn, tags: input.tags)
    }

    init(_ input: Pipes.UpdatePipeRequest) {
        let stream = input.sourceParameters?.dynamoDBStreamParameters
        self.init(
            description: input.description, desiredState: input.desiredState?.rawValue,
            filterCriteria: input.sourceParameters?.filterCriteria,
            dynamoDBStream: stream.map { DynamoDBStream($0, startingPosition: nil) },
            enrichment: input.enrichment, target: input.target, targetParameters: input.targetParameters,
            roleArn: input.roleArn)
    }
}

extension PipeDefinition {
    static func invalid(_ message: String, field: String? = nil) -> AWSError {
        AWSError("ValidationException", field.map { "\($0): \(message)" } ?? message)
    }

    /// A new pipe from a CreatePipe request.
    init(creating request: PipeRequest, name: String, now: Date) throws {
        guard name.range(of: #"^[\.\-_A-Za-z0-9]{1,64}$"#, options: .regularExpression) != nil else {
            throw Self.invalid("Name must match [\\.\\-_A-Za-z0-9]+ and be 1 to 64 characters", field: "name")
        }
        guard let source = request.source, !source.isEmpty else {
            throw Self.invalid("Member must not be null", field: "source")
        }
        guard let target = request.target, !target.isEmpty else {
            throw Self.invalid("Member must not be null", field: "target")
        }
        guard let role = request.roleArn, !role.isEmpty else {
            throw Self.invalid("Member must not be null", field: "roleArn")
        }
        guard let position = request.dynamoDBStream?.startingPosition else {
            throw Self.invalid(
                "The host's pipes read DynamoDB streams; SourceParameters.DynamoDBStreamParameters.StartingPosition is required",
                field: "sourceParameters")
        }
        self.init(
            name: name, description: nil, desiredState: "RUNNING", source: source, startingPosition: position,
            batchSize: 10, maximumBatchingWindowInSeconds: 0, filters: [], target: target, roleArn: role,
            tags: request.tags ?? [:], creationTime: now.timeIntervalSince1970,
            lastModifiedTime: now.timeIntervalSince1970, declared: false)
        try apply(request, now: now)
    }

    /// Applies what a create or update request names, then validates the whole.
    mutating func apply(_ request: PipeRequest, now: Date) throws {
        if let description = request.description { self.description = description }
        if let state = request.desiredState {
            guard ["RUNNING", "STOPPED"].contains(state) else {
                throw Self.invalid("Member must satisfy enum value set: [RUNNING, STOPPED]", field: "desiredState")
            }
            desiredState = state
        }
        if let enrichment = request.enrichment, !enrichment.isEmpty {
            throw Self.invalid("The host's pipes do not support enrichment", field: "enrichment")
        }
        if let role = request.roleArn { roleArn = role }
        if let target = request.target { self.target = target }
        if let criteria = request.filterCriteria {
            filters = try (criteria.filters ?? []).map { filter in
                guard let pattern = filter.pattern, (try? EventPattern(parsing: pattern)) != nil else {
                    throw Self.invalid("Invalid filter pattern definition.", field: "sourceParameters.filterCriteria")
                }
                return pattern
            }
        }
        if let stream = request.dynamoDBStream {
            if let size = stream.batchSize { batchSize = size }
            if let window = stream.maximumBatchingWindowInSeconds { maximumBatchingWindowInSeconds = window }
            if let attempts = stream.maximumRetryAttempts { maximumRetryAttempts = attempts }
            if let age = stream.maximumRecordAgeInSeconds { maximumRecordAgeInSeconds = age }
            if let factor = stream.parallelizationFactor { parallelizationFactor = factor }
            if let partial = stream.onPartialBatchItemFailure { onPartialBatchItemFailure = partial }
            if let dead = stream.deadLetterArn { deadLetterArn = dead }
        }
        if let parameters = request.targetParameters {
            inputTemplate = parameters.inputTemplate
            let bus = parameters.eventBridgeEventBusParameters
            detailType = bus?.detailType
            eventSource = bus?.source
            resources = bus?.resources
            time = bus?.time
            endpointID = bus?.endpointId
        }
        lastModifiedTime = now.timeIntervalSince1970
        try validate()
    }

    func validate() throws {
        guard sourceStream != nil else {
            throw Self.invalid(
                "The host's pipes read DynamoDB streams (arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>); got \(source)",
                field: "source")
        }
        guard targetBus != nil else {
            throw Self.invalid(
                "The host's pipes target event buses (arn:aws:events:<region>:<account>:event-bus/<name>); got \(target)",
                field: "target")
        }
        guard ["TRIM_HORIZON", "LATEST"].contains(startingPosition) else {
            throw Self.invalid(
                "Member must satisfy enum value set: [TRIM_HORIZON, LATEST]",
                field: "sourceParameters.dynamoDBStreamParameters.startingPosition")
        }
        guard (1...10_000).contains(batchSize) else {
            throw Self.invalid(
                "Member must have value between 1 and 10000",
                field: "sourceParameters.dynamoDBStreamParameters.batchSize")
        }
        guard (0...300).contains(maximumBatchingWindowInSeconds) else {
            throw Self.invalid(
                "Member must have value between 0 and 300",
                field: "sourceParameters.dynamoDBStreamParameters.maximumBatchingWindowInSeconds")
        }
        if let maximumRetryAttempts, !(-1...10_000).contains(maximumRetryAttempts) {
            throw Self.invalid(
                "Member must have value between -1 and 10000",
                field: "sourceParameters.dynamoDBStreamParameters.maximumRetryAttempts")
        }
        if let maximumRecordAgeInSeconds, !(-1...604_800).contains(maximumRecordAgeInSeconds) {
            throw Self.invalid(
                "Member must have value between -1 and 604800",
                field: "sourceParameters.dynamoDBStreamParameters.maximumRecordAgeInSeconds")
        }
        if let onPartialBatchItemFailure, onPartialBatchItemFailure != "AUTOMATIC_BISECT" {
            throw Self.invalid(
                "Member must satisfy enum value set: [AUTOMATIC_BISECT]",
                field: "sourceParameters.dynamoDBStreamParameters.onPartialBatchItemFailure")
        }
        if let source = eventSource, !source.hasPrefix("$."), source.hasPrefix("aws.") {
            throw Self.invalid(
                "Source may not start with 'aws.'", field: "targetParameters.eventBridgeEventBusParameters.source")
        }
        if let template = inputTemplate {
            guard template.count <= 8192 else {
                throw Self.invalid(
                    "Member must have length less than or equal to 8192", field: "targetParameters.inputTemplate")
            }
            guard PipeInputTemplate.makesObject(template) else {
                throw Self.invalid(
                    "An event bus target needs an InputTemplate that produces a JSON object",
                    field: "targetParameters.inputTemplate")
            }
        }
    }

    func arn(region: String, account: String) -> String { "arn:aws:pipes:\(region):\(account):pipe/\(name)" }

    /// The pipe as DescribePipe shows it.
    func describe(arn: String, currentState: String, stateReason: String?) -> Pipes.DescribePipeResponse {
        let stream = Pipes.PipeSourceDynamoDBStreamParameters(
            batchSize: batchSize, deadLetterConfig: deadLetterArn.map { .init(arn: $0) },
            onPartialBatchItemFailure: onPartialBatchItemFailure.map { .init(rawValue: $0) },
            maximumBatchingWindowInSeconds: maximumBatchingWindowInSeconds,
            maximumRecordAgeInSeconds: maximumRecordAgeInSeconds, maximumRetryAttempts: maximumRetryAttempts,
            parallelizationFactor: parallelizationFactor, startingPosition: .init(rawValue: startingPosition))
        let bus = Pipes.PipeTargetEventBridgeEventBusParameters(
            endpointId: endpointID, detailType: detailType, source: eventSource, resources: resources, time: time)
        return Pipes.DescribePipeResponse(
            arn: arn, name: name, description: description, desiredState: .init(rawValue: desiredState),
            currentState: .init(rawValue: currentState), stateReason: stateReason, source: source,
            sourceParameters: .init(
                filterCriteria: filters.isEmpty ? nil : .init(filters: filters.map { .init(pattern: $0) }),
                dynamoDBStreamParameters: stream),
            enrichmentParameters: .init(), target: target,
            targetParameters: .init(
                inputTemplate: inputTemplate,
                eventBridgeEventBusParameters: bus == Pipes.PipeTargetEventBridgeEventBusParameters() ? nil : bus),
            roleArn: roleArn, tags: tags, creationTime: creationTime, lastModifiedTime: lastModifiedTime)
    }

    /// The pipe as ListPipes shows it.
    func listed(arn: String, stateReason: String?) -> Pipes.Pipe {
        Pipes.Pipe(
            name: name, arn: arn, desiredState: .init(rawValue: desiredState),
            currentState: .init(rawValue: desiredState), stateReason: stateReason, creationTime: creationTime,
            lastModifiedTime: lastModifiedTime, source: source, target: target)
    }

    /// The fields CreatePipe, UpdatePipe, StartPipe, StopPipe and DeletePipe answer with.
    func state(arn: String, currentState: String) -> PipeStateAnswer {
        PipeStateAnswer(
            arn: arn, name: name, desiredState: desiredState, currentState: currentState,
            creationTime: creationTime, lastModifiedTime: lastModifiedTime)
    }
}

/// The answer the state-changing pipe operations share (each has its own output shape with these members).
struct PipeStateAnswer: Sendable {
    var arn: String
    var name: String
    var desiredState: String
    var currentState: String
    var creationTime: Double
    var lastModifiedTime: Double
}
