// DECISIONS (console): the console is server-rendered HTML on the AWS endpoint under `/_host/console/`, with one small
// hand-written script (live updates through server-sent events from `/_host/console/events`, and a poll of
// `map.json` for counts and backlogs); no build chain, nothing fetched from elsewhere. Every page has a stable URL
// (a trace is `/_host/console/traces/<trace id>`). Its forms POST to the same origin, which the endpoint's request
// policy accepts (a loopback or allowed origin) and refuses from any other web page. What it changes goes through
// the same code as the AWS APIs: a redrive is a message move task, a re-sent request is replayed through its
// service's router (and traced as a new trace), a re-sent invocation is an Invoke.

import AWSShapes
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The host's console in the browser.
struct Console: Sendable {
    let topology: Topology
    let tracer: TraceRecorder?
    let lambda: LambdaService
    let sqs: SQSStore
    let dynamoDB: DynamoDBStore
    let eventBridge: EventBridgeStore
    let pipes: PipeService
    let mappings: EventSourceMappingService
    let logs: LogsStore
    /// The JSON services, to replay a request through.
    let routers: [AWSJSONRouter]
    let hook: (any AWSOperationHook)?
    /// The fault list, switched on and off from the Chaos page.
    var faults: FaultInjector? = nil
    /// What `host --watch` reloaded; nil when the host does not watch.
    var reloads: ReloadLog? = nil

    static let prefix = "/_host/console"

    func respond(to request: Request, context: HostRequestContext) async throws -> Response {
        do {
            return try await page(request, context: context)
        } catch {
            // A page that cannot be shown says why, as a page (a query of a number key with text, a store's error).
            let status: HTTPResponse.Status =
                error is ConsoleNotFound
                ? .notFound
                : (error as? any AWSServiceError).map { .init(code: $0.httpStatus) }
                    ?? (error is DynamoDBTableError || error is SQSError ? .badRequest : .internalServerError)
            let reason = (error as? ConsoleNotFound)?.message ?? (error as? any AWSServiceError)?.message ?? "\(error)"
            return Self.html(
                HTML.page(
                    title: "Cannot show this", section: "",
                    body: "<p class=\"error\">\(HTML.escape(String(reason.prefix(2000))))</p>"), status: status)
        }
    }

    private func page(_ request: Request, context: HostRequestContext) async throws -> Response {
        var request = request
        let path = String(request.uri.path.dropFirst(Self.prefix.count))
        let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let query = request.uri.queryParameters
        func parameter(_ name: String) -> String? {
            query[Substring(name)].map { String($0).removingPercentEncoding ?? String($0) }.flatMap {
                $0.isEmpty ? nil : $0
            }
        }
        if request.method == .post {
            let body = try await request.collectBody(limit: 1_048_576)
            let form = Self.form(String(buffer: body))
            return try await post(parts, form: form)
        }
        guard request.method == .get || request.method == .head else {
            return Self.text("method not allowed", status: .methodNotAllowed)
        }
        switch parts.first {
        case nil: return Self.html(try mapPage())
        case "console.css": return Self.asset(ConsoleAssets.css, type: "text/css; charset=utf-8")
        case "console.js": return Self.asset(ConsoleAssets.javascript, type: "text/javascript; charset=utf-8")
        case "map.json": return .json(try mapCounts())
        case "events" where parts.count == 1: return events()
        case "timeline":
            return Self.html(
                try timelinePage(
                    resource: parameter("resource"), service: parameter("service"),
                    status: parameter("status").flatMap(TraceHop.Status.init(rawValue:))))
        case "traces" where parts.count == 1:
            // A trace id (as a function's log line prints it) opens that trace.
            if let key = parameter("key")?.trimmingCharacters(in: .whitespaces), TraceSegment.isRoot(key),
                try tracer?.store.traces(key: key, limit: 1) == [key]
            {
                return Self.redirect(Self.prefix + "/traces/" + key)
            }
            return Self.html(try tracesPage(key: parameter("key")))
        case "traces": return Self.html(try tracePage(parts[1]))
        case "functions" where parts.count == 1: return Self.html(functionsPage())
        case "functions": return Self.html(try functionPage(parts[1]))
        case "tables" where parts.count == 1: return Self.html(tablesPage())
        case "tables": return Self.html(try tablePage(parts[1], partition: parameter("pk")))
        case "queues" where parts.count == 1: return Self.html(try queuesPage())
        case "queues": return Self.html(try queuePage(parts[1], notice: parameter("notice")))
        case "routing": return Self.html(try routingPage(notice: parameter("notice")))
        case "chaos" where parts.count == 1: return Self.html(chaosPage(notice: parameter("notice")))
        case "resend" where parts.count == 2: return Self.html(try resendPage(parts[1]))
        default:
            return Self.html(
                HTML.page(title: "Not found", section: "", body: "<p>No such page.</p>"), status: .notFound)
        }
    }

    // MARK: map

    func mapPage() throws -> String {
        let map = SystemMap(topology: topology)
        var body =
            "<p class=\"hint\">Every box shows its calls since the host started (errors in red) and, for a "
            + "queue, its backlog (visible / in flight). Click a box to open it.</p>"
        body += "<div class=\"scroll\">\(map.svg)</div>"
        if let store = tracer?.store {
            let now = Date().timeIntervalSince1970
            let recent = try store.summaries(from: now - 3600, to: now + 60, limit: 10)
            body += "<h2>Recent traces</h2>" + traceList(recent)
        }
        return HTML.page(title: "System map", section: "", body: body, script: "consoleUI.map();")
    }

