// LIMITATIONS (SQS store): no tags or permissions (message move tasks: see SQSMoveTasks.swift). Standard queues:
// receipt handles never expire, so DeleteMessage with any handle ever issued for a message deletes it; ordering is
// by send order (a message moved to a dead-letter queue keeps its place by original send). FIFO queues: groups are
// served in the order of their oldest message (AWS rotates groups it has just served to the back); the
// deduplication window is exactly 5 minutes from the first send; a message's delay is always the queue's.

import AWSShapes
import Foundation
import GRDB
import Synchronization

/// A message to send, as validated by the store.
struct SQSOutgoingMessage: Sendable, Equatable {
    var body: String?
    var delaySeconds: Int?
    var messageAttributes: [String: SQS.MessageAttributeValue]?
    var traceHeader: String?
    /// Required by FIFO queues; a standard (fair) queue keeps it as an attribute.
    var groupId: String?
    /// FIFO queues only; without it a queue with ContentBasedDeduplication uses the SHA-256 of the body.
    var deduplicationId: String?
}

/// What a send returns.
struct SQSSendResult: Sendable, Equatable {
    var messageId: String
    var md5OfBody: String
    var md5OfMessageAttributes: String?
    /// FIFO queues: the message's place in the queue (a duplicate send returns the original's).
    var sequenceNumber: String?
}

/// A received message with every system attribute; the API filters what the caller asked for.
struct SQSReceivedMessage: Sendable, Equatable {
    var messageId: String
    var receiptHandle: String
    var body: String
    var md5OfBody: String
    var messageAttributes: [String: SQS.MessageAttributeValue]
    /// SenderId, SentTimestamp, ApproximateReceiveCount, ApproximateFirstReceiveTimestamp, and when present
    /// AWSTraceHeader, DeadLetterQueueSourceArn, MessageGroupId and (FIFO) MessageDeduplicationId and
    /// SequenceNumber.
    var attributes: [String: String]
}

/// What a receive returns: the messages, and when the next hidden message of the queue becomes visible (a long
/// poll waits at most until then).
struct SQSReceiveResult: Sendable, Equatable {
    var messages: [SQSReceivedMessage]
    var nextVisibleAt: Date?
}

/// Queues and messages of the host's SQS, in the host database. Each operation is one write transaction; a send
/// (or a receive that moves messages to a dead-letter queue) signals the queue's topic (``HostDatabase/notify(_:_:)``) so its long polls and pollers wake.
final class SQSStore: Sendable, ServiceStore {
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

