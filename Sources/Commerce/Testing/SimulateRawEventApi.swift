import AWSShapes
import LambdaRuntime

/// POST /api/v1/testing/simulateRawEvent `{pk, sk, eventName, eventData?, createdAt?, updatedAt?}`: puts any
/// event into the event store, for chaos testing. Strict: any other key is 400. `pk`, `sk` and `eventName` are
/// strings of trimmed length ≥ 1, stored as sent; `eventData` is any JSON; `createdAt`/`updatedAt` are strings and
/// default to now when absent or blank. `_tn`, `_sn`, `gsi1pk` and `gsi1sk` are forced. Idempotent like every
/// event put: a duplicate counts as success. 202 echoes the request (absent fields omitted).
public struct SimulateRawEventApi: APIService {
    public var eventStore: EventStore

    static let allowedKeys: Set<String> = ["pk", "sk", "eventName", "eventData", "createdAt", "updatedAt"]

    public init(eventStore: EventStore) { self.eventStore = eventStore }

    public var successStatusCode: Int { 202 }

    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        try simulate(body, eventStore: eventStore, logger: logger)
    }

    /// The event carries the request's correlation id.
    public func handle(body: JSONValue?, correlation: inout Correlation, logger: LambdaLogger) throws(CommerceError)
        -> JSONOutput
    {
        try simulate(body, eventStore: eventStore.correlated(correlation.id), logger: logger)
    }

    func simulate(_ body: JSONValue?, eventStore: EventStore, logger: LambdaLogger) throws(CommerceError) -> JSONOutput
    {
        let request = try Fields(body)
        if let unknown = request.members.keys.first(where: { !Self.allowedKeys.contains($0) }) {
            throw .invalidArguments("unknown key \(unknown)")
        }
        let pk = try request.string("pk", minimum: 1, trimmed: false)
        let sk = try request.string("sk", minimum: 1, trimmed: false)
        let eventName = try request.string("eventName", minimum: 1, trimmed: false)
        let eventData = request.members["eventData"]
        let createdAt = try request.optionalString("createdAt", minimum: 0, trimmed: false)
        let updatedAt = try request.optionalString("updatedAt", minimum: 0, trimmed: false)

        let now = eventStore.now()
        func orNow(_ text: String?) -> String {
            guard let text, !javaScriptTrimmed(text).isEmpty else { return now }
            return text
        }
        let storedCreatedAt = orNow(createdAt)
        var item: DynamoDBItem = [
            "pk": .s(pk), "sk": .s(sk), "eventName": .s(eventName), "createdAt": .s(storedCreatedAt),
            "updatedAt": .s(orNow(updatedAt)),
        ]
        if let eventData { item["eventData"] = marshalled(eventData) }
        do throws(CommerceError) {
            try eventStore.put(item, createdAt: storedCreatedAt)
        } catch {
            guard error.kind == .duplicateEventRaised else { throw error }
            logger.info("Raw event \(pk) \(sk) was already raised")
        }
        // DECISIONS: the echo is the request as sent (no defaulted dates); `eventData: null` is accepted and stored
        // as NULL, while `createdAt: null` is 400 (an optional string).
        var echo: [(String, JSONOutput)] = [
            ("pk", .string(pk)), ("sk", .string(sk)), ("eventName", .string(eventName)),
        ]
        if let eventData { echo.append(("eventData", JSONOutput(eventData))) }
        if let createdAt { echo.append(("createdAt", .string(createdAt))) }
        if let updatedAt { echo.append(("updatedAt", .string(updatedAt))) }
        return .object(echo)
    }
}
