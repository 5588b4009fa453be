import AWSClients
import AWSShapes
import LambdaRuntime

/// POST /api/v1/shipping/shipOrder `{orderId}`: asks for a paid order to be shipped (the reference's planned
/// ShipOrderApi): the order's payment must be PAYMENT_ACCEPTED (no payment record: 404; any other status: 409), then
/// ORDER_SHIPMENT_REQUESTED_EVENT is raised for the ShipOrderWorker; asking again is 202. Shipping is asked for, not
/// automatic, so the reference's flow ends where it ends (a paid order stays ORDER_PAYMENT_ACCEPTED_STATUS until
/// someone ships it). 202 echoes `{orderId}`.
public struct ShipOrderApi: CorrelatedAPIService {
    public var eventStore: EventStore

    public init(eventStore: EventStore) { self.eventStore = eventStore }

    public func handle(body: JSONValue?, correlation: inout Correlation, logger: LambdaLogger) throws(CommerceError)
        -> JSONOutput
    {
        let request = try Fields(body)
        let orderId = try request.string("orderId", trimmed: false)
        guard
            let item = try eventStore.database.consistentItem(
                Keys.payment(orderId: orderId), tableName: eventStore.tableName)
        else { throw CommerceError(.notFound, "order \(orderId) has no payment") }
        let payment = try StoredPayment(item: item)
        guard payment.paymentStatus == .accepted else {
            throw CommerceError(.conflict, "order \(orderId) is \(payment.paymentStatus.rawValue), not paid")
        }
        correlation.adopt(orderCorrelation: try eventStore.orderCorrelation(orderId: orderId))
        try eventStore.correlated(correlation.id).raiseLifecycleEvent(.shipmentRequested, payment.data)
        return .object([("orderId", .string(orderId))])
    }
}
