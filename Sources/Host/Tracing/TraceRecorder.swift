import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// How long traces are kept.
public struct TraceRetention: Sendable, Equatable {
    /// Hops older than this are dropped.
    public var maxAge: Duration
    /// At most this many hops are kept (the oldest go first).
    public var maxHops: Int

    public init(maxAge: Duration = .seconds(86_400), maxHops: Int = 100_000) {
        self.maxAge = maxAge
        self.maxHops = maxHops
    }
}

/// Collects the hops every part of the host reports, writes them in batches (one transaction each, a few
/// milliseconds after they happen, never inside the operation's own transaction), trims the store, and tells the
/// console's live views about each hop once it is stored.
public final class TraceRecorder: Service, Sendable {
    /// Calls and failures of one resource since the host started (the console's map).
    struct Count: Sendable, Equatable {
        var calls = 0
        var errors = 0
        var last: Double = 0
    }

    private struct Live {
        /// The segments running now (an invocation's), by id: what their calls come from.
        var open: [String: String] = [:]
        var subscribers: [UInt64: AsyncStream<TraceHop>.Continuation] = [:]
        var next: UInt64 = 0
        var counts: [String: Count] = [:]
    }

    let store: TraceStore
    let retention: TraceRetention
    private let logger: Logger
    private let pending = Mutex<[TraceHop]>([])
    private let live = Mutex(Live())
    private let arrived = CommitSignal()
    /// The most hops kept waiting (a burst faster than the database takes them loses the oldest).
    private let capacity = 50_000
    /// How long hops wait for others to share their transaction, unless this many are waiting.
    static let window: Duration = .milliseconds(50)
    static let batch = 1000

    init(store: TraceStore, retention: TraceRetention = TraceRetention(), logger: Logger) {
        self.store = store
        self.retention = retention
        self.logger = logger
    }

    func record(_ hop: TraceHop) {
        let wasEmpty = pending.withLock { pending -> Bool in
            if pending.count >= capacity { pending.removeFirst(pending.count - capacity + 1) }
            pending.append(hop)
            return pending.count == 1
        }
        if wasEmpty { arrived.signal() }
    }

    /// A segment starts (an invocation): calls made under it come from `resource`.
    func open(segment: String, resource: String) {
        live.withLock { live in
            if live.open.count < 10_000 { live.open[segment] = resource }
        }
    }

    /// The segment ended.
    func close(segment: String) {
        _ = live.withLock { $0.open.removeValue(forKey: segment) }
    }

    /// The resource of a running segment (the function a call comes from).
    func resource(ofSegment segment: String) -> String? {
        live.withLock { $0.open[segment] }
    }

    /// The key of a resource in ``counts()``: `service/resource`.
    static func countKey(service: String, resource: String) -> String { service + "/" + resource }

    /// Calls and failures per resource since the host started.
    func counts() -> [String: Count] { live.withLock { $0.counts } }

    /// Every hop stored from now on, until the stream is dropped.
    func subscribe() -> AsyncStream<TraceHop> {
        let (stream, continuation) = AsyncStream.makeStream(of: TraceHop.self, bufferingPolicy: .bufferingNewest(1000))
        let id = live.withLock { live -> UInt64 in
            live.next += 1
            live.subscribers[live.next] = continuation
            return live.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.live.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Writes what is waiting, in one transaction, then tells the subscribers.
    func flush() {
        let batch = pending.withLock { pending -> [TraceHop] in
            defer { pending = [] }
            return pending
        }
        guard !batch.isEmpty else { return }
        let stored: [TraceHop]
        do {
            stored = try store.append(batch)
        } catch {
            logger.warning("traces: \(batch.count) hops not stored: \(error)")
            return
        }
        let subscribers = live.withLock { live -> [AsyncStream<TraceHop>.Continuation] in
            for hop in stored {
                var keys = [Self.countKey(service: hop.service, resource: hop.resource)]
                // An API's routes are counted one by one too (the console's map has a box per route).
                if hop.service == "apigateway" { keys.append(keys[0] + " " + hop.operation) }
                for key in keys {
                    live.counts[key, default: Count()].calls += 1
                    if hop.status != .ok { live.counts[key, default: Count()].errors += 1 }
                    live.counts[key, default: Count()].last = hop.start
                }
            }
            return Array(live.subscribers.values)
        }
        for subscriber in subscribers {
            for hop in stored { subscriber.yield(hop) }
        }
    }

    func trim() {
        do {
            try store.trim(
                now: Date(), maxAge: Double(retention.maxAge.components.seconds), maxHops: retention.maxHops)
        } catch {
            logger.warning("traces: not trimmed: \(error)")
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var lastTrim = ContinuousClock.now
            while !Task.isCancelled {
                let version = self.arrived.version
                // A batching window: hops come in bursts (an order makes about 60 within milliseconds), and one
                // transaction for a burst costs the other writers far less than one per hop.
                if self.pending.withLock({ $0.count }) < Self.batch {
                    try? await Task.sleep(for: Self.window)
                }
                self.flush()
                if ContinuousClock.now - lastTrim > .seconds(10) {
                    self.trim()
                    lastTrim = .now
                }
                await self.arrived.wait(after: version, timeout: .seconds(1))
            }
        }
        flush()
        live.withLock { live in
            for subscriber in live.subscribers.values { subscriber.finish() }
        }
    }
}
