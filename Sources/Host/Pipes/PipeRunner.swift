import AWSShapes
import Foundation
import GRDB
import Logging

/// One running EventBridge Pipe from a DynamoDB stream to an event bus. It waits on the database's commit signal,
/// reads the records after its checkpoint, waits out the batching window, keeps what its filters accept, shapes each
/// record into one bus event (input template, detail type, source), and puts them on the bus: the events (and the
/// queues they reach) and the new checkpoint commit in one transaction, so a crash at any moment neither loses nor
/// duplicates a record. Records are read in stream order, so order per partition key holds.
struct PipeRunner: Sendable {
    let pipe: PipeDefinition
    let table: String
    let label: String
    let store: PipeStore
    let dynamoDB: DynamoDBStore
    let delivery: EventBridgeDelivery
    let logger: Logger
    private let filters: [EventPattern]

    init(
        pipe: PipeDefinition, store: PipeStore, dynamoDB: DynamoDBStore, delivery: EventBridgeDelivery, logger: Logger
    ) throws {
        guard let (table, label) = pipe.sourceStream else {
            throw AWSError("ValidationException", "Pipe \(pipe.name) has no DynamoDB stream source")
        }
        self.pipe = pipe
        self.table = table
        self.label = label
        self.store = store
        self.dynamoDB = dynamoDB
        self.delivery = delivery
        self.logger = logger
        self.filters = try pipe.filters.map { try EventPattern(parsing: $0) }
    }

    func run() async {
        var failures = 0
        while !Task.isCancelled {
            let signal = dynamoDB.database.topics.signal(for: .stream(table))
            let version = signal.version
            var wakeAt: Date?
            do {
                switch try runOnce() {
                case .delivered:
                    failures = 0
                    continue
                case .idle(let until):
                    wakeAt = until
                }
            } catch {
                failures += 1
                logger.warning("pipe \(pipe.name): \(error)")
                try? await Task.sleep(for: StreamBatchPolicy.backoff(attempts: failures))
                continue
            }
            let timeout = wakeAt.map { Duration.milliseconds(Int64(max(1, $0.timeIntervalSinceNow * 1000 + 1))) }
            await signal.wait(after: version, timeout: timeout ?? .seconds(60))
        }
    }

    enum Step: Equatable {
        case delivered
        /// Nothing to do until a commit, or until this time (the batching window).
        case idle(until: Date?)
    }

    /// Delivers the next batch.
    @discardableResult
    func runOnce(now: Date = Date()) throws -> Step {
        guard let current = try dynamoDB.table(named: table), current.streamLabel == label,
            current.streamViewType != nil
        else { return .idle(until: now.addingTimeInterval(60)) }
        var after: Int64 = 0
        if let checkpoint = try store.checkpoint(pipe.name), checkpoint.label == label {
            after = checkpoint.sequence
        } else if pipe.startingPosition == "LATEST" {
            after = try dynamoDB.latestSequence(table: table, label: label) ?? 0
            try dynamoDB.database.write { db in
                try PipeStore.saveCheckpoint(db, pipe: pipe.name, label: label, sequence: after)
            }
        }
        let records = try dynamoDB.streamRecords(table: table, label: label, after: after, limit: pipe.batchSize)
        guard let first = records.first, let last = records.last else { return .idle(until: nil) }
        if records.count < pipe.batchSize, pipe.maximumBatchingWindowInSeconds > 0 {
            let arrival = first.record.dynamodb.approximateCreationDateTime ?? now.timeIntervalSince1970
            let due = Date(timeIntervalSince1970: arrival + Double(pipe.maximumBatchingWindowInSeconds))
            if due > now { return .idle(until: due) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var entries: [PutEventsRequestEntry] = []
        for stored in records {
            let text = String(decoding: try encoder.encode(stored.record), as: UTF8.self)
            let record = try JSONValue(parsing: Data(text.utf8))
            if !filters.isEmpty, !filters.contains(where: { $0.matches(record) }) { continue }
            entries.append(entry(for: record, text: text, now: now))
        }
        try dynamoDB.database.write { db in
            for batch in stride(from: 0, to: entries.count, by: 10) {
                let results = try delivery.deliver(db, Array(entries[batch..<min(batch + 10, entries.count)]))
                if let failed = results.first(where: { $0.errorCode != nil }) {
                    // Roll back: the batch is retried whole, as a pipe retries a failed target call.
                    throw AWSError(failed.errorCode ?? "InternalException", failed.errorMessage ?? "delivery failed")
                }
            }
            try PipeStore.saveCheckpoint(db, pipe: pipe.name, label: label, sequence: last.sequence)
        }
        return .delivered
    }

    /// The bus event of one record: its detail is the record, or what the input template makes of it.
    func entry(for record: JSONValue, text: String, now: Date) -> PutEventsRequestEntry {
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
                    "aws.pipes.pipe-arn": store.arn(pipe.name), "aws.pipes.pipe-name": pipe.name,
                    "aws.pipes.source-arn": pipe.source, "aws.pipes.enrichment-arn": "",
                    "aws.pipes.target-arn": pipe.target,
                    "aws.pipes.event.ingestion-time": now.formatted(
                        .iso8601.year().month().day().time(includingFractionalSeconds: true)),
                ])
        }
        var time: Double?
        if let given = resolve(pipe.time) {
            time = (try? Date(given, strategy: .iso8601))?.timeIntervalSince1970 ?? Double(given)
        }
        return PutEventsRequestEntry(
            source: resolve(pipe.eventSource) ?? "Pipe \(pipe.name)",
            detailType: resolve(pipe.detailType) ?? "Event from aws:dynamodb", detail: detail,
            resources: pipe.resources ?? [], time: time, eventBusName: pipe.targetBus)
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
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
