// DECISIONS (stream pollers): pipes and stream event source mappings run the same poller, so they read, wait,
// filter, expire, retry, bisect and give up identically; only the sender differs. A batch the poller gives up on
// is described by one failure record (Lambda's OnFailure record for DynamoDB streams, with the pipe's ARN in
// `requestContext.functionArn` for a pipe) sent to the destination queue when the host has that queue; when the
// queue no longer exists the batch is still discarded, with a warning, so a deleted queue cannot stall a stream
// forever. A missing checkpoint at TRIM_HORIZON starts at the stream's beginning without a write; at LATEST the
// stream's end is saved first, as a step of its own, so that each step is one transaction.

import AWSShapes
import EventPatterns
import Foundation
import GRDB
import Logging

/// Where a stream poller stands: the stream it reads, the last sequence it is done with, how many times the
/// current batch has failed, and the batch size while a failing batch is being bisected.
struct StreamCheckpoint: Sendable, Equatable {
    var streamLabel: String
    var sequence: Int64
    var attempts: Int
    var batchLimit: Int?
}

/// What a stream poller hands its batches to: a Lambda function (a stream event source mapping) or an event bus (a
/// pipe). Delivering has two halves so that whatever is durable happens in the step's one transaction: `attempt`
/// runs before it (an invocation cannot be rolled back), `settle` inside it (a pipe writes its events there).
protocol StreamBatchSender: Sendable {
    associatedtype Attempt: Sendable
    /// Does what cannot be part of a transaction: invokes the function, or shapes the events.
    func attempt(_ batch: [DynamoDBStoredStreamRecord], now: Date) async -> Attempt
    /// Inside the step's transaction: makes a successful delivery durable (leaving nothing of a failed one) and says
    /// how it went.
    func settle(_ db: Database, _ attempt: Attempt, now: Date) throws -> StreamSendResult
    /// The stream is gone (a mapping shows it as its last processing result).
    func streamMissing()
}

extension StreamBatchSender {
    func streamMissing() {}
}

/// How one delivery of a batch went, and what a failure record would say about it.
struct StreamSendResult: Sendable, Equatable {
    var outcome: StreamBatchPolicy.Outcome
    var requestID: String
    /// What the failure record names as `responseContext.functionError`: the function's error, or the error code
    /// of the event the bus refused.
    var error: String?
}

/// What a stream poller applies: the same settings for a pipe (`SourceParameters.DynamoDBStreamParameters`) and a
/// stream mapping.
struct StreamPollerSettings: Sendable {
    /// Who is polling, for the log (`pipe orders`, `mapping <uuid> → Worker`).
    var name: String
    var table: String
    var label: String
    var startingPosition: String
    var batchSize: Int
    var maximumBatchingWindowInSeconds: Int
    /// -1: records never expire here (the host keeps its stream records).
    var maximumRecordAgeInSeconds: Int
    var policy: StreamBatchPolicy.Settings
    var filters: [String]
    /// The ARN of the queue that gets the failure record of a discarded batch (an OnFailure destination, a pipe's
    /// dead-letter queue).
    var failureDestination: String?
    /// The ARN the failure record names in `requestContext.functionArn`: the mapping's function, or the pipe.
    var resourceARN: String
    /// The stream's ARN, as the failure record names it.
    var streamARN: String
    /// Draws the injected `lostAck` fault (the checkpoint after a delivered batch is not saved, so the batch comes
    /// again), for `faultService` (`pipes`, `dynamodb`) and `faultResource` (the pipe, the table).
    var faults: FaultInjector? = nil
    var faultService = ""
    var faultResource = ""
}

/// Reads and saves a poller's checkpoint inside the caller's transaction.
struct StreamCheckpoints: Sendable {
    var load: @Sendable (Database) throws -> StreamCheckpoint?
    var save: @Sendable (Database, StreamCheckpoint) throws -> Void
}

