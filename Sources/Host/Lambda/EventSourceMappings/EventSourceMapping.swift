// DECISIONS (event source mappings): a mapping declared in the topology gets a UUID derived from its function and
// source, so it keeps its UUID (and its stream checkpoint) across restarts; the API can update or delete it, and the
// next start declares it again. ParallelizationFactor is accepted and reported, but a stream is read by one poller
// (order per partition key holds either way). OnFailure destinations are SQS queues (SNS topics and S3 buckets are
// refused). TumblingWindowInSeconds is accepted and reported but not applied. A stream mapping needs
// StartingPosition TRIM_HORIZON or LATEST (AT_TIMESTAMP is refused, as DynamoDB streams do).

import AWSShapes
import EventPatterns
import Foundation

/// An event source mapping as Lambda keeps it: the source (an SQS queue or a DynamoDB stream), the function and
/// every setting the API shows. Stored as JSON in the host database; the runners read it.
struct EventSourceMapping: Codable, Sendable, Equatable {
    var uuid: String
    var functionName: String
    var eventSourceArn: String
    var enabled: Bool
    var batchSize: Int
    var maximumBatchingWindowInSeconds: Int
    /// `FilterCriteria.Filters[].Pattern`, each an EventBridge pattern as text.
    var filters: [String]
    var functionResponseTypes: [String]
    /// `ScalingConfig.MaximumConcurrency` (SQS).
    var maximumConcurrency: Int?
    // Stream settings.
    var startingPosition: String?
    var maximumRetryAttempts: Int
    var maximumRecordAgeInSeconds: Int
    var bisectBatchOnFunctionError: Bool
    var parallelizationFactor: Int
    var onFailureDestination: String?
    var tumblingWindowInSeconds: Int
    var lastModified: Double
    /// Declared in the topology (declared again at every start).
    var declared: Bool

    /// Where the records come from.
    enum Source: Sendable, Equatable {
        case queue(String)
        /// A DynamoDB stream: its table and label.
        case stream(table: String, label: String)
    }

    var source: Source? { Self.source(of: eventSourceArn) }

