import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// POST /api/v1/shipping/listShipments. Environment: SHIPMENTS_TABLE_NAME.
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    return APIController(
        ListShipmentsApi(database: database, tableName: try environment.required("SHIPMENTS_TABLE_NAME")))
}
