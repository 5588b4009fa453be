import AWSShapes
import LambdaRuntime

/// POST /api/v1/inventory/restockSku `{sku, units, lotId}`: raises SKU_RESTOCKED_EVENT, once per (sku, lotId).
/// A duplicate counts as success. 202 echoes the request; the values are stored as sent (untrimmed).
public struct RestockSKUApi: APIService {
    public var eventStore: EventStore

    public init(eventStore: EventStore) { self.eventStore = eventStore }

    public var successStatusCode: Int { 202 }

    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        try restock(body, eventStore: eventStore, logger: logger)
    }

    /// The event carries the request's correlation id.
    public func handle(body: JSONValue?, correlation: inout Correlation, logger: LambdaLogger) throws(CommerceError)
        -> JSONOutput
    {
        try restock(body, eventStore: eventStore.correlated(correlation.id), logger: logger)
    }

    func restock(_ body: JSONValue?, eventStore: EventStore, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        let request = try Fields(body)
        let sku = try request.string("sku", trimmed: false)
        let units = try request.units()
        let lotId = try request.string("lotId", trimmed: false)
        let createdAt = eventStore.now()
        let item = Keys.restockEvent(sku: sku, lotId: lotId).merging([
            "eventName": .s(skuRestockedEventName),
            "eventData": .m(["sku": .s(sku), "units": numberAttribute(units), "lotId": .s(lotId)]),
            "createdAt": .s(createdAt), "updatedAt": .s(createdAt),
        ])
        do throws(CommerceError) {
            try eventStore.put(item, createdAt: createdAt)
        } catch {
            guard error.kind == .duplicateEventRaised else { throw error }
            logger.info("Restock \(sku) lot \(lotId) was already raised")
        }
        return .object([("sku", .string(sku)), ("units", .number(Double(units))), ("lotId", .string(lotId))])
    }
}
