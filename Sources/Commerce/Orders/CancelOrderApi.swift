import AWSClients
import AWSShapes
import LambdaRuntime

/// POST /api/v1/orders/cancelOrder `{orderId, reason?}`: cancels a placed order, in any status (the status table
/// allows CANCELED from every one). One transaction writes the order's cancellation mark and ORDER_CANCELED_EVENT
/// (its `eventData` the placed order's five fields and the reason), so compensation starts from the event and every
/// step forward sees the mark. An order never placed is 404 `{"message":"Not Found"}`; cancelling again is 202, as
/// placing again is. 202 echoes `{orderId, reason?}`.
public struct CancelOrderApi: CorrelatedAPIService {
    public var eventStore: EventStore

    public init(eventStore: EventStore) { self.eventStore = eventStore }

    public func handle(body: JSONValue?, correlation: inout Correlation, logger: LambdaLogger) throws(CommerceError)
        -> JSONOutput
    {
        let request = try Fields(body)
        let orderId = try request.string("orderId", trimmed: false)
        let reason = try request.optionalString("reason", minimum: 1, trimmed: false)
        let database = eventStore.database
        let tableName = eventStore.tableName
        guard
            let placed = try database.consistentItem(
                Keys.orderEvent(orderId: orderId, eventName: OrderEventName.orderPlaced.rawValue), tableName: tableName)
        else { throw CommerceError(.notFound, "order \(orderId) was never placed") }
        let data = try OrderData(validating: Fields(Fields(members: unmarshalled(placed)).members["eventData"]))
        correlation.adopt(orderCorrelation: placed.string("correlationId"))
        let logger = correlation.logger(logger)
        let correlationId = correlation.id
        let eventStore = eventStore.correlated(correlationId)
        let now = eventStore.now()
        var details: DynamoDBItem = [:]
        if let reason { details["reason"] = .s(reason) }
        let event = eventStore.orderEventItem(
            OrderEventName.orderCanceled.rawValue, data, details: details, createdAt: now)
        let mark = CancellationStore.item(orderId: orderId, reason: reason, correlationId: correlationId, now: now)
        let input = TransactWriteItemsInput(transactItems: [
            TransactWriteItem(
                put: .init(
                    item: mark, tableName: tableName, conditionExpression: itemDoesNotExist,
                    expressionAttributeNames: keyNames)),
            TransactWriteItem(put: eventStore.eventPut(event, createdAt: now)),
        ])
        do throws(DynamoDBError) {
            _ = try database.transactWriteItems(input)
        } catch {
            guard let codes = error.cancellationCodes else { throw .unrecognized(error) }
            if codes.first == "ConditionalCheckFailed" {
                logger.info("Order \(orderId) was already cancelled")
            } else if codes.count > 1 && codes[1] == "ConditionalCheckFailed" {
                // A simulated ORDER_CANCELED_EVENT came first: the mark alone completes the cancellation.
                try CancellationStore(database: database, tableName: tableName)
                    .ensureCanceled(orderId: orderId, correlationId: correlationId, now: now)
            } else {
                throw CommerceError(.unrecognized, "the cancellation was not written: \(error)")
            }
        }
        var echo: [(String, JSONOutput)] = [("orderId", .string(orderId))]
        if let reason { echo.append(("reason", .string(reason))) }
        return .object(echo)
    }
}
