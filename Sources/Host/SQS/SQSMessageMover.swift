import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the message move tasks: every RUNNING task (also those a previous run of the host left) moves its messages
/// in chunks of ``chunkSize``, one transaction each (``SQSStore/moveChunk(task:limit:)``). A task with
/// `MaxNumberOfMessagesPerSecond` moves at most that many per second (a chunk of that size, then a pause); one
/// without it moves as fast as the database allows. Between chunks the mover waits for a commit (a new task, a
/// message becoming visible through a visibility change) or for the time the next message of a task becomes
/// visible.
final class SQSMessageMover: Service {
    let store: SQSStore
    let chunkSize: Int
    let logger: Logger
    /// When a rate-limited task may move its next chunk.
    private let notBefore = Mutex<[String: Date]>([:])

    init(store: SQSStore, chunkSize: Int = 100, logger: Logger) {
        self.store = store
        self.chunkSize = chunkSize
        self.logger = logger
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let signal = self.store.database.topics.signal(for: .moveTasks)
                let version = signal.version
                let wait = self.runOnce()
                if wait > .zero { await signal.wait(after: version, timeout: wait) }
                await Task.yield()
            }
        }
    }

    /// Moves one chunk of every running task allowed to move now; returns how long until there may be more to do
    /// (zero: at once).
    @discardableResult
    func runOnce() -> Duration {
        var wait: Duration = .seconds(60)
        let tasks: [SQSMoveTask]
        do {
            tasks = try store.runningMoveTasks()
        } catch {
            logger.warning("sqs: listing move tasks failed: \(error)")
            return .seconds(1)
        }
        for task in tasks {
            // The rate counts on the host's clock: an advance lets the next chunk go at once.
            let now = store.now()
            if let next = notBefore.withLock({ $0[task.id] }), next > now {
                wait = min(wait, .milliseconds(Int64(next.timeIntervalSince(now) * 1000) + 1))
                continue
            }
            let limit = min(task.maxNumberOfMessagesPerSecond ?? chunkSize, chunkSize)
            do {
                switch try store.moveChunk(task: task.id, limit: limit) {
                case .moved(let count):
                    if let rate = task.maxNumberOfMessagesPerSecond {
                        let pause = Duration.seconds(Double(count) / Double(rate))
                        notBefore.withLock { $0[task.id] = now.addingTimeInterval(Double(count) / Double(rate)) }
                        wait = min(wait, pause)
                    } else {
                        wait = .zero
                    }
                case .waiting(let until):
                    if let until {
                        let seconds = max(0.001, until.timeIntervalSince(store.now()))
                        wait = min(wait, .milliseconds(Int64(seconds * 1000) + 1))
                    }
                case .finished:
                    notBefore.withLock { $0[task.id] = nil }
                }
            } catch {
                logger.warning("sqs: move task \(task.id) failed a chunk: \(error)")
                wait = min(wait, .seconds(1))
            }
        }
        return wait
    }

    /// Runs chunks until no task can move anything at once (tests).
    func drain() {
        while runOnce() == .zero {}
    }
}
