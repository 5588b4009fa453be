import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// ORDER_CREATED_EVENT → stock allocated (ORDER_STOCK_ALLOCATED_EVENT) or depleted (ORDER_STOCK_DEPLETED_EVENT).
// Environment: INVENTORY_TABLE_NAME, EVENT_STORE_TABLE_NAME.
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let tableName = try environment.required("INVENTORY_TABLE_NAME")
    let eventStore = EventStore(
        database: database, tableName: try environment.required("EVENT_STORE_TABLE_NAME"),
        envelope: EventEnvelope(producer: "AllocateOrderStockWorker"))
    return WorkerController(AllocateOrderStockWorker(database: database, tableName: tableName, eventStore: eventStore))
}
