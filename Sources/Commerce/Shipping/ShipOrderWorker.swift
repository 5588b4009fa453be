import AWSClients
import AWSShapes
import LambdaRuntime

/// ORDER_SHIPMENT_REQUESTED_EVENT (raised by the ship API for a paid order) → ships the order (the reference's
/// planned Shipments domain): once its stock allocation is completed (COMPLETED_PAYMENT_ACCEPTED; still ALLOCATED is
/// retried, anything else dropped), one
/// transaction creates the shipment (carrier, shipment and tracking ids, SHIPPED) if there is none and the order is
/// not cancelled; then ORDER_SHIPPED_EVENT is raised with the shipment's ids. A redelivery finds the shipment and
/// raises the event again (a duplicate is success); a cancelled order is not shipped (dropped).
public struct ShipOrderWorker: WorkerService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var eventStore: EventStore
    public var carrier: String

    public init(database: any CommerceDatabase, tableName: String, eventStore: EventStore, carrier: String = "FEDEX") {
        self.database = database
        self.tableName = tableName
        self.eventStore = eventStore
        self.carrier = carrier
    }

    public func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError) {
        let fields = Fields(members: unmarshalled(newImage))
        guard fields.members["eventName"]?.stringValue == LifecycleEventName.shipmentRequested.rawValue else {
            throw .invalidArguments("eventName must be \(LifecycleEventName.shipmentRequested.rawValue)")
        }
        try ship(
            OrderData(validating: Fields(fields.members["eventData"])),
            correlationId: fields.members["correlationId"]?.stringValue)
    }

    public func ship(_ data: OrderData, correlationId: String?) throws(CommerceError) {
        let eventStore = eventStore.correlated(correlationId)
        if let shipment = try Shipments.shipment(orderId: data.orderId, database: database, tableName: tableName) {
            try raiseShipped(shipment, eventStore)
            return
        }
        let allocation = try database.consistentItem(
            Keys.allocation(sku: data.sku, orderId: data.orderId), tableName: tableName)
        switch allocation?.string("allocationStatus").flatMap(AllocationStatus.init(rawValue:)) {
        case .completedPaymentAccepted?:
            break
        case .allocated?:
            throw CommerceError(
                .unrecognized, "the allocation of \(data.orderId) is not completed yet", transient: true)
        default:
            throw CommerceError(.invalidOperation, "order \(data.orderId) has no completed allocation to ship")
        }
        let now = eventStore.now()
        let ids = Shipments.identifiers(orderId: data.orderId)
        let item = Keys.shipment(orderId: data.orderId)
            .merging(Keys.typeAttributes(typeName: "SHIPMENTS#SHIPMENT", serviceName: "SHIPMENTS", createdAt: now))
            .merging(data.attributes)
            .merging([
                "shipmentId": .s(ids.shipmentId), "carrier": .s(carrier), "trackingId": .s(ids.trackingId),
                "shipmentStatus": .s(ShipmentStatus.shipped.rawValue), "createdAt": .s(now), "updatedAt": .s(now),
                "shippedAt": .s(now),
            ])
        let input = TransactWriteItemsInput(transactItems: [
            TransactWriteItem(
                put: .init(
                    item: item, tableName: tableName, conditionExpression: itemDoesNotExist,
                    expressionAttributeNames: keyNames)),
            TransactWriteItem(
                conditionCheck: CancellationStore.notCanceled(orderId: data.orderId, tableName: tableName)),
        ])
        do throws(DynamoDBError) {
            _ = try database.transactWriteItems(input)
        } catch {
            let codes = error.cancellationCodes ?? []
            if codes.count > 1 && codes[1] == "ConditionalCheckFailed" {
                throw CommerceError(.invalidOperation, "order \(data.orderId) is cancelled: not shipped")
            }
            if codes.first == "ConditionalCheckFailed",
                let shipment = try Shipments.shipment(orderId: data.orderId, database: database, tableName: tableName)
            {
                try raiseShipped(shipment, eventStore)
                return
            }
            throw .unrecognized(error)
        }
        try raiseShipped(StoredShipment(item: item), eventStore)
    }

    /// ORDER_SHIPPED_EVENT for a shipment that went out (not for one already cancelled or returned).
    func raiseShipped(_ shipment: StoredShipment, _ eventStore: EventStore) throws(CommerceError) {
        guard shipment.status == .shipped || shipment.status == .delivered else {
            throw CommerceError(.invalidOperation, "the shipment of \(shipment.data.orderId) is \(shipment.status)")
        }
        try eventStore.raiseShippingEvent(.orderShipped, shipment)
    }
}

extension EventStore {
    /// ORDER_SHIPPED_EVENT or ORDER_DELIVERED_EVENT with the shipment's ids; a duplicate counts as success.
    func raiseShippingEvent(_ name: OrderEventName, _ shipment: StoredShipment) throws(CommerceError) {
        try raiseOnce(name.rawValue, shipment.data, details: shipment.details)
    }
}
