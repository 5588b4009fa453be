import Foundation
import Logging
import Testing

@testable import Host

/// What a user sees of one order: its trace through the host's API, the X-Ray API (the aws CLI), CloudWatch Logs,
/// and the console's pages and forms.
extension CommerceEndToEndTests {
    func get(_ url: String) async throws -> (status: Int, text: String) {
        let response = try await http("GET", url)
        return (response.status, response.text)
    }

    func json(_ url: String) async throws -> [String: Any] {
        let response = try await http("GET", url)
        guard response.status == 200 else { throw TestFailure("\(url): \(response.status) \(response.text)") }
        return try response.json()
    }

    /// The trace that placed `order` (the order's id also finds the traces of its reads), and its hops.
    func placingTrace(_ aws: Int, order: String) async throws -> (id: String, hops: [[String: Any]]) {
        let found = try await json("http://127.0.0.1:\(aws)/_host/traces?key=\(order)")
        for id in found["traces"] as? [String] ?? [] {
            let hops = try await json("http://127.0.0.1:\(aws)/_host/traces/\(id)")["hops"] as? [[String: Any]] ?? []
            if (hops.first?["operation"] as? String)?.hasSuffix("placeOrder") == true { return (id, hops) }
        }
        throw TestFailure("no trace placed \(order): \(found)")
    }

