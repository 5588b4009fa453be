import AWSShapes
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// MARK: HTTP APIs

/// The business part of an HTTP API: the request body in, the success body out.
public protocol APIService {
    /// 202 for the event-producing APIs, 200 for the list APIs.
    var successStatusCode: Int { get }
    /// `body` is the parsed request body: nil when it is missing or not JSON.
    func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput
    /// The same, for a request whose correlation id is known: the events it raises carry it. A request about an
    /// existing order that names no correlation id of its own takes the order's (`correlation.id` changed).
    func handle(body: JSONValue?, correlation: inout Correlation, logger: LambdaLogger) throws(CommerceError)
        -> JSONOutput
}

extension APIService {
    /// A service that raises no event has no use for the correlation id.
    public func handle(body: JSONValue?, correlation: inout Correlation, logger: LambdaLogger) throws(CommerceError)
        -> JSONOutput
    {
        try handle(body: body, logger: logger)
    }
}

/// An API for a signed-in user: the route's authorizer put the user's id in `requestContext.authorizer.lambda`;
/// without it (no authorizer in front) the request is 401.
public protocol UserAPIService: APIService {
    func handle(body: JSONValue?, userId: String, logger: LambdaLogger) throws(CommerceError) -> JSONOutput
}

extension UserAPIService {
    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        throw CommerceError(.unauthorized, "no signed-in user: the route has no authorizer")
    }
}

/// An API about an order that raises events under the request's correlation id (202 when done); called without one
/// (tests), it runs under a new id.
public protocol CorrelatedAPIService: APIService {}

extension CorrelatedAPIService {
    public var successStatusCode: Int { 202 }

    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        var correlation = Correlation(id: newIdentifier(), isGiven: false)
        return try handle(body: body, correlation: &correlation, logger: logger)
    }
}

/// A request's correlation id, and whether the caller gave it (`x-correlation-id`) or it was made for the request.
public struct Correlation: Sendable, Equatable {
    public var id: String
    public var isGiven: Bool

    public init(id: String, isGiven: Bool) {
        self.id = id
        self.isGiven = isGiven
    }

    /// A request about an order: the order's own id unless the caller named one. A service that logs after it
    /// logs with ``logger(_:)``; the controller logs its answer or the failure, and returns the header, with the id
    /// adopted.
    mutating func adopt(orderCorrelation: String?) {
        if !isGiven, let orderCorrelation { id = orderCorrelation }
    }

    /// `logger` with this id on its lines (the request's logger was made before an adoption).
    func logger(_ logger: LambdaLogger) -> LambdaLogger { logger.with("correlationId", id) }
}

/// The controller of every HTTP API (API Gateway HTTP API, payload 2.0): `InvalidArgumentsError` → 400
/// `{"message":"Bad Request"}`, any other failure → 500 `{"message":"Internal Server Error"}`, success → the
/// service's status and body. No headers, as the reference.
public struct APIController<Service: APIService>: LambdaHandler {
    public var service: Service

    public init(_ service: Service) { self.service = service }

    public func handle(_ event: APIGatewayV2Request, context: LambdaContext) async throws -> APIGatewayV2Response {
        var userId: String?
        if case .string(let id)? = event.requestContext.authorizer?.lambda?["userId"] { userId = id }
        return respond(toBody: event.body, headers: event.headers, userId: userId, logger: context.logger)
    }

