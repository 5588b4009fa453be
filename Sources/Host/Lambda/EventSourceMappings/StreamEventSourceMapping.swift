import AWSShapes
import Foundation
import GRDB
import Logging

/// A DynamoDB stream → Lambda event source mapping: the shared ``StreamPoller`` with a sender that invokes the
/// function. The poller applies MaximumRetryAttempts, MaximumRecordAgeInSeconds, BisectBatchOnFunctionError and the
/// OnFailure destination; a kill at any moment re-invokes at most the batch in flight, as AWS's at-least-once
/// delivery does.
struct StreamEventSourceMapping: Sendable {
    let mapping: EventSourceMapping
    let poller: StreamPoller<LambdaBatchSender>

    init(
        mapping: EventSourceMapping, table: String, label: String, store: EventSourceMappingStore,
        dynamoDB: DynamoDBStore, sqs: SQSStore, lambda: LambdaService, logger: Logger
    ) throws {
        self.mapping = mapping
        let uuid = mapping.uuid
        poller = try StreamPoller(
            settings: StreamPollerSettings(
                name: "mapping \(uuid) → \(mapping.functionName)", table: table, label: label,
                startingPosition: mapping.startingPosition ?? "TRIM_HORIZON", batchSize: mapping.batchSize,
                maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
                maximumRecordAgeInSeconds: mapping.maximumRecordAgeInSeconds,
                policy: .init(
                    maximumRetryAttempts: mapping.maximumRetryAttempts,
                    bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError),
                filters: mapping.filters, failureDestination: mapping.onFailureDestination,
                resourceARN: lambda.functionARN(mapping.functionName), streamARN: mapping.eventSourceArn,
                faults: lambda.faults, faultService: "dynamodb", faultResource: table),
            checkpoints: StreamCheckpoints(
                load: { db in try EventSourceMappingStore.checkpoint(db, uuid) },
                save: { db, checkpoint in try EventSourceMappingStore.save(db, uuid: uuid, checkpoint) }),
            sender: LambdaBatchSender(mapping: mapping, store: store, lambda: lambda), dynamoDB: dynamoDB, sqs: sqs,
            logger: logger)
    }

    func run() async { await poller.run() }
}

/// Invokes a mapping's function with a batch of stream records and reads its answer (`batchItemFailures` when the
/// mapping reports them); the mapping's last processing result is written with the checkpoint.
struct LambdaBatchSender: StreamBatchSender {
    let mapping: EventSourceMapping
    let store: EventSourceMappingStore
    let lambda: LambdaService

    func attempt(_ batch: [DynamoDBStoredStreamRecord], now: Date) async -> StreamSendResult {
        var result = StreamSendResult(outcome: .failure, requestID: Identifiers.uuid(), error: "Unhandled")
        let payload = #"{"Records":["# + batch.map(\.record.jsonText).joined(separator: ",") + "]}"
        // The host's link: the invocation continues the trace of the write that made the first record.
        let trace = batch.lazy.compactMap(\.traceHeader).first
        let options = InvokeOptions(
            traceID: trace, traceSource: batch.first?.table,
            traceKeys: batch.map { DynamoDBStore.sequenceNumber($0.sequence) })
        // An injected `duplicate` fault invokes the function with the batch twice.
        if let table = batch.first?.table,
            lambda.faults?.duplicatesBatch(service: "dynamodb", resource: table, trace: trace) == true
        {
            _ = try? await lambda.invoke(mapping.functionName, payload: Array(payload.utf8), options: options)
        }
        guard
            let answer = try? await lambda.invoke(mapping.functionName, payload: Array(payload.utf8), options: options)
        else {
            return result
        }
        result.requestID = answer.requestID
        result.error = answer.functionError
        guard answer.functionError == nil else { return result }
        result.outcome = .success
        if mapping.reportsBatchItemFailures {
            let numbers = batch.map { $0.record.dynamodb.sequenceNumber ?? "" }
            let failed = SQSEventSourceMapping.failedIdentifiers(answer.payload, identifiers: numbers)
            if let index = numbers.firstIndex(where: failed.contains) {
                result.outcome =
                    Self.isMalformed(answer.payload, numbers: numbers) ? .failure : .partial(firstFailed: index)
            }
        }
        return result
    }

    func settle(_ db: Database, _ attempt: StreamSendResult, now: Date) throws -> StreamSendResult {
        let processingResult = attempt.outcome == .success ? "OK" : "PROBLEM: Function call failed"
        try db.cachedStatement(
            sql: """
                UPDATE lambda_event_source_mappings SET last_processing_result = ?
                WHERE uuid = ? AND last_processing_result != ?
                """
        ).execute(arguments: [processingResult, mapping.uuid, processingResult])
        return attempt
    }

    func streamMissing() {
        try? store.setLastProcessingResult(mapping.uuid, "PROBLEM: Stream not found")
    }

    /// True when the answer itself is unusable (whole-batch failure), rather than naming every record.
    static func isMalformed(_ payload: [UInt8], numbers: [String]) -> Bool {
        guard case .object(let object)? = try? JSONValue(parsing: Data(payload)),
            case .array(let entries)? = object["batchItemFailures"]
        else { return true }
        return !entries.allSatisfy { entry in
            guard case .string(let id)? = entry["itemIdentifier"] else { return false }
            return numbers.contains(id)
        }
    }
}