    static let migrations: [StoreMigration] = [
        StoreMigration(
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
        ),
        StoreMigration(
            // FIFO queues and message move tasks. A message's group and deduplication id (FIFO, and the group of a
            // fair standard queue); `move_task` marks the messages a move task found in its source when it started.
            // `sqs_messages_in_order` lets a FIFO receive walk a queue in send order without sorting or reading
            // the rows it skips; `sqs_messages_by_group` walks one group in order.
            "sqs-2",
            { db in
                try db.execute(
                    sql: """
                        ALTER TABLE sqs_messages ADD COLUMN group_id TEXT;
                        ALTER TABLE sqs_messages ADD COLUMN deduplication_id TEXT;
                        ALTER TABLE sqs_messages ADD COLUMN move_task TEXT;
                        CREATE INDEX sqs_messages_in_order ON sqs_messages (queue, seq, visible_after, group_id)
                            WHERE group_id IS NOT NULL;
                        CREATE INDEX sqs_messages_by_group ON sqs_messages (queue, group_id, seq)
                            WHERE group_id IS NOT NULL;
                        CREATE INDEX sqs_messages_by_move_task ON sqs_messages (move_task, seq)
                            WHERE move_task IS NOT NULL;
                        CREATE TABLE sqs_deduplication (
                            queue TEXT NOT NULL, scope TEXT NOT NULL, deduplication_id TEXT NOT NULL,
                            message_id TEXT NOT NULL, sequence_number TEXT NOT NULL, expires_at REAL NOT NULL,
                            PRIMARY KEY (queue, scope, deduplication_id));
                        CREATE INDEX sqs_deduplication_by_expiry ON sqs_deduplication (queue, expires_at);
                        CREATE TABLE sqs_move_tasks (
                            id TEXT PRIMARY KEY, source_arn TEXT NOT NULL, destination_arn TEXT,
                            max_per_second INTEGER, status TEXT NOT NULL, to_move INTEGER NOT NULL,
                            moved INTEGER NOT NULL DEFAULT 0, started_at REAL NOT NULL, failure_reason TEXT);
                        CREATE INDEX sqs_move_tasks_by_source ON sqs_move_tasks (source_arn, started_at);
                        CREATE INDEX sqs_move_tasks_running ON sqs_move_tasks (status) WHERE status = 'RUNNING';
                        """)
            }
        ),
        StoreMigration(
            // A receive deletes what is past retention and scans in send order: both by index, so a receive costs
            // the same with ten messages in the queue or a hundred thousand.
            "sqs-3",
            { db in
                try db.execute(
                    sql: """
                        CREATE INDEX sqs_messages_by_age ON sqs_messages (queue, sent_at);
                        CREATE INDEX sqs_messages_by_seq ON sqs_messages (queue, seq, visible_after);
                        """)
            }
        ),
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
        let fifo = SQSQueue.wantsFifo(attributes)
        try SQSQueue.validateName(name, fifo: fifo)
        let given = try SQSQueue.validate(attributes, fifo: fifo)
        return try database.write { db in
            let now = now()
            if let existing = try Self.queue(db, name) {
                for (key, value) in given.sorted(by: { $0.key < $1.key })
                where (existing.attributes[key] ?? SQSQueue.defaults[key] ?? "") != value {
                    throw SQSError.queueAlreadyExists(attribute: key)
                }
                return existing
            }
            try checkRedriveTarget(db, given, fifo: fifo)
            var merged = SQSQueue.defaults
            if fifo { merged.merge(SQSQueue.fifoDefaults) { _, fifo in fifo } }
            merged.merge(given.filter { !$0.value.isEmpty }) { _, new in new }
            let queue = SQSQueue(name: name, attributes: merged, createdAt: now, modifiedAt: now)
            try Self.run(
                db, "INSERT INTO sqs_queues (name, attributes, created_at, modified_at) VALUES (?, ?, ?, ?)",
                [name, try Self.json(merged), now.timeIntervalSince1970, now.timeIntervalSince1970])
            return queue
        }
    }

    /// The dead-letter queue must exist and be of the source's type (FIFO or standard).
    private func checkRedriveTarget(_ db: Database, _ attributes: [String: String], fifo: Bool) throws {
        guard let json = attributes["RedrivePolicy"], !json.isEmpty, let policy = SQSRedrivePolicy(json: json) else {
            return
        }
        guard let target = name(ofArn: policy.deadLetterTargetArn), let queue = try Self.queue(db, target) else {
            throw SQSError.invalidParameter("RedrivePolicy", json, reason: "Dead letter target does not exist.")
        }
        guard queue.isFifo == fifo else {
            throw SQSError.invalidParameter(
                "RedrivePolicy", json, reason: "Dead-letter queue must be same type of queue as the source.")
        }
    }

    /// The queue, from the cache when a write has put it there (ReceiveMessage asks on every call). A reader's
    /// snapshot may predate a write committing beside it, so what a read finds is never cached: only writes, which
    /// are serialised with the changes that forget a queue, fill the cache.
    func queue(named name: String) throws -> SQSQueue? {
        if let queue = queueCache.withLock({ $0[name] }) { return queue }
        return try database.read { db in try Self.queue(db, name) }
    }

