import AWSClients
import AWSShapes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Raises events: puts them into the event store under the idempotency condition, so a (pk, sk) pair — for
/// order events (orderId, eventName), for restocks (sku, lotId) — is stored at most once.
///
/// With an ``EventEnvelope`` (every deployed function has one) each event also carries the envelope fields
/// (`schemas/order-event.schema.json`): `eventId`, `eventType`, `correlationId`, `producer`, `version`,
/// `occurredAt`, added beside the reference's attributes, which keep their names and shapes.
public struct EventStore {
    public var database: any CommerceDatabase
    public var tableName: String
    public var now: Clock
    /// Who raises the events and under which correlation id; nil writes the reference's items only.
    public var envelope: EventEnvelope?

    public init(
        database: any CommerceDatabase, tableName: String, now: @escaping Clock = currentISOTimestamp,
        envelope: EventEnvelope? = nil
    ) {
        self.database = database
        self.tableName = tableName
        self.now = now
        self.envelope = envelope
    }

    /// The same store raising events under `correlationId` (a new one per event when nil).
    public func correlated(_ correlationId: String?) -> EventStore {
        var copy = self
        copy.envelope?.correlationId = correlationId
        return copy
    }

    /// The event item as stored: `item` with `_tn/_sn/gsi1pk = EVENTS#EVENT, EVENTS`, `gsi1sk =
    /// CREATED_AT#<createdAt>` forced, and the envelope's fields when there is one.
    func eventItem(_ item: DynamoDBItem, createdAt: String) -> DynamoDBItem {
        var typed = item.merging(
            Keys.typeAttributes(typeName: "EVENTS#EVENT", serviceName: "EVENTS", createdAt: createdAt))
        if let envelope {
            typed.merge(envelope.attributes(eventType: item.string("eventName") ?? "", occurredAt: createdAt)) { a, _ in
                a
            }
        }
        return typed
    }

    /// The conditional put of an event (for a transaction that writes it with other items).
    func eventPut(_ item: DynamoDBItem, createdAt: String) -> DynamoDB.Put {
        DynamoDB.Put(
            item: eventItem(item, createdAt: createdAt), tableName: tableName, conditionExpression: itemDoesNotExist,
            expressionAttributeNames: keyNames)
    }

    /// Puts the event. A duplicate is a non-transient `DuplicateEventRaisedError`; any other failure is transient.
    func put(_ item: DynamoDBItem, createdAt: String) throws(CommerceError) {
        let put = eventPut(item, createdAt: createdAt)
        let input = PutItemInput(
            tableName: tableName, item: put.item, conditionExpression: put.conditionExpression,
            expressionAttributeNames: put.expressionAttributeNames)
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

    /// The item of an order event named `name` with `createdAt = updatedAt = now`; `details` join the five fields
    /// in `eventData` (a shipment's id, a refund's amount, a cancellation's reason).
    func orderEventItem(_ name: String, _ data: OrderData, details: DynamoDBItem = [:], createdAt: String)
        -> DynamoDBItem
    {
        Keys.orderEvent(orderId: data.orderId, eventName: name).merging([
            "eventName": .s(name), "eventData": .m(data.attributes.merging(details)), "createdAt": .s(createdAt),
            "updatedAt": .s(createdAt),
        ])
    }

    /// The correlation id the order was placed under (its ORDER_PLACED_EVENT's), if any.
    func orderCorrelation(orderId: String) throws(CommerceError) -> String? {
        try database.consistentItem(
            Keys.orderEvent(orderId: orderId, eventName: OrderEventName.orderPlaced.rawValue), tableName: tableName)?
            .string("correlationId")
    }

    /// Raises an order event with `createdAt = updatedAt = now`.
    public func raiseOrderEvent(_ name: OrderEventName, _ data: OrderData) throws(CommerceError) {
        let createdAt = now()
        try put(orderEventItem(name.rawValue, data, createdAt: createdAt), createdAt: createdAt)
    }

    /// Raises an event of the order's life after payment (shipping, cancellation, compensation); a duplicate counts
    /// as success (each is raised once per order, by whichever delivery gets there first).
    public func raiseLifecycleEvent(_ name: LifecycleEventName, _ data: OrderData, details: DynamoDBItem = [:])
        throws(CommerceError)
    {
        try raiseOnce(name.rawValue, data, details: details)
    }

    /// Raises the event named `name` unless it was raised already (a duplicate counts as success).
    func raiseOnce(_ name: String, _ data: OrderData, details: DynamoDBItem) throws(CommerceError) {
        let createdAt = now()
        do throws(CommerceError) {
            try put(orderEventItem(name, data, details: details, createdAt: createdAt), createdAt: createdAt)
        } catch {
            guard error.kind == .duplicateEventRaised else { throw error }
        }
    }
}

/// The envelope every raised event carries (Eventify's fields, added to the reference's item): who produced it
/// and the correlation id that ties every event and log line of one order's request together.
public struct EventEnvelope: Sendable {
    /// The function that raises the events (`PlaceOrderApi`, `ShipOrderWorker`).
    public var producer: String
    /// The id of the request the events descend from; a new one per event when nil.
    public var correlationId: String?
    /// The envelope's schema version.
    public static let version = 1

    public init(producer: String, correlationId: String? = nil) {
        self.producer = producer
        self.correlationId = correlationId
    }

    func attributes(eventType: String, occurredAt: String) -> DynamoDBItem {
        [
            "eventId": .s(newIdentifier()), "eventType": .s(eventType),
            "correlationId": .s(correlationId ?? newIdentifier()), "producer": .s(producer),
            "version": .n(String(Self.version)), "occurredAt": .s(occurredAt),
        ]
    }
}

/// A new random id: a lower-case UUID.
public func newIdentifier() -> String { UUID().uuidString.lowercased() }

/// The correlation id of an API request: its `x-correlation-id` header (1 to 128 letters, digits, `-`, `_`, `.`,
/// `:`; anything else is a 400), or a new one.
public enum CorrelationID {
    public static let header = "x-correlation-id"

    public static func of(headers: [String: String]) throws(CommerceError) -> String {
        guard let value = headers[header] else { return newIdentifier() }
        guard !value.isEmpty, value.utf8.count <= 128,
            value.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                    || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E || $0 == 0x3A
            })
        else { throw .invalidArguments("\(header) must be 1 to 128 letters, digits, '-', '_', '.' or ':'") }
        return value
    }
}
