import AWSClients
import AWSShapes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The transactional outbox: an event to publish is written, in the same transaction as the state it describes,
/// to the outbox table (`messageId`), whose stream the Outbox Forwarder reads.
///
/// An outbox item is `{messageId, source, detailType, detail (the event's JSON text), ttl, createdAt}`.
// DECISIONS: `ttl` is in epoch seconds, a day on (the seed writes milliseconds, which DynamoDB's TTL would read as a
// date thousands of years away, and does not enable TTL on the table; here the topology does); the forwarder deletes
// the message once it is on the bus, so TTL only clears what a failure left behind.
public struct Outbox: Sendable {
    public var tableName: String
    /// The events' `source` on the bus (`shopping-cart`).
    public var source: String
    /// Who writes the messages (the envelope's `producer`).
    public var producer: String
    /// How long a message that was never deleted stays (TTL).
    public var retention: Double = 86_400
    public var clock: @Sendable () -> Double = { Date().timeIntervalSince1970 }

    public init(tableName: String, source: String, producer: String) {
        self.tableName = tableName
        self.source = source
        self.producer = producer
    }

    /// The outbox put of the event `detailType` about `fields` (the seed's payload: `cartId`, `userId`, `items`),
    /// with the envelope (`eventId` = the message id, `eventType`, `correlationId`, `producer`, `version`,
    /// `occurredAt`) and the seed's `occurred`.
    func message(
        _ detailType: String, _ fields: [(String, JSONOutput)], correlationId: String, occurredAt: String
    ) -> DynamoDB.Put {
        let messageId = newIdentifier()
        let detail = JSONOutput.object(
            fields + [
                ("occurred", .string(occurredAt)), ("eventId", .string(messageId)), ("eventType", .string(detailType)),
                ("correlationId", .string(correlationId)), ("producer", .string(producer)),
                ("version", .number(Double(EventEnvelope.version))), ("occurredAt", .string(occurredAt)),
            ])
        return DynamoDB.Put(
            item: [
                "messageId": .s(messageId), "source": .s(source), "detailType": .s(detailType),
                "detail": .s(detail.text), "ttl": numberAttribute(Int(clock() + retention)),
                "createdAt": .s(occurredAt),
            ],
            tableName: tableName, conditionExpression: "attribute_not_exists(#id)",
            expressionAttributeNames: ["#id": "messageId"])
    }
}

/// A message read back from an outbox stream record's NewImage.
public struct OutboxMessage: Equatable, Sendable {
    public var messageId: String
    public var source: String
    public var detailType: String
    public var detail: String

    public init(messageId: String, source: String, detailType: String, detail: String) {
        self.messageId = messageId
        self.source = source
        self.detailType = detailType
        self.detail = detail
    }

    /// The correlation id of the envelope in its detail (nil when it carries none).
    public var correlationId: String? {
        if case .string(let id)? = parseJSON(detail)?["correlationId"] { return id }
        return nil
    }

    /// Nil for an image that is not an outbox message.
    public init?(newImage: DynamoDBItem) {
        guard let messageId = newImage.string("messageId"), let detailType = newImage.string("detailType"),
            let detail = newImage.string("detail")
        else { return nil }
        self.init(
            messageId: messageId, source: newImage.string("source") ?? "", detailType: detailType, detail: detail)
    }
}
