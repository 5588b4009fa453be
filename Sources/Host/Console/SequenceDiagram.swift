import Foundation

/// A trace drawn as a sequence diagram: participants are the resources the hops reached (in order of first
/// appearance), arrows the hops in the order they started, each labelled with its operation and duration and
/// coloured by its outcome; a hop that repeats an earlier one (the same request or message id on the same resource)
/// is marked as a retry.
struct SequenceDiagram: Equatable {
    struct Arrow: Equatable {
        var from: Int
        var to: Int
        var label: String
        var hop: TraceHop
        var isRetry: Bool
    }

    var participants: [String]
    var arrows: [Arrow]

    init(hops: [TraceHop]) {
        let byID = Dictionary(hops.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var participants: [String] = []
        var index: [String: Int] = [:]
        func position(_ name: String) -> Int {
            if let known = index[name] { return known }
            participants.append(name)
            index[name] = participants.count - 1
            return participants.count - 1
        }
        var seen = Set<String>()
        var arrows: [Arrow] = []
        for hop in hops.sorted(by: { ($0.start, $0.sequence) < ($1.start, $1.sequence) }) {
            let from = hop.source ?? hop.parentID.flatMap { byID[$0]?.resource } ?? "Client"
            let start = position(from)
            let end = position(hop.resource)
            let isRetry = Self.retryKey(hop).map { !seen.insert($0).inserted } ?? false
            arrows.append(Arrow(from: start, to: end, label: Self.label(hop), hop: hop, isRetry: isRetry))
        }
        self.participants = participants
        self.arrows = arrows
    }

    /// What a repeat of the same invocation shares with the first attempt: its messages or records (a redelivery),
    /// or its request id (an asynchronous retry keeps it). Other hops are not marked: two identical reads by two
    /// invocations are not a retry.
    static func retryKey(_ hop: TraceHop) -> String? {
        guard hop.service == "lambda" else { return nil }
        let prefix = hop.resource + "/"
        return hop.keys.count > 1
            ? prefix + hop.keys.dropFirst().joined(separator: ",") : hop.keys.first.map { prefix + $0 }
    }

    /// The operation, what it touched when that says more (a DynamoDB key's event name), and its duration.
    static func label(_ hop: TraceHop) -> String {
        var label = hop.operation
        if hop.service == "dynamodb", let key = hop.keys.last(where: { $0.contains("#") }) {
            label += " " + key.split(separator: "#").last.map(String.init)!
        }
        if hop.duration > 0 { label += " · " + HTML.milliseconds(hop.duration) }
        return label
    }

    static let column = 180.0
    static let row = 30.0
    static let top = 56.0

    /// The diagram as SVG; each arrow links to its hop's row (`#hop-<sequence>`).
    var svg: String {
        let width = max(Double(participants.count) * Self.column + 80, 400)
        let height = Self.top + Double(arrows.count) * Self.row + 30
        let start = arrows.first?.hop.start ?? 0
        var parts: [String] = []
        parts.append(
            "<svg class=\"sequence\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        )
        parts.append(
            "<defs><marker id=\"arrowhead\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"context-stroke\"/></marker></defs>"
        )
        for (offset, name) in participants.enumerated() {
            let x = 80 + Double(offset) * Self.column + Self.column / 2
            let shown = name.count > 24 ? String(name.prefix(22)) + "…" : name
            parts.append(
                "<g class=\"participant\" data-name=\"\(HTML.escape(name))\"><title>\(HTML.escape(name))</title><rect x=\"\(x - Self.column / 2 + 6)\" y=\"8\" width=\"\(Self.column - 12)\" height=\"30\" rx=\"4\"/><text x=\"\(x)\" y=\"28\" text-anchor=\"middle\">\(HTML.escape(shown))</text></g>"
            )
            parts.append(
                "<line class=\"lifeline\" x1=\"\(x)\" y1=\"38\" x2=\"\(x)\" y2=\"\(height - 10)\"/>")
        }
        for (offset, arrow) in arrows.enumerated() {
            let y = Self.top + Double(offset) * Self.row + 12
            let x1 = 80 + Double(arrow.from) * Self.column + Self.column / 2
            let x2 = 80 + Double(arrow.to) * Self.column + Self.column / 2
            let classes = "hop \(arrow.hop.status.rawValue)\(arrow.isRetry ? " retry" : "")"
            let label = (arrow.isRetry ? "↻ " : "") + arrow.label
            parts.append(
                "<a href=\"#hop-\(arrow.hop.sequence)\"><g class=\"\(classes)\" data-from=\"\(HTML.escape(participants[arrow.from]))\" data-to=\"\(HTML.escape(participants[arrow.to]))\" data-operation=\"\(HTML.escape(arrow.hop.operation))\"><title>\(HTML.escape(arrow.hop.service + " " + arrow.hop.operation + " " + arrow.hop.keys.joined(separator: " ")))</title>"
            )
            parts.append(
                "<text class=\"offset\" x=\"6\" y=\"\(y + 4)\">+\(String(format: "%.1f", (arrow.hop.start - start) * 1000)) ms</text>"
            )
            if arrow.from == arrow.to {
                parts.append(
                    "<path d=\"M\(x1),\(y - 6) h28 v12 h-26\" fill=\"none\" marker-end=\"url(#arrowhead)\"/>")
                parts.append("<text x=\"\(x1 + 34)\" y=\"\(y + 4)\">\(HTML.escape(label))</text>")
            } else {
                let tip = x2 + (x2 > x1 ? -2 : 2)
                parts.append(
                    "<line x1=\"\(x1)\" y1=\"\(y)\" x2=\"\(tip)\" y2=\"\(y)\" marker-end=\"url(#arrowhead)\"/>")
                parts.append(
                    "<text x=\"\((x1 + x2) / 2)\" y=\"\(y - 5)\" text-anchor=\"middle\">\(HTML.escape(label))</text>")
            }
            parts.append("</g></a>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }
}
