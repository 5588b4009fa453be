import AWSClients
import AWSShapes
import LambdaRuntime

/// ORDER_CREATED_EVENT → allocates the order's units from its SKU and raises ORDER_STOCK_ALLOCATED_EVENT, or
/// ORDER_STOCK_DEPLETED_EVENT when the SKU lacks the units or does not exist (a depletion writes no allocation, so
/// a redelivery after a restock can still allocate). An allocation that already exists, whatever its status,
/// raises ALLOCATED again.
public struct AllocateOrderStockWorker: WorkerService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var eventStore: EventStore

    public init(database: any CommerceDatabase, tableName: String, eventStore: EventStore) {
        self.database = database
        self.tableName = tableName
        self.eventStore = eventStore
    }

    public func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError) {
        try allocate(IncomingOrderEvent(newImage: newImage, accepting: [.orderCreated]))
    }

    public func allocate(_ event: IncomingOrderEvent) throws(CommerceError) {
        // What it raises carries the incoming event's correlation id.
        let eventStore = eventStore.correlated(event.correlationId)
        let data = event.eventData
        let existing = try AllocationStore(database: database, tableName: tableName)
            .allocationItem(sku: data.sku, orderId: data.orderId)
        if existing != nil {
            try eventStore.raiseOrderEvent(.orderStockAllocated, data)
            return
        }
        let now = eventStore.now()
        let allocation = Keys.allocation(sku: data.sku, orderId: data.orderId)
            .merging(
                Keys.typeAttributes(typeName: "INVENTORY#ORDER_ALLOCATION", serviceName: "INVENTORY", createdAt: now)
            )
            .merging(data.attributes)
            .merging([
                "allocationStatus": .s(AllocationStatus.allocated.rawValue), "createdAt": .s(now), "updatedAt": .s(now),
            ])
        var set = SetClause()
        set.set("units", expression: "#units - :units")
        set.set("updatedAt", .s(now))
        set.values[":units"] = numberAttribute(data.units)
        let input = TransactWriteItemsInput(transactItems: [
            TransactWriteItem(
                put: .init(
                    item: allocation, tableName: tableName, conditionExpression: itemDoesNotExist,
                    expressionAttributeNames: keyNames)),
            TransactWriteItem(
                update: .init(
                    key: Keys.sku(data.sku), updateExpression: set.expression, tableName: tableName,
                    conditionExpression: "attribute_exists(#pk) AND attribute_exists(#sk) AND #units >= :units",
                    expressionAttributeNames: set.names.merging(keyNames) { a, _ in a },
                    expressionAttributeValues: set.values)),
        ])
        do throws(DynamoDBError) {
            _ = try database.transactWriteItems(input)
        } catch {
            let codes = error.cancellationCodes ?? []
            if codes.count > 0 && codes[0] == "ConditionalCheckFailed" {
                // DuplicateStockAllocationError: allocated by an earlier delivery.
                try eventStore.raiseOrderEvent(.orderStockAllocated, data)
                return
            }
            if codes.count > 1 && codes[1] == "ConditionalCheckFailed" {
                // DepletedStockAllocationError: too few units, or no such SKU.
                try eventStore.raiseOrderEvent(.orderStockDepleted, data)
                return
            }
            throw .unrecognized(error)
        }
        try eventStore.raiseOrderEvent(.orderStockAllocated, data)
    }
}
