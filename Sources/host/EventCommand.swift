import ArgumentParser
import Foundation
import Host

/// `host event <source>`: prints a sample event, made by the host's own code, ready for `aws lambda invoke`.
struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host event",
        abstract: "Print a sample event, shaped exactly as the host delivers it, for `aws lambda invoke --payload`.",
        discussion: """
            Sources: apigateway (a route of the topology: --method, --path, --body, --header, \
            --authorizer-context), sqs (--queue, --body), dynamodb (--table, --item, --old-item: DynamoDB JSON), \
            eventbridge (--event-source, --detail-type, --detail, --bus), schedule (--rule).

            Examples:
              host event apigateway --method POST --path /api/v1/inventory/listSkus --body '{"sku":"APPLES"}' > e.json
              aws lambda invoke --endpoint-url http://127.0.0.1:4566 --function-name ListSKUsApi \\
                --payload fileb://e.json out.json
              host event sqs --queue SyncOrderWorker-Queue --body '{"hello":"world"}'
              host event dynamodb --table commerce --item '{"pk":{"S":"A"},"sk":{"S":"B"}}'
            """)

    @Argument(help: "apigateway, sqs, dynamodb, eventbridge or schedule.")
    var source: String

    @Option(help: "The system description whose routes, queues, tables and rules the event names.")
    var topology = "infra/topology.json"

    @Option(help: "apigateway: the request's method.")
    var method = "GET"

    @Option(help: "apigateway: the request's path, with its query string.")
    var path: String?

    @Option(help: "apigateway, sqs: the request's or message's body.")
    var body: String?

    @Option(name: .customLong("header"), help: ArgumentHelp("apigateway: a request header.", valueName: "Name: value"))
    var headers: [String] = []

    @Option(help: "apigateway: what the route's authorizer passes (a JSON object, e.g. {\"userId\":\"u-1\"}).")
    var authorizerContext: String?

    @Option(help: "sqs: the queue.")
    var queue: String?

    @Option(help: "dynamodb: the table (one with a stream).")
    var table: String?

    @Option(help: "dynamodb: the item written (DynamoDB JSON).")
    var item: String?

    @Option(help: "dynamodb: the item before the write (a MODIFY record).")
    var oldItem: String?

    @Option(help: "eventbridge: the event's source.")
    var eventSource = "my.app"

    @Option(help: "eventbridge: the event's detail type.")
    var detailType = "Sample Event"

    @Option(help: "eventbridge: the event's detail (a JSON object).")
    var detail = "{}"

    @Option(help: "eventbridge: the bus.")
    var bus = "default"

    @Option(help: "schedule: the rule.")
    var rule: String?

    func run() throws {
        guard let kind = SampleEvents.Source(rawValue: source) else {
            throw ValidationError(
                "unknown source \(source): one of \(SampleEvents.Source.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let system: Topology
        do {
            system = try Topology.load(path: topology)
        } catch {
            throw ValidationError("\(topology): \(error)")
        }
        let events = try SampleEvents(topology: system)
        func required(_ value: String?, _ option: String) throws -> String {
            guard let value else { throw ValidationError("\(source) needs \(option)") }
            return value
        }
        let text: String
        do {
            switch kind {
            case .apigateway:
                let pairs = try headers.map { header -> (String, String) in
                    guard let colon = header.firstIndex(of: ":") else {
                        throw ValidationError("--header is 'Name: value', got '\(header)'")
                    }
                    return (
                        String(header[..<colon]),
                        String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                    )
                }
                text = try events.apiGateway(
                    method: method, path: try required(path, "--path"), body: body, headers: pairs,
                    authorizerContext: authorizerContext)
            case .sqs:
                text = try events.sqs(queue: try required(queue, "--queue"), body: body ?? "{}")
            case .dynamodb:
                text = try events.dynamoDB(
                    table: try required(table, "--table"), item: try required(item, "--item"), oldItem: oldItem)
            case .eventbridge:
                text = try events.eventBridge(source: eventSource, detailType: detailType, detail: detail, bus: bus)
            case .schedule:
                text = try events.schedule(rule: try required(rule, "--rule"))
            }
        } catch let error as SampleEventError {
            throw ValidationError(error.description)
        }
        print(text)
    }
}
