import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// SKU_RESTOCKED_EVENT → the SKU's units and the lot's restock record. Environment: INVENTORY_TABLE_NAME.
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let tableName = try environment.required("INVENTORY_TABLE_NAME")
    return WorkerController(RestockSKUWorker(database: database, tableName: tableName))
}
