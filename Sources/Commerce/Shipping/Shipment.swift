import AWSClients
import AWSShapes

public enum ShipmentStatus: String, Sendable, CaseIterable {
    /// Handed to the carrier (ORDER_SHIPPED_EVENT).
    case shipped = "SHIPPED"
    /// Received by the customer (ORDER_DELIVERED_EVENT).
    case delivered = "DELIVERED"
    /// Stopped by the order's cancellation before delivery (ORDER_SHIPMENT_CANCELED_EVENT).
    case canceled = "CANCELED"
    /// Delivered, then the order was cancelled: the goods come back (ORDER_SHIPMENT_RETURNED_EVENT).
    case returned = "RETURNED"
}

/// An order's shipment, as stored: the order's five fields, the carrier's ids and the status.
struct StoredShipment: Equatable {
    var data: OrderData
    var shipmentId: String
    var carrier: String
    var trackingId: String
    var status: ShipmentStatus

    init(item: DynamoDBItem) throws(CommerceError) {
        let fields = Fields(members: unmarshalled(item))
        data = try OrderData(validating: fields)
        shipmentId = try fields.string("shipmentId", trimmed: true)
        carrier = try fields.string("carrier", minimum: 1, trimmed: true)
        trackingId = try fields.string("trackingId", trimmed: true)
        guard let status = fields.members["shipmentStatus"]?.stringValue.flatMap(ShipmentStatus.init(rawValue:)) else {
            throw .invalidArguments("the stored shipment has no valid shipmentStatus")
        }
        self.status = status
    }

    /// What the shipping events add to the order's five fields.
    var details: DynamoDBItem {
        ["shipmentId": .s(shipmentId), "carrier": .s(carrier), "trackingId": .s(trackingId)]
    }
}

enum Shipments {
    /// The shipment id and tracking id of an order: derived from the order id (FNV-1a), so every delivery of its
    /// payment event names the same shipment.
    static func identifiers(orderId: String) -> (shipmentId: String, trackingId: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in orderId.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: 16 - hex.count) + hex
        let digits = String(hash % 1_000_000_000_000)
        return ("SHP-" + padded.prefix(10), "TRK-" + String(repeating: "0", count: 12 - digits.count) + digits)
    }

    /// The stored shipment of an order (strongly consistent), or nil.
    static func shipment(orderId: String, database: any CommerceDatabase, tableName: String) throws(CommerceError)
        -> StoredShipment?
    {
        try database.consistentItem(Keys.shipment(orderId: orderId), tableName: tableName).map {
            item throws(CommerceError) in try StoredShipment(item: item)
        }
    }

    /// The update of a shipment's status from `expected`, with its time stamp (`deliveredAt`, `canceledAt`, …).
    static func transition(
        orderId: String, from expected: ShipmentStatus, to status: ShipmentStatus, stamp: String, now: String,
        tableName: String
    ) -> DynamoDB.Update {
        var set = SetClause()
        set.set("shipmentStatus", .s(status.rawValue))
        set.set("updatedAt", .s(now))
        set.set(stamp, .s(now))
        var values = set.values
        values[":expectedShipmentStatus"] = .s(expected.rawValue)
        return DynamoDB.Update(
            key: Keys.shipment(orderId: orderId), updateExpression: set.expression, tableName: tableName,
            conditionExpression: "#shipmentStatus = :expectedShipmentStatus", expressionAttributeNames: set.names,
            expressionAttributeValues: values)
    }
}
