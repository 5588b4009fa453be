import AWSShapes
import Foundation
import GRDB
import Logging

/// One running EventBridge Pipe from a DynamoDB stream to an event bus: the shared ``StreamPoller`` with a sender
/// that shapes each record into one bus event (input template, detail type, source, time) and puts them on the bus.
/// The events (and the queues they reach) and the new checkpoint commit in one transaction, so a crash at any moment
/// neither loses nor duplicates a record. Records are read in stream order, so order per partition key holds. A batch
/// the bus refuses is retried as the pipe's `DynamoDBStreamParameters` say, then discarded to its dead-letter queue.
struct PipeRunner: Sendable {
    let pipe: PipeDefinition
    let poller: StreamPoller<EventBusSender>

    init(
        pipe: PipeDefinition, store: PipeStore, dynamoDB: DynamoDBStore, delivery: EventBridgeDelivery, logger: Logger
    ) throws {
        guard let (table, label) = pipe.sourceStream else {
            throw AWSError("ValidationException", "Pipe \(pipe.name) has no DynamoDB stream source")
        }
        self.pipe = pipe
        let name = pipe.name
        poller = try StreamPoller(
            settings: StreamPollerSettings(
                name: "pipe \(name)", table: table, label: label, startingPosition: pipe.startingPosition,
                batchSize: pipe.batchSize, maximumBatchingWindowInSeconds: pipe.maximumBatchingWindowInSeconds,
                maximumRecordAgeInSeconds: pipe.maximumRecordAgeInSeconds ?? -1,
                policy: .init(
                    maximumRetryAttempts: pipe.maximumRetryAttempts ?? -1,
                    bisectBatchOnFunctionError: pipe.onPartialBatchItemFailure == "AUTOMATIC_BISECT"),
                filters: pipe.filters, failureDestination: pipe.deadLetterArn, resourceARN: store.arn(name),
                streamARN: pipe.source, faults: delivery.targets.faults, faultService: "pipes", faultResource: name),
            checkpoints: StreamCheckpoints(
                load: { db in try PipeStore.checkpoint(db, pipe: name) },
                save: { db, checkpoint in try PipeStore.saveCheckpoint(db, pipe: name, checkpoint) }),
            sender: EventBusSender(pipe: pipe, pipeARN: store.arn(name), delivery: delivery), dynamoDB: dynamoDB,
            sqs: delivery.targets.sqs, logger: logger)
    }

    func run() async { await poller.run() }

    enum Step: Equatable {
        /// A batch went out (or was discarded, or skipped by the filters).
        case delivered
        /// Nothing to do until a commit, or until this time (the batching window).
        case idle(until: Date?)
        /// The bus refused the batch: it is tried again after this backoff.
        case retry(after: Duration)
    }

    /// Takes one step, as the running pipe does (the pipe's sender needs no waiting, so this one is synchronous).
    @discardableResult
    func runOnce(now: Date = Date()) throws -> Step {
        let step: StreamPoller<EventBusSender>.Step
        switch try poller.prepare(now: now) {
        case .done(let done):
            step = done
        case .deliver(let pending):
            step = try poller.settle(pending, poller.sender.attempt(pending.batch, now: now), now: now)
        }
        switch step {
        case .worked: return .delivered
        case .idle(let until): return .idle(until: until)
        case .retry(let delay): return .retry(after: delay)
        }
    }
}

/// Puts a pipe's batch on its event bus, one event per record. PutEvents answers per entry: if the bus refuses any
/// event of the batch, the batch fails whole (it is retried whole, as a pipe retries a failed target call), and the
/// events it did accept are rolled back to a savepoint so that the retry does not duplicate them.
struct EventBusSender: StreamBatchSender {
    let pipe: PipeDefinition
    let pipeARN: String
    let delivery: EventBridgeDelivery

    func attempt(_ batch: [DynamoDBStoredStreamRecord], now: Date) -> [EventBridge.PutEventsRequestEntry] {
        batch.compactMap { stored in
            // The record as AWS writes it (sorted keys, slashes as they are), written without JSONEncoder (4% of the
            // host's CPU under the commerce load in perf).
            let text = stored.record.jsonText
            guard let record = try? JSONValue(parsing: Data(text.utf8)) else { return nil }
            var entry = entry(for: record, text: text, now: now)
            entry.traceHeader = stored.traceHeader  // the host's link from the write to the event
            return entry
        }
    }

