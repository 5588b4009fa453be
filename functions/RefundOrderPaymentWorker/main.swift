import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// ORDER_CANCELED_EVENT, ORDER_PAYMENT_ACCEPTED_EVENT → a cancelled order's payment refunded.
// Environment: PAYMENTS_TABLE_NAME, EVENT_STORE_TABLE_NAME.
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let eventStore = EventStore(
        database: database, tableName: try environment.required("EVENT_STORE_TABLE_NAME"),
        envelope: EventEnvelope(producer: "RefundOrderPaymentWorker"))
    return WorkerController(
        RefundOrderPaymentWorker(
            database: database, tableName: try environment.required("PAYMENTS_TABLE_NAME"), eventStore: eventStore))
}
