import Foundation
import Testing

@testable import Host

@Suite struct TraceSegmentTests {
    @Test func continuesAnXRayHeaderAsAChildSegment() throws {
        let header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        let segment = try #require(TraceSegment(continuing: header))
        #expect(segment.root == "1-5759e988-bd862e3fe1be46a994272793")
        #expect(segment.parent == "53995c3f42cd8ad8")
        #expect(segment.id.count == 16 && segment.id != "53995c3f42cd8ad8")
        #expect(segment.header == "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=\(segment.id);Sampled=1")
        // Fields in any order, with an ALB's Self; a header without Parent starts at the root.
        let reordered = try #require(
            TraceSegment(continuing: "Self=1-x;Sampled=0;Root=1-5759e988-bd862e3fe1be46a994272793"))
        #expect(reordered.parent == nil)
    }

    @Test func refusesWhatIsNotAnXRayTraceHeader() {
        for header in [
            "", "Root=", "Root=1-abc-def", "Root=2-5759e988-bd862e3fe1be46a994272793",
            "Root=1-5759e988-bd862e3fe1be46a99427279z", "Parent=53995c3f42cd8ad8",
            "Root=1-5759e988-bd862e3fe1be46a994272793" + String(repeating: ";x=y", count: 200),
        ] {
            #expect(TraceSegment(continuing: header) == nil, "\(header.prefix(60))")
        }
        // A malformed Parent is dropped, the trace kept.
        #expect(TraceSegment(continuing: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=xyz")?.parent == nil)
    }

    @Test func aNewTraceHasTheXRayIdForm() {
        let segment = TraceSegment.starting(at: Date(timeIntervalSince1970: 0x6752_f0a1))
        #expect(segment.root.hasPrefix("1-6752f0a1-") && TraceSegment.isRoot(segment.root))
        #expect(segment.parent == nil)
    }
}

func hop(
    _ id: String, parent: String?, _ service: String, _ operation: String, _ resource: String, source: String? = nil,
    start: Double, status: TraceHop.Status = .ok, keys: [String] = [], payload: String? = nil
) -> TraceHop {
    TraceHop(
        id: id, traceID: "1-6752f0a1-aaaaaaaaaaaaaaaaaaaaaaaa", parentID: parent, service: service,
        operation: operation, resource: resource, source: source, start: start, duration: 0.001, status: status,
        keys: keys, payload: payload)
}

@Suite struct SequenceDiagramTests {
    /// An order's path: the API, its function's write, the pipe and the bus, the rule, the queue, the worker.
    static let hops = [
        hop("a", parent: nil, "apigateway", "POST /orders", "orders-api", source: "Client", start: 1),
        hop("b", parent: "a", "lambda", "Invoke", "PlaceOrderApi", start: 1.001, keys: ["r1"]),
        hop(
            "c", parent: "b", "dynamodb", "PutItem", "commerce", start: 1.002,
            keys: ["EVENTS#ORDER_ID#o1", "EVENT#ORDER_PLACED_EVENT"]),
        hop("d", parent: "b", "pipes", "Poll", "stream-to-bus", source: "commerce", start: 1.003),
        hop("e", parent: "b", "events", "PutEvents", "bus", source: "stream-to-bus", start: 1.003),
        hop("f", parent: "b", "events", "Rule", "SyncRule", source: "bus", start: 1.004),
        hop("g", parent: "b", "sqs", "SendMessage", "SyncQueue", source: "SyncRule", start: 1.004),
        hop(
            "h", parent: "b", "lambda", "Invoke", "SyncOrderWorker", source: "SyncQueue", start: 1.010, status: .error,
            keys: ["r2", "m1"]),
        hop(
            "i", parent: "b", "lambda", "Invoke", "SyncOrderWorker", source: "SyncQueue", start: 1.020,
            keys: ["r3", "m1"]),
        hop("j", parent: "i", "dynamodb", "UpdateItem", "commerce", start: 1.021, keys: ["ORDERS#ORDER_ID#o1"]),
    ]

