// DECISIONS (function logs in CloudWatch Logs): every line a function prints, and the START / END / REPORT lines, go
// to its log group `/aws/lambda/<FunctionName>` (created on first use, as Lambda does with its execution role's
// permission), in one log stream per execution environment named as AWS names them
// (`YYYY/MM/DD/[$LATEST]<32 hex>`, the environment's AWS_LAMBDA_LOG_STREAM_NAME). Lines are written in batches, one
// transaction per batch, a few milliseconds after they are printed (AWS delivers within seconds); a `kill -9` can lose
// the lines of the last batch, as it loses what a terminal had not printed. With `logFormat: JSON` the platform lines
// are AWS's JSON system records (`platform.start`, `platform.report` with its metrics and status; our reading of
// AWS's documentation: no `END` record in JSON); the function's own lines are stored as it printed them.

import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Ships function log lines into the host's CloudWatch Logs, in batches.
final class FunctionLogShipper: Service, Sendable {
    struct Record: Sendable, Equatable {
        var group: String
        var stream: String
        var timestamp: Int64
        var message: String
    }

    private let logs: LogsStore
    private let logger: Logger
    private let pending = Mutex<[Record]>([])
    private let arrived = CommitSignal()
    /// The most lines kept waiting (a function printing faster than the database takes them loses the oldest).
    private let capacity = 100_000

    /// The host's clock: lines are stamped by it, and retention counts by it.
    let now: @Sendable () -> Date

    init(logs: LogsStore, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.logs = logs
        self.logger = logger
        self.now = now
    }

    func append(group: String, stream: String, _ message: String, at date: Date? = nil) {
        let record = Record(
            group: group, stream: stream,
            timestamp: Int64(((date ?? now()).timeIntervalSince1970 * 1000).rounded(.down)), message: message)
        let wasEmpty = pending.withLock { pending -> Bool in
            if pending.count >= capacity { pending.removeFirst(pending.count - capacity + 1) }
            pending.append(record)
            return pending.count == 1
        }
        if wasEmpty { arrived.signal() }
    }

    /// Writes what is waiting, in one transaction.
    func flush() {
        let batch = pending.withLock { pending -> [Record] in
            defer { pending = [] }
            return pending
        }
        guard !batch.isEmpty else { return }
        do {
            try logs.append(batch)
        } catch {
            logger.warning("function logs: \(batch.count) lines not stored: \(error)")
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var lastExpiry = Date.distantPast
            while !Task.isCancelled {
                let version = self.arrived.version
                self.flush()
                // Retention: every log group's events past their group's retention go, once a minute of the host's
                // clock (so within a second of an advance of it).
                if self.now().timeIntervalSince(lastExpiry) > 60 {
                    lastExpiry = self.now()
                    do { try self.logs.expireEvents() } catch { self.logger.warning("log retention: \(error)") }
                }
                await self.arrived.wait(after: version, timeout: .seconds(1))
            }
        }
        flush()
    }
}