    @Test func anOrdersTraceRunsThroughEveryHopAndTheConsoleShowsIt() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, ports in
            _ = try await shop.restock("APPLES", 100, lot: "APP001")
            try await shop.eventually("the stock is there") { try await shop.units("APPLES") == 100 }
            #expect(try await shop.order("TRC001", "APPLES", units: 3, price: "2.00") == 202)
            try await shop.eventually("the order is accepted") {
                try await shop.status("TRC001") == "ORDER_PAYMENT_ACCEPTED_STATUS"
            }
            let path = [
                "Client→orders-api", "orders-api→PlaceOrderApi", "PlaceOrderApi→commerce",
                "commerce→commerce-stream-to-bus",
                "commerce-stream-to-bus→commerce-bus", "commerce-bus→SyncOrderWorker-EventBridgeRoutingRule",
                "SyncOrderWorker-EventBridgeRoutingRule→SyncOrderWorker-Queue", "SyncOrderWorker-Queue→SyncOrderWorker",
                "AllocateOrderStockWorker-Queue→AllocateOrderStockWorker",
                "ProcessOrderPaymentWorker-Queue→ProcessOrderPaymentWorker",
                "CompleteOrderPaymentAcceptedWorker-Queue→CompleteOrderPaymentAcceptedWorker",
            ]
            func matched(_ hops: [[String: Any]]) -> Int {
                var position = 0
                for hop in hops where position < path.count {
                    if "\(hop["from"] as? String ?? "")→\(hop["to"] as? String ?? "")" == path[position] {
                        position += 1
                    }
                }
                return position
            }
            // The order is accepted before its last workers finish: wait until the trace is whole and still.
            var trace = try await placingTrace(ports.aws, order: "TRC001")
            var previous = -1
            try await shop.eventually("the trace is whole") {
                trace = try await placingTrace(ports.aws, order: "TRC001")
                defer { previous = trace.hops.count }
                guard matched(trace.hops) == path.count, trace.hops.count == previous else { return false }
                try await Task.sleep(for: .milliseconds(200))
                return true
            }
            let pairs = trace.hops.map { "\($0["from"] as? String ?? "")→\($0["to"] as? String ?? "")" }
            #expect(matched(trace.hops) == path.count, "\(pairs)")
            #expect(
                trace.hops.contains { ($0["keys"] as? [String] ?? []).contains("EVENT#ORDER_PAYMENT_ACCEPTED_EVENT") })
            #expect(trace.hops.allSatisfy { $0["status"] as? String == "ok" })

            // X-Ray's API through the aws CLI: the summary lists the trace, its segments form one tree.
            let endpoint = "http://127.0.0.1:\(ports.aws)"
            let now = Int(Date().timeIntervalSince1970)
            let summaries = try await aws([
                "xray", "get-trace-summaries", "--start-time", String(now - 300), "--end-time", String(now + 60),
                "--endpoint-url", endpoint, "--output", "json",
            ])
            #expect(summaries.status == 0, "\(summaries.error)")
            #expect(summaries.output.contains(trace.id))
            let batch = try await aws([
                "xray", "batch-get-traces", "--trace-ids", trace.id, "--endpoint-url", endpoint, "--output", "json",
            ])
            let batchJSON = try JSONSerialization.jsonObject(with: Data(batch.output.utf8)) as? [String: Any]
            let traces = batchJSON?["Traces"] as? [[String: Any]] ?? []
            let segments = (traces.first?["Segments"] as? [[String: Any]] ?? []).compactMap {
                try? JSONSerialization.jsonObject(with: Data(($0["Document"] as? String ?? "").utf8)) as? [String: Any]
            }
            let ids = Set(segments.compactMap { $0["id"] as? String })
            // Every hop is a segment (a late hop of the trace may have joined since).
            #expect(segments.count >= trace.hops.count)
            #expect(trace.hops.allSatisfy { ids.contains($0["id"] as? String ?? "") })
            #expect(segments.filter { $0["parent_id"] == nil }.map { $0["name"] as? String } == ["orders-api"])
            #expect(segments.allSatisfy { ($0["parent_id"] as? String).map(ids.contains) ?? true })
            // The invocation is a segment under API Gateway's, as with tracing on in AWS.
            let apiHop = trace.hops.first { $0["service"] as? String == "apigateway" }
            let invokeHop = trace.hops.first { $0["to"] as? String == "PlaceOrderApi" }
            let invokeID = invokeHop?["id"] as? String
            let function = segments.first { $0["id"] as? String == invokeID }
            let shown: [String] = segments.map { segment in
                let name = segment["name"] as? String ?? ""
                let id = segment["id"] as? String ?? ""
                let parent = segment["parent_id"] as? String ?? "-"
                return "\(name) \(id) ← \(parent)"
            }
            #expect(function?["name"] as? String == "PlaceOrderApi", "\(shown)")
            #expect(function?["parent_id"] as? String == apiHop?["id"] as? String, "\(shown)")

            // The function's lines are in CloudWatch Logs, each naming its trace and its order.
            #expect(try await shop.order("TRC001", "APPLES", units: 3, price: "2.00") == 202)  // logs "already placed"
            try await shop.eventually("the duplicate's line is in CloudWatch Logs") {
                let events = try await aws([
                    "logs", "filter-log-events", "--log-group-name", "/aws/lambda/PlaceOrderApi", "--filter-pattern",
                    "\"orderId=TRC001\"", "--endpoint-url", endpoint, "--output", "json",
                ])
                return events.output.contains("already placed") && events.output.contains("traceId=1-")
            }
            let lines = try await aws([
                "logs", "filter-log-events", "--log-group-name", "/aws/lambda/PlaceOrderApi", "--endpoint-url",
                endpoint,
                "--output", "text", "--query", "events[].message",
            ])
            #expect(lines.output.contains("START RequestId: ") && lines.output.contains("REPORT RequestId: "))

            // The console: the map, the diagram, the function's invocations and lines, the table, the queues.
            let console = endpoint + "/_host/console"
            let map = try await get(console + "/")
            #expect(map.status == 200 && map.text.contains(#"data-count="lambda/PlaceOrderApi""#))
            let counts = try await json(console + "/map.json")
            #expect(((counts["counts"] as? [String: Any])?["lambda/PlaceOrderApi"] as? [String: Int])?["calls"] == 2)
            let page = try await get(console + "/traces/" + trace.id)
            #expect(page.status == 200)
            #expect(page.text.contains(#"data-from="SyncOrderWorker-Queue" data-to="SyncOrderWorker""#))
            #expect(page.text.contains("ORDER_PAYMENT_ACCEPTED_EVENT"))
            let found = try await get(console + "/traces?key=TRC001")
            #expect(found.text.contains(trace.id))
            let functionPage = try await get(console + "/functions/PlaceOrderApi")
            #expect(functionPage.text.contains("already placed") && functionPage.text.contains("TRC001"))
            let table = try await get(console + "/tables/commerce?pk=ORDERS%23ORDER_ID%23TRC001")
            #expect(table.text.contains("ORDER_PAYMENT_ACCEPTED_STATUS"))
            for path in [
                "/timeline", "/timeline?resource=SyncOrderWorker&status=ok", "/functions", "/tables", "/queues",
                "/queues/SyncOrderWorker-Dlq", "/routing", "/console.js", "/console.css",
            ] {
                #expect(try await get(console + path).status == 200, "\(path)")
            }
            #expect(try await get(console + "/nothing-here").status == 404)

            // Edit and re-send: the order's invocation again, with another order id.
            let invoke = try #require(trace.hops.first { $0["to"] as? String == "PlaceOrderApi" })
            let sequence = try #require(
                page.text.firstMatch(
                    of: /id="hop-(\d+)" class="ok"><td>\d+<\/td><td>[\d.]+<\/td><td>orders-api → PlaceOrderApi/)
            ).output.1
            let edited = (invoke["payload"] as? String ?? "").replacingOccurrences(of: "TRC001", with: "TRC002")
            let form = "payload=" + (edited.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            let resent = try await http(
                "POST", console + "/resend/\(sequence)",
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
            #expect(resent.status == 200 && resent.text.contains("Invoked PlaceOrderApi"), "\(resent.text)")
            try await shop.eventually("the re-sent order is accepted") {
                try await shop.status("TRC002") == "ORDER_PAYMENT_ACCEPTED_STATUS"
            }

            // Disable a rule from the console: EventBridge says so.
            let disable = "name=SyncOrderWorker-EventBridgeRoutingRule&bus=commerce-bus&enable=false"
            let toggled = try await http(
                "POST", console + "/routing/rule", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Array(disable.utf8))
            #expect(toggled.status == 303)
            let rule = try await awsJSON(
                ports.aws, "AWSEvents.DescribeRule",
                #"{"Name":"SyncOrderWorker-EventBridgeRoutingRule","EventBusName":"commerce-bus"}"#)
            #expect(rule["State"] as? String == "DISABLED")
        }
    }

    @Test func aRequestFromAnotherWebPageIsRefused() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { _, ports in
            let response = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/_host/console/routing/rule",
                headers: [("Origin", "https://evil.example"), ("Content-Type", "application/x-www-form-urlencoded")],
                body: Array("name=SyncOrderWorker-EventBridgeRoutingRule&bus=commerce-bus&enable=false".utf8))
            #expect(response.status == 403)
        }
    }
}

