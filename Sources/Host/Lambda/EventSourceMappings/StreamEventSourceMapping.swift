import AWSShapes
import Foundation
import GRDB
import Logging

/// A DynamoDB stream → Lambda event source mapping. One poller reads the records after its checkpoint (woken by the
/// commit that wrote them), waits out the batching window, skips what its filters refuse, invokes the function, and
/// commits the new checkpoint, and the OnFailure record of anything it gives up on, in one transaction: a kill at any
/// moment re-invokes at most the batch in flight, as AWS's at-least-once delivery does. A failing batch blocks the
/// stream until it succeeds, is discarded (retries used up, records too old), or bisected down to its bad record.
struct StreamEventSourceMapping: Sendable {
    let mapping: EventSourceMapping
    let table: String
    let label: String
    let store: EventSourceMappingStore
    let dynamoDB: DynamoDBStore
    let sqs: SQSStore
    let lambda: LambdaService
    let logger: Logger
    private let filters: [EventPattern]

    init(
        mapping: EventSourceMapping, table: String, label: String, store: EventSourceMappingStore,
        dynamoDB: DynamoDBStore, sqs: SQSStore, lambda: LambdaService, logger: Logger
    ) throws {
        self.mapping = mapping
        self.table = table
        self.label = label
        self.store = store
        self.dynamoDB = dynamoDB
        self.sqs = sqs
        self.lambda = lambda
        self.logger = logger
        self.filters = try mapping.filters.map { try EventPattern(parsing: $0) }
    }

    /// What one step did, and when to look again if it did nothing.
    enum Step: Equatable {
        case worked
        case idle(until: Date?)
        case retry(after: Duration)
    }

    func run() async {
        while !Task.isCancelled {
            let signal = dynamoDB.database.topics.signal(for: .stream(table))
            let version = signal.version
            var step = Step.idle(until: nil)
            do {
                step = try await self.step()
            } catch {
                logger.warning("mapping \(mapping.uuid) \(table) → \(mapping.functionName): \(error)")
                step = .retry(after: .seconds(1))
            }
            switch step {
            case .worked:
                continue
            case .retry(let delay):
                try? await Task.sleep(for: delay)
            case .idle(let until):
                let timeout = until.map { Duration.milliseconds(Int64(max(1, $0.timeIntervalSinceNow * 1000 + 1))) }
                await signal.wait(after: version, timeout: timeout ?? .seconds(60))
            }
        }
    }

