import AWSClients
import AWSShapes
import LambdaRuntime

/// ORDER_PAYMENT_REJECTED_EVENT → one transaction: [0] the allocation becomes DEALLOCATED_PAYMENT_REJECTED (same
/// condition as completion), [1] its units go back to the SKU. A missing allocation is a silent success; one not
/// ALLOCATED is dropped. Raises nothing.
///
/// Fixed on purpose: the reference drops every cancelled transaction. A cancellation caused by a concurrent
/// transaction or throttling (`TransactionConflict`, `ThrottlingError`, `ProvisionedThroughputExceeded`) is
/// transient here and retried; a failed condition (or any other reason) is still dropped.
public struct DeallocateOrderPaymentRejectedWorker: WorkerService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var now: Clock

    static let transientCancellationCodes: Set<String> = [
        "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded",
    ]

    public init(database: any CommerceDatabase, tableName: String, now: @escaping Clock = currentISOTimestamp) {
        self.database = database
        self.tableName = tableName
        self.now = now
    }

    public func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError) {
        try deallocate(IncomingOrderEvent(newImage: newImage, accepting: [.orderPaymentRejected]))
    }

    public func deallocate(_ event: IncomingOrderEvent) throws(CommerceError) {
        let store = AllocationStore(database: database, tableName: tableName)
        guard let item = try store.allocationItem(sku: event.eventData.sku, orderId: event.eventData.orderId) else {
            return
        }
        let allocation = try AllocationStore.allocatedAllocation(from: item)
        let now = now()
        var set = SetClause()
        set.set("units", expression: "#units + :units")
        set.set("updatedAt", .s(now))
        set.values[":units"] = numberAttribute(allocation.data.units)
        let input = TransactWriteItemsInput(transactItems: [
            TransactWriteItem(
                update: AllocationStore.settle(
                    allocation, to: .deallocatedPaymentRejected, tableName: tableName, now: now)),
            TransactWriteItem(
                update: .init(
                    key: Keys.sku(allocation.data.sku), updateExpression: set.expression, tableName: tableName,
                    conditionExpression: "attribute_exists(#pk) AND attribute_exists(#sk)",
                    expressionAttributeNames: set.names.merging(keyNames) { a, _ in a },
                    expressionAttributeValues: set.values)),
        ])
        do throws(DynamoDBError) {
            _ = try database.transactWriteItems(input)
        } catch {
            guard let codes = error.cancellationCodes else { throw .unrecognized(error) }
            if !codes.contains("ConditionalCheckFailed")
                && codes.contains(where: Self.transientCancellationCodes.contains)
            {
                throw CommerceError(.unrecognized, "deallocation cancelled, to be retried: \(error)")
            }
            throw CommerceError(.invalidStockDeallocation, "deallocation cancelled: \(error)")
        }
    }
}
