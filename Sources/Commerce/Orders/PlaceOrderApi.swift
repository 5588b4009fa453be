import AWSShapes
import LambdaRuntime

/// POST /api/v1/orders/placeOrder `{orderId, sku, units, price, userId}`: raises ORDER_PLACED_EVENT, once per
/// orderId. A duplicate counts as success: 202 echoes the new request though the stored event keeps the first one.
/// The values are stored as sent (untrimmed).
public struct PlaceOrderApi: APIService {
    public var eventStore: EventStore

    public init(eventStore: EventStore) { self.eventStore = eventStore }

    public var successStatusCode: Int { 202 }

    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        try place(body, eventStore: eventStore, logger: logger)
    }

    /// The event carries the request's correlation id.
    public func handle(body: JSONValue?, correlation: inout Correlation, logger: LambdaLogger) throws(CommerceError)
        -> JSONOutput
    {
        try place(body, eventStore: eventStore.correlated(correlation.id), logger: logger)
    }

    func place(_ body: JSONValue?, eventStore: EventStore, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        let request = try Fields(body)
        let order = OrderData(
            orderId: try request.string("orderId", trimmed: false), sku: try request.string("sku", trimmed: false),
            units: try request.units(), price: try request.price(), userId: try request.string("userId", trimmed: false)
        )
        do throws(CommerceError) {
            try eventStore.raiseOrderEvent(.orderPlaced, order)
        } catch {
            guard error.kind == .duplicateEventRaised else { throw error }
            logger.info("Order \(order.orderId) was already placed")
        }
        return order.json
    }
}
