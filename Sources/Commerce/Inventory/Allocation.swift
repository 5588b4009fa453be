import AWSClients
import AWSShapes

public enum AllocationStatus: String, Sendable, CaseIterable {
    case allocated = "ALLOCATED"
    case completedPaymentAccepted = "COMPLETED_PAYMENT_ACCEPTED"
    case deallocatedPaymentRejected = "DEALLOCATED_PAYMENT_REJECTED"
    /// Defined by the reference, never written there; written here when a cancelled order's stock goes back.
    case deallocatedOrderCanceled = "DEALLOCATED_ORDER_CANCELED"
}

/// An order's stock allocation, as stored.
struct StoredAllocation: Equatable {
    var data: OrderData
    var allocationStatus: String
}

/// Reads and settles allocations: what the Complete and Deallocate workers share.
struct AllocationStore {
    var database: any CommerceDatabase
    var tableName: String

    /// The allocation of (sku, orderId), or nil. A read failure is transient.
    func allocationItem(sku: String, orderId: String) throws(CommerceError) -> DynamoDBItem? {
        do throws(DynamoDBError) {
            return try database.getItem(
                GetItemInput(tableName: tableName, key: Keys.allocation(sku: sku, orderId: orderId))
            ).item
        } catch {
            throw .unrecognized(error)
        }
    }

    // DECISIONS: a stored order, allocation or payment that does not validate is dropped as invalid arguments
    // (non-transient), as the reference's command models do when they are built from it.
    /// The stored allocation must be fully valid and still ALLOCATED to be completed or deallocated; anything else
    /// is a non-transient InvalidArgumentsError (how redeliveries after completion end).
    static func allocatedAllocation(from item: DynamoDBItem) throws(CommerceError) -> StoredAllocation {
        let fields = Fields(members: unmarshalled(item))
        let data = try OrderData(validating: fields)
        _ = try fields.string("createdAt", trimmed: true)
        _ = try fields.string("updatedAt", trimmed: true)
        let status = fields.members["allocationStatus"]?.stringValue
        guard status == AllocationStatus.allocated.rawValue else {
            throw .invalidArguments("the allocation is \(status ?? "without a status"), not ALLOCATED")
        }
        return StoredAllocation(data: data, allocationStatus: AllocationStatus.allocated.rawValue)
    }

    /// A stored allocation in any status, fully valid.
    static func storedAllocation(from item: DynamoDBItem) throws(CommerceError) -> StoredAllocation {
        let fields = Fields(members: unmarshalled(item))
        let data = try OrderData(validating: fields)
        guard let status = fields.members["allocationStatus"]?.stringValue, AllocationStatus(rawValue: status) != nil
        else { throw .invalidArguments("the allocation has no valid allocationStatus") }
        return StoredAllocation(data: data, allocationStatus: status)
    }

    /// The allocation update to `status`, conditioned on the stored orderId, sku, units and ALLOCATED status.
    static func settle(
        _ allocation: StoredAllocation, to status: AllocationStatus, tableName: String, now: String
    ) -> DynamoDB.Update {
        settle(allocation, from: .allocated, to: status, tableName: tableName, now: now)
    }

    /// The allocation update from `expected` to `status`, conditioned on the stored orderId, sku and units too.
    static func settle(
        _ allocation: StoredAllocation, from expected: AllocationStatus, to status: AllocationStatus,
        tableName: String, now: String
    ) -> DynamoDB.Update {
        var set = SetClause()
        set.set("allocationStatus", .s(status.rawValue))
        set.set("updatedAt", .s(now))
        var names = set.names.merging(keyNames) { a, _ in a }
        names["#orderId"] = "orderId"
        names["#sku"] = "sku"
        names["#units"] = "units"
        var values = set.values
        values[":expectedOrderId"] = .s(allocation.data.orderId)
        values[":expectedSku"] = .s(allocation.data.sku)
        values[":expectedUnits"] = numberAttribute(allocation.data.units)
        values[":expectedAllocationStatus"] = .s(expected.rawValue)
        return DynamoDB.Update(
            key: Keys.allocation(sku: allocation.data.sku, orderId: allocation.data.orderId),
            updateExpression: set.expression, tableName: tableName,
            conditionExpression: "attribute_exists(#pk) AND attribute_exists(#sk) AND #orderId = :expectedOrderId"
                + " AND #sku = :expectedSku AND #units = :expectedUnits"
                + " AND #allocationStatus = :expectedAllocationStatus",
            expressionAttributeNames: names, expressionAttributeValues: values)
    }
}