    /// Answers a request with its headers: the correlation id (`x-correlation-id`; made when absent, or the
    /// order's own for a request about an existing order) goes to the events the request raises and to every log
    /// line, and back in the response's `x-correlation-id` header.
    public func respond(
        toBody body: String?, headers: [String: String], userId: String? = nil, logger: LambdaLogger = LambdaLogger()
    ) -> APIGatewayV2Response {
        let correlation: Correlation
        do throws(CommerceError) {
            correlation = Correlation(
                id: try CorrelationID.of(headers: headers), isGiven: headers[CorrelationID.header] != nil)
        } catch {
            logger.warn("Bad request: \(error)")
            return APIGatewayV2Response(statusCode: 400, body: #"{"message":"Bad Request"}"#)
        }
        var (response, used) = respond(toBody: body, correlation: correlation, userId: userId, logger: logger)
        response.headers = [CorrelationID.header: used?.id ?? correlation.id]
        return response
    }

    // DECISIONS: `isBase64Encoded` is not handled, as the reference (`JSON.parse(event.body)`): a base64 body is
    // not JSON and gets 400. Clients send `Content-Type: application/json`, which API Gateway passes as text.
    public func respond(toBody body: String?, logger: LambdaLogger = LambdaLogger()) -> APIGatewayV2Response {
        respond(toBody: body, correlation: nil, logger: logger).response
    }

    /// The response, and the correlation the service used (nil without one).
    func respond(toBody body: String?, correlation: Correlation?, userId: String? = nil, logger: LambdaLogger)
        -> (response: APIGatewayV2Response, correlation: Correlation?)
    {
        let json = parseJSON(body)
        // Every line of the request names the order (or SKU) it is about, and its correlation id.
        let logger = logger.with("orderId", json?["orderId"]?.stringValue).with("sku", json?["sku"]?.stringValue)
            .with("correlationId", correlation?.id)
        var correlation = correlation
        do throws(CommerceError) {
            let output: JSONOutput
            if let userService = service as? any UserAPIService, let userId {
                output = try userService.handle(body: json, userId: userId, logger: logger.with("userId", userId))
            } else if var known = correlation {
                // The id the service adopted (the order's own), whether it answers or fails.
                defer { correlation = known }
                output = try service.handle(body: json, correlation: &known, logger: logger)
            } else {
                output = try service.handle(body: json, logger: logger)
            }
            logger.with("correlationId", correlation?.id).info("Answered \(service.successStatusCode)")
            return (APIGatewayV2Response(statusCode: service.successStatusCode, body: output.text), correlation)
        } catch {
            return (errorResponse(error, logger: logger.with("correlationId", correlation?.id)), correlation)
        }
    }
}

/// Answers a route under the request's correlation id (`x-correlation-id`, made when absent): `answer` gets the id
/// and a logger whose lines carry it, and the id comes back in the response's header, on a failure too. A malformed
/// id is a 400 without one.
func correlatedResponse(
    headers: [String: String], logger: LambdaLogger,
    _ answer: (_ correlationId: String, _ logger: LambdaLogger) throws(CommerceError) -> APIGatewayV2Response
) -> APIGatewayV2Response {
    let id: String
    do throws(CommerceError) {
        id = try CorrelationID.of(headers: headers)
    } catch {
        return errorResponse(error, logger: logger)
    }
    let logger = logger.with("correlationId", id)
    var response: APIGatewayV2Response
    do throws(CommerceError) {
        response = try answer(id, logger)
    } catch {
        response = errorResponse(error, logger: logger)
    }
    response.headers = [CorrelationID.header: id]
    return response
}

/// An API's answer to a failure, logged: 400 `{"message":"Bad Request"}`, 404, 409, 401, and 500 `{"message":
/// "Internal Server Error"}` for everything else (the reference's bodies).
func errorResponse(_ error: CommerceError, logger: LambdaLogger) -> APIGatewayV2Response {
    let (status, message): (Int, String) =
        switch error.kind {
        case .invalidArguments: (400, "Bad Request")
        case .notFound: (404, "Not Found")
        case .conflict: (409, "Conflict")
        case .unauthorized: (401, "Unauthorized")
        default: (500, "Internal Server Error")
        }
    if status == 500 { logger.error("Request failed: \(error)") } else { logger.warn("\(message): \(error)") }
    return APIGatewayV2Response(statusCode: status, body: #"{"message":"\#(message)"}"#)
}

// MARK: workers

/// The business part of a worker: one event from the event store (the stream record's `NewImage`).
public protocol WorkerService {
    func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError)
}

/// The controller of every worker. Its SQS messages carry the whole EventBridge event whose `detail` is the
/// DynamoDB stream record. Records run one after another; a transient failure reports the message in
/// `batchItemFailures` (SQS redelivers it after the visibility timeout), any other failure — unreadable body,
/// invalid event, "already done" — is logged and the message is dropped. It never throws.
public struct WorkerController<Service: WorkerService>: LambdaByteHandler {
    public var service: Service

    public init(_ service: Service) { self.service = service }

    public func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let response = handle(event: try? JSONValue(parsing: Data(event)), logger: context.logger)
        return Array(try JSONEncoder().encode(response))
    }

    /// A missing event or `Records` answers no failures, as the reference.
    public func handle(event: JSONValue?, logger: LambdaLogger = LambdaLogger()) -> SQSBatchResponse {
        eachMessage(of: event, logger: logger) { messageId, body, logger throws(CommerceError) in
            let newImage = try Self.newImage(ofBody: body)
            // Every line of the record names the order (or SKU) its event is about.
            if case .m(let data)? = newImage["eventData"] {
                logger = logger.with("orderId", data["orderId"]?.loggedText).with("sku", data["sku"]?.loggedText)
            }
            logger = logger.with("correlationId", newImage["correlationId"]?.loggedText)
            try service.process(newImage: newImage, logger: logger)
            logger.info("Message \(messageId) processed: \(newImage.string("eventName") ?? "event")")
        }
    }

    public func handle(_ event: SQSEvent, logger: LambdaLogger = LambdaLogger()) -> SQSBatchResponse {
        let records: [JSONValue] = event.records.map {
            .object(["messageId": .string($0.messageId), "body": .string($0.body)])
        }
        return handle(event: .object(["Records": .array(records)]), logger: logger)
    }