    @Test func participantsAppearInOrderAndArrowsFollowTheHops() {
        // Out of order on purpose: the diagram orders hops by their start, then by the store's order.
        let stored = Self.hops.enumerated().map { index, hop in
            var hop = hop
            hop.sequence = Int64(index + 1)
            return hop
        }
        let diagram = SequenceDiagram(hops: stored.reversed())
        #expect(
            diagram.participants == [
                "Client", "orders-api", "PlaceOrderApi", "commerce", "stream-to-bus", "bus", "SyncRule", "SyncQueue",
                "SyncOrderWorker",
            ])
        let pairs = diagram.arrows.map { diagram.participants[$0.from] + "→" + diagram.participants[$0.to] }
        #expect(
            pairs == [
                "Client→orders-api", "orders-api→PlaceOrderApi", "PlaceOrderApi→commerce", "commerce→stream-to-bus",
                "stream-to-bus→bus", "bus→SyncRule", "SyncRule→SyncQueue", "SyncQueue→SyncOrderWorker",
                "SyncQueue→SyncOrderWorker", "SyncOrderWorker→commerce",
            ])
        // The second delivery of message m1 to the worker is a retry; nothing else is.
        #expect(diagram.arrows.map(\.isRetry) == Array(repeating: false, count: 8) + [true, false])
        #expect(diagram.arrows[2].label.hasPrefix("PutItem ORDER_PLACED_EVENT"))
    }

    @Test func drawsEachHopAsALinkedArrowColouredByItsOutcome() {
        let svg = SequenceDiagram(hops: Self.hops).svg
        #expect(svg.hasPrefix("<svg class=\"sequence\""))
        #expect(
            svg.contains(
                #"<g class="hop error" data-from="SyncQueue" data-to="SyncOrderWorker" data-operation="Invoke">"#))
        #expect(svg.contains(#"class="hop ok retry""#))
        #expect(svg.components(separatedBy: "<a href=\"#hop-").count == Self.hops.count + 1)
        // Names are escaped.
        let odd = SequenceDiagram(hops: [hop("x", parent: nil, "sqs", "SendMessage", "<q&>", source: "\"s\"", start: 0)]
        )
        #expect(odd.svg.contains("&lt;q&amp;&gt;") && !odd.svg.contains("<q&>"))
    }

    @Test func aHopWhoseParentIsNotKeptStartsAtTheClient() {
        let diagram = SequenceDiagram(hops: [hop("x", parent: "gone", "dynamodb", "GetItem", "t", start: 0)])
        #expect(diagram.participants == ["Client", "t"])
    }
}

@Suite struct SystemMapTests {
    @Test func aRouteShowsItsMethodAndTheEndOfItsPath() {
        #expect(SystemMap.routeLabel("GET /hello") == "GET /hello")
        #expect(SystemMap.routeLabel("POST /api/v1/inventory/listSkus") == "POST …/listSkus")
        #expect(SystemMap.routeLabel("PUT /products/{productId}") == "PUT …/{productId}")
        #expect(SystemMap.routeLabel("DELETE /products/{productId}") == "DELETE …/{productId}")
        #expect(SystemMap.routeLabel("GET /catalog/categories/{category}/products") == "GET /catalog/…/products")
        #expect(SystemMap.routeLabel("GET /catalog-view/products") == "GET …/products")
        #expect(SystemMap.routeLabel("POST /cart/{cartId}/items/{itemId}") == "POST /cart/…/{itemId}")
        // A last segment longer than the box: the box cuts it.
        #expect(SystemMap.routeLabel("GET /aVeryLongSegmentThatCannotFit") == "GET …/aVeryLongSegmentThatCannotFit")
        #expect(SystemMap.routeLabel("$default") == "$default")
        // The commerce topology's routes each get a box of their own and none reads like another.
        let topology = try? Topology.load(path: packageRoot().appendingPathComponent("infra/topology.json").path)
        let keys = topology?.httpAPIs.flatMap { $0.routes.map(\.key) } ?? []
        #expect(keys.count > 20)
        #expect(Set(keys.map { SystemMap.routeLabel($0) }).count == keys.count)
    }

