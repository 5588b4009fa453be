// DECISIONS (asynchronous invocations):
// - An `Event` invocation is a row of `lambda_async_invocations`, written in the transaction of whoever asks for it
//   (the Invoke API's own, or the PutEvents / Pipe transaction of an EventBridge Lambda target), so a crash at any
//   moment neither loses nor invents one. The row is deleted when the function succeeded, or when its last attempt
//   failed (in the transaction that puts it on the function's dead-letter queue); until then it is retried.
// - A running row is marked `running`; the mark is cleared when the host starts, so what a crash interrupted runs
//   again (at least once, as on AWS). A function may therefore see the same request id twice.
// - Retries follow AWS's EventInvokeConfig defaults: MaximumRetryAttempts 2 (topology `maximumRetryAttempts`, 0–2)
//   and MaximumEventAgeInSeconds 21600 (`maximumEventAgeInSeconds`, 60–21600). AWS waits about 1 minute, then about
//   2; the host waits `HostConfiguration.asyncRetryDelays` (default 60 s, 120 s; the last delay repeats), which tests
//   shorten. An event whose next attempt would come after its maximum age is given up at once.
// - The same request id is used for every attempt (AWS keeps it across retries).
// - After the last failure the event goes to the function's `deadLetterQueue` (topology) as AWS sends it: body =
//   the payload, attributes RequestID (String), ErrorCode (Number, 200: the Invoke itself succeeded, the function
//   failed) and ErrorMessage (String, the error document's first KB); without one it is dropped with a log line.
// - Concurrency is bounded by each function's `maxConcurrency`: no more rows of a function run at once than it has
//   execution environments, the rest wait in the table.

import AWSShapes
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization

/// The durable queue of asynchronous (`Event`) Lambda invocations and the worker that runs it.
final class LambdaAsyncInvocations: Service, ServiceStore {
    let database: HostDatabase
    let lambda: LambdaService
    let sqs: SQSStore
    let retryDelays: [Duration]
    let logger: Logger
    let now: @Sendable () -> Date
    private let state = Mutex(State())

    private struct State {
        var running: [String: Int] = [:]
        var isStopping = false
    }

    /// A queued invocation, as read from its row.
    struct Pending: Sendable {
        var requestID: String
        var function: String
        var payload: [UInt8]
        var clientContext: String?
        var traceID: String?
        var origin: String?
        var attempts: Int
        var createdAt: Date
    }