/// One poller of a DynamoDB stream, for a pipe or an event source mapping. It waits on the database's commit signal
/// for the table's stream, reads the records after its checkpoint, waits out the batching window, discards records
/// older than the maximum age, skips what its filters refuse, hands the rest to its sender, and decides with
/// ``StreamBatchPolicy`` what a failure means. The new checkpoint, the attempt count, the sender's writes and the
/// failure record of a discarded batch commit in one transaction, so a kill at any moment repeats at most the batch
/// in flight and keeps counting its attempts. A failing batch blocks the stream until it succeeds, is discarded
/// (attempts used up, records too old), or is bisected down to its bad record.
struct StreamPoller<Sender: StreamBatchSender>: Sendable {
    let settings: StreamPollerSettings
    let checkpoints: StreamCheckpoints
    let sender: Sender
    let dynamoDB: DynamoDBStore
    let sqs: SQSStore
    let logger: Logger
    private let filters: [EventPattern]

    init(
        settings: StreamPollerSettings, checkpoints: StreamCheckpoints, sender: Sender, dynamoDB: DynamoDBStore,
        sqs: SQSStore, logger: Logger
    ) throws {
        self.settings = settings
        self.checkpoints = checkpoints
        self.sender = sender
        self.dynamoDB = dynamoDB
        self.sqs = sqs
        self.logger = logger
        self.filters = try settings.filters.map { try EventPattern(parsing: $0) }
    }

    /// What one step did, and when to look again.
    enum Step: Equatable {
        /// Something moved (a batch delivered, discarded or skipped, a checkpoint made): look again at once.
        case worked
        /// Nothing to do until a commit, or until this time (the batching window).
        case idle(until: Date?)
        /// The batch failed: try it again after this backoff.
        case retry(after: Duration)
    }

    /// What ``prepare(now:)`` found: a step already done, or a batch to deliver.
    enum Prepared {
        case done(Step)
        case deliver(Pending)
    }

    /// A batch on its way: where the checkpoint stood, the records read, and those the filters let through.
    struct Pending {
        var checkpoint: StreamCheckpoint
        var records: [DynamoDBStoredStreamRecord]
        var batch: [DynamoDBStoredStreamRecord]
    }

    func run() async {
        while !Task.isCancelled {
            // The version is read before the step, so a commit during the step is not missed.
            let signal = dynamoDB.database.topics.signal(for: .stream(settings.table))
            let version = signal.version
            var step = Step.idle(until: nil)
            let now = dynamoDB.now()
            do {
                step = try await self.step(now: now)
            } catch {
                logger.warning("\(settings.name) (\(settings.table)): \(error)")
                step = .retry(after: .seconds(1))
            }
            switch step {
            case .worked:
                continue
            case .retry(let delay):
                // The backoff counts on the host's clock: an advance ends it at once.
                await waitUntil(now.addingTimeInterval(delay.seconds))
            case .idle(let until):
                let timeout = until.map { Duration.milliseconds(Int64(max(1, $0.timeIntervalSince(now) * 1000 + 1))) }
                await signal.wait(after: version, timeout: timeout ?? .seconds(60))
            }
        }
    }

    /// Waits until the host's clock reaches `due` (woken early by an advance of the clock, which signals every
    /// topic).
    private func waitUntil(_ due: Date) async {
        let signal = dynamoDB.database.topics.signal(for: .clock)
        while !Task.isCancelled {
            let version = signal.version
            let left = due.timeIntervalSince(dynamoDB.now())
            if left <= 0 { return }
            await signal.wait(after: version, timeout: .milliseconds(Int64(left * 1000) + 1))
        }
    }

    /// Reads, delivers and checkpoints one batch.
    func step(now: Date = Date()) async throws -> Step {
        switch try prepare(now: now) {
        case .done(let step):
            return step
        case .deliver(let pending):
            return try settle(pending, await sender.attempt(pending.batch, now: now), now: now)
        }
    }

