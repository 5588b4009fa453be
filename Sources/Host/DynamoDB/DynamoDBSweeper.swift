import Foundation
import Logging
import ServiceLifecycle

/// Time-driven upkeep of the host's DynamoDB: deletes items whose TTL has passed (REMOVE records with the service
/// identity) and drops stream records older than 24 hours. AWS deletes expired items within days; the host does
/// it within `interval`. This is the one timer-driven loop: it reacts to the clock, not to writes.
final class DynamoDBSweeper: Service {
    let store: DynamoDBStore
    let interval: Duration
    let logger: Logger
    /// The host's clock (TTL counts by it).
    let now: @Sendable () -> Date

    init(
        store: DynamoDBStore, interval: Duration = .seconds(30), logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.interval = interval
        self.logger = logger
        self.now = now
    }

    /// One pass over every table.
    func sweep(now date: Date? = nil) throws -> Int {
        let now = date ?? self.now()
        var expired = 0
        for name in try store.tableNames() {
            expired += try store.expireItems(table: name, now: now)
        }
        try store.trimStreams(now: now)
        return expired
    }

    func run() async throws {
        // Shutdown cancels the wait between sweeps instead of waiting it out.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let signal = self.store.database.topics.signal(for: .clock)
                let version = signal.version
                do {
                    let expired = try self.sweep(now: self.now())
                    if expired > 0 { self.logger.info("dynamodb: deleted \(expired) expired items") }
                } catch {
                    self.logger.warning("dynamodb: sweep failed: \(error)")
                }
                // Every interval, or at once when the host's clock moves forward.
                await signal.wait(after: version, timeout: self.interval)
                try Task.checkCancellation()
            }
        }
    }
}
