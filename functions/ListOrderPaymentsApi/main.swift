import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// POST /api/v1/payments/listOrderPayments: lists the order payments. Environment: PAYMENTS_TABLE_NAME.
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let tableName = try environment.required("PAYMENTS_TABLE_NAME")
    return APIController(ListOrderPaymentsApi(database: database, tableName: tableName))
}
