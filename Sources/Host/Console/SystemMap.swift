import Foundation

/// The system drawn from its topology: API routes → functions → tables → pipes → buses → rules → queues → the
/// functions their mappings invoke → dead-letter queues, one column each, with an edge for every link the topology
/// declares (a function's link to a table is read from its environment naming the table). Each box carries the key
/// of its live counts (`service/resource`, as the trace recorder counts hops).
struct SystemMap: Equatable {
    enum Kind: String, Equatable {
        case route, function, table, pipe, bus, rule, queue, deadLetterQueue = "dlq"
    }

    struct Node: Equatable {
        var id: String
        var kind: Kind
        var name: String
        var label: String
        var column: Int
        var row: Int
        /// The key of the node's counts (`lambda/<function>`, `sqs/<queue>`, …).
        var countKey: String
        var link: String
    }

    struct Edge: Equatable {
        var from: String
        var to: String
        /// A link back to an earlier column (a worker writing to the table) or to a dead-letter queue.
        var isSecondary: Bool
    }

    var nodes: [Node] = []
    var edges: [Edge] = []

    init(topology: Topology) {
        var columns = Array(repeating: 0, count: 9)
        var ids = Set<String>()
        func add(_ kind: Kind, _ name: String, label: String? = nil, column: Int, countKey: String, link: String) {
            let id = kind.rawValue + ":" + name
            guard ids.insert(id).inserted else { return }
            nodes.append(
                Node(
                    id: id, kind: kind, name: name, label: label ?? name, column: column, row: columns[column],
                    countKey: countKey, link: link))
            columns[column] += 1
        }
        func edge(_ from: String, _ to: String, secondary: Bool = false) {
            if !edges.contains(Edge(from: from, to: to, isSecondary: secondary)) {
                edges.append(Edge(from: from, to: to, isSecondary: secondary))
            }
        }
        let base = "/_host/console/"
        for api in topology.httpAPIs {
            for route in api.routes {
                add(
                    .route, api.name + " " + route.key,
                    label: Self.routeLabel(route.key), column: 0,
                    countKey: "apigateway/" + api.name + " " + route.key,
                    link: base + "timeline?resource=" + HTML.component(api.name))
                add(
                    .function, route.function, column: 1, countKey: "lambda/" + route.function,
                    link: base + "functions/" + HTML.component(route.function))
                edge("route:" + api.name + " " + route.key, "function:" + route.function)
            }
        }
        for table in topology.tables {
            add(
                .table, table.name, column: 2, countKey: "dynamodb/" + table.name,
                link: base + "tables/" + HTML.component(table.name))
        }
        for pipe in topology.pipes {
            add(.pipe, pipe.name, column: 3, countKey: "pipes/" + pipe.name, link: base + "routing")
            add(.bus, pipe.targetBus, column: 4, countKey: "events/" + pipe.targetBus, link: base + "routing")
            edge("table:" + pipe.sourceTable, "pipe:" + pipe.name)
            edge("pipe:" + pipe.name, "bus:" + pipe.targetBus)
        }
        for bus in topology.buses {
            add(.bus, bus, column: 4, countKey: "events/" + bus, link: base + "routing")
        }
        let deadLetterQueues = Set(topology.queues.compactMap(\.deadLetterQueue))
        for rule in topology.rules {
            add(.bus, rule.bus, column: 4, countKey: "events/" + rule.bus, link: base + "routing")
            add(.rule, rule.name, column: 5, countKey: "events/" + rule.name, link: base + "routing")
            edge("bus:" + rule.bus, "rule:" + rule.name)
            for target in rule.targets {
                if let queue = target.queue {
                    add(
                        .queue, queue, column: 6, countKey: "sqs/" + queue,
                        link: base + "queues/" + HTML.component(queue))
                    edge("rule:" + rule.name, "queue:" + queue)
                }
                if let function = target.function {
                    add(
                        .function, function, column: 7, countKey: "lambda/" + function,
                        link: base + "functions/" + HTML.component(function))
                    edge("rule:" + rule.name, "function:" + function)
                }
            }
        }
        for queue in topology.queues where !deadLetterQueues.contains(queue.name) {
            add(
                .queue, queue.name, column: 6, countKey: "sqs/" + queue.name,
                link: base + "queues/" + HTML.component(queue.name))
        }
        // Workers and dead-letter queues in the order of the queues they serve, so that edges run straight.
        let queueOrder = nodes.filter { $0.kind == .queue }.map(\.name)
        let byQueue = Dictionary(grouping: topology.eventSourceMappings) { mapping -> String in
            if case .queue(let queue) = mapping.source { return queue }
            return ""
        }
        for queue in queueOrder {
            for mapping in byQueue[queue] ?? [] {
                add(
                    .function, mapping.function, column: 7, countKey: "lambda/" + mapping.function,
                    link: base + "functions/" + HTML.component(mapping.function))
                edge("queue:" + queue, "function:" + mapping.function)
            }
            if let deadLetter = topology.queues.first(where: { $0.name == queue })?.deadLetterQueue {
                add(
                    .deadLetterQueue, deadLetter, column: 8, countKey: "sqs/" + deadLetter,
                    link: base + "queues/" + HTML.component(deadLetter))
                edge("queue:" + queue, "dlq:" + deadLetter, secondary: true)
            }
        }
        for mapping in topology.eventSourceMappings {
            guard case .table(let table) = mapping.source else { continue }
            add(
                .function, mapping.function, column: 7, countKey: "lambda/" + mapping.function,
                link: base + "functions/" + HTML.component(mapping.function))
            edge("table:" + table, "function:" + mapping.function, secondary: true)
        }
        for queue in topology.queues {
            guard let deadLetter = queue.deadLetterQueue else { continue }
            add(
                .deadLetterQueue, deadLetter, column: 8, countKey: "sqs/" + deadLetter,
                link: base + "queues/" + HTML.component(deadLetter))
            edge("queue:" + queue.name, "dlq:" + deadLetter, secondary: true)
        }
        for function in topology.functions {
            add(
                .function, function.name, column: 7, countKey: "lambda/" + function.name,
                link: base + "functions/" + HTML.component(function.name))
            // A link to a table the function's environment names, drawn for the functions before the tables
            // (the workers' writes back to the table would cross the whole map; their traces show them).
            guard let from = nodes.first(where: { $0.id == "function:" + function.name }), from.column < 2 else {
                continue
            }
            for value in Set(function.environment.values).sorted()
            where topology.tables.contains(where: { $0.name == value }) {
                edge("function:" + function.name, "table:" + value)
            }
        }
    }