    /// Reads, invokes and checkpoints one batch.
    func step(now: Date = Date()) async throws -> Step {
        guard let current = try dynamoDB.table(named: table), current.streamLabel == label,
            current.streamViewType != nil
        else {
            try? store.setLastProcessingResult(mapping.uuid, "PROBLEM: Stream not found")
            return .idle(until: now.addingTimeInterval(60))
        }
        var checkpoint: StreamCheckpoint
        if let saved = try store.checkpoint(mapping.uuid), saved.streamLabel == label {
            checkpoint = saved
        } else {
            let start =
                mapping.startingPosition == "LATEST" ? try dynamoDB.latestSequence(table: table, label: label) ?? 0 : 0
            checkpoint = StreamCheckpoint(streamLabel: label, sequence: start, attempts: 0, batchLimit: nil)
            try store.database.write { db in
                try EventSourceMappingStore.save(db, uuid: mapping.uuid, checkpoint)
            }
        }
        let limit = min(mapping.batchSize, checkpoint.batchLimit ?? mapping.batchSize)
        let records = try dynamoDB.streamRecords(
            table: table, label: label, after: checkpoint.sequence, limit: limit)
        guard let first = records.first else { return .idle(until: nil) }
        let arrival = { (record: DynamoDBStoredStreamRecord) in
            Date(timeIntervalSince1970: record.record.dynamodb.approximateCreationDateTime ?? now.timeIntervalSince1970)
        }
        // The batching window: wait for a full batch, or for the window to pass since the first record arrived.
        if records.count < limit, mapping.maximumBatchingWindowInSeconds > 0, checkpoint.attempts == 0 {
            let due = arrival(first).addingTimeInterval(Double(mapping.maximumBatchingWindowInSeconds))
            if due > now { return .idle(until: due) }
        }
        // Records older than MaximumRecordAgeInSeconds are discarded unread.
        if mapping.maximumRecordAgeInSeconds >= 0 {
            let expired = records.prefix {
                now.timeIntervalSince(arrival($0)) > Double(mapping.maximumRecordAgeInSeconds)
            }.count
            if expired > 0 {
                try commit(
                    checkpoint, records: records, batch: Array(records.prefix(expired)),
                    decision: .init(
                        advance: expired, attempts: 0, batchLimit: nil, discarded: 0..<expired,
                        condition: "RecordAgeExceeded", invokeCount: checkpoint.attempts),
                    requestID: Identifiers.uuid(), functionError: nil, now: now)
                return .worked
            }
        }
        let batch = filters.isEmpty ? records : records.filter { Self.matches($0, filters) }
        guard !batch.isEmpty else {
            try commit(
                checkpoint, records: records, batch: [],
                decision: .init(advance: 0, attempts: 0, batchLimit: nil), requestID: "", functionError: nil, now: now,
                skipTo: records.last!.sequence)
            return .worked
        }
        let payload = try JSONEncoder().encode(DynamoDBEvent(records: batch.map(\.record)))
        var outcome = StreamBatchPolicy.Outcome.failure
        var requestID = Identifiers.uuid()
        var functionError: String? = "Unhandled"
        if let result = try? await lambda.invoke(mapping.functionName, payload: Array(payload)) {
            requestID = result.requestID
            functionError = result.functionError
            if result.functionError == nil {
                outcome = .success
                if mapping.reportsBatchItemFailures {
                    let numbers = batch.map { $0.record.dynamodb.sequenceNumber ?? "" }
                    let failed = SQSEventSourceMapping.failedIdentifiers(result.payload, identifiers: numbers)
                    if let index = numbers.firstIndex(where: failed.contains) {
                        let malformed = Self.isMalformed(result.payload, numbers: numbers)
                        outcome = malformed ? .failure : .partial(firstFailed: index)
                    }
                }
            }
        }
        let decision = StreamBatchPolicy.decide(
            outcome, batchCount: batch.count, attempts: checkpoint.attempts,
            settings: .init(
                maximumRetryAttempts: mapping.maximumRetryAttempts,
                bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError))
        try commit(
            checkpoint, records: records, batch: batch, decision: decision, requestID: requestID,
            functionError: functionError, now: now,
            processingResult: outcome == .success ? "OK" : "PROBLEM: Function call failed")
        if decision.advance < batch.count, decision.discarded == nil {
            return decision.batchLimit != nil && decision.attempts == checkpoint.attempts
                ? .worked : .retry(after: StreamBatchPolicy.backoff(attempts: decision.attempts))
        }
        return .worked
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

    /// Moves the checkpoint and sends the OnFailure record of discarded records, in one transaction.
    private func commit(
        _ checkpoint: StreamCheckpoint, records: [DynamoDBStoredStreamRecord], batch: [DynamoDBStoredStreamRecord],
        decision: StreamBatchPolicy.Decision, requestID: String, functionError: String?, now: Date,
        skipTo: Int64? = nil, processingResult: String? = nil
    ) throws {
        var next = checkpoint
        next.attempts = decision.attempts
        next.batchLimit = decision.batchLimit
        if let skipTo {
            next.sequence = skipTo
        } else if decision.advance >= batch.count {
            next.sequence = records.last?.sequence ?? checkpoint.sequence
        } else if decision.advance > 0 || batch.first?.sequence != records.first?.sequence {
            // Move past everything before the first record still to do (filtered-out records included).
            let pending = batch[decision.advance].sequence
            next.sequence = records.last(where: { $0.sequence < pending })?.sequence ?? checkpoint.sequence
        }
        let failureRecord = decision.discarded.flatMap { range -> String? in
            guard mapping.onFailureDestination != nil, !range.isEmpty else { return nil }
            return onFailureBody(
                Array(batch[range]), condition: decision.condition ?? "RetryAttemptsExhausted",
                invokeCount: decision.invokeCount, requestID: requestID, functionError: functionError, now: now)
        }
        if let range = decision.discarded {
            logger.warning(
                "mapping \(mapping.uuid) discards \(range.count) record(s) of \(table): \(decision.condition ?? "")")
        }
        try store.database.write { db in
            if let failureRecord, let destination = mapping.onFailureDestination,
                let queue = sqs.name(ofArn: destination)
            {
                _ = try sqs.send(in: db, queue: queue, SQSOutgoingMessage(body: failureRecord))
            }
            try EventSourceMappingStore.save(db, uuid: mapping.uuid, next)
            if let processingResult {
                try db.execute(
                    sql: """
                        UPDATE lambda_event_source_mappings SET last_processing_result = ?
                        WHERE uuid = ? AND last_processing_result != ?
                        """, arguments: [processingResult, mapping.uuid, processingResult])
            }
        }
    }

    /// The OnFailure record AWS sends for discarded stream records: the batch's coordinates, not the records.
    func onFailureBody(
        _ records: [DynamoDBStoredStreamRecord], condition: String, invokeCount: Int, requestID: String,
        functionError: String?, now: Date
    ) -> String {
        let quote = EventBridgeInput.quote
        func seconds(_ record: DynamoDBStoredStreamRecord) -> String {
            let date = Date(timeIntervalSince1970: record.record.dynamodb.approximateCreationDateTime ?? 0)
            return quote(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false)))
        }
        let timestamp = now.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        let first = records.first!
        let last = records.last!
        return
            #"{"requestContext":{"requestId":\#(quote(requestID)),"functionArn":\#(quote(lambda.functionARN(mapping.functionName))),"condition":\#(quote(condition)),"approximateInvokeCount":\#(invokeCount)},"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":\#(functionError.map(quote) ?? "null")},"version":"1.0","timestamp":\#(quote(timestamp)),"DDBStreamBatchInfo":{"shardId":\#(quote(DynamoDBStreamsOperations.shardID)),"startSequenceNumber":\#(quote(first.record.dynamodb.sequenceNumber ?? "")),"endSequenceNumber":\#(quote(last.record.dynamodb.sequenceNumber ?? "")),"approximateArrivalOfFirstRecord":\#(seconds(first)),"approximateArrivalOfLastRecord":\#(seconds(last)),"batchSize":\#(records.count),"streamArn":\#(quote(mapping.eventSourceArn))}}"#
    }

    /// What a filter sees of a record: the record itself (`eventName`, `dynamodb`, …).
    static func matches(_ record: DynamoDBStoredStreamRecord, _ filters: [EventPattern]) -> Bool {
        guard let data = try? JSONEncoder().encode(record.record), let value = try? JSONValue(parsing: data) else {
            return false
        }
        return filters.contains { $0.matches(value) }
    }
}