@Suite struct ConsoleResendTests {
    @Test func anAWSRequestIsSentAgainAsEditedFromTheConsole() async throws {
        try await withHost(Topology()) { host, ports in
            let queue = try await awsJSON(ports.aws, "AmazonSQS.CreateQueue", #"{"QueueName":"resend"}"#)
            let url = try #require(queue["QueueUrl"] as? String)
            _ = try await awsJSON(ports.aws, "AmazonSQS.SendMessage", #"{"QueueUrl":"\#(url)","MessageBody":"first"}"#)
            let tracer = try #require(host.tracer)
            tracer.flush()
            let hop = try #require(
                try tracer.store.recent(limit: 20, service: "sqs").first { $0.operation == "SendMessage" })
            #expect(hop.isRequest && hop.resource == "resend")
            #expect(Console.resendable(hop))
            let edited = (hop.payload ?? "").replacingOccurrences(of: "first", with: "second")
            let form = "payload=" + (edited.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            let resent = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/_host/console/resend/\(hop.sequence)",
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
            #expect(
                resent.status == 200 && resent.text.contains("AmazonSQS.SendMessage answered 200"), "\(resent.text)")
            let bodies = try await receive(ports.aws, queue: "resend", wait: 1).compactMap { $0["Body"] as? String }
            #expect(Set(bodies) == ["first", "second"])
            // The re-sent request started a trace of its own.
            tracer.flush()
            let again = try #require(
                try tracer.store.recent(limit: 20, service: "sqs").first { $0.operation == "SendMessage" })
            #expect(again.sequence > hop.sequence && again.traceID != nil)
        }
    }
}

@Suite struct ConsoleSafetyTests {
    /// What a URL carries is text on every page: escaped in HTML, and in the page's script too.
    @Test func aFilterCannotBreakOutOfThePage() async throws {
        try await withHost(Topology()) { _, ports in
            let evil = "%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"
            for path in ["/timeline?resource=\(evil)", "/traces?key=\(evil)", "/tables/\(evil)", "/functions/\(evil)"] {
                let page = try await http("GET", "http://127.0.0.1:\(ports.aws)/_host/console" + path)
                #expect(!page.text.contains("<script>alert(1)"), "\(path)")
                #expect(!page.text.contains("</script><script>"), "\(path)")
            }
            let missing = try await http("GET", "http://127.0.0.1:\(ports.aws)/_host/console/tables/nothing")
            #expect(missing.status == 404 && missing.text.contains("No table nothing."))
        }
    }
}

/// Timing: run alone (`scripts/test` runs every `*TimingTests` suite after the others, so a loaded machine's stalls
/// do not read as a slow shutdown).
@Suite struct ConsoleStreamTimingTests {
    /// A browser tab on the live timeline keeps a server-sent event stream open; stopping the host ends it.
    @Test func anOpenLiveStreamDoesNotHoldUpShutdown() async throws {
        var logger = Logger(label: "test-host")
        logger.logLevel = .warning
        let host = try HostRuntime(topology: Topology(), configuration: testConfiguration(), logger: logger)
        let group = host.serviceGroup(logger: logger, handlingSignals: false)
        let running = Task { try await group.run() }
        let ports = try await within(150, "the host's start") { await host.ready() }
        let curl = try SpawnedProcess(
            "/usr/bin/env", ["curl", "-sN", "http://127.0.0.1:\(ports.aws)/_host/console/events"])
        defer { curl.stopInBackground() }
        // The stream is open once its first comment arrives.
        try await eventually("the stream's first comment") { !curl.lines.isEmpty || !curl.isRunning }
        #expect(curl.lines.first?.hasPrefix(": connected") == true, "\(curl.output)")
        let started = ContinuousClock.now
        await group.triggerGracefulShutdown()
        let stopped = await withTaskGroup(of: Bool.self) { tasks in
            tasks.addTask { (try? await running.value) != nil }
            tasks.addTask {
                try? await Task.sleep(for: .seconds(15))
                return false
            }
            let first = await tasks.next() ?? false
            tasks.cancelAll()
            return first
        }
        #expect(stopped, "the host did not stop with a console stream open")
        #expect(ContinuousClock.now - started < .seconds(15))
        if !stopped {
            curl.stopInBackground()  // lets the server finish, so that the failure is reported rather than hung
            _ = try? await within(60, "the host's graceful shutdown") { try await running.value }
        }
        #expect(try await blocking { curl.stop(signal: 0) }, "the server closed the stream")
    }
}