    /// Everything before the delivery: the checkpoint, the records after it, the batching window, expired records
    /// and filters. Whatever it writes (a LATEST checkpoint, expired or filtered-out records) is the step.
    func prepare(now: Date) throws -> Prepared {
        let table = settings.table
        let label = settings.label
        guard let current = try dynamoDB.table(named: table), current.streamLabel == label,
            current.streamViewType != nil
        else {
            sender.streamMissing()
            return .done(.idle(until: now.addingTimeInterval(60)))
        }
        let saved = try dynamoDB.database.read { db in try checkpoints.load(db) }
        var checkpoint = StreamCheckpoint(streamLabel: label, sequence: 0, attempts: 0, batchLimit: nil)
        if let saved, saved.streamLabel == label {
            checkpoint = saved
        } else if settings.startingPosition == "LATEST" {
            // LATEST means the stream's end when the poller first looked, so that point is saved before anything.
            checkpoint.sequence = try dynamoDB.latestSequence(table: table, label: label) ?? 0
            try dynamoDB.database.write { db in try checkpoints.save(db, checkpoint) }
            return .done(.worked)
        }
        let limit = min(settings.batchSize, checkpoint.batchLimit ?? settings.batchSize)
        let records = try dynamoDB.streamRecords(table: table, label: label, after: checkpoint.sequence, limit: limit)
        guard let first = records.first else { return .done(.idle(until: nil)) }
        let arrival = { (record: DynamoDBStoredStreamRecord) in
            Date(timeIntervalSince1970: record.record.dynamodb.approximateCreationDateTime ?? now.timeIntervalSince1970)
        }
        // The batching window: wait for a full batch, or for the window to pass since the first record arrived. A
        // batch being retried goes at once.
        if records.count < limit, settings.maximumBatchingWindowInSeconds > 0, checkpoint.attempts == 0 {
            let due = arrival(first).addingTimeInterval(Double(settings.maximumBatchingWindowInSeconds))
            if due > now { return .done(.idle(until: due)) }
        }
        // Records older than MaximumRecordAgeInSeconds are discarded unsent.
        if settings.maximumRecordAgeInSeconds >= 0 {
            let expired = Array(
                records.prefix { now.timeIntervalSince(arrival($0)) > Double(settings.maximumRecordAgeInSeconds) })
            if !expired.isEmpty {
                try commit(
                    Pending(checkpoint: checkpoint, records: expired, batch: expired),
                    decision: .init(
                        advance: expired.count, attempts: 0, batchLimit: nil, discarded: 0..<expired.count,
                        condition: "RecordAgeExceeded", invokeCount: checkpoint.attempts),
                    result: .init(outcome: .failure, requestID: Identifiers.uuid(), error: nil), now: now)
                return .done(.worked)
            }
        }
        let batch = filters.isEmpty ? records : records.filter { Self.matches($0, filters) }
        let pending = Pending(checkpoint: checkpoint, records: records, batch: batch)
        guard !batch.isEmpty else {
            // Nothing passes the filters: the checkpoint moves past every record read.
            try commit(
                pending, decision: .init(advance: 0, attempts: 0, batchLimit: nil),
                result: .init(outcome: .success, requestID: "", error: nil), now: now)
            return .done(.worked)
        }
        return .deliver(pending)
    }

    /// After the delivery: settles it, decides what its outcome means and commits that, in one transaction.
    func settle(_ pending: Pending, _ attempt: Sender.Attempt, now: Date) throws -> Step {
        let decision = try dynamoDB.database.write { db in
            let result = try sender.settle(db, attempt, now: now)
            let decision = StreamBatchPolicy.decide(
                result.outcome, batchCount: pending.batch.count, attempts: pending.checkpoint.attempts,
                settings: settings.policy)
            let lost =
                decision.advance >= pending.batch.count && decision.discarded == nil
                && settings.faults?.losesCheckpoint(
                    service: settings.faultService, resource: settings.faultResource,
                    trace: pending.batch.lazy.compactMap(\.traceHeader).first) == true
            try commit(db, pending, decision: decision, result: result, now: now, savesCheckpoint: !lost)
            return decision
        }
        log(decision)
        if decision.advance < pending.batch.count, decision.discarded == nil {
            // A split that used no attempt is tried at once; a failed attempt waits its backoff.
            return decision.batchLimit != nil && decision.attempts == pending.checkpoint.attempts
                ? .worked : .retry(after: StreamBatchPolicy.backoff(attempts: decision.attempts))
        }
        return .worked
    }

