import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The Outbox Forwarder: on the outbox table's stream (an event source mapping), puts each new message on the bus
// and deletes it; a refused entry is reported by sequence number. Environment: OUTBOX_TABLE_NAME, EVENT_BUS_NAME.
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    let events = try AWSJSONClient(
        configuration: try AWSClientConfiguration(service: .eventBridge, environment: environment))
    return OutboxForwarderHandler(
        OutboxForwarder(
            table: DynamoDBOutboxTable(
                client: try DynamoDBClient(environment: environment),
                tableName: try environment.required("OUTBOX_TABLE_NAME")),
            publisher: EventBridgePublisher(client: events, busName: try environment.required("EVENT_BUS_NAME"))))
}
