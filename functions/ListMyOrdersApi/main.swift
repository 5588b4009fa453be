import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// POST /api/v1/orders/listMyOrders (signed in): the caller's orders. Environment: ORDERS_TABLE_NAME.
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    return APIController(ListMyOrdersApi(database: database, tableName: try environment.required("ORDERS_TABLE_NAME")))
}
