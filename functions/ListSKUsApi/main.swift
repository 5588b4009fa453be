import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// POST /api/v1/inventory/listSkus: lists the SKUs' stock. Environment: INVENTORY_TABLE_NAME.
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let tableName = try environment.required("INVENTORY_TABLE_NAME")
    return APIController(ListSKUsApi(database: database, tableName: tableName))
}
