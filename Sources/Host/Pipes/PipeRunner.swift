// LIMITATIONS (Pipes): sources are DynamoDB streams and targets event buses, declared in the topology (the
// /v1/pipes REST API comes next); no enrichment; a record that fails delivery is retried with the whole batch (AWS's
// default of infinite retries); MaximumBatchingWindowInSeconds is not applied (records go out as soon as they commit).

import AWSShapes
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// One EventBridge Pipe from a DynamoDB stream to an event bus. It waits on the database's commit signal, reads the
/// records after its checkpoint, keeps those its filters accept, and puts them on the bus; the events (and the
/// queues they reach) and the new checkpoint commit in one transaction, so a crash at any moment neither loses nor
/// duplicates a record.
final class PipeRunner: Service {
    let pipe: PipeConfiguration
    let dynamoDB: DynamoDBStore
    let delivery: EventBridgeDelivery
    let logger: Logger
    private let filters: [EventPattern]

    static let migrations: [(identifier: String, migrate: @Sendable (Database) throws -> Void)] = [
        (
            "pipes-1",
            { db in
                try db.execute(
                    sql:
                        "CREATE TABLE pipe_checkpoints (pipe TEXT PRIMARY KEY, stream_label TEXT NOT NULL, sequence INTEGER NOT NULL)"
                )
            }
        )
    ]

    init(pipe: PipeConfiguration, dynamoDB: DynamoDBStore, delivery: EventBridgeDelivery, logger: Logger) throws {
        self.pipe = pipe
        self.dynamoDB = dynamoDB
        self.delivery = delivery
        self.logger = logger
        self.filters = try pipe.filters.map { try EventPattern(parsing: $0) }
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let version = self.dynamoDB.database.commits.version
                do {
                    if try self.runOnce() { continue }
                } catch {
                    self.logger.warning("pipe \(self.pipe.name): \(error)")
                }
                await self.dynamoDB.database.commits.wait(after: version, timeout: .seconds(30))
            }
        }
    }

    /// Delivers the next batch; returns false when there was nothing to read.
    @discardableResult
    func runOnce() throws -> Bool {
        guard let table = try dynamoDB.table(named: pipe.sourceTable), let label = table.streamLabel,
            table.streamViewType != nil
        else { return false }
        let checkpoint = try dynamoDB.database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT stream_label, sequence FROM pipe_checkpoints WHERE pipe = ?", arguments: [pipe.name])
        }
        var after: Int64? = nil
        if let checkpoint, checkpoint["stream_label"] as String == label {
            after = checkpoint["sequence"]
        } else if pipe.startingPosition == "LATEST" {
            after = try dynamoDB.latestSequence(table: table.name, label: label) ?? 0
            try dynamoDB.database.write(notify: false) { db in
                try Self.save(db, pipe: pipe.name, label: label, sequence: after ?? 0)
            }
        }
        let records = try dynamoDB.streamRecords(table: table.name, label: label, after: after, limit: pipe.batchSize)
        guard let last = records.last else { return false }
        var entries: [PutEventsRequestEntry] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for stored in records {
            let detail = String(decoding: try encoder.encode(stored.record), as: UTF8.self)
            if !filters.isEmpty {
                guard let value = try? JSONValue(parsing: Data(detail.utf8)),
                    filters.contains(where: { $0.matches(value) })
                else { continue }
            }
            entries.append(
                PutEventsRequestEntry(
                    source: pipe.source, detailType: pipe.detailType, detail: detail, resources: [],
                    eventBusName: pipe.targetBus))
        }
        try dynamoDB.database.write { db in
            for batch in stride(from: 0, to: entries.count, by: 10) {
                _ = try delivery.deliver(db, Array(entries[batch..<min(batch + 10, entries.count)]))
            }
            try Self.save(db, pipe: pipe.name, label: label, sequence: last.sequence)
        }
        return true
    }

    static func save(_ db: Database, pipe: String, label: String, sequence: Int64) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO pipe_checkpoints (pipe, stream_label, sequence) VALUES (?, ?, ?)",
            arguments: [pipe, label, sequence])
    }
}
