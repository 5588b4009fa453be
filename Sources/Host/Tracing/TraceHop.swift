import AWSShapes
import Foundation

/// One hop of an event's path as the host saw it: an API request, an invocation, an AWS operation, a pipe's batch,
/// a rule's delivery. Hops of one trace form its X-Ray segments and the console's sequence diagram: an arrow from
/// `source` (or, when nil, the resource of the parent hop) to `resource`.
struct TraceHop: Sendable, Equatable {
    enum Status: String, Sendable {
        case ok
        /// The caller's fault (4xx, a function's error).
        case error
        /// The service's or the platform's fault (5xx, a timeout, a crash).
        case fault
        /// Throttled (429, ThrottlingException).
        case throttle
    }

    /// The store's order (assigned when written; 0 before).
    var sequence: Int64 = 0
    /// This hop's segment id (16 hex).
    var id: String
    /// The X-Ray trace id (`1-…-…`), nil for an untraced call.
    var traceID: String?
    var parentID: String?
    /// `apigateway`, `lambda`, `dynamodb`, `sqs`, `events`, `pipes`, `logs`.
    var service: String
    var operation: String
    /// The resource the hop reached: a function, a table, a queue, a bus, a rule, a pipe, an API.
    var resource: String
    /// Where the arrow starts when the parent hop does not say (a queue for a mapping's invocation).
    var source: String?
    /// Seconds since 1970.
    var start: Double
    /// Seconds.
    var duration: Double
    var status: Status
    var error: String?
    /// The ids it carries, each searchable: request, message, event ids, sequence numbers, item keys.
    var keys: [String]
    /// What was sent (an event, a message body, a request), at most ``maximumPayload`` bytes.
    var payload: String?
    /// What came back (a function's response), bounded as the payload.
    var response: String?
    /// An AWS API request as a client sent it (its payload is the request body), not a delivery the host made.
    var isRequest = false

    /// The most bytes of a payload or response kept with a hop.
    static let maximumPayload = 32 * 1024

    init(
        id: String = Identifiers.hex16(), traceID: String?, parentID: String?, service: String, operation: String,
        resource: String, source: String? = nil, start: Double, duration: Double, status: Status = .ok,
        error: String? = nil, keys: [String] = [], payload: String? = nil, response: String? = nil
    ) {
        self.id = id
        self.traceID = traceID
        self.parentID = parentID
        self.service = service
        self.operation = operation
        self.resource = resource
        self.source = source
        self.start = start
        self.duration = duration
        self.status = status
        self.error = error
        self.keys = keys
        self.payload = payload.map(Self.bounded)
        self.response = response.map(Self.bounded)
    }

    /// `text` cut to ``maximumPayload`` bytes (on a character boundary), marked when cut.
    static func bounded(_ text: String) -> String {
        guard text.utf8.count > maximumPayload else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: maximumPayload)
        while end > text.startIndex && !text.unicodeScalars.indices.contains(end) {
            end = text.utf8.index(before: end)
        }
        return String(text[..<end]) + "…(cut at \(maximumPayload) bytes)"
    }

    /// The bytes of a payload as text (invalid UTF-8 is repaired).
    static func text(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes.prefix(maximumPayload + 4), as: UTF8.self)
    }

    /// The hop's segment as X-Ray's `Document` (a segment document: name, ids, times, flags, `aws` and `http`).
    var segmentDocument: String {
        var fields: [(String, String)] = [
            ("id", AWSJSONWriter.quoted(id)),
            ("name", AWSJSONWriter.quoted(resource)),
            ("start_time", String(format: "%.6f", start)),
            ("end_time", String(format: "%.6f", start + duration)),
        ]
        if let traceID { fields.append(("trace_id", AWSJSONWriter.quoted(traceID))) }
        if let parentID { fields.append(("parent_id", AWSJSONWriter.quoted(parentID))) }
        fields.append(("origin", AWSJSONWriter.quoted(origin)))
        if status == .error { fields.append(("error", "true")) }
        if status == .fault { fields.append(("fault", "true")) }
        if status == .throttle { fields.append(("throttle", "true")) }
        var aws = [("operation", AWSJSONWriter.quoted(operation))]
        if let first = keys.first { aws.append(("request_id", AWSJSONWriter.quoted(first))) }
        if let error {
            fields.append(
                (
                    "cause",
                    "{\"exceptions\":[{\"id\":\(AWSJSONWriter.quoted(Identifiers.hex16())),\"message\":\(AWSJSONWriter.quoted(error))}]}"
                ))
        }
        fields.append(("aws", "{" + aws.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"))
        if let source { fields.append(("annotations", "{\"host_source\":\(AWSJSONWriter.quoted(source))}")) }
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// X-Ray's origin of a segment of this service.
    var origin: String {
        switch service {
        case "apigateway": "AWS::ApiGateway::Stage"
        case "lambda": "AWS::Lambda::Function"
        case "dynamodb": "AWS::DynamoDB::Table"
        case "sqs": "AWS::SQS::Queue"
        case "events": "AWS::Events::Rule"
        case "pipes": "AWS::Pipes::Pipe"
        case "logs": "AWS::Logs::LogGroup"
        default: "AWS::" + service
        }
    }
}

extension Duration {
    /// The duration in seconds, as a trace hop keeps it.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
