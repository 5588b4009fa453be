import Foundation
import Synchronization

/// What `host --watch` did after each change (rebuilds, replaced functions, topology changes applied or rejected),
/// newest last; it outlives a topology change's restart of the services, so the console shows every reload.
public final class ReloadLog: Sendable {
    public struct Entry: Sendable, Equatable {
        public enum Outcome: String, Sendable {
            /// The change runs: rebuilt functions replaced, or the topology applied.
            case applied
            /// Nothing needed replacing (the build produced the same binaries).
            case unchanged
            /// A build error or an invalid topology: what ran before keeps running.
            case rejected
        }

        public var time: Date
        /// `functions` (a rebuild), `scripts` (a script function's file) or `topology`.
        public var kind: String
        public var outcome: Outcome
        /// One line: what changed and what was done.
        public var summary: String
        /// The build's errors or the topology's, when rejected.
        public var detail: String
        /// From the change seen to the new behaviour served (or to the rejection).
        public var seconds: Double

        public init(
            time: Date = Date(), kind: String, outcome: Outcome, summary: String, detail: String = "", seconds: Double
        ) {
            self.time = time
            self.kind = kind
            self.outcome = outcome
            self.summary = summary
            self.detail = detail
            self.seconds = seconds
        }
    }

    private let entries = Mutex<[Entry]>([])
    private let limit: Int

    public init(limit: Int = 50) { self.limit = limit }

    public func append(_ entry: Entry) {
        entries.withLock { entries in
            entries.append(entry)
            if entries.count > limit { entries.removeFirst(entries.count - limit) }
        }
    }

    /// Newest last.
    public var all: [Entry] { entries.withLock { $0 } }
}
