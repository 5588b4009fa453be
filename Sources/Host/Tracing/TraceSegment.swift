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

    /// The `Root` and `Parent` of an X-Ray header (`Root=…;Parent=…;Sampled=…`, in any order, spaces around fields
    /// allowed, `Self=` and others ignored). Read byte by byte: it runs for every hop (Foundation's splitting and
    /// trimming were 3% of the host's CPU under the commerce load).
    static func parse(_ header: String) -> (root: String, parent: String?)? {
        let bytes = header.utf8
        guard bytes.count <= 512 else { return nil }
        var root: Substring.UTF8View?
        var parent: Substring.UTF8View?
        var fieldStart = bytes.startIndex
        while fieldStart < bytes.endIndex {
            let fieldEnd = bytes[fieldStart...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
            var field = Substring(header)[fieldStart..<fieldEnd].utf8
            while field.first == UInt8(ascii: " ") { field = field.dropFirst() }
            while field.last == UInt8(ascii: " ") { field = field.dropLast() }
            if field.starts(with: "Root=".utf8) {
                root = field.dropFirst(5)
            } else if field.starts(with: "Parent=".utf8) {
                parent = field.dropFirst(7)
            }
            fieldStart = fieldEnd < bytes.endIndex ? bytes.index(after: fieldEnd) : fieldEnd
        }
        guard let root, isRoot(root) else { return nil }
        let parentText = parent.flatMap { isHex($0, count: 16) ? String(Substring($0)) : nil }
        return (String(Substring(root)), parentText)
    }

    /// The trace id form X-Ray accepts: `1-` then 8 hex, `-`, 24 hex.
    static func isRoot(_ text: String) -> Bool { isRoot(Substring(text).utf8) }

    private static func isRoot(_ bytes: Substring.UTF8View) -> Bool {
        guard bytes.count == 35, bytes.starts(with: "1-".utf8) else { return false }
        let first = bytes.dropFirst(2).prefix(8)
        let dash = bytes.index(bytes.startIndex, offsetBy: 10)
        return isHex(first, count: 8) && bytes[dash] == UInt8(ascii: "-")
            && isHex(bytes[bytes.index(after: dash)...], count: 24)
    }

    private static func isHex(_ bytes: Substring.UTF8View, count: Int) -> Bool {
        bytes.count == count
            && bytes.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
    }
}
