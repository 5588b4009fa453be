import Foundation
import GRDB
import Synchronization

/// The host's one SQLite database (WAL, one `DatabasePool` per process). Each service registers its migrations;
/// each AWS operation is one write transaction, and what it causes downstream (a stream record, a queued message)
/// is written in that same transaction. Readers are woken after commit through ``commits``, never by polling.
public final class HostDatabase: Sendable {
    let pool: DatabasePool
    /// Signalled after every committed write transaction that asked for it.
    let commits = CommitSignal()

    /// Opens (or creates) the database file and runs every migration not yet applied.
    public init(path: String, migrations: [(identifier: String, migrate: @Sendable (Database) throws -> Void)]) throws {
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        pool = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.identifier, migrate: migration.migrate)
        }
        try migrator.migrate(pool)
    }

    /// Runs `body` in one write transaction; `notify` signals readers once it has committed.
    func write<T>(notify: Bool = true, _ body: (Database) throws -> T) throws -> T {
        try pool.write { db in
            if notify {
                let commits = self.commits
                db.afterNextTransaction { _ in commits.signal() }
            }
            return try body(db)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }
}

/// A counter that readers wait on: `signal()` after a commit wakes everyone waiting for something newer.
final class CommitSignal: Sendable {
    private struct State {
        var version: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The number of commits signalled so far.
    var version: UInt64 { state.withLock { $0.version } }

    func signal() {
        let waiters = state.withLock { state in
            state.version &+= 1
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns once a commit newer than `version` is signalled, or when `timeout` passes.
    func wait(after version: UInt64, timeout: Duration) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let ready = self.state.withLock { state -> Bool in
                        if state.version > version { return true }
                        state.waiters[id] = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
            }
            await group.next()
            group.cancelAll()
            // Whichever finished first, make sure the other side ends too.
            self.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
