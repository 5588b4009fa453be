import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The orders side's view of the catalog: follows the compacted log's stream, lists the view, and rebuilds it from
// the log. Environment: VIEW_TABLE_NAME, CATALOG_LOG_TABLE_NAME.
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    return CatalogViewWorker(
        view: CatalogView(
            database: try DynamoDBClient(environment: environment),
            tableName: try environment.required("VIEW_TABLE_NAME")),
        logTableName: try environment.required("CATALOG_LOG_TABLE_NAME"))
}