    func settle(_ db: Database, _ entries: [EventBridge.PutEventsRequestEntry], now: Date) throws -> StreamSendResult {
        var refused: EventBridge.PutEventsResultEntry?
        var delivered: [EventBridge.PutEventsResultEntry] = []
        // An injected `duplicate` fault puts the batch's events on the bus twice.
        let twice =
            delivery.targets.faults?.duplicatesBatch(
                service: "pipes", resource: pipe.name, trace: entries.lazy.compactMap(\.traceHeader).first) ?? false
        try db.inSavepoint {
            for start in stride(from: 0, to: entries.count, by: 10) where twice {
                _ = try delivery.deliver(db, Array(entries[start..<min(start + 10, entries.count)]))
            }
            for start in stride(from: 0, to: entries.count, by: 10) {
                let results = try delivery.deliver(db, Array(entries[start..<min(start + 10, entries.count)]))
                delivered += results
                if let failed = results.first(where: { $0.errorCode != nil }) {
                    refused = failed
                    return .rollback
                }
            }
            return .commit
        }
        guard let refused else {
            trace(entries, results: delivered, now: now)
            return StreamSendResult(outcome: .success, requestID: "", error: nil)
        }
        return StreamSendResult(
            outcome: .failure, requestID: Identifiers.uuid(), error: refused.errorCode ?? "InternalException")
    }

    /// Records each event as two hops: the table's stream to the pipe, the pipe to its bus.
    private func trace(
        _ entries: [EventBridge.PutEventsRequestEntry], results: [EventBridge.PutEventsResultEntry], now: Date
    ) {
        guard let tracer = delivery.targets.tracer else { return }
        // `arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`
        let table = pipe.source.split(separator: "/").dropFirst().first.map(String.init) ?? pipe.source
        let bus = (pipe.targetBus ?? "default").split(separator: "/").last.map(String.init) ?? "default"
        for (entry, result) in zip(entries, results) {
            let trace = entry.traceHeader.flatMap(TraceSegment.parse)
            let keys = result.eventId.map { [$0] } ?? []
            tracer.record(
                TraceHop(
                    traceID: trace?.root, parentID: trace?.parent, service: "pipes", operation: "Poll",
                    resource: pipe.name, source: table, start: now.timeIntervalSince1970, duration: 0))
            tracer.record(
                TraceHop(
                    traceID: trace?.root, parentID: trace?.parent, service: "events", operation: "PutEvents",
                    resource: bus, source: pipe.name, start: now.timeIntervalSince1970, duration: 0, keys: keys,
                    payload: entry.detail))
        }
    }

    /// The bus event of one record: its detail is the record, or what the input template makes of it.
    func entry(for record: JSONValue, text: String, now: Date) -> EventBridge.PutEventsRequestEntry {
        func resolve(_ value: String?) -> String? {
            guard let value, value.hasPrefix("$.") else { return value }
            return EventBridgeInput.value(at: value, in: record).map {
                if case .string(let text) = $0 { return text }
                return EventBridgeInput.text($0)
            }
        }
        var detail = text
        if let template = pipe.inputTemplate {
            detail = PipeInputTemplate.render(
                template, record: record, recordText: text,
                reserved: [
                    "aws.pipes.pipe-arn": pipeARN, "aws.pipes.pipe-name": pipe.name,
                    "aws.pipes.source-arn": pipe.source, "aws.pipes.enrichment-arn": "",
                    "aws.pipes.target-arn": pipe.target,
                    "aws.pipes.event.ingestion-time": ISO8601.milliseconds(now),
                ])
        }
        var time: Double?
        if let given = resolve(pipe.time) {
            time = (try? Date(given, strategy: .iso8601))?.timeIntervalSince1970 ?? Double(given)
        }
        return EventBridge.PutEventsRequestEntry(
            time: time, source: resolve(pipe.eventSource) ?? "Pipe \(pipe.name)", resources: pipe.resources ?? [],
            detailType: resolve(pipe.detailType) ?? "Event from aws:dynamodb", detail: detail,
            eventBusName: pipe.targetBus)
    }
}

/// A Pipes input template: `<$.json.path>` placeholders take values from the record; `<aws.pipes.*>` are the
/// reserved variables (`<aws.pipes.event>` / `<aws.pipes.event.json>` are the record itself). In a JSON string a
/// value goes in as text; elsewhere as JSON.
enum PipeInputTemplate {
    /// Whether the template gives a JSON object whatever its placeholders hold (the detail of a bus event is one).
    static func makesObject(_ template: String) -> Bool {
        guard case .object? = try? JSONValue(parsing: EventBridgeInput.fill(template) { _ in .null }) else {
            return false
        }
        return true
    }

    static func render(_ template: String, record: JSONValue, recordText: String, reserved: [String: String])
        -> String
    {
        EventBridgeInput.fill(template) { name in
            if name == "aws.pipes.event" || name == "aws.pipes.event.json" { return record }
            if let text = reserved[name] { return .string(text) }
            return EventBridgeInput.value(at: name, in: record)
        }
        .trimmingJSONWhitespace
    }
}