    static let columnWidth = 176.0
    static let boxWidth = 158.0
    static let rowHeight = 46.0
    static let boxHeight = 36.0

    func center(of node: Node) -> (x: Double, y: Double) {
        (
            20 + Double(node.column) * Self.columnWidth + Self.boxWidth / 2,
            40 + Double(node.row) * Self.rowHeight + Self.boxHeight / 2
        )
    }

    /// A route's box: its method and what tells its path apart, in the characters a box shows: the whole key when it
    /// fits; else the resource and the end (`GET /catalog/…/products`); else as much of the end as fits (`POST
    /// …/listSkus`, `PUT …/{productId}`). The whole key is the box's tooltip.
    static func routeLabel(_ key: String, limit: Int = boxCharacters) -> String {
        guard key.count > limit, let space = key.firstIndex(of: " ") else { return key }
        let method = String(key[..<space])
        let segments = key[key.index(after: space)...].split(separator: "/").map(String.init)
        // `/api/v1/…` says nothing about the route.
        let lead = Array(segments.drop { $0 == "api" || ($0.first == "v" && Int($0.dropFirst()) != nil) })
        /// The longest end of `path` (at least its last segment) that fits after `prefix`.
        func end(after prefix: String, of path: [String]) -> String {
            var tail = ""
            for segment in path.reversed() {
                let longer = "/" + segment + tail
                guard tail.isEmpty || prefix.count + longer.count <= limit else { break }
                tail = longer
            }
            return prefix + tail
        }
        if lead.count > 2 {
            let withResource = end(after: "\(method) /\(lead[0])/…", of: Array(lead.dropFirst(2)))
            if withResource.count <= limit { return withResource }
        }
        return end(after: "\(method) …", of: lead.isEmpty ? segments : lead)
    }

    /// The characters a box shows before it cuts a label.
    static let boxCharacters = 23

    var svg: String {
        let columns = (nodes.map(\.column).max() ?? 0) + 1
        let rows = (nodes.map(\.row).max() ?? 0) + 1
        let width = 40 + Double(columns) * Self.columnWidth
        let height = 60 + Double(rows) * Self.rowHeight
        let byID = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var parts = [
            "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">",
            "<defs><marker id=\"mapArrow\" markerWidth=\"7\" markerHeight=\"7\" refX=\"6\" refY=\"3.5\" orient=\"auto\"><path d=\"M0,0 L7,3.5 L0,7 z\" fill=\"#8a94a6\"/></marker></defs>",
        ]
        let headings = ["API routes", "functions", "tables", "pipes", "buses", "rules", "queues", "workers", "DLQs"]
        for column in 0..<min(columns, headings.count) where nodes.contains(where: { $0.column == column }) {
            parts.append(
                "<text class=\"heading\" x=\"\(20 + Double(column) * Self.columnWidth)\" y=\"22\">\(headings[column])</text>"
            )
        }
        for edge in edges {
            guard let from = byID[edge.from], let to = byID[edge.to] else { continue }
            let (x1, y1) = center(of: from)
            let (x2, y2) = center(of: to)
            let startX = x1 + Self.boxWidth / 2
            let endX = x2 - Self.boxWidth / 2
            let path: String
            if to.column > from.column {
                let middle = (startX + endX) / 2
                path = "M\(startX),\(y1) C\(middle),\(y1) \(middle),\(y2) \(endX - 2),\(y2)"
            } else {
                // Back to an earlier column: a loop under the boxes.
                path =
                    "M\(x1),\(y1 + Self.boxHeight / 2) C\(x1),\(y1 + 60) \(x2),\(y2 + 60) \(x2),\(y2 + Self.boxHeight / 2 + 2)"
            }
            parts.append(
                "<path class=\"edge\(edge.isSecondary ? " secondary" : "")\" d=\"\(path)\" marker-end=\"url(#mapArrow)\"/>"
            )
        }
        for node in nodes {
            let (x, y) = center(of: node)
            let shown =
                node.label.count > Self.boxCharacters
                ? String(node.label.prefix(Self.boxCharacters - 2)) + "…" : node.label
            parts.append(
                "<a href=\"\(HTML.escape(node.link))\"><g class=\"node \(node.kind.rawValue)\" data-count=\"\(HTML.escape(node.countKey))\" data-name=\"\(HTML.escape(node.name))\"><title>\(HTML.escape(node.kind.rawValue + " " + node.name))</title><rect x=\"\(x - Self.boxWidth / 2)\" y=\"\(y - Self.boxHeight / 2)\" width=\"\(Self.boxWidth)\" height=\"\(Self.boxHeight)\" rx=\"5\"/><text x=\"\(x - Self.boxWidth / 2 + 7)\" y=\"\(y - 2)\">\(HTML.escape(shown))</text><text class=\"count\" x=\"\(x - Self.boxWidth / 2 + 7)\" y=\"\(y + 13)\"></text></g></a>"
            )
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }
}
