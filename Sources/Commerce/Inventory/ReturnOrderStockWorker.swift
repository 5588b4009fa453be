import AWSClients
import AWSShapes
import LambdaRuntime

/// The stock's compensation, on ORDER_CANCELED_EVENT and on ORDER_STOCK_ALLOCATED_EVENT (an allocation that came
/// after the cancellation): a cancelled order's allocation (ALLOCATED, or COMPLETED_PAYMENT_ACCEPTED) becomes
/// DEALLOCATED_ORDER_CANCELED and its units go back to the SKU, in one transaction conditioned on the status it was
/// decided from; then ORDER_STOCK_RETURNED_EVENT. Stock already returned (DEALLOCATED_*), no allocation (a depleted
/// order) or an order not cancelled: nothing to do. A completion or a deallocation in between is decided on again,
/// so the units go back once.
public struct ReturnOrderStockWorker: WorkerService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var eventStore: EventStore

    public init(database: any CommerceDatabase, tableName: String, eventStore: EventStore) {
        self.database = database
        self.tableName = tableName
        self.eventStore = eventStore
    }

    public func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError) {
        try compensate(IncomingOrderEvent(newImage: newImage, accepting: [.orderCanceled, .orderStockAllocated]))
    }

    public func compensate(_ event: IncomingOrderEvent) throws(CommerceError) {
        let data = event.eventData
        let eventStore = eventStore.correlated(event.correlationId)
        guard try CompensationTrigger.isCanceled(event, database: database, tableName: tableName, now: eventStore.now())
        else { return }
        for _ in 0..<CompensationTrigger.attempts {
            guard
                let item = try database.consistentItem(
                    Keys.allocation(sku: data.sku, orderId: data.orderId), tableName: tableName)
            else { return }
            let allocation = try AllocationStore.storedAllocation(from: item)
            let status = AllocationStatus(rawValue: allocation.allocationStatus)!
            switch status {
            case .deallocatedPaymentRejected:
                return  // the payment's rejection returned the units already
            case .deallocatedOrderCanceled:
                try eventStore.raiseLifecycleEvent(.stockReturned, allocation.data)
                return
            case .allocated, .completedPaymentAccepted:
                if try returnUnits(allocation, from: status, now: eventStore.now()) {
                    try eventStore.raiseLifecycleEvent(.stockReturned, allocation.data)
                    return
                }
            }
        }
        throw CommerceError(.unrecognized, "the allocation of \(data.orderId) kept changing", transient: true)
    }

    /// The allocation to DEALLOCATED_ORDER_CANCELED and its units back; false when the allocation changed since it
    /// was read.
    func returnUnits(_ allocation: StoredAllocation, from status: AllocationStatus, now: String) throws(CommerceError)
        -> Bool
    {
        var set = SetClause()
        set.set("units", expression: "#units + :units")
        set.set("updatedAt", .s(now))
        set.values[":units"] = numberAttribute(allocation.data.units)
        let input = TransactWriteItemsInput(transactItems: [
            TransactWriteItem(
                update: AllocationStore.settle(
                    allocation, from: status, to: .deallocatedOrderCanceled, tableName: tableName, now: now)),
            TransactWriteItem(
                update: .init(
                    key: Keys.sku(allocation.data.sku), updateExpression: set.expression, tableName: tableName,
                    conditionExpression: "attribute_exists(#pk) AND attribute_exists(#sk)",
                    expressionAttributeNames: set.names.merging(keyNames) { a, _ in a },
                    expressionAttributeValues: set.values)),
        ])
        do throws(DynamoDBError) {
            _ = try database.transactWriteItems(input)
            return true
        } catch {
            if error.cancellationCodes?.first == "ConditionalCheckFailed" { return false }
            throw CommerceError(.unrecognized, "the stock of \(allocation.data.orderId) was not returned: \(error)")
        }
    }
}
