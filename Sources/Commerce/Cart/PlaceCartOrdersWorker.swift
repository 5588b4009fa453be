import AWSShapes
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Places a checked-out cart's orders into the commerce flow: fed by a rule on the cart's bus (`CartCheckedOut`)
/// through its queue, it raises one ORDER_PLACED_EVENT per line (`orderId` = `<cartId>-<line number>`, the line's
/// item as `sku`, its quantity as `units`, its price, the cart's user) in the event store, under the checkout's
/// correlation id. The order ids follow from the cart, so a redelivered message places nothing twice.
public struct PlaceCartOrdersWorker {
    public var eventStore: EventStore

    public init(eventStore: EventStore) { self.eventStore = eventStore }

    /// The orders of a `CartCheckedOut` event's detail.
    public static func orders(of detail: JSONValue?) throws(CommerceError) -> [OrderData] {
        let fields = try Fields(detail)
        let cartId = try fields.string("cartId", trimmed: true)
        let userId = try fields.string("userId", trimmed: true)
        guard let items = fields.members["items"]?.arrayValue, (1...Cart.maximumLines).contains(items.count) else {
            throw .invalidArguments("items must hold 1 to \(Cart.maximumLines) lines")
        }
        var orders: [OrderData] = []
        for (index, item) in items.enumerated() {
            let line = try Fields(item)
            orders.append(
                OrderData(
                    orderId: "\(cartId)-\(index + 1)", sku: try line.string("itemId", trimmed: true),
                    units: try line.units("quantity"), price: try line.price(), userId: userId))
        }
        return orders
    }

    /// Raises the orders; one already placed counts as done.
    public func place(detail: JSONValue?, logger: LambdaLogger) throws(CommerceError) {
        let orders = try Self.orders(of: detail)
        let store = eventStore.correlated(detail?["correlationId"]?.stringValue)
        for order in orders {
            do throws(CommerceError) {
                try store.raiseOrderEvent(.orderPlaced, order)
                logger.with("orderId", order.orderId).info("Order \(order.orderId) placed from the cart")
            } catch {
                guard error.kind == .duplicateEventRaised else { throw error }
            }
        }
    }
}

/// The worker's function: an SQS batch whose bodies are EventBridge events (`detail` = the cart event); a transient
/// failure reports the message in `batchItemFailures`, any other is logged and the message dropped.
public struct PlaceCartOrdersHandler: LambdaByteHandler {
    public var worker: PlaceCartOrdersWorker

    public init(_ worker: PlaceCartOrdersWorker) { self.worker = worker }

    public func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let response = handle(event: try? JSONValue(parsing: Data(event)), logger: context.logger)
        return Array(try JSONEncoder().encode(response))
    }

    public func handle(event: JSONValue?, logger: LambdaLogger = LambdaLogger()) -> SQSBatchResponse {
        eachMessage(of: event, logger: logger) { _, body, logger throws(CommerceError) in
            let detail = parseJSON(body)?["detail"]
            logger = logger.with("cartId", detail?["cartId"]?.stringValue).with(
                "correlationId", detail?["correlationId"]?.stringValue)
            try worker.place(detail: detail, logger: logger)
        }
    }
}
