import AWSClients
import AWSShapes
import LambdaRuntime

/// ORDER_PAYMENT_ACCEPTED_EVENT → the order's allocation becomes COMPLETED_PAYMENT_ACCEPTED (the SKU's units were
/// taken at allocation). A missing allocation is a silent success; one not ALLOCATED, or a failed condition, is
/// dropped (non-transient). Raises nothing.
public struct CompleteOrderPaymentAcceptedWorker: WorkerService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var now: Clock

    public init(database: any CommerceDatabase, tableName: String, now: @escaping Clock = currentISOTimestamp) {
        self.database = database
        self.tableName = tableName
        self.now = now
    }

    public func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError) {
        try complete(IncomingOrderEvent(newImage: newImage, accepting: [.orderPaymentAccepted]))
    }

    public func complete(_ event: IncomingOrderEvent) throws(CommerceError) {
        let store = AllocationStore(database: database, tableName: tableName)
        guard let item = try store.allocationItem(sku: event.eventData.sku, orderId: event.eventData.orderId) else {
            return
        }
        let allocation = try AllocationStore.allocatedAllocation(from: item)
        let update = AllocationStore.settle(allocation, to: .completedPaymentAccepted, tableName: tableName, now: now())
        let input = UpdateItemInput(
            tableName: update.tableName, key: update.key, updateExpression: update.updateExpression,
            conditionExpression: update.conditionExpression, expressionAttributeNames: update.expressionAttributeNames,
            expressionAttributeValues: update.expressionAttributeValues)
        do throws(DynamoDBError) {
            _ = try database.updateItem(input)
        } catch {
            if error.isConditionalCheckFailed {
                throw CommerceError(.invalidStockCompletion, "the allocation changed before its completion")
            }
            throw .unrecognized(error)
        }
    }
}