    private func commit(
        _ pending: Pending, decision: StreamBatchPolicy.Decision, result: StreamSendResult, now: Date
    ) throws {
        try dynamoDB.database.write { db in try commit(db, pending, decision: decision, result: result, now: now) }
        log(decision)
    }

    /// Moves the checkpoint and sends the failure record of discarded records, in the caller's transaction.
    private func commit(
        _ db: Database, _ pending: Pending, decision: StreamBatchPolicy.Decision, result: StreamSendResult, now: Date,
        savesCheckpoint: Bool = true
    ) throws {
        let (records, batch) = (pending.records, pending.batch)
        var next = pending.checkpoint
        next.attempts = decision.attempts
        next.batchLimit = decision.batchLimit
        if decision.advance >= batch.count {
            next.sequence = records.last?.sequence ?? next.sequence
        } else if decision.advance > 0 || batch.first?.sequence != records.first?.sequence {
            // Move past everything before the first record still to do (filtered-out records included).
            let pending = batch[decision.advance].sequence
            next.sequence = records.last(where: { $0.sequence < pending })?.sequence ?? next.sequence
        }
        if let range = decision.discarded, !range.isEmpty, let destination = settings.failureDestination,
            !destination.isEmpty
        {
            if let queue = sqs.name(ofArn: destination), try sqs.cachedQueue(db, queue) != nil {
                let body = failureRecord(
                    Array(batch[range]), condition: decision.condition ?? "RetryAttemptsExhausted",
                    invokeCount: decision.invokeCount, requestID: result.requestID, error: result.error, now: now)
                _ = try sqs.send(in: db, queue: queue, SQSOutgoingMessage(body: body))
            } else {
                logger.warning("\(settings.name): the failure destination \(destination) is not a queue of the host")
            }
        }
        if savesCheckpoint { try checkpoints.save(db, next) }
    }

    private func log(_ decision: StreamBatchPolicy.Decision) {
        guard let range = decision.discarded else { return }
        logger.warning(
            "\(settings.name) discards \(range.count) record(s) of \(settings.table): \(decision.condition ?? "")")
    }

    /// The record AWS sends a mapping's OnFailure destination for discarded stream records: the batch's
    /// coordinates, not the records.
    func failureRecord(
        _ records: [DynamoDBStoredStreamRecord], condition: String, invokeCount: Int, requestID: String,
        error: String?, now: Date
    ) -> String {
        let quote = EventBridgeInput.quote
        func seconds(_ record: DynamoDBStoredStreamRecord) -> String {
            let date = Date(timeIntervalSince1970: record.record.dynamodb.approximateCreationDateTime ?? 0)
            return quote(ISO8601.seconds(date))
        }
        let timestamp = ISO8601.milliseconds(now)
        let first = records.first!
        let last = records.last!
        return
            #"{"requestContext":{"requestId":\#(quote(requestID)),"functionArn":\#(quote(settings.resourceARN)),"condition":\#(quote(condition)),"approximateInvokeCount":\#(invokeCount)},"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":\#(error.map(quote) ?? "null")},"version":"1.0","timestamp":\#(quote(timestamp)),"DDBStreamBatchInfo":{"shardId":\#(quote(DynamoDBStreamsOperations.shardID)),"startSequenceNumber":\#(quote(first.record.dynamodb.sequenceNumber ?? "")),"endSequenceNumber":\#(quote(last.record.dynamodb.sequenceNumber ?? "")),"approximateArrivalOfFirstRecord":\#(seconds(first)),"approximateArrivalOfLastRecord":\#(seconds(last)),"batchSize":\#(records.count),"streamArn":\#(quote(settings.streamARN))}}"#
    }

    /// What a filter sees of a record: the record itself (`eventName`, `dynamodb`, …).
    static func matches(_ record: DynamoDBStoredStreamRecord, _ filters: [EventPattern]) -> Bool {
        guard let value = try? JSONValue(parsing: Data(record.record.jsonText.utf8)) else { return false }
        let event = EventPattern.Event(value)
        return filters.contains { $0.matches(event) }
    }
}
