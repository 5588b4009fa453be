import Foundation
import GRDB
import Synchronization

/// The host's one SQLite database (WAL, one `DatabasePool` per process). Each service registers its migrations;
/// each AWS operation is one write transaction, and what it causes downstream (a stream record, a queued message)
/// is written in that same transaction. Readers are woken after commit through ``topics``, never by polling: a
/// transaction signals the topics it wrote to (a queue, a table's stream, …), so a commit wakes only the consumers
/// that have something new to read, however many pipes, mappings and long polls wait on others.
public final class HostDatabase: Sendable {
    let pool: DatabasePool
    /// One signal per topic, made on first use.
    let topics = TopicSignals()

    /// Opens (or creates) the database file and runs every migration not yet applied.
    /// - Parameter durable: false for data that may lose its last commits to a power failure (traces): commits are
    ///   not synced to disk (`synchronous = OFF`); a killed process still loses nothing committed.
    init(path: String, migrations: [StoreMigration], durable: Bool = true) throws {
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        // Owner-only: SQLite gives its -wal and -shm files the database file's mode, whatever the umask.
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path + suffix)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        if !durable {
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = OFF") }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.identifier, migrate: migration.migrate)
        }
        try migrator.migrate(pool)
    }

    /// Runs `body` in one write transaction (what it signals with ``notify(_:_:)`` is signalled once it commits).
    /// `BEGIN IMMEDIATE` and `COMMIT` are prepared once per connection: GRDB's `write` parses and prepares both on
    /// every transaction (3% of a PutItem in `perf`). GRDB still sees the commit (its hooks are SQLite's), so
    /// `afterNextTransaction` callbacks run as they do under `write`; an error in `body` or in the commit rolls back.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        // The request's trace header is bound again inside: the database's queue is not the caller's task.
        let trace = AWSRequestTrace.header
        return try pool.writeWithoutTransaction { db in
            try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
            do {
                let result =
                    if let trace { try AWSRequestTrace.$header.withValue(trace) { try body(db) } } else { try body(db) }
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                return result
            } catch {
                if db.isInsideTransaction { try? db.rollback() }
                throw error
            }
        }
    }

    /// Wakes the waiters of `topic` once the current transaction of `db` has committed (not if it rolls back).
    func notify(_ db: Database, _ topic: Topic) {
        let signal = topics.signal(for: topic)
        db.afterNextTransaction { _ in signal.signal() }
    }

    /// What a transaction can have written that someone waits for.
    enum Topic: Hashable, Sendable {
        /// A message became receivable (sent, made visible, moved into the queue).
        case queue(String)
        /// A record was appended to the table's stream.
        case stream(String)
        /// An asynchronous Lambda invocation was queued.
        case asyncInvocations
        /// An EventBridge delivery is waiting for a retry.
        case eventBridgeRetries
        /// An SQS message move task was started.
        case moveTasks
        /// A rule's schedule changed, or the host's clock moved forward.
        case clock
    }

    /// Runs `body` in one read transaction (a snapshot of the last commit). As ``write(_:)``, its `BEGIN` and
    /// `COMMIT` are prepared once per connection (GRDB's `read` parses both on every call: 4% of a GetItem in
    /// `perf`); the host changes no schema after its migrations, so GRDB's schema cache needs no check inside.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.unsafeRead { db in
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            defer {
                do {
                    try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                } catch {
                    if db.isInsideTransaction { try? db.rollback() }
                }
            }
            return try body(db)
        }
    }
}

/// A counter that readers wait on: `signal()` after a commit wakes everyone waiting for something newer.
final class CommitSignal: Sendable {
    private struct State {
        var version: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
        /// Waits ended (timed out, cancelled) before their continuation was stored: it returns at once when it is.
        var ended: Set<UInt64> = []
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

    /// Returns once a commit newer than `version` is signalled, when `timeout` passes, or when the task is
    /// cancelled (a service stopping must not wait for a commit that may never come).
    func wait(after version: UInt64, timeout: Duration) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let ready = self.state.withLock { state -> Bool in
                            if state.version > version || state.ended.contains(id) { return true }
                            state.waiters[id] = continuation
                            return false
                        }
                        if ready { continuation.resume() }
                    }
                } onCancel: {
                    self.end(id)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.end(id)
            }
            await group.next()
            group.cancelAll()
            // Whichever finished first, the other side ends too, even if the waiter has not stored its
            // continuation yet (cancelled before it ran, it would otherwise wait for the next commit).
            self.end(id)
        }
        state.withLock { _ = $0.ended.remove(id) }
    }

    /// Ends the wait `id`: resumes it, or marks it so that it returns as soon as it stores its continuation.
    private func end(_ id: UInt64) {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
            state.ended.insert(id)
            return nil
        }?.resume()
    }
}

/// The commit signals of every topic.
final class TopicSignals: Sendable {
    private let signals = Mutex<[HostDatabase.Topic: CommitSignal]>([:])

    /// Wakes every waiter of every topic (the host's clock moved: what waits for a time looks again).
    func signalAll() {
        let all = signals.withLock { Array($0.values) }
        all.forEach { $0.signal() }
    }

    func signal(for topic: HostDatabase.Topic) -> CommitSignal {
        signals.withLock { signals in
            if let signal = signals[topic] { return signal }
            let signal = CommitSignal()
            signals[topic] = signal
            return signal
        }
    }
}
