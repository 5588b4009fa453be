import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Every order event → the consolidated order; ORDER_PLACED_EVENT → ORDER_CREATED_EVENT.
// Environment: ORDERS_TABLE_NAME, EVENT_STORE_TABLE_NAME.
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let tableName = try environment.required("ORDERS_TABLE_NAME")
    let eventStore = EventStore(
        database: database, tableName: try environment.required("EVENT_STORE_TABLE_NAME"),
        envelope: EventEnvelope(producer: "SyncOrderWorker"))
    return WorkerController(SyncOrderWorker(database: database, tableName: tableName, eventStore: eventStore))
}
