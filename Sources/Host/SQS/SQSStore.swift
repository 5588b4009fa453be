// LIMITATIONS (SQS store): standard queues only (no FIFO, no message move tasks, no tags or permissions); receipt
// handles never expire, so DeleteMessage with any handle ever issued for a message deletes it; ordering is by send
// order (a message moved to a dead-letter queue keeps its place by original send).

import AWSShapes
import Foundation
import GRDB

/// A message to send, as validated by the store.
struct SQSOutgoingMessage: Sendable, Equatable {
    var body: String?
    var delaySeconds: Int?
    var messageAttributes: [String: MessageAttributeValue]?
    var traceHeader: String?
}

/// What a send returns.
struct SQSSendResult: Sendable, Equatable {
    var messageId: String
    var md5OfBody: String
    var md5OfMessageAttributes: String?
}

/// A received message with every system attribute; the API filters what the caller asked for.
struct SQSReceivedMessage: Sendable, Equatable {
    var messageId: String
    var receiptHandle: String
    var body: String
    var md5OfBody: String
    var messageAttributes: [String: MessageAttributeValue]
    /// SenderId, SentTimestamp, ApproximateReceiveCount, ApproximateFirstReceiveTimestamp, and when present
    /// AWSTraceHeader and DeadLetterQueueSourceArn.
    var attributes: [String: String]
}

/// What a receive returns: the messages, and when the next hidden message of the queue becomes visible (a long
/// poll waits at most until then).
struct SQSReceiveResult: Sendable, Equatable {
    var messages: [SQSReceivedMessage]
    var nextVisibleAt: Date?
}

/// Queues and messages of the host's SQS, in the host database. Each operation is one write transaction; a send
/// (or a receive that moves messages to a dead-letter queue) signals ``HostDatabase/commits`` so long polls wake.
final class SQSStore: Sendable {
    let database: HostDatabase
    let region: String
    let account: String
    let now: @Sendable () -> Date

    init(
        database: HostDatabase, region: String = "us-east-1", account: String = "000000000000",
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.region = region
        self.account = account
        self.now = now
    }

