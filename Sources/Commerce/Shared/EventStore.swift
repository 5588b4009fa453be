import AWSClients
import AWSShapes

/// Raises events: puts them into the event store under the idempotency condition, so a (pk, sk) pair — for
/// order events (orderId, eventName), for restocks (sku, lotId) — is stored at most once.
public struct EventStore {
    public var database: any CommerceDatabase
    public var tableName: String
    public var now: Clock

    public init(database: any CommerceDatabase, tableName: String, now: @escaping Clock = currentISOTimestamp) {
        self.database = database
        self.tableName = tableName
        self.now = now
    }

    /// Puts `item` with `_tn/_sn/gsi1pk = EVENTS#EVENT, EVENTS` and `gsi1sk = CREATED_AT#<createdAt>` forced.
    /// A duplicate is a non-transient `DuplicateEventRaisedError`; any other failure is transient.
    func put(_ item: DynamoDBItem, createdAt: String) throws(CommerceError) {
        let typed = item.merging(
            Keys.typeAttributes(typeName: "EVENTS#EVENT", serviceName: "EVENTS", createdAt: createdAt))
        let input = PutItemInput(
            tableName: tableName, item: typed, conditionExpression: itemDoesNotExist,
            expressionAttributeNames: keyNames)
        do throws(DynamoDBError) {
            _ = try database.putItem(input)
        } catch {
            if error.isConditionalCheckFailed {
                throw CommerceError(.duplicateEventRaised, "event \(item["pk"].map { "\($0)" } ?? "") already raised")
            }
            // DynamoDB refused what the event holds (a number out of its range, an item over 400 KB, nesting past
            // 32 levels): the caller's data is invalid, a 400, not a failure of ours.
            if case .validation(let message) = error {
                throw .invalidArguments("the event cannot be stored: \(message ?? "invalid item")")
            }
            throw .unrecognized(error)
        }
    }

    /// Raises an order event with `createdAt = updatedAt = now`.
    public func raiseOrderEvent(_ name: OrderEventName, _ data: OrderData) throws(CommerceError) {
        let createdAt = now()
        let item = Keys.orderEvent(orderId: data.orderId, eventName: name.rawValue).merging([
            "eventName": .s(name.rawValue), "eventData": .m(data.attributes), "createdAt": .s(createdAt),
            "updatedAt": .s(createdAt),
        ])
        try put(item, createdAt: createdAt)
    }
}