    static func source(of arn: String) -> Source? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn" else { return nil }
        switch parts[2] {
        case "sqs":
            return parts[5].isEmpty ? nil : .queue(parts[5])
        case "dynamodb":
            let path = parts[5].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard path.count == 4, path[0] == "table", path[2] == "stream" else { return nil }
            return .stream(table: path[1], label: path[3])
        default:
            return nil
        }
    }

    var reportsBatchItemFailures: Bool { functionResponseTypes.contains("ReportBatchItemFailures") }

    var isStream: Bool {
        if case .stream = source { return true }
        return false
    }

    /// A UUID made from a text (version-4 layout, so it looks like any other): topology mappings keep theirs.
    static func stableUUID(_ text: String) -> String {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in text.utf8 {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            second = (second ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ first
        }
        return Identifiers.uuid(
            high: (first & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000,
            low: (second & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
    }
}

/// What a CreateEventSourceMapping or UpdateEventSourceMapping request names (an update names no source and no
/// starting position), read from the generated shapes; the topology's mappings are declared through it too.
struct EventSourceMappingRequest: Sendable {
    var functionName: String?
    var eventSourceArn: String?
    var enabled: Bool?
    var batchSize: Int?
    var maximumBatchingWindowInSeconds: Int?
    var filterCriteria: AWSLambda.FilterCriteria?
    var functionResponseTypes: [String]?
    var scalingConfig: AWSLambda.ScalingConfig?
    var startingPosition: String?
    var startingPositionTimestamp: Double?
    var maximumRetryAttempts: Int?
    var maximumRecordAgeInSeconds: Int?
    var bisectBatchOnFunctionError: Bool?
    var parallelizationFactor: Int?
    var destinationConfig: AWSLambda.DestinationConfig?
    var tumblingWindowInSeconds: Int?
}

extension EventSourceMappingRequest {
    init(_ input: AWSLambda.CreateEventSourceMappingRequest) {
        self.init(
            functionName: input.functionName, eventSourceArn: input.eventSourceArn, enabled: input.enabled,
            batchSize: input.batchSize, maximumBatchingWindowInSeconds: input.maximumBatchingWindowInSeconds,
            filterCriteria: input.filterCriteria, functionResponseTypes: input.functionResponseTypes?.map(\.rawValue),
            scalingConfig: input.scalingConfig, startingPosition: input.startingPosition?.rawValue,
            startingPositionTimestamp: input.startingPositionTimestamp,
            maximumRetryAttempts: input.maximumRetryAttempts,
            maximumRecordAgeInSeconds: input.maximumRecordAgeInSeconds,
            bisectBatchOnFunctionError: input.bisectBatchOnFunctionError,
            parallelizationFactor: input.parallelizationFactor, destinationConfig: input.destinationConfig,
            tumblingWindowInSeconds: input.tumblingWindowInSeconds)
    }

    init(_ input: AWSLambda.UpdateEventSourceMappingRequest) {
        self.init(
            functionName: input.functionName, enabled: input.enabled, batchSize: input.batchSize,
            maximumBatchingWindowInSeconds: input.maximumBatchingWindowInSeconds,
            filterCriteria: input.filterCriteria, functionResponseTypes: input.functionResponseTypes?.map(\.rawValue),
            scalingConfig: input.scalingConfig, maximumRetryAttempts: input.maximumRetryAttempts,
            maximumRecordAgeInSeconds: input.maximumRecordAgeInSeconds,
            bisectBatchOnFunctionError: input.bisectBatchOnFunctionError,
            parallelizationFactor: input.parallelizationFactor, destinationConfig: input.destinationConfig,
            tumblingWindowInSeconds: input.tumblingWindowInSeconds)
    }
}

extension EventSourceMapping {
    static func invalid(_ message: String) -> AWSError { AWSError("InvalidParameterValueException", message) }

    /// A new mapping from a create request: defaults as Lambda applies them, then ``validate()``.
    init(creating request: EventSourceMappingRequest, functionName: String, uuid: String, now: Date) throws {
        guard let arn = request.eventSourceArn, let source = Self.source(of: arn) else {
            throw Self.invalid(
                request.eventSourceArn == nil
                    ? "1 validation error detected: Value null at 'eventSourceArn' failed to satisfy constraint: Member must not be null"
                    : "Unsupported event source: \(request.eventSourceArn!). The host maps SQS queues and DynamoDB streams."
            )
        }
        let isStream: Bool
        if case .stream = source { isStream = true } else { isStream = false }
        self.init(
            uuid: uuid, functionName: functionName, eventSourceArn: arn, enabled: request.enabled ?? true,
            batchSize: request.batchSize ?? (isStream ? 100 : 10),
            maximumBatchingWindowInSeconds: request.maximumBatchingWindowInSeconds ?? 0, filters: [],
            functionResponseTypes: request.functionResponseTypes ?? [],
            maximumConcurrency: request.scalingConfig?.maximumConcurrency,
            startingPosition: request.startingPosition, maximumRetryAttempts: -1, maximumRecordAgeInSeconds: -1,
            bisectBatchOnFunctionError: false, parallelizationFactor: 1, onFailureDestination: nil,
            tumblingWindowInSeconds: 0, lastModified: now.timeIntervalSince1970, declared: false)
        if !isStream {
            if request.startingPosition != nil {
                throw Self.invalid("Unsupported starting position for the event source type SQS.")
            }
            for (name, given) in [
                ("MaximumRetryAttempts", request.maximumRetryAttempts != nil),
                ("MaximumRecordAgeInSeconds", request.maximumRecordAgeInSeconds != nil),
                ("BisectBatchOnFunctionError", request.bisectBatchOnFunctionError != nil),
                ("ParallelizationFactor", request.parallelizationFactor != nil),
                ("DestinationConfig", request.destinationConfig != nil),
                ("TumblingWindowInSeconds", request.tumblingWindowInSeconds != nil),
            ] where given {
                throw Self.invalid("Unsupported \(name) parameter for given event source mapping type.")
            }
        } else {
            guard let position = request.startingPosition else {
                throw Self.invalid(
                    "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null"
                )
            }
            guard ["TRIM_HORIZON", "LATEST"].contains(position) else {
                throw Self.invalid("Unsupported starting position for DynamoDB stream sources: \(position).")
            }
            if request.scalingConfig != nil {
                throw Self.invalid("Unsupported ScalingConfig parameter for given event source mapping type.")
            }
        }
        try apply(request, now: now)
    }

    /// Applies the settings an update (or a create) names, then checks the whole.
    mutating func apply(_ request: EventSourceMappingRequest, now: Date) throws {
        if let enabled = request.enabled { self.enabled = enabled }
        if let size = request.batchSize { batchSize = size }
        if let window = request.maximumBatchingWindowInSeconds { maximumBatchingWindowInSeconds = window }
        if let criteria = request.filterCriteria {
            filters = try (criteria.filters ?? []).map { filter in
                guard let pattern = filter.pattern, (try? EventPattern(parsing: pattern)) != nil else {
                    throw Self.invalid("Invalid filter pattern definition.")
                }
                return pattern
            }
            if filters.count > 5 {
                throw Self.invalid("The number of filters in FilterCriteria (\(filters.count)) exceeds the limit of 5.")
            }
        }
        if let types = request.functionResponseTypes {
            guard types.allSatisfy({ $0 == "ReportBatchItemFailures" }) else {
                throw Self.invalid(
                    "1 validation error detected: Value '\(types)' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]"
                )
            }
            functionResponseTypes = Array(Set(types))
        }
        if let scaling = request.scalingConfig { maximumConcurrency = scaling.maximumConcurrency }
        if let attempts = request.maximumRetryAttempts { maximumRetryAttempts = attempts }
        if let age = request.maximumRecordAgeInSeconds { maximumRecordAgeInSeconds = age }
        if let bisect = request.bisectBatchOnFunctionError { bisectBatchOnFunctionError = bisect }
        if let factor = request.parallelizationFactor { parallelizationFactor = factor }
        if let window = request.tumblingWindowInSeconds { tumblingWindowInSeconds = window }
        if let destination = request.destinationConfig {
            if let onFailure = destination.onFailure?.destination, !onFailure.isEmpty {
                guard onFailure.hasPrefix("arn:aws:sqs:") else {
                    throw Self.invalid(
                        "The host supports SQS queues as OnFailure destinations; \(onFailure) is not one.")
                }
                onFailureDestination = onFailure
            } else {
                onFailureDestination = nil
            }
        }
        lastModified = now.timeIntervalSince1970
        try validate()
    }

    /// Lambda's range checks.
    func validate() throws {
        let maximumBatch = isFIFOQueue ? 10 : 10_000
        guard (1...maximumBatch).contains(batchSize) else {
            throw Self.invalid(
                "1 validation error detected: Value \(batchSize) at 'batchSize' failed to satisfy constraint: Member must have value less than or equal to \(maximumBatch)"
            )
        }
        guard (0...300).contains(maximumBatchingWindowInSeconds) else {
            throw Self.invalid(
                "1 validation error detected: Value \(maximumBatchingWindowInSeconds) at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 300"
            )
        }
        if !isStream, batchSize > 10, maximumBatchingWindowInSeconds == 0 {
            throw Self.invalid(
                "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
        }
        if let concurrency = maximumConcurrency, !(2...1000).contains(concurrency) {
            throw Self.invalid(
                "1 validation error detected: Value \(concurrency) at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value between 2 and 1000"
            )
        }
        guard maximumRetryAttempts == -1 || (0...10_000).contains(maximumRetryAttempts) else {
            throw Self.invalid(
                "1 validation error detected: Value \(maximumRetryAttempts) at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value between -1 and 10000"
            )
        }
        guard maximumRecordAgeInSeconds == -1 || (60...604_800).contains(maximumRecordAgeInSeconds) else {
            throw Self.invalid(
                "1 validation error detected: Value \(maximumRecordAgeInSeconds) at 'maximumRecordAgeInSeconds' failed to satisfy constraint: Member must have value between -1 and 604800 (and at least 60 unless -1)"
            )
        }
        guard (1...10).contains(parallelizationFactor) else {
            throw Self.invalid(
                "1 validation error detected: Value \(parallelizationFactor) at 'parallelizationFactor' failed to satisfy constraint: Member must have value between 1 and 10"
            )
        }
        guard (0...900).contains(tumblingWindowInSeconds) else {
            throw Self.invalid(
                "1 validation error detected: Value \(tumblingWindowInSeconds) at 'tumblingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900"
            )
        }
    }

    var isFIFOQueue: Bool {
        if case .queue(let name) = source { return name.hasSuffix(".fifo") }
        return false
    }

    /// The mapping as the API shows it; `state` is `Creating`, `Enabled`, `Updating`, `Deleting`, ….
    func configuration(state: String, functionARN: String, mappingARN: String, lastProcessingResult: String)
        -> AWSLambda.EventSourceMappingConfiguration
    {
        var configuration = AWSLambda.EventSourceMappingConfiguration(
            uuid: uuid, batchSize: batchSize, maximumBatchingWindowInSeconds: maximumBatchingWindowInSeconds,
            eventSourceArn: eventSourceArn,
            filterCriteria: filters.isEmpty ? nil : .init(filters: filters.map { .init(pattern: $0) }),
            functionArn: functionARN, lastModified: lastModified, state: state,
            functionResponseTypes: functionResponseTypes.map { .init(rawValue: $0) },
            eventSourceMappingArn: mappingARN)
        if isStream {
            configuration.stateTransitionReason = "User action"
            configuration.lastProcessingResult = lastProcessingResult
            configuration.startingPosition = .init(rawValue: startingPosition ?? "TRIM_HORIZON")
            configuration.maximumRetryAttempts = maximumRetryAttempts
            configuration.maximumRecordAgeInSeconds = maximumRecordAgeInSeconds
            configuration.bisectBatchOnFunctionError = bisectBatchOnFunctionError
            configuration.parallelizationFactor = parallelizationFactor
            configuration.tumblingWindowInSeconds = tumblingWindowInSeconds
            configuration.destinationConfig = .init(onFailure: .init(destination: onFailureDestination))
        } else {
            configuration.stateTransitionReason = "USER_INITIATED"
            configuration.scalingConfig = maximumConcurrency.map { .init(maximumConcurrency: $0) }
        }
        return configuration
    }
}
