import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// ORDER_STOCK_ALLOCATED_EVENT → the payment (fake gateway) → ORDER_PAYMENT_ACCEPTED_EVENT or
// ORDER_PAYMENT_REJECTED_EVENT. Environment: PAYMENTS_TABLE_NAME, EVENT_STORE_TABLE_NAME and
// PAYMENT_GATEWAY_ACCEPT_RATE (0…1, default 0.3).
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let tableName = try environment.required("PAYMENTS_TABLE_NAME")
    let eventStore = EventStore(
        database: database, tableName: try environment.required("EVENT_STORE_TABLE_NAME"),
        envelope: EventEnvelope(producer: "ProcessOrderPaymentWorker"))
    let gateway = try FakePaymentGateway(environment: environment)
    return WorkerController(
        ProcessOrderPaymentWorker(database: database, tableName: tableName, eventStore: eventStore, gateway: gateway))
}
