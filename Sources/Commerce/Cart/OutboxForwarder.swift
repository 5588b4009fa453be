import AWSClients
import AWSShapes
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The outbox table as the forwarder uses it.
public protocol OutboxTable {
    /// Which of the messages `ids` are still in the outbox (a consistent read): those not yet forwarded.
    func pending(_ ids: [String]) throws(CommerceError) -> Set<String>
    /// Deletes forwarded messages.
    func delete(_ ids: [String]) throws(CommerceError)
}

/// The event bus as the forwarder uses it.
public protocol EventPublisher {
    /// Puts one event per message (at most 10), in one PutEvents call; answers, per message in order, whether the
    /// bus accepted it. A failure of the whole call throws.
    func publish(_ messages: [OutboxMessage]) throws(CommerceError) -> [Bool]
}

/// The Outbox Forwarder (the outbox seed's, on a DynamoDB stream event source mapping): puts the messages of the
/// outbox's new records on the bus, then deletes them.
///
/// Nothing is lost and nothing is sent twice by the mapping's retries, whichever step a failure or a kill stops at:
/// - a message is put only while it is still in the outbox (read consistently first), and deleted once the bus
///   accepted it, so a batch that comes again (a retry, a lost checkpoint, a crash after the work) skips what was
///   forwarded;
/// - an entry the bus refused is reported in `batchItemFailures` by its record's sequence number (the first such
///   record: the mapping retries the batch from there, and the records after it that were forwarded are skipped);
/// - a failure before anything was put reports the batch's first message, so the whole batch comes again.
///
/// One shard's batches run one after another on AWS (ParallelizationFactor 1, as here), so two deliveries of the
/// same message never race; the one window left, a kill between the bus's answer and the delete, puts that message
/// twice, the at-least-once of every outbox: consumers deduplicate by `detail.eventId` (the message id).
// DECISIONS: the seed ignores PutEvents' FailedEntryCount and does not filter REMOVE records; here refused entries
// are retried, and the mapping's filter lets only INSERT records through (the deletes' REMOVE records never invoke
// the forwarder); a record without an outbox message is skipped.
public struct OutboxForwarder {
    public var table: any OutboxTable
    public var publisher: any EventPublisher

    public init(table: any OutboxTable, publisher: any EventPublisher) {
        self.table = table
        self.publisher = publisher
    }

    /// A stream record as the forwarder reads it.
    public struct Record: Equatable, Sendable {
        public var sequenceNumber: String
        public var eventName: String
        public var message: OutboxMessage?

        public init(sequenceNumber: String, eventName: String, message: OutboxMessage?) {
            self.sequenceNumber = sequenceNumber
            self.eventName = eventName
            self.message = message
        }
    }

    /// What one batch came to.
    public struct Outcome: Equatable, Sendable {
        /// The sequence number to retry from (nil: the batch is done).
        public var failure: String?
        public var forwarded: [String] = []
        public var alreadyForwarded: [String] = []
        public var refused: [String] = []
    }

    public func forward(_ records: [Record], logger: LambdaLogger = LambdaLogger()) -> Outcome {
        let messages = records.compactMap { record -> (String, OutboxMessage)? in
            guard record.eventName == "INSERT", let message = record.message else { return nil }
            return (record.sequenceNumber, message)
        }
        var outcome = Outcome()
        guard let first = messages.first else { return outcome }
        let pending: Set<String>
        do throws(CommerceError) {
            pending = try table.pending(messages.map(\.1.messageId))
        } catch {
            logger.warn("The outbox could not be read, the batch is retried: \(error)")
            outcome.failure = first.0
            return outcome
        }
        var toSend: [(String, OutboxMessage)] = []
        for (sequenceNumber, message) in messages {
            if pending.contains(message.messageId) {
                toSend.append((sequenceNumber, message))
            } else {
                outcome.alreadyForwarded.append(message.messageId)
            }
        }
        // PutEvents takes at most 10 entries: a longer batch goes in chunks, and stops at the first chunk that fails.
        var start = 0
        while start < toSend.count {
            let chunk = Array(toSend[start..<min(start + 10, toSend.count)])
            let accepted: [Bool]
            do throws(CommerceError) {
                accepted = try publisher.publish(chunk.map(\.1))
            } catch {
                logger.warn("PutEvents failed, retried from message \(chunk[0].1.messageId): \(error)")
                outcome.failure = chunk[0].0
                break
            }
            for (index, (sequenceNumber, message)) in chunk.enumerated() {
                if index < accepted.count && accepted[index] {
                    outcome.forwarded.append(message.messageId)
                    logger.with("correlationId", message.correlationId)
                        .info("Forwarded \(message.detailType) \(message.messageId)")
                } else {
                    outcome.refused.append(message.messageId)
                    if outcome.failure == nil { outcome.failure = sequenceNumber }
                }
            }
            if outcome.failure != nil { break }
            start += 10
        }
        if !outcome.forwarded.isEmpty {
            do throws(CommerceError) {
                try table.delete(outcome.forwarded)
            } catch {
                // Not a failure of the batch: the messages are on the bus, and their records will not come again
                // unless the batch fails; TTL removes them.
                logger.error("Forwarded messages could not be deleted (TTL will): \(error)")
            }
        }
        logger.info(
            "Forwarded \(outcome.forwarded.count) message(s), \(outcome.alreadyForwarded.count) already forwarded, "
                + "\(outcome.refused.count) refused\(outcome.failure.map { ", retried from \($0)" } ?? "")")
        return outcome
    }
}