    static let migrations: [(identifier: String, migrate: @Sendable (Database) throws -> Void)] = [
        (
            "sqs-1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE sqs_queues (
                            name TEXT PRIMARY KEY, attributes TEXT NOT NULL, created_at REAL NOT NULL,
                            modified_at REAL NOT NULL, last_purge_at REAL);
                        CREATE TABLE sqs_messages (
                            seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, message_id TEXT NOT NULL,
                            body TEXT NOT NULL, message_attributes TEXT, system_attributes TEXT,
                            md5_body TEXT NOT NULL, md5_attributes TEXT, sent_at REAL NOT NULL,
                            first_receive_at REAL, receive_count INTEGER NOT NULL DEFAULT 0,
                            visible_after REAL NOT NULL, receipt_handle TEXT);
                        CREATE INDEX sqs_messages_by_visibility ON sqs_messages (queue, visible_after, seq);
                        CREATE UNIQUE INDEX sqs_messages_by_id ON sqs_messages (queue, message_id);
                        """)
            }
        )
    ]

    func arn(of name: String) -> String { "arn:aws:sqs:\(region):\(account):\(name)" }

    /// The queue name of an ARN of this region and account.
    func name(ofArn arn: String) -> String? {
        let prefix = "arn:aws:sqs:\(region):\(account):"
        return arn.hasPrefix(prefix) ? String(arn.dropFirst(prefix.count)) : nil
    }

    // MARK: queues

    /// Creates a queue, or returns the existing one when every given attribute has the same value.
    @discardableResult
    func createQueue(name: String, attributes: [String: String] = [:]) throws -> SQSQueue {
        try SQSQueue.validateName(name)
        let given = try SQSQueue.validate(attributes)
        return try database.write(notify: false) { db in
            let now = now()
            if let existing = try Self.queue(db, name) {
                for (key, value) in given.sorted(by: { $0.key < $1.key })
                where (existing.attributes[key] ?? SQSQueue.defaults[key] ?? "") != value {
                    throw SQSError.queueAlreadyExists(attribute: key)
                }
                return existing
            }
            try checkRedriveTarget(db, given)
            var merged = SQSQueue.defaults
            merged.merge(given.filter { !$0.value.isEmpty }) { _, new in new }
            let queue = SQSQueue(name: name, attributes: merged, createdAt: now, modifiedAt: now)
            try Self.run(
                db, "INSERT INTO sqs_queues (name, attributes, created_at, modified_at) VALUES (?, ?, ?, ?)",
                [name, try Self.json(merged), now.timeIntervalSince1970, now.timeIntervalSince1970])
            return queue
        }
    }

    private func checkRedriveTarget(_ db: Database, _ attributes: [String: String]) throws {
        guard let json = attributes["RedrivePolicy"], !json.isEmpty, let policy = SQSRedrivePolicy(json: json) else {
            return
        }
        guard let target = name(ofArn: policy.deadLetterTargetArn), try Self.queue(db, target) != nil else {
            throw SQSError.invalidParameter("RedrivePolicy", json, reason: "Dead letter target does not exist.")
        }
    }

    func queue(named name: String) throws -> SQSQueue? {
        try database.read { db in try Self.queue(db, name) }
    }

    func queueNames(prefix: String? = nil) throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqs_queues ORDER BY name").filter {
                prefix.map($0.hasPrefix) ?? true
            }
        }
    }

    func setAttributes(queue name: String, _ attributes: [String: String]) throws {
        if let fifo = attributes.keys.first(where: { $0 == "FifoQueue" }) {
            throw SQSError.invalidAttributeName("Unknown Attribute \(fifo).")
        }
        let given = try SQSQueue.validate(attributes)
        try database.write(notify: true) { db in
            guard var queue = try Self.queue(db, name) else { throw SQSError.queueDoesNotExist }
            try checkRedriveTarget(db, given)
            for (key, value) in given {
                queue.attributes[key] = value.isEmpty ? nil : value
            }
            try Self.run(
                db, "UPDATE sqs_queues SET attributes = ?, modified_at = ? WHERE name = ?",
                [try Self.json(queue.attributes), now().timeIntervalSince1970, name])
        }
    }

    /// The queue's attributes, stored and computed (message counts, ARN, timestamps).
    func attributes(queue name: String) throws -> [String: String] {
        try database.read { db in
            guard let queue = try Self.queue(db, name) else { throw SQSError.queueDoesNotExist }
            let now = now().timeIntervalSince1970
            let oldest = now - Double(queue.retentionPeriod)
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT
                        SUM(visible_after <= :now), SUM(visible_after > :now AND receive_count = 0),
                        SUM(visible_after > :now AND receive_count > 0)
                    FROM sqs_messages WHERE queue = :queue AND sent_at > :oldest
                    """, arguments: ["now": now, "queue": name, "oldest": oldest])
            var attributes = queue.attributes
            attributes["ApproximateNumberOfMessages"] = String((row?[0] as Int?) ?? 0)
            attributes["ApproximateNumberOfMessagesDelayed"] = String((row?[1] as Int?) ?? 0)
            attributes["ApproximateNumberOfMessagesNotVisible"] = String((row?[2] as Int?) ?? 0)
            attributes["CreatedTimestamp"] = String(Int(queue.createdAt.timeIntervalSince1970))
            attributes["LastModifiedTimestamp"] = String(Int(queue.modifiedAt.timeIntervalSince1970))
            attributes["QueueArn"] = arn(of: name)
            return attributes
        }
    }

    func deleteQueue(_ name: String) throws {
        try database.write(notify: true) { db in
            guard try Self.queue(db, name) != nil else { throw SQSError.queueDoesNotExist }
            try Self.run(db, "DELETE FROM sqs_messages WHERE queue = ?", [name])
            try Self.run(db, "DELETE FROM sqs_queues WHERE name = ?", [name])
        }
    }

    /// Deletes every message; a second purge within 60 seconds fails as in AWS.
    func purge(_ name: String) throws {
        try database.write(notify: true) { db in
            guard let queue = try Self.queue(db, name) else { throw SQSError.queueDoesNotExist }
            let now = now()
            if let last = queue.lastPurgeAt, now.timeIntervalSince(last) < 60 {
                throw SQSError.purgeQueueInProgress(name)
            }
            try Self.run(db, "DELETE FROM sqs_messages WHERE queue = ?", [name])
            try Self.run(
                db, "UPDATE sqs_queues SET last_purge_at = ? WHERE name = ?", [now.timeIntervalSince1970, name])
        }
    }

    // MARK: messages

    func send(queue name: String, _ message: SQSOutgoingMessage) throws -> SQSSendResult {
        try database.write(notify: true) { db in
            guard let queue = try Self.queue(db, name) else { throw SQSError.queueDoesNotExist }
            return try insert(db, queue: queue, message)
        }
    }

    /// Sends inside the caller's write transaction (an EventBridge target, a Pipe): the message commits, or not,
    /// with the caller's own work, and the commit wakes long polls.
    func send(in db: Database, queue name: String, _ message: SQSOutgoingMessage) throws -> SQSSendResult {
        guard let queue = try Self.queue(db, name) else { throw SQSError.queueDoesNotExist }
        return try insert(db, queue: queue, message)
    }

    /// Sends several messages in one transaction; each entry succeeds or fails on its own.
    func sendBatch(queue name: String, _ messages: [SQSOutgoingMessage]) throws -> [Result<SQSSendResult, SQSError>] {
        try database.write(notify: true) { db in
            guard let queue = try Self.queue(db, name) else { throw SQSError.queueDoesNotExist }
            return try messages.map { message in
                do {
                    return .success(try insert(db, queue: queue, message))
                } catch let error as SQSError {
                    return .failure(error)
                }
            }
        }
    }

    static func validate(_ message: SQSOutgoingMessage, queue: SQSQueue) throws -> String {
        guard let body = message.body, !body.isEmpty else { throw SQSError.missingParameter("MessageBody") }
        let validCharacters = body.unicodeScalars.allSatisfy { scalar in
            let value = scalar.value
            return value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
                || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
        }
        guard validCharacters else {
            throw SQSError.invalidParameterValue(
                "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
            )
        }
        if let delay = message.delaySeconds, !(0...900).contains(delay) {
            throw SQSError.invalidParameter(
                "DelaySeconds", String(delay), reason: "Must be >= 0 and <= 900, if provided.")
        }
        var size = body.utf8.count
        for (name, value) in message.messageAttributes ?? [:] {
            let type = value.dataType.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            switch type {
            case "String", "Number":
                guard let text = value.stringValue, !text.isEmpty else {
                    throw SQSError.invalidParameterValue(
                        "Message (user) attribute '\(name)' must contain a non-empty value of type '\(type)'.")
                }
                size += text.utf8.count
            case "Binary":
                guard let binary = value.binaryValue, !binary.isEmpty else {
                    throw SQSError.invalidParameterValue(
                        "Message (user) attribute '\(name)' must contain a non-empty value of type 'Binary'.")
                }
                size += binary.count
            default:
                throw SQSError.invalidParameterValue(
                    "The type of message (user) attribute '\(name)' is invalid. You must use only the following supported type prefixes: Binary, Number, String."
                )
            }
            size += name.utf8.count + value.dataType.utf8.count
        }
        if (message.messageAttributes?.count ?? 0) > 10 {
            throw SQSError.invalidParameterValue(
                "Number of message attributes [\(message.messageAttributes!.count)] exceeds the allowed maximum [10].")
        }
        guard size <= queue.maximumMessageSize else {
            throw SQSError.invalidParameterValue(
                "One or more parameters are invalid. Reason: Message must be shorter than \(queue.maximumMessageSize) bytes."
            )
        }
        return body
    }

    private func insert(_ db: Database, queue: SQSQueue, _ message: SQSOutgoingMessage) throws -> SQSSendResult {
        let body = try Self.validate(message, queue: queue)
        let now = now()
        let delay = message.delaySeconds ?? queue.delaySeconds
        let messageId = Identifiers.uuid()
        let md5OfBody = SQSDigest.md5Hex(body)
        let attributes = message.messageAttributes.flatMap { $0.isEmpty ? nil : $0 }
        let md5OfAttributes = SQSDigest.md5OfAttributes(attributes)
        let system = message.traceHeader.map { ["AWSTraceHeader": $0] }
        try Self.run(
            db,
            """
            INSERT INTO sqs_messages (queue, message_id, body, message_attributes, system_attributes, md5_body,
                md5_attributes, sent_at, visible_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                queue.name, messageId, body, try attributes.map(Self.json), try system.map(Self.json), md5OfBody,
                md5OfAttributes, now.timeIntervalSince1970, now.timeIntervalSince1970 + Double(delay),
            ])
        return SQSSendResult(messageId: messageId, md5OfBody: md5OfBody, md5OfMessageAttributes: md5OfAttributes)
    }

    /// Receives up to `maxMessages` visible messages, oldest first. Messages past retention are deleted; messages
    /// whose receive count is used up move to the dead-letter queue instead of being returned.
    func receive(queue name: String, maxMessages: Int = 1, visibilityTimeout: Int? = nil) throws -> SQSReceiveResult {
        var moved = false
        let result = try database.write(notify: false) { db -> SQSReceiveResult in
            guard let queue = try Self.queue(db, name) else { throw SQSError.queueDoesNotExist }
            let now = now()
            let nowSeconds = now.timeIntervalSince1970
            let retention = Double(queue.retentionPeriod)
            try Self.run(
                db, "DELETE FROM sqs_messages WHERE queue = ? AND sent_at <= ?", [name, nowSeconds - retention])
            var deadLetterQueue: String?
            var maxReceiveCount: Int?
            if let policy = queue.redrivePolicy, let target = self.name(ofArn: policy.deadLetterTargetArn),
                target != name, try Self.queue(db, target) != nil
            {
                deadLetterQueue = target
                maxReceiveCount = policy.maxReceiveCount
            }
            let statePolicy = SQSMessageStateMachine.Policy(
                retentionPeriod: retention, visibilityTimeout: Double(visibilityTimeout ?? queue.visibilityTimeout),
                maxReceiveCount: maxReceiveCount)
            var received: [SQSReceivedMessage] = []
            var after: Int64 = 0
            scan: while received.count < maxMessages {
                let rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT seq, message_id, body, message_attributes, system_attributes, md5_body, sent_at,
                                first_receive_at, receive_count, visible_after
                            FROM sqs_messages WHERE queue = ? AND visible_after <= ? AND seq > ? ORDER BY seq LIMIT ?
                            """), arguments: [name, nowSeconds, after, maxMessages - received.count])
                if rows.isEmpty { break }
                for row in rows {
                    let seq: Int64 = row["seq"]
                    after = seq
                    let state = SQSMessageStateMachine.Message(
                        sentAt: Date(timeIntervalSince1970: row["sent_at"]), receiveCount: row["receive_count"],
                        visibleAfter: Date(timeIntervalSince1970: row["visible_after"]))
                    switch SQSMessageStateMachine.receive(state, policy: statePolicy, now: now) {
                    case .skip, .expire:
                        continue
                    case .moveToDeadLetterQueue:
                        var system = try Self.decode([String: String].self, row["system_attributes"]) ?? [:]
                        system["DeadLetterQueueSourceArn"] = arn(of: name)
                        try Self.run(
                            db,
                            """
                            UPDATE sqs_messages SET queue = ?, system_attributes = ?, visible_after = ?,
                                receipt_handle = NULL WHERE seq = ?
                            """, [deadLetterQueue!, try Self.json(system), nowSeconds, seq])
                        moved = true
                    case .deliver(let receiveCount, let visibleAfter):
                        let messageId: String = row["message_id"]
                        let handle = Self.receiptHandle(messageId: messageId)
                        let firstReceive: Double = row["first_receive_at"] ?? nowSeconds
                        try Self.run(
                            db,
                            """
                            UPDATE sqs_messages SET receive_count = ?, first_receive_at = ?, visible_after = ?,
                                receipt_handle = ? WHERE seq = ?
                            """, [receiveCount, firstReceive, visibleAfter.timeIntervalSince1970, handle, seq])
                        var attributes = try Self.decode([String: String].self, row["system_attributes"]) ?? [:]
                        attributes["SenderId"] = account
                        attributes["SentTimestamp"] = Self.milliseconds(row["sent_at"])
                        attributes["ApproximateReceiveCount"] = String(receiveCount)
                        attributes["ApproximateFirstReceiveTimestamp"] = Self.milliseconds(firstReceive)
                        received.append(
                            SQSReceivedMessage(
                                messageId: messageId, receiptHandle: handle, body: row["body"],
                                md5OfBody: row["md5_body"],
                                messageAttributes: try Self.decode(
                                    [String: MessageAttributeValue].self, row["message_attributes"]) ?? [:],
                                attributes: attributes))
                        if received.count == maxMessages { break scan }
                    }
                }
            }
            let next = try Double.fetchOne(
                db, sql: "SELECT MIN(visible_after) FROM sqs_messages WHERE queue = ? AND visible_after > ?",
                arguments: [name, nowSeconds])
            if moved {
                let commits = database.commits
                db.afterNextTransaction { _ in commits.signal() }
            }
            return SQSReceiveResult(messages: received, nextVisibleAt: next.map(Date.init(timeIntervalSince1970:)))
        }
        return result
    }

    /// Deletes the message a receipt handle was issued for (any handle ever issued for it; a handle of a message
    /// already deleted succeeds).
    func delete(queue name: String, receiptHandle: String) throws {
        try deleteBatch(queue: name, receiptHandles: [receiptHandle]).first?.get()
    }

    /// Deletes several messages in one transaction; each handle succeeds or fails on its own.
    func deleteBatch(queue name: String, receiptHandles: [String]) throws -> [Result<Void, SQSError>] {
        try database.write(notify: false) { db in
            guard try Self.queue(db, name) != nil else { throw SQSError.queueDoesNotExist }
            return try receiptHandles.map { handle in
                guard let messageId = Self.messageId(ofReceiptHandle: handle) else {
                    return .failure(.receiptHandleIsInvalid(handle))
                }
                try Self.run(db, "DELETE FROM sqs_messages WHERE queue = ? AND message_id = ?", [name, messageId])
                return .success(())
            }
        }
    }

    /// Changes the visibility timeout of an in-flight message, counting from now; 0 makes it visible now.
    func changeVisibility(queue name: String, receiptHandle: String, timeout: Int) throws {
        try Self.checkVisibilityChange(receiptHandle: receiptHandle, timeout: timeout)
        try changeVisibilityBatch(queue: name, [(receiptHandle, timeout)]).first?.get()
    }

    /// Changes the visibility of several messages in one transaction; each entry succeeds or fails on its own.
    func changeVisibilityBatch(queue name: String, _ entries: [(receiptHandle: String, timeout: Int)]) throws
        -> [Result<Void, SQSError>]
    {
        try database.write(notify: true) { db in
            guard let queue = try Self.queue(db, name) else { throw SQSError.queueDoesNotExist }
            let now = now()
            return try entries.map { entry in
                do {
                    try Self.checkVisibilityChange(receiptHandle: entry.receiptHandle, timeout: entry.timeout)
                    try changeVisibility(
                        db, queue: queue, receiptHandle: entry.receiptHandle, timeout: entry.timeout, now: now)
                    return .success(())
                } catch let error as SQSError {
                    return .failure(error)
                }
            }
        }
    }

    private static func checkVisibilityChange(receiptHandle: String, timeout: Int) throws {
        guard (0...43_200).contains(timeout) else {
            throw SQSError.invalidParameter(
                "VisibilityTimeout", String(timeout), reason: "Must be >= 0 and <= 43200, if provided.")
        }
        guard messageId(ofReceiptHandle: receiptHandle) != nil else {
            throw SQSError.receiptHandleIsInvalid(receiptHandle)
        }
    }

    private func changeVisibility(_ db: Database, queue: SQSQueue, receiptHandle: String, timeout: Int, now: Date)
        throws
    {
        let messageId = Self.messageId(ofReceiptHandle: receiptHandle) ?? ""
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT seq, sent_at, receive_count, visible_after, receipt_handle FROM sqs_messages
                    WHERE queue = ? AND message_id = ?
                    """, arguments: [queue.name, messageId]),
            (row["receipt_handle"] as String?) == receiptHandle
        else {
            throw SQSError.invalidParameter("ReceiptHandle", receiptHandle, reason: "The receipt handle has expired.")
        }
        let message = SQSMessageStateMachine.Message(
            sentAt: Date(timeIntervalSince1970: row["sent_at"]), receiveCount: row["receive_count"],
            visibleAfter: Date(timeIntervalSince1970: row["visible_after"]))
        guard
            let visibleAfter = SQSMessageStateMachine.changeVisibility(
                message, timeout: Double(timeout), retentionPeriod: Double(queue.retentionPeriod), now: now)
        else { throw SQSError.messageNotInflight() }
        try Self.run(
            db, "UPDATE sqs_messages SET visible_after = ? WHERE seq = ?",
            [visibleAfter.timeIntervalSince1970, row["seq"] as Int64])
    }

    // MARK: helpers

    /// A receipt handle names its message and is new for every receive: base64 of `<MessageId>:<random UUID>`.
    static func receiptHandle(messageId: String) -> String {
        Data("\(messageId):\(Identifiers.uuid())".utf8).base64EncodedString()
    }

    static func messageId(ofReceiptHandle handle: String) -> String? {
        guard let data = Data(base64Encoded: handle), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        let id = String(text[..<colon])
        return id.isEmpty ? nil : id
    }

    static func milliseconds(_ seconds: Double) -> String { String(Int64((seconds * 1000).rounded(.down))) }

    static func queue(_ db: Database, _ name: String) throws -> SQSQueue? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT attributes, created_at, modified_at, last_purge_at FROM sqs_queues WHERE name = ?"),
                arguments: [name])
        else { return nil }
        return SQSQueue(
            name: name, attributes: try decode([String: String].self, row["attributes"]) ?? [:],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            modifiedAt: Date(timeIntervalSince1970: row["modified_at"]),
            lastPurgeAt: (row["last_purge_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    static func run(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text else { return nil }
        return try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// Creates the topology's queues that do not exist yet (dead-letter queues first).
    func ensureQueues(_ queues: [QueueConfiguration]) throws {
        let ordered = queues.sorted { ($0.deadLetterQueue == nil ? 0 : 1) < ($1.deadLetterQueue == nil ? 0 : 1) }
        for queue in ordered where try self.queue(named: queue.name) == nil {
            var attributes = ["VisibilityTimeout": String(queue.visibilityTimeout)]
            if let retention = queue.messageRetentionPeriod { attributes["MessageRetentionPeriod"] = String(retention) }
            if let wait = queue.receiveMessageWaitTime { attributes["ReceiveMessageWaitTimeSeconds"] = String(wait) }
            if let dlq = queue.deadLetterQueue {
                attributes["RedrivePolicy"] =
                    #"{"deadLetterTargetArn":"\#(arn(of: dlq))","maxReceiveCount":\#(queue.maxReceiveCount)}"#
            }
            _ = try createQueue(name: queue.name, attributes: attributes)
        }
    }
}