    /// `detail.dynamodb.NewImage` of the EventBridge event in an SQS message body.
    static func newImage(ofBody body: String?) throws(CommerceError) -> DynamoDBItem {
        guard let body, let envelope = try? JSONDecoder().decode(MessageEnvelope.self, from: Data(body.utf8)),
            let newImage = envelope.detail?.dynamodb?.newImage
        else { throw .invalidArguments("the message body is not an EventBridge event with a stream record NewImage") }
        return newImage
    }
}

/// Runs `process` on each message of an SQS batch, one after another: a transient failure reports the message in
/// `batchItemFailures` (SQS redelivers it after the visibility timeout), any other is logged and the message dropped.
/// `process` may add fields to the logger its failure is logged with.
func eachMessage(
    of event: JSONValue?, logger: LambdaLogger,
    _ process: (_ messageId: String, _ body: String?, _ logger: inout LambdaLogger) throws(CommerceError) -> Void
) -> SQSBatchResponse {
    var failures: [SQSBatchResponse.BatchItemFailure] = []
    for record in event?["Records"]?.arrayValue ?? [] {
        let messageId = record["messageId"]?.stringValue ?? ""
        var logger = logger
        do throws(CommerceError) {
            try process(messageId, record["body"]?.stringValue, &logger)
        } catch {
            if error.transient {
                logger.warn("Message \(messageId) failed, to be retried: \(error)")
                failures.append(.init(itemIdentifier: messageId))
            } else {
                logger.info("Message \(messageId) dropped: \(error)")
            }
        }
    }
    return SQSBatchResponse(batchItemFailures: failures)
}

/// The part of a worker's message body that is read: the EventBridge event's stream record's NewImage.
private struct MessageEnvelope: Decodable {
    struct Detail: Decodable {
        struct StreamRecord: Decodable {
            var newImage: DynamoDBItem?
            enum CodingKeys: String, CodingKey { case newImage = "NewImage" }
        }
        var dynamodb: StreamRecord?
    }
    var detail: Detail?
}

// MARK: incoming events

/// An order event read from a stream record's NewImage (the workers' `Incoming*Event` models): the event name
/// must be one of `accepted`; the strings are stored trimmed.
public struct IncomingOrderEvent: Equatable, Sendable {
    public var eventName: OrderEventName
    public var eventData: OrderData
    public var createdAt: String
    public var updatedAt: String
    /// The envelope's correlation id (nil for an event without the envelope: a simulated one, or one stored before
    /// the envelope existed).
    public var correlationId: String?

    public init(
        eventName: OrderEventName, eventData: OrderData, createdAt: String, updatedAt: String,
        correlationId: String? = nil
    ) {
        self.eventName = eventName
        self.eventData = eventData
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.correlationId = correlationId
    }

    public init(newImage: DynamoDBItem, accepting accepted: [OrderEventName]) throws(CommerceError) {
        let fields = Fields(members: unmarshalled(newImage))
        guard let name = fields.members["eventName"]?.stringValue.flatMap(OrderEventName.init(rawValue:)),
            accepted.contains(name)
        else { throw .invalidArguments("eventName must be one of \(accepted.map(\.rawValue))") }
        eventName = name
        eventData = try OrderData(validating: Fields(fields.members["eventData"]))
        createdAt = try fields.string("createdAt", trimmed: true)
        updatedAt = try fields.string("updatedAt", trimmed: true)
        correlationId = fields.members["correlationId"]?.stringValue
    }
}

/// A SKU_RESTOCKED_EVENT read from a stream record's NewImage.
public struct IncomingSKURestockedEvent: Equatable, Sendable {
    public var sku: String
    public var units: Int
    public var lotId: String
    public var createdAt: String
    public var updatedAt: String

    public init(sku: String, units: Int, lotId: String, createdAt: String, updatedAt: String) {
        self.sku = sku
        self.units = units
        self.lotId = lotId
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public init(newImage: DynamoDBItem) throws(CommerceError) {
        let fields = Fields(members: unmarshalled(newImage))
        guard fields.members["eventName"]?.stringValue == skuRestockedEventName else {
            throw .invalidArguments("eventName must be \(skuRestockedEventName)")
        }
        let data = try Fields(fields.members["eventData"])
        sku = try data.string("sku", trimmed: true)
        units = try data.units()
        lotId = try data.string("lotId", trimmed: true)
        createdAt = try fields.string("createdAt", trimmed: true)
        updatedAt = try fields.string("updatedAt", trimmed: true)
    }
}

extension AttributeValue {
    /// A string or number as a log field.
    fileprivate var loggedText: String? {
        switch self {
        case .s(let text), .n(let text): text
        default: nil
        }
    }
}
