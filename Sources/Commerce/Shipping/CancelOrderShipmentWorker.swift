import AWSClients
import AWSShapes
import LambdaRuntime

/// ORDER_CANCELED_EVENT → the shipment's compensation: a SHIPPED shipment is cancelled
/// (ORDER_SHIPMENT_CANCELED_EVENT); a DELIVERED one cannot be, so its return is recorded instead (RETURNED,
/// ORDER_SHIPMENT_RETURNED_EVENT). No shipment: nothing to do (none can be created once the order is marked
/// cancelled). Each move is conditioned on the status it was decided from; a delivery in between is decided on
/// again.
public struct CancelOrderShipmentWorker: WorkerService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var eventStore: EventStore

    public init(database: any CommerceDatabase, tableName: String, eventStore: EventStore) {
        self.database = database
        self.tableName = tableName
        self.eventStore = eventStore
    }

    public func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError) {
        try compensate(IncomingOrderEvent(newImage: newImage, accepting: [.orderCanceled]))
    }

    public func compensate(_ event: IncomingOrderEvent) throws(CommerceError) {
        let orderId = event.eventData.orderId
        let eventStore = eventStore.correlated(event.correlationId)
        _ = try CompensationTrigger.isCanceled(event, database: database, tableName: tableName, now: eventStore.now())
        for _ in 0..<CompensationTrigger.attempts {
            guard let shipment = try Shipments.shipment(orderId: orderId, database: database, tableName: tableName)
            else { return }
            let (next, stamp, lifecycle): (ShipmentStatus, String, LifecycleEventName) =
                switch shipment.status {
                case .shipped, .canceled: (.canceled, "canceledAt", .shipmentCanceled)
                case .delivered, .returned: (.returned, "returnedAt", .shipmentReturned)
                }
            if shipment.status != next {
                let moved = try database.conditionalUpdate(
                    Shipments.transition(
                        orderId: orderId, from: shipment.status, to: next, stamp: stamp, now: eventStore.now(),
                        tableName: tableName))
                guard moved else { continue }  // delivered in between: decide again
            }
            try eventStore.raiseLifecycleEvent(lifecycle, shipment.data, details: shipment.details)
            return
        }
        throw CommerceError(.unrecognized, "the shipment of \(orderId) kept changing", transient: true)
    }
}
