import AWSShapes
import LambdaRuntime

/// POST /api/v1/shipping/listShipments `{orderId?, sortDirection?, limit?}` → 200 `{"shipments":[{orderId, sku,
/// units, price, userId, shipmentId, carrier, trackingId, shipmentStatus, createdAt, updatedAt}]}`, as the other
/// list APIs.
public struct ListShipmentsApi: APIService {
    var query: ListQuery

    public init(database: any CommerceDatabase, tableName: String) {
        query = ListQuery(
            database: database, tableName: tableName, idField: "orderId", key: { Keys.shipment(orderId: $0) },
            gsi1pk: "SHIPMENTS#SHIPMENT", listName: "shipments",
            fields: [
                "orderId", "sku", "units", "price", "userId", "shipmentId", "carrier", "trackingId", "shipmentStatus",
                "createdAt", "updatedAt",
            ])
    }

    public var successStatusCode: Int { 200 }

    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        try query.handle(body: body)
    }
}