    func mapCounts() throws -> String {
        var writer = AWSJSONWriter()
        writer.beginObject()
        writer.key("counts")
        writer.beginObject()
        for (key, count) in tracer?.counts() ?? [:] {
            writer.key(key)
            writer.beginObject()
            writer.key("calls")
            writer.integer(count.calls)
            writer.key("errors")
            writer.integer(count.errors)
            writer.endObject()
        }
        writer.endObject()
        writer.key("queues")
        writer.beginObject()
        for name in try sqs.queueNames() {
            let attributes = try sqs.attributes(queue: name)
            writer.key(name)
            writer.beginObject()
            writer.key("visible")
            writer.integer(Int(attributes["ApproximateNumberOfMessages"] ?? "0") ?? 0)
            writer.key("inFlight")
            writer.integer(Int(attributes["ApproximateNumberOfMessagesNotVisible"] ?? "0") ?? 0)
            writer.key("delayed")
            writer.integer(Int(attributes["ApproximateNumberOfMessagesDelayed"] ?? "0") ?? 0)
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    // MARK: timeline and traces

    func timelinePage(resource: String?, service: String?, status: TraceHop.Status?) throws -> String {
        guard let store = tracer?.store else { return noTracing("Timeline", "timeline") }
        let hops = try store.recent(limit: 200, resource: resource, service: service, status: status)
        let statuses = ["", "ok", "error", "fault", "throttle"].map { value in
            "<option value=\"\(value)\"\(value == (status?.rawValue ?? "") ? " selected" : "")>\(value.isEmpty ? "any status" : value)</option>"
        }.joined()
        var body = """
            <form class="filters" method="get">
            <input name="resource" placeholder="resource" value="\(HTML.escape(resource ?? ""))">
            <input name="service" placeholder="service (lambda, sqs…)" value="\(HTML.escape(service ?? ""))">
            <select name="status">\(statuses)</select> <button>Filter</button>
            <label><input type="checkbox" id="live" checked> live</label></form>
            """
        body +=
            "<table class=\"hops\" id=\"timeline\"><thead><tr><th>time</th><th>from → to</th><th>operation</th>"
            + "<th>duration</th><th>status</th><th>trace</th></tr></thead><tbody>"
        body += hops.map(timelineRow).joined()
        body += "</tbody></table>"
        let filter = [
            resource.map { "resource:" + AWSJSONWriter.quoted($0) },
            service.map { "service:" + AWSJSONWriter.quoted($0) },
            status.map { "status:" + AWSJSONWriter.quoted($0.rawValue) },
        ].compactMap { $0 }.joined(separator: ",")
        // Inside a script element a `</script>` in a filter would end it: `<` is written as its JSON escape.
        let script = "consoleUI.timeline({\(filter)});".replacingOccurrences(of: "<", with: "\\u003c")
        return HTML.page(title: "Timeline", section: "timeline", body: body, script: script)
    }

    func timelineRow(_ hop: TraceHop) -> String {
        let trace =
            hop.traceID.map {
                "<a href=\"\(Self.prefix)/traces/\(HTML.component($0))#hop-\(hop.sequence)\">\(HTML.escape(String($0.suffix(8))))</a>"
            } ?? ""
        return
            "<tr class=\"\(hop.status.rawValue)\" data-resource=\"\(HTML.escape(hop.resource))\"><td>\(HTML.time(hop.start))</td>"
            + "<td>\(HTML.escape(hop.source ?? "")) → \(HTML.escape(hop.resource))</td>"
            + "<td>\(HTML.escape(hop.service)) \(HTML.escape(hop.operation))</td><td>\(HTML.milliseconds(hop.duration))</td>"
            + "<td>\(HTML.status(hop.status))\(hop.error.map { " " + HTML.escape(String($0.prefix(120))) } ?? "")</td><td>\(trace)</td></tr>"
    }

    func traceList(_ summaries: [TraceStore.Summary]) -> String {
        guard !summaries.isEmpty else { return "<p class=\"hint\">No traces yet.</p>" }
        return "<table class=\"traces\"><thead><tr><th>started</th><th>trace</th><th>entry</th><th>hops</th>"
            + "<th>duration</th><th>outcome</th></tr></thead><tbody>"
            + summaries.map { summary in
                let outcome: TraceHop.Status =
                    summary.hasFault ? .fault : summary.hasError ? .error : summary.hasThrottle ? .throttle : .ok
                return
                    "<tr><td>\(HTML.time(summary.start))</td><td><a class=\"trace-link\" href=\"\(Self.prefix)/traces/\(HTML.component(summary.traceID))\">\(HTML.escape(summary.traceID))</a></td>"
                    + "<td>\(HTML.escape(summary.entry.resource)) \(HTML.escape(summary.entry.operation))</td><td>\(summary.hops)</td>"
                    + "<td>\(HTML.milliseconds(summary.end - summary.start))</td><td>\(HTML.status(outcome))</td></tr>"
            }.joined() + "</tbody></table>"
    }

    func tracesPage(key: String?) throws -> String {
        guard let store = tracer?.store else { return noTracing("Traces", "traces") }
        let now = Date().timeIntervalSince1970
        var summaries = try store.summaries(from: now - 86_400, to: now + 60, limit: 50)
        var heading = "The latest traces"
        if let key {
            let ids = try store.traces(key: key, limit: 50)
            summaries = try ids.compactMap { id in TraceStore.Summary(traceID: id, hops: try store.hops(trace: id)) }
            heading = "Traces that carry “\(HTML.escape(key))”"
        }
        return HTML.page(title: "Traces", section: "traces", body: "<h2>\(heading)</h2>" + traceList(summaries))
    }

    func tracePage(_ id: String) throws -> String {
        guard let store = tracer?.store else { return noTracing("Trace", "traces") }
        let hops = try store.hops(trace: id)
        guard !hops.isEmpty else {
            throw ConsoleNotFound("No hops of trace \(id) are kept.")
        }
        let diagram = SequenceDiagram(hops: hops)
        let start = hops.map(\.start).min() ?? 0
        let end = hops.map { $0.start + $0.duration }.max() ?? start
        var body =
            "<p class=\"summary\">\(hops.count) hops over \(HTML.milliseconds(end - start)), started \(HTML.time(start)) UTC. "
            + "<code>aws xray batch-get-traces --trace-ids \(HTML.escape(id))</code></p>"
        body += "<div class=\"scroll\">\(diagram.svg)</div>"
        body +=
            "<h2>Hops</h2><table class=\"hops detail\"><thead><tr><th>#</th><th>+ms</th><th>from → to</th>"
            + "<th>operation</th><th>duration</th><th>status</th><th>ids</th><th></th></tr></thead><tbody>"
        for arrow in diagram.arrows {
            let hop = arrow.hop
            let payload =
                hop.payload.map {
                    "<details><summary>payload</summary><pre>\(HTML.escape(HTML.pretty($0)))</pre></details>"
                } ?? ""
            let response =
                hop.response.map {
                    "<details><summary>response</summary><pre>\(HTML.escape(HTML.pretty($0)))</pre></details>"
                } ?? ""
            let resend =
                Self.resendable(hop)
                ? "<a class=\"button\" href=\"\(Self.prefix)/resend/\(hop.sequence)\">edit &amp; re-send</a>" : ""
            body +=
                "<tr id=\"hop-\(hop.sequence)\" class=\"\(hop.status.rawValue)\"><td>\(hop.sequence)</td>"
                + "<td>\(String(format: "%.1f", (hop.start - start) * 1000))</td>"
                + "<td>\(HTML.escape(diagram.participants[arrow.from])) → \(HTML.escape(hop.resource))</td>"
                + "<td>\(HTML.escape(hop.service)) \(HTML.escape(hop.operation))\(arrow.isRetry ? " <span class=\"retry\">retry</span>" : "")</td>"
                + "<td>\(HTML.milliseconds(hop.duration))</td><td>\(HTML.status(hop.status))\(hop.error.map { "<div class=\"error\">\(HTML.escape($0))</div>" } ?? "")</td>"
                + "<td class=\"ids\">\(hop.keys.map { "<a href=\"\(Self.prefix)/traces?key=\(HTML.component($0))\">\(HTML.escape($0))</a>" }.joined(separator: "<br>"))</td>"
                + "<td>\(payload)\(response)\(resend)</td></tr>"
        }
        body += "</tbody></table>"
        return HTML.page(title: "Trace \(id)", section: "traces", body: body)
    }

    func noTracing(_ title: String, _ section: String) -> String {
        HTML.page(title: title, section: section, body: "<p>Tracing is off (<code>--no-tracing</code>).</p>")
    }

    // MARK: functions

    func functionsPage() -> String {
        let counts = tracer?.counts() ?? [:]
        var body =
            "<table><thead><tr><th>function</th><th>invocations</th><th>errors</th><th>memory</th><th>timeout</th>"
            + "<th>environments now / at most</th><th>log group</th></tr></thead><tbody>"
        for function in topology.functions {
            let count = counts["lambda/" + function.name] ?? TraceRecorder.Count()
            body +=
                "<tr><td><a href=\"\(Self.prefix)/functions/\(HTML.component(function.name))\">\(HTML.escape(function.name))</a></td>"
                + "<td>\(count.calls)</td><td>\(count.errors)</td><td>\(function.memorySize) MB</td><td>\(function.timeout) s</td>"
                + "<td>\(lambda.environmentCount(of: function.name)) / \(function.maxConcurrency)</td>"
                + "<td>\(HTML.escape(function.logGroupName))</td></tr>"
        }
        body += "</tbody></table>"
        if let reloads {
            body += reloadsTable(reloads.all)
        }
        return HTML.page(title: "Functions", section: "functions", body: body)
    }

    /// `host --watch`'s reloads, newest first: what changed, what was done, how long it took to serve it.
    func reloadsTable(_ entries: [ReloadLog.Entry]) -> String {
        var body = "<h2 id=\"reloads\">Reloads <small>host --watch</small></h2>"
        guard !entries.isEmpty else {
            return body + "<p class=\"summary\">Watching the sources and the topology: nothing changed yet.</p>"
        }
        body +=
            "<table class=\"reloads\"><thead><tr><th>time</th><th>what</th><th>outcome</th><th>change → served</th>"
            + "<th>details</th></tr></thead><tbody>"
        for entry in entries.reversed() {
            let status = entry.outcome == .rejected ? "error" : "ok"
            body +=
                "<tr class=\"\(status)\"><td>\(HTML.time(entry.time.timeIntervalSince1970))</td>"
                + "<td>\(HTML.escape(entry.kind))</td><td>\(entry.outcome.rawValue)</td>"
                + "<td>\(String(format: "%.2f s", entry.seconds))</td><td>\(HTML.escape(entry.summary))"
                + (entry.detail.isEmpty ? "" : "<pre class=\"log\">\(HTML.escape(entry.detail))</pre>") + "</td></tr>"
        }
        return body + "</tbody></table>"
    }

    func functionPage(_ name: String) throws -> String {
        guard lambda.configuration(of: name) != nil else {
            throw ConsoleNotFound("No function \(name).")
        }
        var body =
            "<p class=\"summary\">\(lambda.environmentCount(of: name)) execution environments now, "
            + "\(lambda.idleEnvironmentCount(of: name)) of them waiting for work. "
            + (lambda.executable(of: name).map {
                "New ones start <code>\(HTML.escape($0.path))</code>"
                    + ($0.generation > 0 ? " (reloaded \($0.generation) times)" : "") + ". "
            } ?? "")
            + "<a class=\"button\" href=\"\(Self.prefix)/timeline?resource=\(HTML.component(name))\">timeline</a></p>"
        if let store = tracer?.store {
            let invocations = try store.recent(limit: 30, resource: name, service: "lambda")
            body +=
                "<h2>Recent invocations</h2><table class=\"hops detail\"><thead><tr><th>time</th><th>from</th><th>duration</th>"
                + "<th>status</th><th>event / response</th><th></th></tr></thead><tbody>"
            for hop in invocations {
                body +=
                    "<tr class=\"\(hop.status.rawValue)\"><td>\(HTML.time(hop.start))</td><td>\(HTML.escape(hop.source ?? ""))</td>"
                    + "<td>\(HTML.milliseconds(hop.duration))</td><td>\(HTML.status(hop.status))\(hop.error.map { "<div class=\"error\">\(HTML.escape($0))</div>" } ?? "")</td>"
                    + "<td><details><summary>event</summary><pre>\(HTML.escape(HTML.pretty(hop.payload ?? "")))</pre></details>"
                    + "<details><summary>response</summary><pre>\(HTML.escape(HTML.pretty(hop.response ?? "")))</pre></details></td>"
                    + "<td>\(hop.traceID.map { "<a href=\"\(Self.prefix)/traces/\(HTML.component($0))#hop-\(hop.sequence)\">trace</a> " } ?? "")"
                    + "<a href=\"\(Self.prefix)/resend/\(hop.sequence)\">re-send</a></td></tr>"
            }
            body += "</tbody></table>"
        }
        let group = lambda.configuration(of: name)?.function.logGroupName ?? "/aws/lambda/" + name
        let lines = (try? logs.recentEvents(group: group, limit: 200)) ?? []
        body +=
            "<h2>Log lines <small>\(HTML.escape(group))</small></h2><pre class=\"log\">"
            + lines.reversed().map { "\(HTML.time(Double($0.timestamp) / 1000))  \(HTML.escape($0.message))" }.joined(
                separator: "\n")
            + "</pre>"
        return HTML.page(title: name, section: "functions", body: body)
    }

    // MARK: tables

    func tablesPage() -> String {
        let names = (try? dynamoDB.tableNames()) ?? []
        let body =
            "<ul class=\"list\">"
            + names.map {
                "<li><a href=\"\(Self.prefix)/tables/\(HTML.component($0))\">\(HTML.escape($0))</a></li>"
            }.joined() + "</ul>"
        return HTML.page(title: "Tables", section: "tables", body: body)
    }

    func tablePage(_ name: String, partition: String?) throws -> String {
        guard let table = try dynamoDB.table(named: name) else {
            throw ConsoleNotFound("No table \(name).")
        }
        let items: [DynamoDBItem]
        if let partition {
            let value: AttributeValue = table.partitionKey.type == "N" ? .n(partition) : .s(partition)
            items = try dynamoDB.query(
                table: name, index: nil, partition: value, sort: nil, forward: true, exclusiveStart: nil, limit: 100)
        } else {
            items = try dynamoDB.scan(table: name, index: nil, exclusiveStart: nil, limit: 50)
        }
        var body = """
            <form class="filters" method="get"><input name="pk" placeholder="\(HTML.escape(table.partitionKey.name)) =" value="\(HTML.escape(partition ?? ""))">
            <button>Query</button> <a href="\(Self.prefix)/tables/\(HTML.component(name))">scan</a></form>
            """
        body += "<h2>\(partition == nil ? "First 50 items" : "Items of the partition") (\(items.count))</h2>"
        body +=
            "<table class=\"items\"><thead><tr><th>\(HTML.escape(table.partitionKey.name))</th><th>\(HTML.escape(table.sortKey?.name ?? ""))</th><th>item</th></tr></thead><tbody>"
        for item in items {
            let key = item[table.partitionKey.name]?.traceKey ?? ""
            let sort = table.sortKey.flatMap { item[$0.name]?.traceKey } ?? ""
            let json = (try? JSONEncoder.sorted.encode(item)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            body +=
                "<tr><td><a href=\"?pk=\(HTML.component(key))\">\(HTML.escape(key))</a></td><td>\(HTML.escape(sort))</td>"
                + "<td><details><summary>\(item.count) attributes</summary><pre>\(HTML.escape(HTML.pretty(json)))</pre></details></td></tr>"
        }
        body += "</tbody></table>"
        if let label = table.streamLabel, let latest = try dynamoDB.latestSequence(table: name, label: label) {
            let records = try dynamoDB.streamRecords(table: name, label: label, after: max(0, latest - 20), limit: 20)
            body +=
                "<h2>Latest stream records</h2><table><thead><tr><th>sequence</th><th>event</th><th>keys</th><th>record</th></tr></thead><tbody>"
            for record in records.reversed() {
                body +=
                    "<tr><td>\(DynamoDBStore.sequenceNumber(record.sequence))</td><td>\(HTML.escape(record.record.eventName ?? ""))</td>"
                    + "<td>\(HTML.escape(record.record.dynamodb.keys.map { $0.values.compactMap(\.traceKey).joined(separator: " / ") } ?? ""))</td>"
                    + "<td><details><summary>record</summary><pre>\(HTML.escape(HTML.pretty(record.record.jsonText)))</pre></details></td></tr>"
            }
            body += "</tbody></table>"
        }
        return HTML.page(title: name, section: "tables", body: body)
    }

    // MARK: queues

    func queuesPage() throws -> String {
        var body =
            "<table><thead><tr><th>queue</th><th>visible</th><th>in flight</th><th>delayed</th><th>dead letters to</th></tr></thead><tbody>"
        for name in try sqs.queueNames() {
            let attributes = try sqs.attributes(queue: name)
            let redrive =
                attributes["RedrivePolicy"].flatMap { policy in
                    policy.split(separator: ":").last.map {
                        String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\"},"))
                    }
                } ?? ""
            body +=
                "<tr data-queue=\"\(HTML.escape(name))\"><td><a href=\"\(Self.prefix)/queues/\(HTML.component(name))\">\(HTML.escape(name))</a></td>"
                + "<td>\(attributes["ApproximateNumberOfMessages"] ?? "0")</td><td>\(attributes["ApproximateNumberOfMessagesNotVisible"] ?? "0")</td>"
                + "<td>\(attributes["ApproximateNumberOfMessagesDelayed"] ?? "0")</td><td>\(HTML.escape(redrive))</td></tr>"
        }
        body += "</tbody></table>"
        return HTML.page(title: "Queues", section: "queues", body: body)
    }

    func queuePage(_ name: String, notice: String?) throws -> String {
        guard try sqs.queue(named: name) != nil else {
            throw ConsoleNotFound("No queue \(name).")
        }
        let attributes = try sqs.attributes(queue: name)
        let messages = try sqs.peek(queue: name, limit: 100)
        // A dead-letter queue is one some queue's redrive policy names (the topology's or one made through the API).
        let arn = sqs.arn(of: name)
        let isDeadLetterQueue = try sqs.queueNames().contains { other in
            try sqs.queue(named: other)?.redrivePolicy?.deadLetterTargetArn == arn
        }
        var body = notice.map { "<p class=\"notice\">\(HTML.escape($0))</p>" } ?? ""
        body +=
            "<p class=\"summary\" id=\"backlog\">visible <b>\(attributes["ApproximateNumberOfMessages"] ?? "0")</b> · in flight <b>\(attributes["ApproximateNumberOfMessagesNotVisible"] ?? "0")</b> · delayed <b>\(attributes["ApproximateNumberOfMessagesDelayed"] ?? "0")</b></p>"
        if isDeadLetterQueue {
            body +=
                "<form method=\"post\" action=\"\(Self.prefix)/queues/\(HTML.component(name))/redrive\"><button id=\"redrive\">Redrive every message to its source queue</button></form>"
        }
        body += """
            <details class="send"><summary>Send a message</summary><form method="post" action="\(Self.prefix)/queues/\(HTML.component(name))/send">
            <textarea name="body" rows="6" cols="80"></textarea><br><button>Send</button></form></details>
            """
        body +=
            "<h2>Messages (\(messages.count))</h2><table class=\"messages\"><thead><tr><th>message id</th><th>state</th><th>receives</th><th>sent</th><th>body</th><th></th></tr></thead><tbody>"
        for message in messages {
            body +=
                "<tr data-message=\"\(HTML.escape(message.messageId))\"><td><a href=\"\(Self.prefix)/traces?key=\(HTML.component(message.messageId))\">\(HTML.escape(message.messageId))</a></td>"
                + "<td>\(message.state)</td><td>\(message.receiveCount)</td><td>\(HTML.time(message.sentAt))</td>"
                + "<td><details><summary>\(HTML.escape(String(message.body.prefix(60))))</summary><pre>\(HTML.escape(HTML.pretty(message.body)))</pre></details></td>"
                + "<td><form method=\"post\" action=\"\(Self.prefix)/queues/\(HTML.component(name))/delete\"><input type=\"hidden\" name=\"messageId\" value=\"\(HTML.escape(message.messageId))\"><button class=\"danger\">delete</button></form></td></tr>"
        }
        body += "</tbody></table>"
        return HTML.page(title: name, section: "queues", body: body, script: "consoleUI.refreshEvery(2000);")
    }

    // MARK: rules, pipes, mappings

    func routingPage(notice: String?) throws -> String {
        var body = notice.map { "<p class=\"notice\">\(HTML.escape($0))</p>" } ?? ""
        body +=
            "<h2>Rules</h2><table><thead><tr><th>rule</th><th>bus</th><th>state</th><th>targets</th><th>matched</th><th></th></tr></thead><tbody>"
        let counts = tracer?.counts() ?? [:]
        for bus in try eventBridge.buses() {
            let busName = bus.name ?? "default"
            for rule in try eventBridge.rules(bus: busName, prefix: nil) {
                let name = rule.name ?? ""
                let enabled = rule.state?.rawValue == "ENABLED"
                let targets = try eventBridge.targets(bus: busName, rule: name).map {
                    $0.arn.split(separator: ":").last.map(String.init) ?? $0.arn
                }
                body +=
                    "<tr><td>\(HTML.escape(name))</td><td>\(HTML.escape(busName))</td><td>\(HTML.escape(rule.state?.rawValue ?? ""))</td>"
                    + "<td>\(HTML.escape(targets.joined(separator: ", ")))</td><td>\(counts["events/" + name]?.calls ?? 0)</td>"
                    + "<td>\(toggle("rule", name: name, extra: busName, enable: !enabled))</td></tr>"
            }
        }
        body +=
            "</tbody></table><h2>Pipes</h2><table><thead><tr><th>pipe</th><th>state</th><th>source → target</th><th>checkpoint</th><th>events</th><th>last batch</th><th></th></tr></thead><tbody>"
        for pipe in try pipes.store.all() {
            let checkpoint = try pipes.store.checkpoint(pipe.name)
            body +=
                "<tr><td>\(HTML.escape(pipe.name))</td><td>\(HTML.escape(pipe.desiredState))</td><td>\(HTML.escape(pipe.source)) → \(HTML.escape(pipe.target))</td>"
                + "<td>\(checkpoint.map { "\(DynamoDBStore.sequenceNumber($0.sequence))\($0.attempts > 0 ? " (\($0.attempts) failed attempts)" : "")" } ?? "start")</td>"
                + "<td>\(counts["pipes/" + pipe.name]?.calls ?? 0)</td>"
                + "<td>\(counts["pipes/" + pipe.name].map { HTML.time($0.last) } ?? "")"
                + "\((try? pipes.describe(pipe.name).stateReason).flatMap { $0 }.map { "<div class=\"error\">\(HTML.escape($0))</div>" } ?? "")</td>"
                + "<td>\(toggle("pipe", name: pipe.name, extra: "", enable: pipe.desiredState != "RUNNING"))</td></tr>"
        }
        body +=
            "</tbody></table><h2>Event source mappings</h2><table><thead><tr><th>mapping</th><th>source → function</th><th>state</th><th>last result</th><th></th></tr></thead><tbody>"
        for mapping in try mappings.list(functionName: nil, eventSourceArn: nil) {
            let uuid = mapping.uuid ?? ""
            let source = mapping.eventSourceArn?.split(separator: ":").last.map(String.init) ?? ""
            let function = mapping.functionArn?.split(separator: ":").last.map(String.init) ?? ""
            body +=
                "<tr><td><code>\(HTML.escape(uuid))</code></td><td>\(HTML.escape(source)) → \(HTML.escape(function))</td>"
                + "<td>\(HTML.escape(mapping.state ?? ""))</td><td>\(HTML.escape(mapping.lastProcessingResult ?? ""))</td>"
                + "<td>\(toggle("mapping", name: uuid, extra: "", enable: mapping.state == "Disabled" || mapping.state == "Disabling"))</td></tr>"
        }
        body += "</tbody></table>"
        return HTML.page(title: "Rules, pipes and mappings", section: "routing", body: body)
    }

    func toggle(_ kind: String, name: String, extra: String, enable: Bool) -> String {
        "<form method=\"post\" action=\"\(Self.prefix)/routing/\(kind)\"><input type=\"hidden\" name=\"name\" value=\"\(HTML.escape(name))\">"
            + "<input type=\"hidden\" name=\"bus\" value=\"\(HTML.escape(extra))\"><input type=\"hidden\" name=\"enable\" value=\"\(enable)\">"
            + "<button>\(enable ? "enable" : "disable")</button></form>"
    }

    // MARK: faults

    func chaosPage(notice: String?) -> String {
        guard let faults else { return HTML.page(title: "Faults", section: "chaos", body: "<p>No fault list.</p>") }
        let injected = faults.injected.sorted { $0.key < $1.key }.map { "\(HTML.escape($0.key)) \($0.value)" }
        let entries = faults.entries
        let action = "\(Self.prefix)/chaos"
        func button(_ name: String, _ value: String, _ label: String, id: String, danger: Bool = false) -> String {
            "<form method=\"post\" action=\"\(action)\" class=\"inline\"><input type=\"hidden\" name=\"\(name)\" "
                + "value=\"\(value)\"><button id=\"\(id)\"\(danger ? " class=\"danger\"" : "")>\(label)</button></form>"
        }
        let rows = entries.enumerated().map { index, entry in
            let text = EventBridgeInput.text(entry.rule.original)
            return "<tr class=\"\(entry.on ? "on" : "off")\"><td>\(index + 1)</td><td>\(entry.on ? "on" : "off")</td>"
                + "<td><code>\(HTML.escape(text))</code></td><td>"
                + button(
                    entry.on ? "off" : "on", HTML.escape(text), entry.on ? "switch off" : "switch on",
                    id: "switch-\(index)")
                + "</td></tr>"
        }
        let table =
            entries.isEmpty
            ? "<p>No rules: nothing is injected.</p>"
            : "<table><tr><th>#</th><th>state</th><th>rule</th><th></th></tr>\(rows.joined())</table>"
                + button("all", "off", "All faults off", id: "faults-off", danger: true)
                + button("all", "on", "All back on", id: "faults-on")
        let switchedOn =
            "[" + entries.filter(\.on).map { EventBridgeInput.text($0.rule.original) }.joined(separator: ",") + "]"
        let body =
            (notice.map { "<p class=\"notice\">\(HTML.escape($0))</p>" } ?? "")
            + "<p class=\"hint\">LocalStack's Chaos API rules (<code>/_host/chaos/faults</code>: <code>service</code>, "
            + "<code>operation</code>, <code>region</code>, <code>probability</code>, <code>error</code>), and the host's "
            + "faults in the event flow (<code>\"fault\"</code>: error, crash, crashAfter, timeout, slowStart, initFailure "
            + "for <code>\"service\": \"lambda\"</code>; duplicate, lostAck, reorder, delay for <code>\"sqs\"</code>; "
            + "duplicate, lostAck for <code>\"pipes\"</code> and <code>\"dynamodb\"</code>). Rules are tried in order. "
            + "Injected since the start: \(injected.isEmpty ? "none" : injected.joined(separator: ", ")); each is on the "
            + "timeline as service <code>chaos</code>.</p>"
            + "<h2>Rules</h2>" + table
            + "<h2>Edit the rules that are on</h2><p class=\"hint\">Saving replaces the rules that are on; the ones "
            + "switched off stay, off.</p>"
            + "<form method=\"post\" action=\"\(action)\"><textarea name=\"rules\" id=\"rules\" rows=\"14\">"
            + HTML.escape(HTML.pretty(switchedOn))
            + "</textarea><br><button id=\"save-faults\">Save the rules</button></form>"
            + "<h2>Latency on every AWS call</h2><form method=\"post\" action=\"\(action)\">"
            + "<input name=\"latency\" value=\"\(faults.latencyMilliseconds)\" size=\"6\"> ms <button>Set</button></form>"
        return HTML.page(title: "Faults", section: "chaos", body: body)
    }

    // MARK: edit and re-send

    /// The JSON services' target prefixes, by signing name.
    static let targetPrefixes = [
        "dynamodb": "DynamoDB_20120810.", "sqs": "AmazonSQS.", "events": "AWSEvents.", "logs": "Logs_20140328.",
    ]

    /// Whether a hop can be sent again: an invocation, a delivery to a queue or a bus, an AWS request.
    static func resendable(_ hop: TraceHop) -> Bool {
        guard hop.payload != nil else { return false }
        if hop.isRequest { return targetPrefixes[hop.service] != nil }
        switch (hop.service, hop.operation) {
        case ("lambda", "Invoke"), ("sqs", "SendMessage"), ("events", "Rule"), ("events", "PutEvents"): return true
        default: return false
        }
    }

    /// What re-sending a hop does, in words.
    static func resendTarget(_ hop: TraceHop) -> String {
        if hop.isRequest { return "\(hop.service) \(hop.operation) (the request as it was made)" }
        switch (hop.service, hop.operation) {
        case ("lambda", _): return "invoke function \(hop.resource)"
        case ("sqs", _): return "send a message to queue \(hop.resource)"
        case ("events", "Rule"): return "put the event on bus \(hop.source ?? "default")"
        default: return "put the event on bus \(hop.resource)"
        }
    }

    func resendPage(_ sequence: String) throws -> String {
        guard let number = Int64(sequence), let hop = try tracer?.store.hop(sequence: number), Self.resendable(hop)
        else {
            throw ConsoleNotFound("Hop \(sequence) is not kept or cannot be re-sent.")
        }
        let body = """
            <p>Change what was sent, then send it again: <b>\(HTML.escape(Self.resendTarget(hop)))</b>. It starts a new trace.</p>
            <form method="post" action="\(Self.prefix)/resend/\(hop.sequence)">
            <textarea name="payload" id="payload" rows="24" cols="100">\(HTML.escape(HTML.pretty(hop.payload ?? "")))</textarea><br>
            <button id="send">Send</button></form>
            """
        return HTML.page(title: "Edit and re-send", section: "traces", body: body)
    }

    /// Sends a hop's (edited) payload again; returns where to look.
    func resend(_ hop: TraceHop, payload: String) async throws -> String {
        let segment = TraceSegment.starting()
        if hop.isRequest {
            guard let prefix = Self.targetPrefixes[hop.service] else {
                throw ConsoleError("This hop cannot be re-sent.")
            }
            return try await replay(prefix + hop.operation, body: Array(payload.utf8), segment: segment)
        }
        switch (hop.service, hop.operation) {
        case ("lambda", _):
            guard (try? JSONValue(parsing: Data(payload.utf8))) != nil else {
                throw ConsoleError("The event is not JSON.")
            }
            let result = try await lambda.invoke(
                hop.resource, payload: Array(payload.utf8), options: InvokeOptions(traceID: segment.header))
            return "Invoked \(hop.resource)\(result.functionError.map { " (function error: \($0))" } ?? ""): "
                + String(decoding: result.payload.prefix(2000), as: UTF8.self)
        case ("sqs", "SendMessage"):
            var writer = AWSJSONWriter()
            writer.beginObject()
            writer.key("QueueUrl")
            writer.string(lambda.awsEndpoint.value + "/" + lambda.accountID + "/" + hop.resource)
            writer.key("MessageBody")
            writer.string(payload)
            writer.endObject()
            return try await replay("AmazonSQS.SendMessage", body: writer.bytes, segment: segment)
        case ("events", "Rule"), ("events", "PutEvents"):
            let bus = hop.operation == "Rule" ? hop.source ?? "default" : hop.resource
            guard case .object(let event)? = try? JSONValue(parsing: Data(payload.utf8)) else {
                throw ConsoleError("The event is not a JSON object.")
            }
            var writer = AWSJSONWriter()
            writer.beginObject()
            writer.key("Entries")
            writer.beginArray()
            writer.beginObject()
            writer.key("EventBusName")
            writer.string(bus)
            // An envelope (source, detail-type, detail) is put as it is; anything else is a detail.
            if case .string(let source)? = event["source"], case .string(let type)? = event["detail-type"],
                let detail = event["detail"]
            {
                writer.key("Source")
                writer.string(source)
                writer.key("DetailType")
                writer.string(type)
                writer.key("Detail")
                writer.string(EventBridgeInput.text(detail))
            } else {
                writer.key("Source")
                writer.string("host.console")
                writer.key("DetailType")
                writer.string("Re-sent from the console")
                writer.key("Detail")
                writer.string(payload)
            }
            writer.endObject()
            writer.endArray()
            writer.endObject()
            return try await replay("AWSEvents.PutEvents", body: writer.bytes, segment: segment)
        default:
            throw ConsoleError("This hop cannot be re-sent.")
        }
    }

    private func replay(_ target: String, body: [UInt8], segment: TraceSegment) async throws -> String {
        guard let router = routers.first(where: { $0.serves(target) }) else {
            throw ConsoleError("No service serves \(target).")
        }
        let result = await AWSRequestTrace.$header.withValue(segment.header) {
            await router.respond(target: target, body: Data(body), hook: hook)
        }
        return "\(target) answered \(result.status): " + String(decoding: result.body.prefix(2000), as: UTF8.self)
    }

    // MARK: forms

    func post(_ parts: [String], form: [String: String]) async throws -> Response {
        switch (parts.first, parts.count) {
        case ("queues", 3):
            let queue = parts[1]
            var notice: String
            do {
                switch parts[2] {
                case "redrive":
                    let task = try sqs.startMoveTask(sourceArn: sqs.arn(of: queue))
                    notice = "Redrive started: \(task.toMove) messages to their source queue."
                case "delete":
                    notice =
                        try sqs.deleteMessage(queue: queue, messageId: form["messageId"] ?? "")
                        ? "Message deleted." : "No such message."
                case "send":
                    let result = try sqs.send(
                        queue: queue,
                        SQSOutgoingMessage(body: form["body"] ?? "", traceHeader: TraceSegment.starting().header))
                    notice = "Sent message \(result.messageId)."
                default:
                    return Self.text("unknown action", status: .notFound)
                }
            } catch {
                notice = "Failed: \(error)"
            }
            return Self.redirect("\(Self.prefix)/queues/\(HTML.component(queue))?notice=\(HTML.component(notice))")
        case ("routing", 2):
            let name = form["name"] ?? ""
            let enable = form["enable"] == "true"
            var notice: String
            do {
                switch parts[1] {
                case "rule":
                    try eventBridge.setState(bus: form["bus"] ?? "default", name: name, enable ? "ENABLED" : "DISABLED")
                case "pipe":
                    _ = try pipes.setState(name: name, enable ? "RUNNING" : "STOPPED")
                case "mapping":
                    var request = EventSourceMappingRequest()
                    request.enabled = enable
                    _ = try mappings.update(name, request)
                default:
                    return Self.text("unknown action", status: .notFound)
                }
                notice = "\(parts[1]) \(name) \(enable ? "enabled" : "disabled")."
            } catch {
                notice = "Failed: \(error)"
            }
            return Self.redirect("\(Self.prefix)/routing?notice=\(HTML.component(notice))")
        case ("chaos", 1):
            guard let faults else { return Self.text("no fault list", status: .notFound) }
            var notice: String
            if let latency = form["latency"] {
                if let value = Int(latency.trimmingCharacters(in: .whitespaces)), (0...600_000).contains(value) {
                    faults.latencyMilliseconds = value
                    notice = "Latency set to \(value) ms."
                } else {
                    notice = "The latency is a whole number of milliseconds from 0 to 600000."
                }
            } else if let all = form["all"] {
                faults.setAllSwitches(on: all == "on")
                notice = all == "on" ? "Every rule is on." : "Every fault is off (the rules are kept, switched off)."
            } else if let text = form["on"] ?? form["off"] {
                let on = form["on"] != nil
                notice =
                    faults.setSwitch(rule: text, on: on)
                    ? "Switched \(on ? "on" : "off"): \(text)" : "No rule \(text) to switch \(on ? "on" : "off")."
            } else {
                do throws(FaultRuleError) {
                    let rules = try FaultInjector.parse(Data((form["rules"] ?? "[]").utf8))
                    faults.replaceSwitchedOn(with: rules)
                    notice = rules.isEmpty ? "No rule is on." : "\(rules.count) fault rules on."
                } catch {
                    notice = "Not saved: \(error.message)"
                }
            }
            return Self.redirect("\(Self.prefix)/chaos?notice=\(HTML.component(notice))")
        case ("resend", 2):
            guard let number = Int64(parts[1]), let hop = try tracer?.store.hop(sequence: number), Self.resendable(hop)
            else { return Self.text("This hop cannot be re-sent.", status: .notFound) }
            let outcome: String
            do {
                outcome = try await resend(hop, payload: form["payload"] ?? "")
            } catch {
                outcome = "Failed: \(error)"
            }
            tracer?.flush()
            let body =
                "<p class=\"notice\" id=\"outcome\">\(HTML.escape(outcome))</p><p><a href=\"\(Self.prefix)/timeline\">timeline</a> · "
                + "<a href=\"\(Self.prefix)/resend/\(hop.sequence)\">edit and send again</a></p>"
            return Self.html(HTML.page(title: "Re-sent", section: "traces", body: body))
        default:
            return Self.text("not found", status: .notFound)
        }
    }

    /// An `application/x-www-form-urlencoded` body.
    static func form(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            values[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return values
    }

    // MARK: live events

    /// Server-sent events: every stored hop as one `hop` event (JSON), and a comment every 15 s.
    func events() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        guard let tracer else { return Response(status: .ok, headers: headers, body: .init()) }
        let hops = tracer.subscribe()
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: ": connected\n\n"))
                let (merged, continuation) = AsyncStream.makeStream(
                    of: String.self, bufferingPolicy: .bufferingNewest(2000))
                let forward = Task {
                    for await hop in hops { continuation.yield("event: hop\ndata: \(Self.json(hop))\n\n") }
                    continuation.finish()
                }
                let beat = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(15))
                        continuation.yield(": keep-alive\n\n")
                    }
                }
                defer {
                    forward.cancel()
                    beat.cancel()
                }
                // The stream ends when the host stops: an open console must not hold up the server's shutdown.
                try await withGracefulShutdownHandler {
                    for await text in merged {
                        try await writer.write(ByteBuffer(string: text))
                    }
                } onGracefulShutdown: {
                    continuation.finish()
                }
                try await writer.finish(nil)
            })
    }

    /// A hop as the console's script reads it.
    static func json(_ hop: TraceHop) -> String {
        var writer = AWSJSONWriter()
        writer.beginObject()
        writer.key("sequence")
        writer.integer(Int(hop.sequence))
        writer.strings([
            ("time", HTML.time(hop.start)), ("traceId", hop.traceID ?? ""), ("service", hop.service),
            ("operation", hop.operation), ("resource", hop.resource), ("source", hop.source ?? ""),
            ("duration", HTML.milliseconds(hop.duration)), ("status", hop.status.rawValue), ("error", hop.error ?? ""),
        ])
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    // MARK: responses

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; style-src 'self'; script-src 'self' 'unsafe-inline'; img-src 'self' data:"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func asset(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "max-age=60"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func text(_ text: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}

/// A page for something that is not there (404).
struct ConsoleNotFound: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

struct ConsoleError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension JSONEncoder {
    /// Keys sorted, slashes as they are: items as a person reads them.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

// MARK: the host's trace API

extension Console {
    /// `GET /_host/traces?key=<any id or item key>` lists the traces that carry it (newest first);
    /// `GET /_host/traces/<trace id>` returns the trace's hops in order (JSON).
    func traceAPI(_ request: Request) throws -> Response {
        guard let store = tracer?.store else {
            return .json(#"{"message":"Tracing is off (--no-tracing)."}"#, status: .notFound)
        }
        let path = request.uri.path
        if path == "/_host/traces" {
            guard
                let key = request.uri.queryParameters["key"].map({ String($0).removingPercentEncoding ?? String($0) }),
                !key.isEmpty
            else {
                return .json(
                    #"{"message":"Give the id or key to look for: /_host/traces?key=<id>"}"#, status: .badRequest)
            }
            let ids = try store.traces(key: key, limit: 100)
            return .json(
                #"{"key":\#(AWSJSONWriter.quoted(key)),"traces":\#(AWSJSONWriter.array(ids)),"console":\#(AWSJSONWriter.array(ids.map { Self.prefix + "/traces/" + $0 }))}"#
            )
        }
        let id = String(path.dropFirst("/_host/traces/".count))
        let hops = try store.hops(trace: id)
        guard !hops.isEmpty else { return .json(#"{"message":"No hops of this trace are kept."}"#, status: .notFound) }
        let diagram = SequenceDiagram(hops: hops)
        var writer = AWSJSONWriter()
        writer.beginObject()
        writer.key("traceId")
        writer.string(id)
        writer.key("hops")
        writer.beginArray()
        for arrow in diagram.arrows {
            let hop = arrow.hop
            writer.beginObject()
            writer.strings([
                ("id", hop.id), ("parentId", hop.parentID), ("from", diagram.participants[arrow.from]),
                ("to", hop.resource), ("service", hop.service), ("operation", hop.operation),
                ("status", hop.status.rawValue), ("error", hop.error),
            ])
            writer.key("start")
            writer.double(hop.start)
            writer.key("duration")
            writer.double(hop.duration)
            writer.key("keys")
            writer.beginArray()
            for key in hop.keys { writer.string(key) }
            writer.endArray()
            if let payload = hop.payload {
                writer.key("payload")
                writer.string(payload)
            }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return .json(String(decoding: writer.bytes, as: UTF8.self))
    }
}

extension AWSJSONWriter {
    /// Members whose values are strings, in order; a nil value is left out.
    mutating func strings(_ members: [(String, String?)]) {
        for (name, value) in members {
            guard let value else { continue }
            key(name)
            string(value)
        }
    }
}
