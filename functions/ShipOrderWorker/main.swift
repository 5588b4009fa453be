import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// ORDER_PAYMENT_ACCEPTED_EVENT → the shipment, ORDER_SHIPPED_EVENT.
// Environment: SHIPMENTS_TABLE_NAME, EVENT_STORE_TABLE_NAME, SHIPPING_CARRIER (default FEDEX).
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let eventStore = EventStore(
        database: database, tableName: try environment.required("EVENT_STORE_TABLE_NAME"),
        envelope: EventEnvelope(producer: "ShipOrderWorker"))
    return WorkerController(
        ShipOrderWorker(
            database: database, tableName: try environment.required("SHIPMENTS_TABLE_NAME"), eventStore: eventStore,
            carrier: environment["SHIPPING_CARRIER"] ?? "FEDEX"))
}
