import AWSClients
import AWSShapes
import LambdaRuntime

/// The kinds of notification a customer gets, and the events that make them.
public enum NotificationKind: String, Sendable, CaseIterable {
    case accepted = "ORDER_ACCEPTED"
    case rejected = "ORDER_REJECTED"
    case shipped = "ORDER_SHIPPED"
    case delivered = "ORDER_DELIVERED"
    case canceled = "ORDER_CANCELED"

    init?(_ event: OrderEventName) {
        switch event {
        case .orderPaymentAccepted: self = .accepted
        case .orderPaymentRejected, .orderStockDepleted: self = .rejected
        case .orderShipped: self = .shipped
        case .orderDelivered: self = .delivered
        case .orderCanceled: self = .canceled
        default: return nil
        }
    }

    static let events: [OrderEventName] = [
        .orderPaymentAccepted, .orderPaymentRejected, .orderStockDepleted, .orderShipped, .orderDelivered,
        .orderCanceled,
    ]
}

/// The lifecycle events → one notification per (order, kind), rendered from the event and recorded once
/// (`NOTIFICATIONS#ORDER_ID#<id>` / `KIND#<kind>`, put only if there is none) however often the event comes. An
/// event it cannot render (unreadable, or a shipment without its carrier and tracking id) is not dropped: it fails
/// as transient, so after the queue's `maxReceiveCount` it lands in the notifications' DLQ for a person to look at.
public struct NotifyOrderWorker: WorkerService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var now: Clock

    public init(database: any CommerceDatabase, tableName: String, now: @escaping Clock = currentISOTimestamp) {
        self.database = database
        self.tableName = tableName
        self.now = now
    }

    public func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError) {
        let event: IncomingOrderEvent
        let message: String
        do throws(CommerceError) {
            event = try IncomingOrderEvent(newImage: newImage, accepting: NotificationKind.events)
            message = try Self.render(event, details: Fields(members: unmarshalled(newImage)).members["eventData"])
        } catch {
            throw CommerceError(.invalidArguments, "cannot render a notification: \(error.message)", transient: true)
        }
        try notify(event, message: message)
    }

    /// The notification's text.
    static func render(_ event: IncomingOrderEvent, details: JSONValue?) throws(CommerceError) -> String {
        let data = event.eventData
        let order = "Your order \(data.orderId) (\(data.units) × \(data.sku))"
        switch event.eventName {
        case .orderPaymentAccepted:
            return "\(order) is confirmed: payment of \(javaScriptNumberText(data.price)) accepted."
        case .orderPaymentRejected:
            return "\(order) was not placed: the payment was rejected."
        case .orderStockDepleted:
            return "\(order) was not placed: out of stock."
        case .orderShipped:
            guard let carrier = details?["carrier"]?.stringValue, let tracking = details?["trackingId"]?.stringValue
            else { throw .invalidArguments("a shipment event without its carrier and tracking id") }
            return "\(order) has shipped with \(carrier), tracking \(tracking)."
        case .orderDelivered:
            return "\(order) was delivered."
        case .orderCanceled:
            let reason = details?["reason"]?.stringValue.map { ": \($0)" } ?? "."
            return "\(order) was cancelled\(reason)"
        default:
            throw .invalidArguments("no notification for \(event.eventName.rawValue)")
        }
    }

    public func notify(_ event: IncomingOrderEvent, message: String) throws(CommerceError) {
        guard let kind = NotificationKind(event.eventName) else { return }
        let data = event.eventData
        let now = now()
        // The event it was made from is `sourceEvent`, never `eventName`: the table's stream goes to the bus, whose
        // rules route every INSERT by `NewImage.eventName`, so a record named like an event would reach the workers
        // as one (NotifyOrderWorker itself could not render it and sent it to its DLQ).
        var item = Keys.notification(orderId: data.orderId, kind: kind.rawValue)
            .merging(
                Keys.typeAttributes(
                    typeName: "NOTIFICATIONS#NOTIFICATION", serviceName: "NOTIFICATIONS", createdAt: now)
            )
            .merging([
                "orderId": .s(data.orderId), "userId": .s(data.userId), "kind": .s(kind.rawValue),
                "channel": .s("EMAIL"), "message": .s(message), "sourceEvent": .s(event.eventName.rawValue),
                "createdAt": .s(now), "updatedAt": .s(now),
            ])
        if let correlationId = event.correlationId { item["correlationId"] = .s(correlationId) }
        let input = PutItemInput(
            tableName: tableName, item: item, conditionExpression: itemDoesNotExist,
            expressionAttributeNames: keyNames)
        do throws(DynamoDBError) {
            _ = try database.putItem(input)
        } catch {
            // Sent by an earlier delivery (or for the other event of the same kind): once is enough.
            guard error.isConditionalCheckFailed else { throw .unrecognized(error) }
        }
    }
}

/// POST /api/v1/notifications/listNotifications `{orderId?, sortDirection?, limit?}` → 200 `{"notifications":
/// [{orderId, userId, kind, channel, message, correlationId, createdAt}]}`: an order's notifications, or all of
/// them by time.
public struct ListNotificationsApi: APIService {
    var query: ListQuery

    public init(database: any CommerceDatabase, tableName: String) {
        query = ListQuery(
            database: database, tableName: tableName, idField: "orderId",
            key: { Keys.notification(orderId: $0, kind: "") }, gsi1pk: "NOTIFICATIONS#NOTIFICATION",
            listName: "notifications",
            fields: ["orderId", "userId", "kind", "channel", "message", "correlationId", "createdAt"],
            idSelectsPartition: true)
    }

    public var successStatusCode: Int { 200 }

    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        try query.handle(body: body)
    }
}