/// The forwarder's function: a DynamoDB stream event in, `{"batchItemFailures": [{"itemIdentifier": <sequence
/// number>}]}` out.
public struct OutboxForwarderHandler: LambdaByteHandler {
    public var forwarder: OutboxForwarder

    public init(_ forwarder: OutboxForwarder) { self.forwarder = forwarder }

    public func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let records = Self.records(of: event)
        let outcome = forwarder.forward(records, logger: context.logger)
        return Array(Self.response(outcome.failure).utf8)
    }

    static func records(of event: [UInt8]) -> [OutboxForwarder.Record] {
        guard let decoded = try? JSONDecoder().decode(DynamoDBEvent.self, from: Data(event)) else { return [] }
        return decoded.records.map { record in
            OutboxForwarder.Record(
                sequenceNumber: record.dynamodb.sequenceNumber ?? "", eventName: record.eventName,
                message: record.dynamodb.newImage.flatMap(OutboxMessage.init(newImage:)))
        }
    }

    static func response(_ failure: String?) -> String {
        let failures: [JSONOutput] = failure.map { [.object([("itemIdentifier", .string($0))])] } ?? []
        return JSONOutput.object([("batchItemFailures", .array(failures))]).text
    }
}

/// The outbox table in DynamoDB.
public struct DynamoDBOutboxTable: OutboxTable {
    public var client: DynamoDBClient
    public var tableName: String
    /// Rounds of a batch call's unprocessed keys or items before giving up.
    static let rounds = 5

    public init(client: DynamoDBClient, tableName: String) {
        self.client = client
        self.tableName = tableName
    }

    public func pending(_ ids: [String]) throws(CommerceError) -> Set<String> {
        var found: Set<String> = []
        var keys = ids.map { ["messageId": AttributeValue.s($0)] }
        for _ in 0..<Self.rounds where !keys.isEmpty {
            do throws(DynamoDBError) {
                let output = try client.batchGetItem(
                    BatchGetItemInput(requestItems: [
                        tableName: KeysAndAttributes(
                            keys: keys, consistentRead: true, projectionExpression: "messageId")
                    ]))
                for item in output.responses?[tableName] ?? [] {
                    if case .s(let id)? = item["messageId"] { found.insert(id) }
                }
                keys = output.unprocessedKeys?[tableName]?.keys ?? []
            } catch {
                throw .unrecognized(error)
            }
        }
        guard keys.isEmpty else { throw CommerceError(.unrecognized, "\(keys.count) key(s) stayed unprocessed") }
        return found
    }

    public func delete(_ ids: [String]) throws(CommerceError) {
        var requests = ids.map { WriteRequest(deleteRequest: DeleteRequest(key: ["messageId": .s($0)])) }
        while !requests.isEmpty {
            var batch = Array(requests.prefix(25))
            requests.removeFirst(batch.count)
            for _ in 0..<Self.rounds where !batch.isEmpty {
                do throws(DynamoDBError) {
                    batch =
                        try client.batchWriteItem(BatchWriteItemInput(requestItems: [tableName: batch]))
                        .unprocessedItems?[tableName] ?? []
                } catch {
                    throw .unrecognized(error)
                }
            }
            guard batch.isEmpty else {
                throw CommerceError(.unrecognized, "\(batch.count) delete(s) stayed unprocessed")
            }
        }
    }
}

/// The bus, through EventBridge's PutEvents.
public struct EventBridgePublisher: EventPublisher {
    public var client: AWSJSONClient
    public var busName: String

    public init(client: AWSJSONClient, busName: String) {
        self.client = client
        self.busName = busName
    }

    public func publish(_ messages: [OutboxMessage]) throws(CommerceError) -> [Bool] {
        let request = EventBridge.PutEventsRequest(
            entries: messages.map {
                EventBridge.PutEventsRequestEntry(
                    source: $0.source, detailType: $0.detailType, detail: $0.detail, eventBusName: busName)
            })
        do {
            let response = try client.send(EventBridge.PutEvents.self, request)
            let entries = response.entries ?? []
            return messages.indices.map { $0 < entries.count && entries[$0].errorCode == nil }
        } catch {
            throw .unrecognized(error)
        }
    }
}
