import AWSClients
import AWSShapes
import LambdaRuntime

/// Every order event → the consolidated order (seed-behaviour.md §5.3):
/// - ORDER_PLACED, no order: creates it (ORDER_CREATED_STATUS; a concurrent creation counts as success), then
///   raises ORDER_CREATED_EVENT from the stored order.
/// - ORDER_PLACED, order exists: only raises ORDER_CREATED_EVENT again, from the stored order.
/// - any other event, order exists: the status table decides; the update is conditioned on the status it was
///   decided from (FIXED ON PURPOSE: the reference only required "status differs", so two workers deciding from the
///   same status could overwrite each other, e.g. PAYMENT_ACCEPTED overwritten by a late STOCK_ALLOCATED). A failed
///   condition whose old item already has the new status counts as success; otherwise the status it returns is
///   decided on again at once (a few times, then the message is retried).
/// - any other event, no order: dropped (InvalidOperationError), never retried; except a cancellation made through
///   the cancel API, which is retried until the order exists (the order is placed, so it will be).
public struct SyncOrderWorker: WorkerService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var eventStore: EventStore

    public init(database: any CommerceDatabase, tableName: String, eventStore: EventStore) {
        self.database = database
        self.tableName = tableName
        self.eventStore = eventStore
    }

    public func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError) {
        try sync(IncomingOrderEvent(newImage: newImage, accepting: OrderEventName.allCases))
    }

    /// Concurrent deliveries of one order: how many times a status decision is made again after the order changed.
    static let decisionAttempts = 5

    public func sync(_ event: IncomingOrderEvent) throws(CommerceError) {
        let orderId = event.eventData.orderId
        var existing: DynamoDBItem?
        do throws(DynamoDBError) {
            existing = try database.getItem(GetItemInput(tableName: tableName, key: Keys.order(orderId: orderId))).item
        } catch {
            throw .unrecognized(error)
        }
        if event.eventName == .orderPlaced {
            let order: DynamoDBItem
            if let existing { order = existing } else { order = try createOrder(event.eventData) }
            try eventStore.correlated(event.correlationId).raiseOrderEvent(
                .orderCreated, OrderData(validating: Fields(members: unmarshalled(order))))
            return
        }
        for _ in 0..<Self.decisionAttempts {
            guard let order = existing else {
                // A cancellation made through the cancel API (it left its mark) of an order placed but not created
                // yet waits for the creation; any other event for a missing order is dropped, as the reference.
                if event.eventName == .orderCanceled,
                    try CancellationStore(database: database, tableName: tableName)
                        .isCanceled(orderId: orderId)
                {
                    throw CommerceError(
                        .invalidOperation, "Order to cancel is not created yet: \(orderId)", transient: true)
                }
                throw CommerceError(.invalidOperation, "Order to update does not exist: \(orderId)")
            }
            guard let status = order.string("orderStatus").flatMap(OrderStatus.init(rawValue:)) else {
                throw .invalidArguments("the stored order \(orderId) has no valid orderStatus")
            }
            let newStatus = try OrderStatusTransition.newStatus(from: status, on: event.eventName)
            guard let changed = try updateStatus(orderId: orderId, from: status, to: newStatus) else { return }
            existing = changed
        }
        throw CommerceError(
            .unrecognized, "order \(orderId) kept changing while \(event.eventName.rawValue) was applied",
            transient: true)
    }

    /// Creates the order; when it already exists (a concurrent creation) the existing item is returned.
    func createOrder(_ data: OrderData) throws(CommerceError) -> DynamoDBItem {
        let now = eventStore.now()
        var set = SetClause()
        set.setAll(
            Keys.typeAttributes(typeName: "ORDERS#ORDER", serviceName: "ORDERS", createdAt: now)
                .merging(data.attributes)
                .merging([
                    "orderStatus": .s(OrderStatus.created.rawValue), "createdAt": .s(now), "updatedAt": .s(now),
                ]))
        let input = UpdateItemInput(
            tableName: tableName, key: Keys.order(orderId: data.orderId), returnValues: .allNew,
            updateExpression: set.expression, conditionExpression: itemDoesNotExist,
            expressionAttributeNames: set.names.merging(keyNames) { a, _ in a }, expressionAttributeValues: set.values,
            returnValuesOnConditionCheckFailure: .allOld)
        do throws(DynamoDBError) {
            let output = try database.updateItem(input)
            return output.attributes ?? Keys.order(orderId: data.orderId).merging(set.itemValues)
        } catch {
            // DECISIONS: a failed condition without the old item (never seen on AWS with ALL_OLD) is retried:
            // the next delivery finds the order and takes the "exists" path.
            if case .conditionalCheckFailed(let item?) = error { return item }
            throw .unrecognized(error)
        }
    }

    /// Writes the new status if the order still has `previous`; returns the order as it is now when it changed in
    /// between (nil when written, or when it already has the new status).
    func updateStatus(orderId: String, from previous: OrderStatus, to status: OrderStatus) throws(CommerceError)
        -> DynamoDBItem?
    {
        var set = SetClause()
        set.set("orderStatus", .s(status.rawValue))
        set.set("updatedAt", .s(eventStore.now()))
        var values = set.values
        values[":previousOrderStatus"] = .s(previous.rawValue)
        let input = UpdateItemInput(
            tableName: tableName, key: Keys.order(orderId: orderId), returnValues: .allNew,
            updateExpression: set.expression, conditionExpression: "#orderStatus = :previousOrderStatus",
            expressionAttributeNames: set.names, expressionAttributeValues: values,
            returnValuesOnConditionCheckFailure: .allOld)
        do throws(DynamoDBError) {
            _ = try database.updateItem(input)
            return nil
        } catch {
            if case .conditionalCheckFailed(let old?) = error {
                // Already in that status: done. Moved on since it was read: decide again from what it is now.
                return old.string("orderStatus") == status.rawValue ? nil : old
            }
            throw .unrecognized(error)
        }
    }
}
