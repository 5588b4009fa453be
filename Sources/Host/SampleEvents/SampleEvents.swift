import AWSShapes
import Foundation

/// Sample events for `host event`, ready for `aws lambda invoke --payload`: each one made by the host's own code on
/// scratch stores (a temporary database with the topology's tables and queues), so it is shaped exactly as the host
/// delivers it: an API Gateway payload 2.0 request routed by the topology's routes, an SQS batch as a mapping
/// receives it, a DynamoDB stream record as a write makes it, an EventBridge event as PutEvents makes it, and a
/// rule's scheduled event.
public final class SampleEvents {
    public enum Source: String, CaseIterable, Sendable {
        case apigateway, sqs, dynamodb, eventbridge, schedule
    }

    let topology: Topology
    private let directory: String
    private let database: HostDatabase

    public init(topology: Topology) throws {
        self.topology = topology
        directory = NSTemporaryDirectory() + "host-event-\(UUID().uuidString)"
        database = try HostDatabase(path: directory + "/host.sqlite")
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// The request of `method path` (its query string included) to the route of the topology that serves it, with
    /// `body`; `authorizerContext` (a JSON object) is what the route's authorizer would pass
    /// (`requestContext.authorizer.lambda`).
    public func apiGateway(
        method: String, path: String, body: String? = nil, headers: [(String, String)] = [],
        authorizerContext: String? = nil
    ) throws -> String {
        var context: [String: JSONValue]?
        if let authorizerContext {
            guard case .object(let members)? = try? JSONValue(parsing: Data(authorizerContext.utf8)) else {
                throw SampleEventError("the authorizer's context is a JSON object")
            }
            context = members
        }
        let parts = path.split(separator: "?", maxSplits: 1)
        let rawPath = parts.first.map(String.init) ?? "/"
        let routes = try RouteTable(topology.httpAPIs.flatMap(\.routes))
        guard let match = routes.match(method: method.uppercased(), path: rawPath) else {
            let known = topology.httpAPIs.flatMap(\.routes).map(\.key).sorted()
            throw SampleEventError(
                "no route of the topology serves \(method.uppercased()) \(rawPath); its routes: "
                    + known.joined(separator: ", "))
        }
        let apiID = APIGateway.apiID(match.route.api)
        let mapping = HTTPAPIMapping(apiID: apiID, accountID: topology.accountID)
        var requestHeaders = [(name: "Host", value: "127.0.0.1:3000"), (name: "User-Agent", value: "curl/7.88.1")]
        if body != nil { requestHeaders.append((name: "Content-Type", value: "application/json")) }
        requestHeaders += headers.map { (name: $0.0, value: $0.1) }
        var event = mapping.event(
            for: IncomingHTTPRequest(
                method: method.uppercased(), rawPath: rawPath,
                rawQueryString: parts.count > 1 ? String(parts[1]) : "", headers: requestHeaders,
                body: Array((body ?? "").utf8), sourceIP: "127.0.0.1", localPort: 3000,
                traceID: LambdaService.newTraceID()),
            routeKey: match.route.key, pathParameters: match.pathParameters, requestID: HTTPAPIMapping.newRequestID(),
            now: Date())
        if match.route.authorizer != nil || context != nil {
            event.requestContext.authorizer = .init(lambda: context ?? [:])
        }
        return try Self.text(event)
    }

    /// An SQS batch of one message with `body`, as an event source mapping of `queue` receives it.
    public func sqs(queue: String, body: String) throws -> String {
        let store = SQSStore(database: database, region: topology.region, account: topology.accountID)
        guard topology.queues.contains(where: { $0.name == queue }) else {
            throw SampleEventError(
                "no queue \(queue) in the topology; its queues: \(topology.queues.map(\.name).joined(separator: ", "))")
        }
        try store.ensureQueues(topology.queues)
        var message = SQSOutgoingMessage(body: body)
        if queue.hasSuffix(".fifo") {
            message.groupId = "sample"
            message.deduplicationId = UUID().uuidString
        }
        _ = try store.send(queue: queue, message)
        let received = try store.receive(queue: queue, maxMessages: 1)
        return try Self.text(
            SQSEventSourceMapping.event(
                received.messages, eventSourceARN: store.arn(of: queue), region: topology.region))
    }

    /// The stream record of a write of `item` (DynamoDB JSON) to `table`, as a stream mapping of the table receives
    /// it (in a batch of one): INSERT, or MODIFY when `oldItem` is given first.
    public func dynamoDB(table: String, item: String, oldItem: String? = nil) throws -> String {
        let store = DynamoDBStore(database: database, region: topology.region, account: topology.accountID)
        guard let configuration = topology.tables.first(where: { $0.name == table }) else {
            throw SampleEventError(
                "no table \(table) in the topology; its tables: \(topology.tables.map(\.name).joined(separator: ", "))")
        }
        try DynamoDBAPI(store: store).ensureTables([configuration])
        guard let definition = try store.table(named: table), let label = definition.streamLabel else {
            throw SampleEventError("table \(table) has no stream in the topology")
        }
        func parsed(_ text: String) throws -> DynamoDBItem {
            guard let value = try? JSONValue(parsing: Data(text.utf8)), case .object = value,
                let item = try? JSONDecoder().decode(DynamoDBItem.self, from: Data(text.utf8))
            else { throw SampleEventError("an item is DynamoDB JSON: {\"pk\": {\"S\": \"…\"}, …}") }
            return item
        }
        let new = try parsed(item)
        var keyNames = [definition.partitionKey.name]
        if let sortKey = definition.sortKey { keyNames.append(sortKey.name) }
        let key = new.filter { keyNames.contains($0.key) }
        guard key.count == keyNames.count else {
            throw SampleEventError("the item lacks its key: \(keyNames.joined(separator: ", "))")
        }
        if let oldItem {
            let old = try parsed(oldItem)
            _ = try store.write(table: table, key: key) { _ in .put(old.merging(key) { _, key in key }) }
        }
        _ = try store.write(table: table, key: key) { _ in .put(new) }
        let records = try store.streamRecords(table: table, label: label, after: nil, limit: 10)
        guard let record = records.last else { throw SampleEventError("the write made no stream record") }
        return #"{"Records":["# + record.record.jsonText + "]}"
    }

    /// The event PutEvents makes of one entry, as a rule's Lambda target receives it.
    public func eventBridge(source: String, detailType: String, detail: String, bus: String = "default") throws
        -> String
    {
        guard let parsedDetail = try? JSONValue(parsing: Data(detail.utf8)), case .object = parsedDetail else {
            throw SampleEventError("the detail is a JSON object")
        }
        _ = parsedDetail
        return EventBridgeInput.eventJSON(
            id: Identifiers.uuid(), detailType: detailType, source: source, account: topology.accountID, time: Date(),
            region: topology.region, resources: [], detail: detail)
    }

    /// The event a schedule rule of the topology fires (`rate(…)` or `cron(…)`).
    public func schedule(rule: String) throws -> String {
        guard let configuration = topology.rules.first(where: { $0.name == rule }) else {
            throw SampleEventError(
                "no rule \(rule) in the topology; its rules: \(topology.rules.map(\.name).joined(separator: ", "))")
        }
        let store = EventBridgeStore(database: database, region: topology.region, account: topology.accountID)
        return EventBridgeInput.eventJSON(
            id: Identifiers.uuid(), detailType: "Scheduled Event", source: "aws.events", account: topology.accountID,
            time: Date(), region: topology.region, resources: [store.ruleARN(bus: configuration.bus, name: rule)],
            detail: "{}")
    }

    static func text<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}

/// A sample event that cannot be made (a route, queue, table or rule the topology lacks; a malformed input).
public struct SampleEventError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
