import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// POST /api/v1/payments/listRefunds. Environment: PAYMENTS_TABLE_NAME.
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    return APIController(
        ListRefundsApi(database: database, tableName: try environment.required("PAYMENTS_TABLE_NAME")))
}
