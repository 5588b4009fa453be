import AWSClients
import AWSShapes
import LambdaRuntime

/// SKU_RESTOCKED_EVENT → one transaction: [0] the lot's restock record (once per lot), [1] the SKU upsert
/// (`units += event units`, `createdAt` kept, `gsi1sk` moved to now). A duplicate lot is dropped (non-transient);
/// any other failure is retried. Raises nothing.
public struct RestockSKUWorker: WorkerService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var now: Clock

    public init(database: any CommerceDatabase, tableName: String, now: @escaping Clock = currentISOTimestamp) {
        self.database = database
        self.tableName = tableName
        self.now = now
    }

    public func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError) {
        try restock(IncomingSKURestockedEvent(newImage: newImage))
    }

    public func restock(_ event: IncomingSKURestockedEvent) throws(CommerceError) {
        let now = now()
        let restock = Keys.restock(sku: event.sku, lotId: event.lotId)
            .merging(Keys.typeAttributes(typeName: "INVENTORY#RESTOCK_SKU", serviceName: "INVENTORY", createdAt: now))
            .merging([
                "sku": .s(event.sku), "units": numberAttribute(event.units), "lotId": .s(event.lotId),
                "createdAt": .s(now), "updatedAt": .s(now),
            ])
        var set = SetClause()
        set.setAll(Keys.typeAttributes(typeName: "INVENTORY#SKU", serviceName: "INVENTORY", createdAt: now))
        set.set("sku", .s(event.sku))
        set.set("units", expression: "if_not_exists(#units, :zero) + :units")
        set.set("createdAt", expression: "if_not_exists(#createdAt, :createdAt)")
        set.set("updatedAt", .s(now))
        set.values[":zero"] = numberAttribute(0)
        set.values[":units"] = numberAttribute(event.units)
        set.values[":createdAt"] = .s(now)
        let input = TransactWriteItemsInput(transactItems: [
            TransactWriteItem(
                put: .init(
                    item: restock, tableName: tableName, conditionExpression: "attribute_not_exists(#pk)",
                    expressionAttributeNames: ["#pk": "pk"])),
            TransactWriteItem(
                update: .init(
                    key: Keys.sku(event.sku), updateExpression: set.expression, tableName: tableName,
                    expressionAttributeNames: set.names, expressionAttributeValues: set.values)),
        ])
        do throws(DynamoDBError) {
            _ = try database.transactWriteItems(input)
        } catch {
            if error.cancellationCodes?.first == "ConditionalCheckFailed" {
                throw CommerceError(.duplicateRestockOperation, "lot \(event.lotId) of \(event.sku) already restocked")
            }
            throw .unrecognized(error)
        }
    }
}
