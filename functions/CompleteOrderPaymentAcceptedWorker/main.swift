import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// ORDER_PAYMENT_ACCEPTED_EVENT → the order's allocation is completed. Environment: INVENTORY_TABLE_NAME.
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let tableName = try environment.required("INVENTORY_TABLE_NAME")
    return WorkerController(CompleteOrderPaymentAcceptedWorker(database: database, tableName: tableName))
}
