import AWSClients
import AWSShapes
import LambdaRuntime

/// The payment's compensation, on ORDER_CANCELED_EVENT and on ORDER_PAYMENT_ACCEPTED_EVENT (a payment accepted
/// after the cancellation): a cancelled order's ACCEPTED payment is refunded once (a refund record, put only if
/// there is none: `PAYMENTS#ORDER_ID#<id>` / `ORDER_ID#<id>#ORDER_REFUND`, the payment's id and amount), then
/// ORDER_PAYMENT_REFUNDED_EVENT. No payment, or one not accepted (failed payments are retried until accepted or
/// rejected; an acceptance comes back here): nothing to refund. The payment record itself is left as the
/// reference writes it.
public struct RefundOrderPaymentWorker: WorkerService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var eventStore: EventStore

    public init(database: any CommerceDatabase, tableName: String, eventStore: EventStore) {
        self.database = database
        self.tableName = tableName
        self.eventStore = eventStore
    }

    public func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError) {
        try compensate(IncomingOrderEvent(newImage: newImage, accepting: [.orderCanceled, .orderPaymentAccepted]))
    }

    public func compensate(_ event: IncomingOrderEvent) throws(CommerceError) {
        let orderId = event.eventData.orderId
        let eventStore = eventStore.correlated(event.correlationId)
        let now = eventStore.now()
        guard try CompensationTrigger.isCanceled(event, database: database, tableName: tableName, now: now),
            let item = try database.consistentItem(Keys.payment(orderId: orderId), tableName: tableName)
        else { return }
        let payment = try StoredPayment(item: item)
        guard payment.paymentStatus == .accepted else { return }
        let paymentId = payment.paymentId ?? "ERROR:ORDER_ID:\(orderId)"
        let details: DynamoDBItem = [
            "refundId": .s("RFD-" + paymentId), "paymentId": .s(paymentId),
            "amount": numberAttribute(payment.data.price),
        ]
        let refund = Keys.refund(orderId: orderId)
            .merging(Keys.typeAttributes(typeName: "PAYMENTS#ORDER_REFUND", serviceName: "PAYMENTS", createdAt: now))
            .merging(payment.data.attributes)
            .merging(details)
            .merging(["refundStatus": .s("REFUNDED"), "createdAt": .s(now), "updatedAt": .s(now)])
        let input = PutItemInput(
            tableName: tableName, item: refund, conditionExpression: itemDoesNotExist,
            expressionAttributeNames: keyNames)
        do throws(DynamoDBError) {
            _ = try database.putItem(input)
        } catch {
            // Refunded by an earlier delivery: the event is raised again (a duplicate is success).
            guard error.isConditionalCheckFailed else { throw .unrecognized(error) }
        }
        try eventStore.raiseLifecycleEvent(.paymentRefunded, payment.data, details: details)
    }
}

/// POST /api/v1/payments/listRefunds `{orderId?, sortDirection?, limit?}` → 200 `{"refunds":[{orderId, sku, units,
/// price, userId, paymentId, refundId, amount, refundStatus, createdAt}]}`, as the other list APIs.
public struct ListRefundsApi: APIService {
    var query: ListQuery

    public init(database: any CommerceDatabase, tableName: String) {
        query = ListQuery(
            database: database, tableName: tableName, idField: "orderId", key: { Keys.refund(orderId: $0) },
            gsi1pk: "PAYMENTS#ORDER_REFUND", listName: "refunds",
            fields: [
                "orderId", "sku", "units", "price", "userId", "paymentId", "refundId", "amount", "refundStatus",
                "createdAt",
            ])
    }

    public var successStatusCode: Int { 200 }

    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        try query.handle(body: body)
    }
}
