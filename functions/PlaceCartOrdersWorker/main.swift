import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Places a checked-out cart's orders (one ORDER_PLACED_EVENT per line) into the event store. Fed by the cart bus's
// CartCheckedOut rule through its queue. Environment: EVENT_STORE_TABLE_NAME.
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    return PlaceCartOrdersHandler(
        PlaceCartOrdersWorker(
            eventStore: EventStore(
                database: database, tableName: try environment.required("EVENT_STORE_TABLE_NAME"),
                envelope: EventEnvelope(producer: "PlaceCartOrdersWorker"))))
}
