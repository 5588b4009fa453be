import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// POST /api/v1/orders/cancelOrder: marks the order cancelled and raises ORDER_CANCELED_EVENT.
// Environment: EVENT_STORE_TABLE_NAME.
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let tableName = try environment.required("EVENT_STORE_TABLE_NAME")
    return APIController(
        CancelOrderApi(
            eventStore: EventStore(
                database: database, tableName: tableName, envelope: EventEnvelope(producer: "CancelOrderApi"))))
}
