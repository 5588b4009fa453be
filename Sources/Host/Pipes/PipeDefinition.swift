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

/// The body of CreatePipe and UpdatePipe.
struct PipeRequest: Codable, Sendable {
    struct SourceParameters: Codable, Sendable {
        struct DynamoDBStream: Codable, Sendable {
            struct DeadLetterConfig: Codable, Sendable {
                var arn: String?
                enum CodingKeys: String, CodingKey { case arn = "Arn" }
            }
            var batchSize: Int?
            var deadLetterConfig: DeadLetterConfig?
            var onPartialBatchItemFailure: String?
            var maximumBatchingWindowInSeconds: Int?
            var maximumRecordAgeInSeconds: Int?
            var maximumRetryAttempts: Int?
            var parallelizationFactor: Int?
            var startingPosition: String?
            enum CodingKeys: String, CodingKey {
                case batchSize = "BatchSize"
                case deadLetterConfig = "DeadLetterConfig"
                case onPartialBatchItemFailure = "OnPartialBatchItemFailure"
                case maximumBatchingWindowInSeconds = "MaximumBatchingWindowInSeconds"
                case maximumRecordAgeInSeconds = "MaximumRecordAgeInSeconds"
                case maximumRetryAttempts = "MaximumRetryAttempts"
                case parallelizationFactor = "ParallelizationFactor"
                case startingPosition = "StartingPosition"
            }
        }
        var filterCriteria: FilterCriteria?
        var dynamoDBStreamParameters: DynamoDBStream?
        enum CodingKeys: String, CodingKey {
            case filterCriteria = "FilterCriteria"
            case dynamoDBStreamParameters = "DynamoDBStreamParameters"
        }
    }
    struct TargetParameters: Codable, Sendable {
        struct EventBus: Codable, Sendable {
            var endpointID: String?
            var detailType: String?
            var source: String?
            var resources: [String]?
            var time: String?
            enum CodingKeys: String, CodingKey {
                case endpointID = "EndpointId"
                case detailType = "DetailType"
                case source = "Source"
                case resources = "Resources"
                case time = "Time"
            }
        }
        var inputTemplate: String?
        var eventBridgeEventBusParameters: EventBus?
        enum CodingKeys: String, CodingKey {
            case inputTemplate = "InputTemplate"
            case eventBridgeEventBusParameters = "EventBridgeEventBusParameters"
        }
    }

    var description: String?
    var desiredState: String?
    var source: String?
    var sourceParameters: SourceParameters?
    var enrichment: String?
    var target: String?
    var targetParameters: TargetParameters?
    var roleArn: String?
    var tags: [String: String]?

    enum CodingKeys: String, CodingKey {
        case description = "Description"
        case desiredState = "DesiredState"
        case source = "Source"
        case sourceParameters = "SourceParameters"
        case enrichment = "Enrichment"
        case target = "Target"
        case targetParameters = "TargetParameters"
        case roleArn = "RoleArn"
        case tags = "Tags"
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
        guard let stream = request.sourceParameters?.dynamoDBStreamParameters, let position = stream.startingPosition
        else {
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
        if let parameters = request.sourceParameters {
            if let criteria = parameters.filterCriteria {
                filters = try (criteria.filters ?? []).map { filter in
                    guard let pattern = filter.pattern, (try? EventPattern(parsing: pattern)) != nil else {
                        throw Self.invalid(
                            "Invalid filter pattern definition.", field: "sourceParameters.filterCriteria")
                    }
                    return pattern
                }
            }
            if let stream = parameters.dynamoDBStreamParameters {
                if let size = stream.batchSize { batchSize = size }
                if let window = stream.maximumBatchingWindowInSeconds { maximumBatchingWindowInSeconds = window }
                if let attempts = stream.maximumRetryAttempts { maximumRetryAttempts = attempts }
                if let age = stream.maximumRecordAgeInSeconds { maximumRecordAgeInSeconds = age }
                if let factor = stream.parallelizationFactor { parallelizationFactor = factor }
                if let partial = stream.onPartialBatchItemFailure { onPartialBatchItemFailure = partial }
                if let dead = stream.deadLetterConfig { deadLetterArn = dead.arn }
            }
        }
        if let parameters = request.targetParameters {
            inputTemplate = parameters.inputTemplate
            let bus = parameters.eventBridgeEventBusParameters
            detailType = bus?.detailType
            eventSource = bus?.source
            resources = bus?.resources
            time = bus?.time
            endpointID = bus?.endpointID
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
    func describe(arn: String, currentState: String, stateReason: String?) -> [String: Any] {
        var stream: [String: Any] = [
            "BatchSize": batchSize, "MaximumBatchingWindowInSeconds": maximumBatchingWindowInSeconds,
            "StartingPosition": startingPosition,
        ]
        if let maximumRetryAttempts { stream["MaximumRetryAttempts"] = maximumRetryAttempts }
        if let maximumRecordAgeInSeconds { stream["MaximumRecordAgeInSeconds"] = maximumRecordAgeInSeconds }
        if let parallelizationFactor { stream["ParallelizationFactor"] = parallelizationFactor }
        if let onPartialBatchItemFailure { stream["OnPartialBatchItemFailure"] = onPartialBatchItemFailure }
        if let deadLetterArn { stream["DeadLetterConfig"] = ["Arn": deadLetterArn] }
        var sourceParameters: [String: Any] = ["DynamoDBStreamParameters": stream]
        if !filters.isEmpty { sourceParameters["FilterCriteria"] = ["Filters": filters.map { ["Pattern": $0] }] }
        var bus: [String: Any] = [:]
        if let detailType { bus["DetailType"] = detailType }
        if let eventSource { bus["Source"] = eventSource }
        if let resources { bus["Resources"] = resources }
        if let time { bus["Time"] = time }
        if let endpointID { bus["EndpointId"] = endpointID }
        var targetParameters: [String: Any] = [:]
        if !bus.isEmpty { targetParameters["EventBridgeEventBusParameters"] = bus }
        if let inputTemplate { targetParameters["InputTemplate"] = inputTemplate }
        var object = summary(arn: arn, currentState: currentState)
        object["Source"] = source
        object["SourceParameters"] = sourceParameters
        object["Target"] = target
        object["TargetParameters"] = targetParameters
        object["RoleArn"] = roleArn
        object["Tags"] = tags
        object["EnrichmentParameters"] = [String: Any]()
        if let description { object["Description"] = description }
        if let stateReason { object["StateReason"] = stateReason }
        return object
    }

    /// The fields every pipe operation answers with.
    func summary(arn: String, currentState: String) -> [String: Any] {
        [
            "Arn": arn, "Name": name, "DesiredState": desiredState, "CurrentState": currentState,
            "CreationTime": creationTime, "LastModifiedTime": lastModifiedTime,
        ]
    }
}