    static let migrations: [StoreMigration] = [
        StoreMigration(
            "lambda-async-1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE lambda_async_invocations (
                            request_id TEXT PRIMARY KEY, function TEXT NOT NULL, payload BLOB NOT NULL,
                            client_context TEXT, trace_id TEXT, origin TEXT,
                            attempts INTEGER NOT NULL DEFAULT 0, running INTEGER NOT NULL DEFAULT 0,
                            next_attempt_at REAL NOT NULL, created_at REAL NOT NULL, last_error TEXT);
                        CREATE INDEX lambda_async_by_due ON lambda_async_invocations (running, next_attempt_at);
                        """)
            }
        )
    ]

    init(
        database: HostDatabase, lambda: LambdaService, sqs: SQSStore,
        retryDelays: [Duration] = [.seconds(60), .seconds(120)], logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.lambda = lambda
        self.sqs = sqs
        self.retryDelays = retryDelays.isEmpty ? [.seconds(60)] : retryDelays
        self.logger = logger
        self.now = now
    }

    // MARK: queueing

    /// Queues an invocation inside the caller's write transaction (it exists once that commits); returns its request
    /// id. `origin` says who asked (an EventBridge rule's ARN), for the log lines of a failure.
    @discardableResult
    func enqueue(
        _ db: Database, function: String, payload: [UInt8], options: InvokeOptions = InvokeOptions(),
        origin: String? = nil
    ) throws(LambdaServiceError) -> String {
        let name = try lambda.pool(for: function).name
        let requestID = Identifiers.uuid()
        let time = now().timeIntervalSince1970
        do {
            try db.cachedStatement(
                sql: """
                    INSERT INTO lambda_async_invocations (request_id, function, payload, client_context, trace_id,
                        origin, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                requestID, name, Data(payload), options.clientContext, options.traceID, origin, time, time,
            ])
        } catch {
            throw LambdaServiceError(type: "ServiceException", message: "\(error)", status: 500)
        }
        database.notify(db, .asyncInvocations)
        return requestID
    }

    /// Queues an invocation in a transaction of its own (the Invoke API's `Event` type); returns its request id.
    @discardableResult
    func enqueue(function: String, payload: [UInt8], options: InvokeOptions = InvokeOptions())
        throws(LambdaServiceError) -> String
    {
        let pool = try lambda.pool(for: function)
        do {
            return try database.write { db in
                try enqueue(db, function: pool.name, payload: payload, options: options)
            }
        } catch let error as LambdaServiceError {
            throw error
        } catch {
            throw LambdaServiceError(type: "ServiceException", message: "\(error)", status: 500)
        }
    }

    /// Invocations not finished yet (queued, waiting for a retry, or running).
    func pendingCount() throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, SQLRequest(sql: "SELECT COUNT(*) FROM lambda_async_invocations", cached: true)) ?? 0
        }
    }

    // MARK: running

    func run() async throws {
        // Rows a previous process was running when it stopped run again.
        try database.write { db in
            try db.cachedStatement(sql: "UPDATE lambda_async_invocations SET running = 0 WHERE running = 1").execute()
        }
        try? await withGracefulShutdownHandler {
            try await cancelWhenGracefulShutdown { await self.loop() }
        } onGracefulShutdown: {
            self.state.withLock { $0.isStopping = true }
        }
    }

    private func loop() async {
        while !Task.isCancelled {
            let signal = database.topics.signal(for: .asyncInvocations)
            let version = signal.version
            var wait: Duration = .seconds(60)
            do {
                let (claimed, nextDue) = try claimDue()
                for pending in claimed {
                    // Unstructured: shutdown does not wait for a function to finish; a row whose invocation
                    // shutdown interrupts stays queued for the next start.
                    Task { await self.attempt(pending) }
                }
                if let nextDue {
                    let seconds = max(0.001, nextDue.timeIntervalSince(now()))
                    wait = min(wait, .milliseconds(Int64(seconds * 1000) + 1))
                }
            } catch {
                logger.warning("asynchronous invocations: \(error)")
            }
            await signal.wait(after: version, timeout: wait)
        }
    }

    /// Marks the due rows that have a free execution environment as running and returns them, with when the next
    /// waiting row is due.
    func claimDue() throws -> ([Pending], Date?) {
        let time = now()
        // Ids first (cheap even with a backlog), payloads only for what gets an environment.
        let due = try database.read { db in
            try Row.fetchAll(
                db,
                SQLRequest(
                    sql: """
                        SELECT request_id, function FROM lambda_async_invocations
                        WHERE running = 0 AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 1000
                        """, arguments: [time.timeIntervalSince1970], cached: true)
            ).map { (requestID: $0["request_id"] as String, function: $0["function"] as String) }
        }
        let chosen = state.withLock { state in
            due.filter { row in
                let limit = lambda.configuration(of: row.function)?.function.maxConcurrency ?? 1
                guard state.running[row.function, default: 0] < limit else { return false }
                state.running[row.function, default: 0] += 1
                return true
            }
        }
        var claimed: [Pending] = []
        do {
            if !chosen.isEmpty {
                claimed = try database.write { db in
                    try chosen.compactMap { row in
                        try db.cachedStatement(
                            sql: "UPDATE lambda_async_invocations SET running = 1 WHERE request_id = ?"
                        ).execute(arguments: [row.requestID])
                        return try Row.fetchOne(
                            db,
                            SQLRequest(
                                sql: """
                                    SELECT request_id, function, payload, client_context, trace_id, origin, attempts,
                                        created_at FROM lambda_async_invocations WHERE request_id = ?
                                    """, arguments: [row.requestID], cached: true)
                        ).map(Self.pending)
                    }
                }
            }
        } catch {
            state.withLock { state in
                for row in chosen { state.running[row.function, default: 1] -= 1 }
            }
            throw error
        }
        let next = try database.read { db in
            try Double.fetchOne(
                db,
                SQLRequest(
                    sql: "SELECT MIN(next_attempt_at) FROM lambda_async_invocations WHERE running = 0", cached: true))
        }
        return (claimed, next.map { Date(timeIntervalSince1970: $0) })
    }

    private static func pending(_ row: Row) -> Pending {
        Pending(
            requestID: row["request_id"], function: row["function"], payload: [UInt8](row["payload"] as Data),
            clientContext: row["client_context"], traceID: row["trace_id"], origin: row["origin"],
            attempts: row["attempts"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    /// Runs one attempt of a claimed row and records its outcome.
    func attempt(_ pending: Pending) async {
        defer {
            state.withLock { state in
                state.running[pending.function, default: 1] -= 1
            }
            // A free environment, or a retry time to recompute: the loop looks again.
            database.topics.signal(for: .asyncInvocations).signal()
        }
        guard let settings = lambda.configuration(of: pending.function) else {
            logger.error(
                "asynchronous invocation \(pending.requestID): function \(pending.function) no longer exists; dropped")
            try? database.write { db in try Self.delete(db, pending.requestID) }
            return
        }
        let function = settings.function
        let policy = RetryPolicy(
            maximumRetryAttempts: function.maximumRetryAttempts,
            maximumEventAgeInSeconds: function.maximumEventAgeInSeconds)
        let failure: String
        if policy.isExpired(arrived: pending.createdAt.timeIntervalSince1970, now: now().timeIntervalSince1970) {
            failure = "Event age exceeded MaximumEventAgeInSeconds (\(function.maximumEventAgeInSeconds) s)"
            finish(pending, function: function, error: failure, condition: "MaximumEventAgeInSeconds")
            return
        }
        var options = InvokeOptions(clientContext: pending.clientContext, traceID: pending.traceID)
        options.wantsLogTail = false
        // A rule's delivery: the arrow of its trace starts at the rule.
        options.traceSource = pending.origin.map { EventBridgeStore.rule(ofARN: $0).name }
        guard
            let result = try? await lambda.invoke(
                pending.function, payload: pending.payload, requestID: pending.requestID, options: options)
        else {
            // Not invoked at all: the row waits for a later pass.
            let later = now().addingTimeInterval(Self.seconds(retryDelays[0])).timeIntervalSince1970
            try? database.write { db in
                try db.cachedStatement(
                    sql: "UPDATE lambda_async_invocations SET running = 0, next_attempt_at = ? WHERE request_id = ?"
                ).execute(arguments: [later, pending.requestID])
            }
            return
        }
        if result.functionError == nil {
            do {
                try database.write { db in try Self.delete(db, pending.requestID) }
            } catch {
                logger.warning("asynchronous invocation \(pending.requestID): \(error)")
            }
            return
        }
        // Shutdown stopped the environment: not the function's failure; the row runs again at the next start.
        if state.withLock({ $0.isStopping }) { return }
        failure = String(decoding: result.payload, as: UTF8.self)
        let attempts = pending.attempts + 1
        logger.warning(
            "asynchronous invocation \(pending.requestID) of \(pending.function) failed (attempt \(attempts)): \(failure)"
        )
        let nextAttempt: Date
        switch policy.afterFailure(
            retries: pending.attempts, arrived: pending.createdAt.timeIntervalSince1970,
            now: now().timeIntervalSince1970, delay: Self.seconds(retryDelays[min(attempts - 1, retryDelays.count - 1)])
        )
        {
        case .giveUp(let condition):
            finish(pending, function: function, error: failure, condition: condition)
            return
        case .retry(let at): nextAttempt = Date(timeIntervalSince1970: at)
        }
        do {
            try database.write { db in
                try db.cachedStatement(
                    sql: """
                        UPDATE lambda_async_invocations SET attempts = ?, running = 0, next_attempt_at = ?,
                            last_error = ? WHERE request_id = ?
                        """
                ).execute(arguments: [attempts, nextAttempt.timeIntervalSince1970, failure, pending.requestID])
            }
        } catch {
            logger.warning("asynchronous invocation \(pending.requestID): \(error)")
        }
    }

    /// Gives an invocation up: its row goes, and in the same transaction its event goes to the function's
    /// dead-letter queue when it has one.
    private func finish(_ pending: Pending, function: FunctionConfiguration, error: String, condition: String) {
        let errorMessage = Self.errorMessage(of: error)
        do {
            let sent = try database.write { db -> Bool in
                try Self.delete(db, pending.requestID)
                guard let queue = function.deadLetterQueue else { return false }
                do {
                    _ = try sqs.send(
                        in: db, queue: queue,
                        SQSOutgoingMessage(
                            body: String(decoding: pending.payload, as: UTF8.self),
                            messageAttributes: [
                                "RequestID": .string(pending.requestID), "ErrorCode": .number("200"),
                                "ErrorMessage": .string(errorMessage),
                            ]))
                    return true
                } catch {
                    logger.error("dead-letter queue \(queue) of \(function.name): \(error)")
                    return false
                }
            }
            let origin = pending.origin.map { " (from \($0))" } ?? ""
            if sent {
                logger.notice(
                    "asynchronous invocation \(pending.requestID) of \(function.name)\(origin) gave up (\(condition)); sent to \(function.deadLetterQueue ?? "")"
                )
            } else {
                logger.error(
                    "asynchronous invocation \(pending.requestID) of \(function.name)\(origin) gave up (\(condition)); event dropped: \(errorMessage)"
                )
            }
        } catch {
            logger.warning("asynchronous invocation \(pending.requestID): \(error)")
        }
    }

    /// The error message of an error document, at most 1 KB (what AWS puts in the DLQ's ErrorMessage).
    static func errorMessage(of document: String) -> String {
        let message =
            (try? JSONDecoder().decode(LambdaErrorBody.self, from: Data(document.utf8))).map(\.errorMessage)
            ?? document
        let text = message.isEmpty ? "Unhandled" : message
        var bytes = Array(text.utf8.prefix(1024))
        while String(bytes: bytes, encoding: .utf8) == nil, !bytes.isEmpty { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func delete(_ db: Database, _ requestID: String) throws {
        try db.cachedStatement(sql: "DELETE FROM lambda_async_invocations WHERE request_id = ?").execute(arguments: [
            requestID
        ])
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