    @Test func drawsTheTopologyColumnByColumn() throws {
        let topology = try Topology.load(path: packageRoot().appendingPathComponent("infra/topology.json").path)
        let map = SystemMap(topology: topology)
        func column(_ id: String) -> Int? { map.nodes.first { $0.id == id }?.column }
        #expect(column("route:orders-api POST /api/v1/orders/placeOrder") == 0)
        #expect(column("function:PlaceOrderApi") == 1)
        #expect(column("table:commerce") == 2)
        #expect(column("pipe:commerce-stream-to-bus") == 3)
        #expect(column("bus:commerce-bus") == 4)
        #expect(column("rule:SyncOrderWorker-EventBridgeRoutingRule") == 5)
        #expect(column("queue:SyncOrderWorker-Queue") == 6)
        #expect(column("function:SyncOrderWorker") == 7)
        #expect(column("dlq:SyncOrderWorker-Dlq") == 8)
        for (from, to) in [
            ("route:orders-api POST /api/v1/orders/placeOrder", "function:PlaceOrderApi"),
            ("function:PlaceOrderApi", "table:commerce"), ("table:commerce", "pipe:commerce-stream-to-bus"),
            ("pipe:commerce-stream-to-bus", "bus:commerce-bus"),
            ("bus:commerce-bus", "rule:SyncOrderWorker-EventBridgeRoutingRule"),
            ("rule:SyncOrderWorker-EventBridgeRoutingRule", "queue:SyncOrderWorker-Queue"),
            ("queue:SyncOrderWorker-Queue", "function:SyncOrderWorker"),
            ("queue:SyncOrderWorker-Queue", "dlq:SyncOrderWorker-Dlq"),
        ] {
            #expect(map.edges.contains { $0.from == from && $0.to == to }, "\(from) → \(to)")
        }
        // Every function, queue and rule of the topology has one box; workers sit in the rows of their queues.
        #expect(map.nodes.filter { $0.kind == .function }.count == topology.functions.count)
        #expect(map.nodes.filter { $0.kind == .rule }.count == topology.rules.count)
        for mapping in topology.eventSourceMappings {
            guard case .queue(let queue) = mapping.source else { continue }
            #expect(
                map.nodes.first { $0.id == "function:" + mapping.function }?.row
                    == map.nodes.first { $0.id == "queue:" + queue }?.row)
        }
        #expect(map.svg.contains(#"data-count="lambda/PlaceOrderApi""#))
        #expect(map.svg.contains(#"data-count="apigateway/orders-api POST /api/v1/orders/placeOrder""#))
    }
}

@Suite struct TraceStoreTests {
    func store() throws -> TraceStore {
        let path = NSTemporaryDirectory() + "traces-\(UUID().uuidString)/host.sqlite"
        return TraceStore(database: try HostDatabase(path: path, migrations: TraceStore.migrations))
    }

    @Test func findsTracesByAnyIdAndAnItemKeysLastPart() throws {
        let store = try store()
        let stored = try store.append(SequenceDiagramTests.hops)
        #expect(stored.map(\.sequence) == Array(1...Int64(SequenceDiagramTests.hops.count)))
        let trace = "1-6752f0a1-aaaaaaaaaaaaaaaaaaaaaaaa"
        for key in ["o1", "ORDERS#ORDER_ID#o1", "m1", "r2", trace] {
            #expect(try store.traces(key: key, limit: 10) == [trace], "\(key)")
        }
        #expect(try store.traces(key: "nothing", limit: 10).isEmpty)
        let hops = try store.hops(trace: trace)
        #expect(hops.map(\.id) == SequenceDiagramTests.hops.map(\.id))
        #expect(hops[2].keys == ["EVENTS#ORDER_ID#o1", "EVENT#ORDER_PLACED_EVENT"])
        #expect(try store.hop(sequence: 8)?.status == .error)
        #expect(try store.recent(limit: 3, resource: "SyncOrderWorker").map(\.id) == ["i", "h"])
    }

