import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// POST /api/v1/shipping/deliverShipment: the shipment delivered, ORDER_DELIVERED_EVENT raised.
// Environment: EVENT_STORE_TABLE_NAME (the shipments live in the same table).
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let tableName = try environment.required("EVENT_STORE_TABLE_NAME")
    return APIController(
        DeliverShipmentApi(
            eventStore: EventStore(
                database: database, tableName: tableName, envelope: EventEnvelope(producer: "DeliverShipmentApi"))))
}
