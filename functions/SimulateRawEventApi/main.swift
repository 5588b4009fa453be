import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// POST /api/v1/testing/simulateRawEvent: puts any raw event into the event store. Environment: EVENT_STORE_TABLE_NAME.
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let tableName = try environment.required("EVENT_STORE_TABLE_NAME")
    return APIController(
        SimulateRawEventApi(
            eventStore: EventStore(
                database: database, tableName: tableName, envelope: EventEnvelope(producer: "SimulateRawEventApi"))))
}
