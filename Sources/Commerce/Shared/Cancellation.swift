import AWSClients
import AWSShapes

// DECISIONS (cancellation): an order is cancelled once its cancellation mark exists (`ORDERS#ORDER_ID#<id>` /
// `ORDER_ID#<id>#CANCELLATION`), written by the cancel API in the same transaction as ORDER_CANCELED_EVENT (and by
// a compensation worker that sees a simulated ORDER_CANCELED_EVENT without one). Every step forward that a
// cancellation must stop (a shipment, a delivery) commits only if the mark does not exist (a ConditionCheck in its
// transaction); every compensation is triggered both by the cancellation and by the step it undoes (stock returned
// on ORDER_CANCELED_EVENT and on ORDER_STOCK_ALLOCATED_EVENT, a payment refunded on ORDER_CANCELED_EVENT and on
// ORDER_PAYMENT_ACCEPTED_EVENT) and reads both facts with strongly consistent reads, so whichever of the two
// deliveries comes second sees both, whatever their order: a cancellation that races a payment or an allocation
// never leaves it in place. Each compensation is a conditional write, so two deliveries undo a step once.

/// Reads and writes an order's cancellation mark.
struct CancellationStore {
    var database: any CommerceDatabase
    var tableName: String

    /// Whether the order is cancelled (a strongly consistent read).
    func isCanceled(orderId: String) throws(CommerceError) -> Bool {
        do throws(DynamoDBError) {
            return try database.getItem(
                GetItemInput(tableName: tableName, key: Keys.cancellation(orderId: orderId), consistentRead: true)
            ).item != nil
        } catch {
            throw .unrecognized(error)
        }
    }

    /// The mark of a cancellation.
    static func item(orderId: String, reason: String?, correlationId: String?, now: String) -> DynamoDBItem {
        var item = Keys.cancellation(orderId: orderId)
            .merging(Keys.typeAttributes(typeName: "ORDERS#CANCELLATION", serviceName: "ORDERS", createdAt: now))
            .merging(["orderId": .s(orderId), "createdAt": .s(now), "updatedAt": .s(now)])
        if let reason { item["reason"] = .s(reason) }
        if let correlationId { item["correlationId"] = .s(correlationId) }
        return item
    }

    /// Puts the mark unless it exists (a simulated ORDER_CANCELED_EVENT cancels as the API does).
    func ensureCanceled(orderId: String, correlationId: String?, now: String) throws(CommerceError) {
        let input = PutItemInput(
            tableName: tableName,
            item: Self.item(orderId: orderId, reason: nil, correlationId: correlationId, now: now),
            conditionExpression: itemDoesNotExist, expressionAttributeNames: keyNames)
        do throws(DynamoDBError) {
            _ = try database.putItem(input)
        } catch {
            if error.isConditionalCheckFailed { return }
            throw .unrecognized(error)
        }
    }

    /// The check a step forward makes in its transaction: the order is not cancelled.
    static func notCanceled(orderId: String, tableName: String) -> DynamoDB.ConditionCheck {
        DynamoDB.ConditionCheck(
            key: Keys.cancellation(orderId: orderId), tableName: tableName,
            conditionExpression: "attribute_not_exists(#pk)", expressionAttributeNames: ["#pk": "pk"])
    }
}

extension CommerceDatabase {
    /// One item by key, strongly consistent (what a compensation decides on); a read failure is transient.
    func consistentItem(_ key: DynamoDBItem, tableName: String) throws(CommerceError) -> DynamoDBItem? {
        do throws(DynamoDBError) {
            return try getItem(GetItemInput(tableName: tableName, key: key, consistentRead: true)).item
        } catch {
            throw .unrecognized(error)
        }
    }
}

extension CommerceDatabase {
    /// Runs a transaction's update on its own; false when its condition failed.
    func conditionalUpdate(_ update: DynamoDB.Update) throws(CommerceError) -> Bool {
        let input = UpdateItemInput(
            tableName: update.tableName, key: update.key, updateExpression: update.updateExpression,
            conditionExpression: update.conditionExpression, expressionAttributeNames: update.expressionAttributeNames,
            expressionAttributeValues: update.expressionAttributeValues)
        do throws(DynamoDBError) {
            _ = try updateItem(input)
            return true
        } catch {
            if error.isConditionalCheckFailed { return false }
            throw .unrecognized(error)
        }
    }
}

/// What a compensation worker is triggered by: the cancellation itself (which it makes sure is marked), or the
/// step it undoes (which it undoes only for a cancelled order).
enum CompensationTrigger {
    /// Whether the order of `event` is cancelled, marking it when `event` is the cancellation.
    static func isCanceled(_ event: IncomingOrderEvent, database: any CommerceDatabase, tableName: String, now: String)
        throws(CommerceError) -> Bool
    {
        let store = CancellationStore(database: database, tableName: tableName)
        if event.eventName == .orderCanceled {
            try store.ensureCanceled(orderId: event.eventData.orderId, correlationId: event.correlationId, now: now)
            return true
        }
        return try store.isCanceled(orderId: event.eventData.orderId)
    }

    /// How many times a compensation decides again after its conditional write found the item changed.
    static let attempts = 5
}
