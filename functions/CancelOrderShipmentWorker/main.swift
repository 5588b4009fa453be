import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// ORDER_CANCELED_EVENT → the shipment cancelled, or its return recorded.
// Environment: SHIPMENTS_TABLE_NAME, EVENT_STORE_TABLE_NAME.
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let eventStore = EventStore(
        database: database, tableName: try environment.required("EVENT_STORE_TABLE_NAME"),
        envelope: EventEnvelope(producer: "CancelOrderShipmentWorker"))
    return WorkerController(
        CancelOrderShipmentWorker(
            database: database, tableName: try environment.required("SHIPMENTS_TABLE_NAME"), eventStore: eventStore))
}