    @Test func summarisesTracesInATimeRange() throws {
        let store = try store()
        try store.append(SequenceDiagramTests.hops)
        let summaries = try store.summaries(from: 0, to: 10, limit: 10)
        #expect(summaries.count == 1)
        let summary = try #require(summaries.first)
        #expect(summary.hops == 10 && summary.hasError && !summary.hasFault)
        #expect(summary.entry.resource == "orders-api")
        #expect(abs(summary.end - summary.start - 0.022) < 1e-9)
        #expect(try store.summaries(from: 5, to: 10, limit: 10).isEmpty)
    }

    @Test func keepsAtMostTheNewestHopsAndNoneTooOld() throws {
        let store = try store()
        let now = Date().timeIntervalSince1970
        try store.append(
            (0..<50).map { index in
                hop(
                    "h\(index)", parent: nil, "sqs", "SendMessage", "q", start: now - 100 + Double(index),
                    keys: ["k\(index)"])
            })
        try store.trim(now: Date(), maxAge: 1000, maxHops: 20)
        #expect(try store.recent(limit: 100).count == 20)
        #expect(try store.traces(key: "k5", limit: 1).isEmpty)  // its keys went with it
        #expect(try store.traces(key: "k45", limit: 1).count == 1)
        try store.trim(now: Date(), maxAge: 55.5, maxHops: 1000)
        #expect(try store.recent(limit: 100).map(\.id) == (45..<50).reversed().map { "h\($0)" })
    }
}

@Suite struct XRayAPITests {
    @Test func refusesBadRangesFiltersAndTooManyIds() throws {
        let api = XRayAPI(store: nil, account: "000000000000")
        #expect(throws: AWSError.self) { try api.getTraceSummaries(.init(startTime: 10, endTime: 5)) }
        #expect(throws: AWSError.self) { try api.getTraceSummaries(.init(startTime: 0, endTime: 86_401)) }
        #expect(throws: AWSError.self) {
            try api.getTraceSummaries(.init(startTime: 0, endTime: 10, filterExpression: "responsetime > 5"))
        }
        #expect(throws: AWSError.self) {
            try api.batchGetTraces(
                .init(traceIds: (0..<6).map { "1-6752f0a1-\(String(repeating: "a", count: 23))\($0)" }))
        }
        #expect(XRayAPI.serviceFilter(#"service("PlaceOrderApi")"#) == "PlaceOrderApi")
        #expect(XRayAPI.serviceFilter(#"service("a") OR service("b")"#) == nil)
    }

    @Test func aSegmentDocumentIsXRaysShape() throws {
        var failed = hop("b", parent: "a", "lambda", "Invoke", "Fn", start: 1_700_000_000.5, status: .fault)
        failed.error = "Sandbox.Timedout: Task timed out"
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(failed.segmentDocument.utf8)) as? [String: Any])
        #expect(document["id"] as? String == "b" && document["parent_id"] as? String == "a")
        #expect(document["trace_id"] as? String == "1-6752f0a1-aaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(document["name"] as? String == "Fn" && document["origin"] as? String == "AWS::Lambda::Function")
        #expect(document["start_time"] as? Double == 1_700_000_000.5)
        #expect(document["fault"] as? Bool == true && document["error"] == nil)
        #expect((document["aws"] as? [String: Any])?["operation"] as? String == "Invoke")
    }
}

@Suite struct ConsoleFormTests {
    @Test func readsAFormBody() {
        #expect(
            Console.form("payload=%7B%22a%22%3A+1%7D&name=x+y&empty=&flag")
                == ["payload": #"{"a": 1}"#, "name": "x y", "empty": "", "flag": ""])
        #expect(HTML.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }
}

@Suite struct ConsoleTimeTests {
    @Test func timesHaveThreeDigitsOfMilliseconds() {
        #expect(HTML.time(1_796_587_595.45) == "20:06:35.450")
        #expect(HTML.time(1_796_587_595.018) == "20:06:35.018")
        #expect(HTML.time(86_400) == "00:00:00.000")
    }
}