    func queueNames(prefix: String? = nil) throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, SQLRequest(sql: "SELECT name FROM sqs_queues ORDER BY name", cached: true)).filter {
                prefix.map($0.hasPrefix) ?? true
            }
        }
    }

    /// Sets attributes; a FIFO queue accepts its FIFO attributes (`FifoQueue` only as `true`), a standard queue
    /// none of them.
    func setAttributes(queue name: String, _ attributes: [String: String]) throws {
        try database.write { db in
            guard var queue = try Self.queue(db, name) else { throw SQSError.queueDoesNotExist }
            let given = try SQSQueue.validate(attributes, fifo: queue.isFifo)
            try checkRedriveTarget(db, given, fifo: queue.isFifo)
            for (key, value) in given {
                queue.attributes[key] = value.isEmpty ? nil : value
            }
            try Self.run(
                db, "UPDATE sqs_queues SET attributes = ?, modified_at = ? WHERE name = ?",
                [try Self.json(queue.attributes), now().timeIntervalSince1970, name])
            forget(name)
            database.notify(db, .queue(name))
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
                SQLRequest(
                    sql: """
                        SELECT
                            SUM(visible_after <= :now), SUM(visible_after > :now AND receive_count = 0),
                            SUM(visible_after > :now AND receive_count > 0)
                        FROM sqs_messages WHERE queue = :queue AND sent_at > :oldest
                        """, arguments: ["now": now, "queue": name, "oldest": oldest], cached: true))
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
        try database.write { db in
            guard try Self.queue(db, name) != nil else { throw SQSError.queueDoesNotExist }
            try Self.run(db, "DELETE FROM sqs_messages WHERE queue = ?", [name])
            try Self.run(db, "DELETE FROM sqs_deduplication WHERE queue = ?", [name])
            try Self.run(db, "DELETE FROM sqs_queues WHERE name = ?", [name])
            forget(name)
            database.notify(db, .queue(name))
        }
    }

    /// Deletes every message; a second purge within 60 seconds fails as in AWS.
    func purge(_ name: String) throws {
        try database.write { db in
            guard let queue = try Self.queue(db, name) else { throw SQSError.queueDoesNotExist }
            let now = now()
            if let last = queue.lastPurgeAt, now.timeIntervalSince(last) < 60 {
                throw SQSError.purgeQueueInProgress(name)
            }
            try Self.run(db, "DELETE FROM sqs_messages WHERE queue = ?", [name])
            try Self.run(
                db, "UPDATE sqs_queues SET last_purge_at = ? WHERE name = ?", [now.timeIntervalSince1970, name])
            forget(name)
            database.notify(db, .queue(name))
        }
    }

    // MARK: messages

    func send(queue name: String, _ message: SQSOutgoingMessage) throws -> SQSSendResult {
        try database.write { db in
            guard let queue = try cachedQueue(db, name) else { throw SQSError.queueDoesNotExist }
            return try insert(db, queue: queue, message)
        }
    }

    /// Sends inside the caller's write transaction (an EventBridge target, a Pipe): the message commits, or not,
    /// with the caller's own work, and the commit wakes long polls.
    func send(in db: Database, queue name: String, _ message: SQSOutgoingMessage) throws -> SQSSendResult {
        guard let queue = try cachedQueue(db, name) else { throw SQSError.queueDoesNotExist }
        return try insert(db, queue: queue, message)
    }

    /// Sends several messages in one transaction; each entry succeeds or fails on its own.
    func sendBatch(queue name: String, _ messages: [SQSOutgoingMessage]) throws -> [Result<SQSSendResult, SQSError>] {
        try database.write { db in
            guard let queue = try cachedQueue(db, name) else { throw SQSError.queueDoesNotExist }
            return try messages.map { message in
                do {
                    return .success(try insert(db, queue: queue, message))
                } catch let error as SQSError {
                    return .failure(error)
                }
            }
        }
    }

    /// A message attribute's name, checked as SQS checks it (docs/aws-behaviour-notes.md §10).
    static func validateAttributeName(_ name: String) throws {
        if name.utf8.count >= 256 {
            throw SQSError.invalidParameterValue("Message (user) attribute names must be shorter than 256 Bytes")
        }
        let allowed =
            !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x2D || byte == 0x5F
            }
        guard allowed else {
            throw SQSError.invalidParameterValue(
                "Message (user) attributes name can only contain upper and lower score characters, digits, periods, "
                    + "hyphens and underscores. ")
        }
        let lower = name.lowercased()
        if lower.hasPrefix("aws.") || lower.hasPrefix("amazon.") || name.hasPrefix(".") || name.hasSuffix(".")
            || name.contains("..")
        {
            throw SQSError.invalidParameterValue(
                "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved "
                    + "for internal use. Additionally, they cannot start or end with '.'.")
        }
    }

    static func validate(_ message: SQSOutgoingMessage, queue: SQSQueue) throws -> String {
        guard let body = message.body, !body.isEmpty else { throw SQSError.missingParameter("MessageBody") }
        let invalid = body.unicodeScalars.first { scalar in
            let value = scalar.value
            return
                !(value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
                || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value))
        }
        if let invalid { throw SQSError.invalidMessageContents(invalid) }
        if let delay = message.delaySeconds, !(0...900).contains(delay) {
            throw SQSError.invalidParameter(
                "DelaySeconds", String(delay), reason: "Must be >= 0 and <= 900, if provided.")
        }
        var size = body.utf8.count
        for (name, value) in message.messageAttributes ?? [:] {
            try validateAttributeName(name)
            if value.dataType.utf8.count >= 256 {
                throw SQSError.invalidParameterValue("Message (user) attribute types must be shorter than 256 Bytes")
            }
            let type = value.dataType.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            if type == "Number", let text = value.stringValue, !text.isEmpty, Double(text) == nil {
                throw SQSError.invalidParameterValue(
                    "Can't cast the value of message (user) attribute '\(name)' to a number.")
            }
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

    /// MessageGroupId and MessageDeduplicationId: 1 to 128 ASCII letters, digits and punctuation.
    static func checkFifoId(_ value: String?, _ parameter: String) throws {
        guard let value else { return }
        guard (1...128).contains(value.utf8.count), value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw SQSError.invalidParameter(
                parameter, value,
                reason: "\(parameter) can only include alphanumeric and punctuation characters. 1 to 128 in length.")
        }
    }

    /// How long a FIFO queue remembers a deduplication id.
    static let deduplicationInterval: TimeInterval = 300

    private func insert(_ db: Database, queue: SQSQueue, _ message: SQSOutgoingMessage) throws -> SQSSendResult {
        try Self.checkFifoId(message.groupId, "MessageGroupId")
        try Self.checkFifoId(message.deduplicationId, "MessageDeduplicationId")
        let body = try Self.validate(message, queue: queue)
        let now = now()
        let md5OfBody = SQSDigest.md5Hex(body)
        let attributes = message.messageAttributes.flatMap { $0.isEmpty ? nil : $0 }
        let md5OfAttributes = SQSDigest.md5OfAttributes(attributes)
        var deduplication: (scope: String, id: String)?
        if queue.isFifo {
            if let delay = message.delaySeconds, delay != 0 {
                throw SQSError.invalidParameter(
                    "DelaySeconds", String(delay),
                    reason: "The request include parameter that is not valid for this queue type.")
            }
            guard let groupId = message.groupId else { throw SQSError.missingParameter("MessageGroupId") }
            guard
                let id = message.deduplicationId
                    ?? (queue.contentBasedDeduplication ? SQSDigest.sha256Hex(body) : nil)
            else {
                throw SQSError.invalidParameterValue(
                    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
                )
            }
            let scope = queue.deduplicatesPerGroup ? groupId : ""
            deduplication = (scope, id)
            try Self.run(
                db, "DELETE FROM sqs_deduplication WHERE queue = ? AND expires_at <= ?",
                [queue.name, now.timeIntervalSince1970])
            if let original = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT message_id, sequence_number FROM sqs_deduplication
                        WHERE queue = ? AND scope = ? AND deduplication_id = ?
                        """), arguments: [queue.name, scope, id])
            {
                // A duplicate within the interval is accepted and answered as the original, but not enqueued.
                return SQSSendResult(
                    messageId: original["message_id"], md5OfBody: md5OfBody, md5OfMessageAttributes: md5OfAttributes,
                    sequenceNumber: original["sequence_number"])
            }
        } else if let id = message.deduplicationId {
            throw SQSError.invalidParameter(
                "MessageDeduplicationId", id,
                reason: "The request include parameter that is not valid for this queue type")
        }
        // A FIFO queue delays every message by its own DelaySeconds (a message's 0 changes nothing).
        let delay = queue.isFifo ? queue.delaySeconds : message.delaySeconds ?? queue.delaySeconds
        let messageId = Identifiers.uuid()
        let system = message.traceHeader.map { ["AWSTraceHeader": $0] }
        try Self.run(
            db,
            """
            INSERT INTO sqs_messages (queue, message_id, body, message_attributes, system_attributes, md5_body,
                md5_attributes, sent_at, visible_after, group_id, deduplication_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                queue.name, messageId, body, attributes.map(\.jsonText), try system.map(Self.json), md5OfBody,
                md5OfAttributes, now.timeIntervalSince1970, now.timeIntervalSince1970 + Double(delay),
                message.groupId, deduplication?.id,
            ])
        database.notify(db, .queue(queue.name))
        var sequenceNumber: String?
        if let deduplication {
            let number = Self.sequenceNumber(db.lastInsertedRowID)
            sequenceNumber = number
            try Self.run(
                db,
                """
                INSERT INTO sqs_deduplication (queue, scope, deduplication_id, message_id, sequence_number, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                """,
                [
                    queue.name, deduplication.scope, deduplication.id, messageId, number,
                    now.timeIntervalSince1970 + Self.deduplicationInterval,
                ])
        }
        return SQSSendResult(
            messageId: messageId, md5OfBody: md5OfBody, md5OfMessageAttributes: md5OfAttributes,
            sequenceNumber: sequenceNumber)
    }

    /// A FIFO message's SequenceNumber: 20 digits, increasing with the row's `seq` (which is global and only grows).
    static func sequenceNumber(_ seq: Int64) -> String {
        let digits = String(seq)
        return "1" + String(repeating: "0", count: max(0, 19 - digits.count)) + digits
    }

    /// The columns a receive reads.
    private static let receiveColumns = """
        seq, message_id, body, message_attributes, system_attributes, md5_body, sent_at, first_receive_at,
        receive_count, visible_after, group_id, deduplication_id
        """

    /// Receives up to `maxMessages` visible messages, oldest first. Messages past retention are deleted; messages
    /// whose receive count is used up move to the dead-letter queue instead of being returned. A FIFO queue hands
    /// out its message groups in order: a group's messages in send order up to the first one that is not visible
    /// (in flight or delayed), several of the same group in one receive, then the next group (groups in the order
    /// of their oldest message).
    func receive(queue name: String, maxMessages: Int = 1, visibilityTimeout: Int? = nil) throws -> SQSReceiveResult {
        var moved = false
        let result = try database.write { db -> SQSReceiveResult in
            guard let queue = try cachedQueue(db, name) else { throw SQSError.queueDoesNotExist }
            let now = now()
            let nowSeconds = now.timeIntervalSince1970
            let retention = Double(queue.retentionPeriod)
            try Self.run(
                db, "DELETE FROM sqs_messages WHERE queue = ? AND sent_at <= ?", [name, nowSeconds - retention])
            var deadLetterQueue: String?
            var maxReceiveCount: Int?
            if let policy = queue.redrivePolicy, let target = self.name(ofArn: policy.deadLetterTargetArn),
                target != name, try cachedQueue(db, target) != nil
            {
                deadLetterQueue = target
                maxReceiveCount = policy.maxReceiveCount
            }
            let statePolicy = SQSMessageStateMachine.Policy(
                retentionPeriod: retention, visibilityTimeout: Double(visibilityTimeout ?? queue.visibilityTimeout),
                maxReceiveCount: maxReceiveCount)
            var received: [SQSReceivedMessage] = []
            /// Hands out a message or moves it to the dead-letter queue; false when it is not visible (left alone).
            func take(_ row: Row) throws -> Bool {
                let seq: Int64 = row["seq"]
                let state = SQSMessageStateMachine.Message(
                    sentAt: Date(timeIntervalSince1970: row["sent_at"]), receiveCount: row["receive_count"],
                    visibleAfter: Date(timeIntervalSince1970: row["visible_after"]))
                switch SQSMessageStateMachine.receive(state, policy: statePolicy, now: now) {
                case .skip, .expire:
                    return false
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
                    if let group: String = row["group_id"] { attributes["MessageGroupId"] = group }
                    if let deduplicationId: String = row["deduplication_id"] {
                        attributes["MessageDeduplicationId"] = deduplicationId
                        attributes["SequenceNumber"] = Self.sequenceNumber(seq)
                    }
                    received.append(
                        SQSReceivedMessage(
                            messageId: messageId, receiptHandle: handle, body: row["body"], md5OfBody: row["md5_body"],
                            messageAttributes: try (row["message_attributes"] as String?).map {
                                try [String: SQS.MessageAttributeValue](storedJSON: $0)
                            } ?? [:],
                            attributes: attributes))
                }
                return true
            }
            if queue.isFifo {
                try receiveGroups(
                    db, queue: name, now: nowSeconds, maxMessages: maxMessages,
                    isFull: { received.count >= maxMessages }, take: take)
            } else {
                var after: Int64 = 0
                scan: while received.count < maxMessages {
                    let rows = try Row.fetchAll(
                        db.cachedStatement(
                            sql: """
                                SELECT \(Self.receiveColumns) FROM sqs_messages
                                WHERE queue = ? AND visible_after <= ? AND seq > ? ORDER BY seq LIMIT ?
                                """), arguments: [name, nowSeconds, after, maxMessages - received.count])
                    if rows.isEmpty { break }
                    for row in rows {
                        after = row["seq"]
                        _ = try take(row)
                        if received.count == maxMessages { break scan }
                    }
                }
            }
            let next = try Double.fetchOne(
                db,
                SQLRequest(
                    sql: "SELECT MIN(visible_after) FROM sqs_messages WHERE queue = ? AND visible_after > ?",
                    arguments: [name, nowSeconds], cached: true))
            if moved, let deadLetterQueue { database.notify(db, .queue(deadLetterQueue)) }
            return SQSReceiveResult(messages: received, nextVisibleAt: next.map(Date.init(timeIntervalSince1970:)))
        }
        return result
    }

    /// Walks a FIFO queue's receivable messages group by group until `isFull`: `take` gets a group's messages in
    /// send order until it answers false (the message is not visible: the rest of the group waits behind it).
    ///
    /// Cost: the groups blocked at their oldest message are found through the not-visible messages (one indexed
    /// range), and SQLite skips their messages inside a covering index while it walks the queue in send order for
    /// the next group: a query per group served, never one per message skipped. The walk still passes over the
    /// backlog of a blocked group that lies before the next receivable message (about 30 ms for 200,000 messages).
    private func receiveGroups(
        _ db: Database, queue name: String, now: Double, maxMessages: Int, isFull: () -> Bool,
        take: (Row) throws -> Bool
    ) throws {
        // Groups whose oldest message is not visible: nothing of theirs can be received now.
        var skipped: [String] = []
        let hidden = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT group_id, MIN(seq) AS first FROM sqs_messages
                    WHERE queue = ? AND visible_after > ? AND group_id IS NOT NULL GROUP BY group_id
                    """), arguments: [name, now])
        for row in hidden {
            let group: String = row["group_id"]
            let oldest = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT MIN(seq) FROM sqs_messages WHERE queue = ? AND group_id = ?"),
                arguments: [name, group])
            if oldest == row["first"] { skipped.append(group) }
        }
        var after: Int64 = 0
        while !isFull(),
            let head = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT seq, group_id FROM sqs_messages INDEXED BY sqs_messages_in_order
                        WHERE queue = ? AND seq > ? AND visible_after <= ? AND group_id IS NOT NULL
                            AND group_id NOT IN (SELECT value FROM json_each(?))
                        ORDER BY seq LIMIT 1
                        """), arguments: [name, after, now, try Self.json(skipped)])
        {
            let group: String = head["group_id"]
            after = head["seq"]
            skipped.append(group)
            var from = after - 1
            serve: while true {
                let rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT \(Self.receiveColumns) FROM sqs_messages
                            WHERE queue = ? AND group_id = ? AND seq > ? ORDER BY seq LIMIT ?
                            """), arguments: [name, group, from, maxMessages])
                if rows.isEmpty { break }
                for row in rows {
                    from = row["seq"]
                    guard try take(row), !isFull() else { break serve }
                }
            }
        }
    }

    /// Deletes the message a receipt handle was issued for (standard queues: any handle ever issued for it; a
    /// handle of a message already deleted succeeds). A FIFO queue takes only the latest handle of a message still
    /// in flight, as AWS does ("The receipt handle has expired.").
    /// A message as the console shows it, without receiving it.
    struct PeekedMessage: Sendable, Equatable {
        var messageId: String
        var body: String
        /// `visible`, `in flight` or `delayed`.
        var state: String
        var receiveCount: Int
        var sentAt: Double
    }

    /// The queue's first `limit` messages in send order, whatever their state, without changing them.
    func peek(queue name: String, limit: Int) throws -> [PeekedMessage] {
        try database.read { db in
            guard let queue = try Self.queue(db, name) else { throw SQSError.queueDoesNotExist }
            let now = now().timeIntervalSince1970
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT message_id, body, receive_count, sent_at, visible_after FROM sqs_messages
                    WHERE queue = ? AND sent_at > ? ORDER BY seq LIMIT ?
                    """, arguments: [name, now - Double(queue.retentionPeriod), limit]
            ).map { row in
                let visibleAfter: Double = row["visible_after"]
                let receives: Int = row["receive_count"]
                return PeekedMessage(
                    messageId: row["message_id"], body: row["body"],
                    state: visibleAfter <= now ? "visible" : receives > 0 ? "in flight" : "delayed",
                    receiveCount: receives, sentAt: row["sent_at"])
            }
        }
    }

    /// Deletes a message by its id, whatever its state (the console's delete); false when there is none.
    func deleteMessage(queue name: String, messageId: String) throws -> Bool {
        try database.write { db in
            try db.execute(
                sql: "DELETE FROM sqs_messages WHERE queue = ? AND message_id = ?", arguments: [name, messageId])
            return db.changesCount > 0
        }
    }

    func delete(queue name: String, receiptHandle: String) throws {
        try deleteBatch(queue: name, receiptHandles: [receiptHandle]).first?.get()
    }

    /// Deletes several messages in one transaction; each handle succeeds or fails on its own. On a FIFO queue a
    /// delete can let the rest of a group be received, so it wakes long polls.
    func deleteBatch(queue name: String, receiptHandles: [String]) throws -> [Result<Void, SQSError>] {
        try database.write { db in
            guard let queue = try cachedQueue(db, name) else { throw SQSError.queueDoesNotExist }
            let now = now().timeIntervalSince1970
            let results = try receiptHandles.map { handle -> Result<Void, SQSError> in
                guard let messageId = Self.messageId(ofReceiptHandle: handle) else {
                    return .failure(.receiptHandleIsInvalid(handle))
                }
                if queue.isFifo,
                    let row = try Row.fetchOne(
                        db.cachedStatement(
                            sql: """
                                SELECT receipt_handle, visible_after FROM sqs_messages
                                WHERE queue = ? AND message_id = ?
                                """), arguments: [name, messageId]),
                    (row["receipt_handle"] as String?) != handle || (row["visible_after"] as Double) <= now
                {
                    return .failure(
                        .invalidParameter("ReceiptHandle", handle, reason: "The receipt handle has expired."))
                }
                try Self.run(db, "DELETE FROM sqs_messages WHERE queue = ? AND message_id = ?", [name, messageId])
                return .success(())
            }
            // A delete can unblock a FIFO group: its next message is receivable now.
            if queue.isFifo { database.notify(db, .queue(name)) }
            return results
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
        try database.write { db in
            guard let queue = try cachedQueue(db, name) else { throw SQSError.queueDoesNotExist }
            let now = now()
            database.notify(db, .queue(name))
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

    /// Puts received messages back as if that receive had not happened (an injected `reorder` fault: the queue hands
    /// them out later, after `seconds` on the host's clock, so that later messages overtake them): their receive
    /// count goes back down, so holding back never pushes a message to the dead-letter queue.
    func holdBack(queue name: String, receiptHandles: [String], seconds: Double) throws {
        guard !receiptHandles.isEmpty else { return }
        try database.write { db in
            let until = now().timeIntervalSince1970 + seconds
            for handle in receiptHandles {
                try Self.run(
                    db,
                    """
                    UPDATE sqs_messages SET visible_after = ?, receive_count = MAX(receive_count - 1, 0)
                    WHERE queue = ? AND receipt_handle = ?
                    """, [until, name, handle])
            }
            database.notify(db, .queue(name))
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
                SQLRequest(
                    sql: """
                        SELECT seq, sent_at, receive_count, visible_after, receipt_handle FROM sqs_messages
                        WHERE queue = ? AND message_id = ?
                        """, arguments: [queue.name, messageId], cached: true)),
            (row["receipt_handle"] as String?) == receiptHandle
        else {
            throw SQSError.invalidParameter("ReceiptHandle", receiptHandle, reason: "The receipt handle has expired.")
        }
        let message = SQSMessageStateMachine.Message(
            sentAt: Date(timeIntervalSince1970: row["sent_at"]), receiveCount: row["receive_count"],
            visibleAfter: Date(timeIntervalSince1970: row["visible_after"]))
        var changed = SQSMessageStateMachine.changeVisibility(
            message, timeout: Double(timeout), retentionPeriod: Double(queue.retentionPeriod), now: now)
        // A standard queue's message whose visibility ran out, changed with its latest receipt handle: AWS answers
        // 200 and the new timeout applies (recorded: test_change_message_visibility_after_visibility_timeout_expiration).
        if changed == nil, !queue.isFifo,
            SQSMessageStateMachine.state(of: message, retentionPeriod: Double(queue.retentionPeriod), now: now)
                == .visible
        {
            changed = now.addingTimeInterval(Double(timeout))
        }
        guard let visibleAfter = changed else { throw SQSError.messageNotInflight() }
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

    /// Queues as the write paths read them (send, receive, delete, visibility), parsed once. Only write
    /// transactions fill or empty it, and they are serialized, so it never holds a queue older than the database's.
    private let queueCache = Mutex<[String: SQSQueue]>([:])

    /// A queue inside a write transaction, from the cache when it is there.
    func cachedQueue(_ db: Database, _ name: String) throws -> SQSQueue? {
        if let queue = queueCache.withLock({ $0[name] }) { return queue }
        let queue = try Self.queue(db, name)
        if let queue { queueCache.withLock { $0[name] = queue } }
        return queue
    }

    /// Drops a queue from the cache; called inside every write transaction that changes the queue's row.
    private func forget(_ name: String) {
        queueCache.withLock { _ = $0.removeValue(forKey: name) }
    }

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

    /// A queue's or a message's string attributes as stored: a JSON object, keys sorted (written without
    /// Foundation's coders: every send and receive goes through here).
    static func json(_ attributes: [String: String]) throws -> String {
        text(.object(attributes.mapValues(JSONValue.string)))
    }

    /// A JSON array of strings (for SQLite's `json_each`).
    static func json(_ values: [String]) throws -> String { text(.array(values.map(JSONValue.string))) }

    private static func text(_ value: JSONValue) -> String {
        var writer = AWSJSONWriter()
        writer.json(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func decode(_ type: [String: String].Type, _ text: String?) throws -> [String: String]? {
        guard let text else { return nil }
        guard case .object(let members) = try JSONValue(parsing: Data(text.utf8)) else {
            throw SQSError(
                type: "InternalError", queryCode: "InternalError", message: "stored attributes are not an object",
                status: 500, fault: "Receiver")
        }
        return try members.mapValues { value in
            guard case .string(let text) = value else {
                throw SQSError(
                    type: "InternalError", queryCode: "InternalError", message: "a stored attribute is not a string",
                    status: 500, fault: "Receiver")
            }
            return text
        }
    }

    /// Creates the topology's queues that do not exist yet (dead-letter queues first), and gives existing ones the
    /// declared attributes.
    func ensureQueues(_ queues: [QueueConfiguration]) throws {
        let ordered = queues.sorted { ($0.deadLetterQueue == nil ? 0 : 1) < ($1.deadLetterQueue == nil ? 0 : 1) }
        for queue in ordered {
            var attributes = ["VisibilityTimeout": String(queue.visibilityTimeout)]
            if queue.isFIFO {
                attributes["FifoQueue"] = "true"
                if queue.contentBasedDeduplication { attributes["ContentBasedDeduplication"] = "true" }
            }
            if let retention = queue.messageRetentionPeriod { attributes["MessageRetentionPeriod"] = String(retention) }
            if let wait = queue.receiveMessageWaitTime { attributes["ReceiveMessageWaitTimeSeconds"] = String(wait) }
            if let dlq = queue.deadLetterQueue {
                attributes["RedrivePolicy"] =
                    #"{"deadLetterTargetArn":"\#(arn(of: dlq))","maxReceiveCount":\#(queue.maxReceiveCount)}"#
            }
            if try self.queue(named: queue.name) == nil {
                _ = try createQueue(name: queue.name, attributes: attributes)
            } else {
                attributes.removeValue(forKey: "FifoQueue")
                try setAttributes(queue: queue.name, attributes)
            }
        }
    }
}
