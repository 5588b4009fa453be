import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The catalog: products written with their full-state event (to the compacted log) in one transaction.
// Environment: CATALOG_TABLE_NAME, CATALOG_LOG_TABLE_NAME.
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    return CatalogApi(
        CatalogService(
            database: try DynamoDBClient(environment: environment),
            tableName: try environment.required("CATALOG_TABLE_NAME"),
            logTableName: try environment.required("CATALOG_LOG_TABLE_NAME")))
}
