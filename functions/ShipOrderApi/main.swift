import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// POST /api/v1/shipping/shipOrder: a paid order to ship, ORDER_SHIPMENT_REQUESTED_EVENT raised.
// Environment: EVENT_STORE_TABLE_NAME (the shipments live in the same table).
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let tableName = try environment.required("EVENT_STORE_TABLE_NAME")
    return APIController(
        ShipOrderApi(
            eventStore: EventStore(
                database: database, tableName: tableName, envelope: EventEnvelope(producer: "ShipOrderApi"))))
}
