import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The lifecycle events → one notification per (order, kind). Environment: NOTIFICATIONS_TABLE_NAME.
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    return WorkerController(
        NotifyOrderWorker(database: database, tableName: try environment.required("NOTIFICATIONS_TABLE_NAME")))
}
