// DECISIONS (trace context): headers travel as AWS carries them (SQS's AWSTraceHeader, EventBridge's TraceHeader,
// the stream record's link are the caller's header unchanged). Where AWS's X-Ray itself makes a segment (API Gateway
// with tracing on, Lambda with active tracing), the host does too: the header it passes on names the new segment as
// `Parent`, so a function's calls are children of its invocation. With tracing off (`--no-tracing`) headers pass
// through untouched. A request whose header is not X-Ray's (`Root=1-<8 hex>-<24 hex>`) starts no trace.

import Foundation

/// One segment of an X-Ray trace: its trace (`Root`), its own id and its parent's.
struct TraceSegment: Sendable, Equatable {
    /// `1-<epoch seconds, 8 hex>-<24 hex>`.
    var root: String
    /// 16 hex digits.
    var id: String
    /// The caller's segment, when the header named one.
    var parent: String?

    /// The header to pass on: this segment as the parent of what it calls.
    var header: String { "Root=\(root);Parent=\(id);Sampled=1" }

    init(root: String, id: String = Identifiers.hex16(), parent: String?) {
        self.root = root
        self.id = id
        self.parent = parent
    }

    /// A new segment under the one `header` names; nil when `header` is not an X-Ray trace header.
    init?(continuing header: String) {
        guard let (root, parent) = Self.parse(header) else { return nil }
        self.init(root: root, parent: parent)
    }

    /// A segment that starts a new trace.
    static func starting(at date: Date = Date()) -> TraceSegment {
        TraceSegment(root: Identifiers.traceRoot(epochSeconds: UInt64(max(0, date.timeIntervalSince1970))), parent: nil)
    }

    /// The `Root` and `Parent` of an X-Ray header (`Root=…;Parent=…;Sampled=…`, in any order, `Self=` ignored).
    static func parse(_ header: String) -> (root: String, parent: String?)? {
        guard header.utf8.count <= 512 else { return nil }
        var root: String?
        var parent: String?
        for field in header.split(separator: ";") {
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if name == "Root" {
                root = value
            } else if name == "Parent" {
                parent = value
            }
        }
        guard let root, isRoot(root) else { return nil }
        if let candidate = parent, !isHex(Substring(candidate), count: 16) { parent = nil }
        return (root, parent)
    }

    /// The trace id form X-Ray accepts: `1-` then 8 hex, `-`, 24 hex.
    static func isRoot(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "1" && isHex(parts[1], count: 8) && isHex(parts[2], count: 24)
    }

    private static func isHex(_ text: Substring, count: Int) -> Bool {
        text.utf8.count == count
            && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
    }
}
