import AWSClients
import AWSShapes
import LambdaRuntime

/// POST /api/v1/shipping/deliverShipment `{orderId}`: the carrier reports the order's shipment delivered. One
/// transaction moves it from SHIPPED to DELIVERED if the order is not cancelled, then ORDER_DELIVERED_EVENT is
/// raised. No shipment is 404; a cancelled or returned one (or a cancelled order) is 409 `{"message":"Conflict"}`;
/// delivering again is 202. 202 answers `{orderId, shipmentId, trackingId, shipmentStatus}`.
public struct DeliverShipmentApi: CorrelatedAPIService {
    public var eventStore: EventStore

    public init(eventStore: EventStore) { self.eventStore = eventStore }

    public func handle(body: JSONValue?, correlation: inout Correlation, logger: LambdaLogger) throws(CommerceError)
        -> JSONOutput
    {
        let request = try Fields(body)
        let orderId = try request.string("orderId", trimmed: false)
        let (database, tableName) = (eventStore.database, eventStore.tableName)
        guard var shipment = try Shipments.shipment(orderId: orderId, database: database, tableName: tableName) else {
            throw CommerceError(.notFound, "order \(orderId) has no shipment")
        }
        correlation.adopt(orderCorrelation: try eventStore.orderCorrelation(orderId: orderId))
        let eventStore = eventStore.correlated(correlation.id)
        if shipment.status == .shipped {
            let now = eventStore.now()
            let input = TransactWriteItemsInput(transactItems: [
                TransactWriteItem(
                    update: Shipments.transition(
                        orderId: orderId, from: .shipped, to: .delivered, stamp: "deliveredAt", now: now,
                        tableName: tableName)),
                TransactWriteItem(
                    conditionCheck: CancellationStore.notCanceled(orderId: orderId, tableName: tableName)),
            ])
            do throws(DynamoDBError) {
                _ = try database.transactWriteItems(input)
                shipment.status = .delivered
            } catch {
                let codes = error.cancellationCodes ?? []
                if codes.count > 1 && codes[1] == "ConditionalCheckFailed" {
                    throw CommerceError(.conflict, "order \(orderId) is cancelled: its shipment cannot be delivered")
                }
                guard codes.first == "ConditionalCheckFailed",
                    let now = try Shipments.shipment(orderId: orderId, database: database, tableName: tableName)
                else { throw .unrecognized(error) }
                shipment = now  // changed in between: decided below on what it is now
            }
        }
        guard shipment.status == .delivered else {
            throw CommerceError(.conflict, "the shipment of \(orderId) is \(shipment.status.rawValue)")
        }
        try eventStore.raiseShippingEvent(.orderDelivered, shipment)
        return .object([
            ("orderId", .string(orderId)), ("shipmentId", .string(shipment.shipmentId)),
            ("trackingId", .string(shipment.trackingId)), ("shipmentStatus", .string(shipment.status.rawValue)),
        ])
    }
}
