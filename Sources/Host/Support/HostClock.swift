// DECISIONS (the host's clock): the time the host's schedules run on is the wall clock plus an offset that only grows
// (`POST /_host/clock/advance`), kept in the host database so that it survives restarts. It drives EventBridge
// schedules, SQS (visibility timeouts, delays, retention, receive counts' timestamps), message move task rates, the
// retries of asynchronous invocations and of EventBridge targets, DynamoDB stream records' creation times (so stream
// pollers' batching windows, record ages and retry backoff count by it), SQS mappings' batching windows, event times,
// DynamoDB TTL and TransactWriteItems' idempotency window, CloudWatch Logs (function lines' stamps, their log stream
// names and JSON records' times, retention), API Gateway's request times and its authorizers' result cache; an
// advance wakes every waiter so that what fell due runs at once. Function execution (deadlines,
// `Lambda-Runtime-Deadline-Ms`), long-poll waits and traces stay in real time. A client's PutLogEvents is judged too
// old or too new by either clock, so an advance does not refuse events stamped by the wall clock.

import Foundation
import GRDB
import Synchronization

/// The host's time: the wall clock moved forward by what `advance` added.
final class HostClock: Sendable, ServiceStore {
    let database: HostDatabase
    private let offset: Mutex<Double>

    static let migrations: [StoreMigration] = [
        StoreMigration(
            "clock-1",
            { db in
                try db.execute(
                    sql: "CREATE TABLE host_clock (id INTEGER PRIMARY KEY CHECK (id = 1), offset_seconds REAL NOT NULL)"
                )
            }
        )
    ]

    init(database: HostDatabase) throws {
        self.database = database
        let stored = try database.read { db in
            try Double.fetchOne(db, sql: "SELECT offset_seconds FROM host_clock WHERE id = 1")
        }
        offset = Mutex(stored ?? 0)
    }

    /// Seconds the clock is ahead of the wall clock.
    var offsetSeconds: Double { offset.withLock { $0 } }

    func now() -> Date { Date().addingTimeInterval(offsetSeconds) }

    /// Moves the clock forward (durably); wakes whatever waits for a time.
    func advance(seconds: Double) throws {
        let value = offset.withLock { offset -> Double in
            offset += seconds
            return offset
        }
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO host_clock (id, offset_seconds) VALUES (1, ?)", arguments: [value])
            database.notify(db, .clock)
        }
        database.topics.signalAll()
    }
}
