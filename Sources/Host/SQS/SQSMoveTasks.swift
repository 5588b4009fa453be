// Message move tasks (DLQ redrive): StartMessageMoveTask marks the messages its source holds at that moment; a
// task moves them in chunks, each chunk one write transaction that deletes them from the source, sends them to the
// destination as new messages and counts them, so a crash neither loses nor duplicates a message and a restarted
// host carries on with the tasks still RUNNING. ``SQSMessageMover`` runs the chunks.
//
// LIMITATIONS (move tasks): a moved message is a new message (new MessageId, SentTimestamp and receive count; body,
// message attributes, AWSTraceHeader, and on FIFO queues group and deduplication id kept) that skips the
// destination's deduplication; messages in flight in the source wait until they are visible again; the task fails
// (FailureReason: the error's code) when a message's destination does not exist; wording of errors AWS's
// documentation does not give (rate limits, same-queue or mixed-type destinations, cancelling a finished task) is
// the host's own.

import AWSShapes
import Foundation
import GRDB

/// A message move task, as stored.
struct SQSMoveTask: Sendable, Equatable {
    enum Status: String, Sendable {
        case running = "RUNNING"
        case completed = "COMPLETED"
        case cancelled = "CANCELLED"
        case failed = "FAILED"
    }

    var id: String
    var sourceArn: String
    var destinationArn: String?
    var maxNumberOfMessagesPerSecond: Int?
    var status: Status
    /// The messages the source held when the task started.
    var toMove: Int64
    var moved: Int64
    var startedAt: Date
    var failureReason: String?

    /// AWS's form of a handle: the base64 of `{"sourceArn":…,"taskId":…}`.
    var handle: String {
        let json = (try? SQSStore.json(["taskId": id, "sourceArn": sourceArn])) ?? ""
        return Data(json.utf8).base64EncodedString()
    }

    /// The task id and source ARN of a handle.
    static func parse(handle: String) -> (id: String, sourceArn: String)? {
        guard let data = Data(base64Encoded: handle),
            let fields = try? JSONDecoder().decode([String: String].self, from: data),
            let id = fields["taskId"], let sourceArn = fields["sourceArn"]
        else { return nil }
        return (id, sourceArn)
    }

    init(row: Row) {
        id = row["id"]
        sourceArn = row["source_arn"]
        destinationArn = row["destination_arn"]
        maxNumberOfMessagesPerSecond = row["max_per_second"]
        status = Status(rawValue: row["status"]) ?? .failed
        toMove = row["to_move"]
        moved = row["moved"]
        startedAt = Date(timeIntervalSince1970: row["started_at"])
        failureReason = row["failure_reason"]
    }
}

/// What one chunk of a move task did.
enum SQSMoveStep: Sendable, Equatable {
    /// Moved this many messages; there may be more.
    case moved(Int)
    /// Nothing to move now: the messages left are in flight until the given time.
    case waiting(until: Date?)
    /// The task is no longer running (completed, cancelled or failed).
    case finished
}

extension SQSStore {
    private static let noSource = SQSError.resourceNotFound(
        "The resource that you specified for the SourceArn parameter doesn't exist.")

    /// Starts a task that moves the messages of a dead-letter queue to `destinationArn`, or each back to the queue
    /// it came from.
    func startMoveTask(sourceArn: String, destinationArn: String? = nil, maxNumberOfMessagesPerSecond: Int? = nil)
        throws -> SQSMoveTask
    {
        if let rate = maxNumberOfMessagesPerSecond, !(1...500).contains(rate) {
            throw SQSError.invalidParameter(
                "MaxNumberOfMessagesPerSecond", String(rate), reason: "Must be between 1 and 500, if provided.")
        }
        return try database.write { db in
            guard let sourceName = name(ofArn: sourceArn), let source = try Self.queue(db, sourceName) else {
                throw Self.noSource
            }
            let isDeadLetterQueue = try String.fetchAll(
                db, SQLRequest(sql: "SELECT name FROM sqs_queues", cached: true)
            ).contains { name in
                try Self.queue(db, name)?.redrivePolicy?.deadLetterTargetArn == sourceArn
            }
            guard isDeadLetterQueue else {
                throw SQSError.invalidParameterValue("Source queue must be configured as a Dead Letter Queue.")
            }
            if let destinationArn {
                guard let destinationName = name(ofArn: destinationArn),
                    let destination = try Self.queue(db, destinationName)
                else {
                    throw SQSError.resourceNotFound(
                        "The resource that you specified for the DestinationArn parameter doesn't exist.")
                }
                guard destinationName != sourceName else {
                    throw SQSError.invalidParameterValue("The source and destination queues must be different.")
                }
                guard destination.isFifo == source.isFifo else {
                    throw SQSError.invalidParameterValue(
                        "The source and destination queues must be of the same type (standard or FIFO).")
                }
            }
            let active = try Int.fetchOne(
                db,
                SQLRequest(
                    sql: "SELECT COUNT(*) FROM sqs_move_tasks WHERE source_arn = ? AND status = 'RUNNING'",
                    arguments: [sourceArn], cached: true))
            guard active == 0 else {
                throw SQSError.invalidParameterValue(
                    "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
                )
            }
            let id = Identifiers.uuid()
            try Self.run(db, "UPDATE sqs_messages SET move_task = ? WHERE queue = ?", [id, sourceName])
            let toMove = db.changesCount
            try Self.run(
                db,
                """
                INSERT INTO sqs_move_tasks (id, source_arn, destination_arn, max_per_second, status, to_move,
                    started_at) VALUES (?, ?, ?, ?, 'RUNNING', ?, ?)
                """,
                [id, sourceArn, destinationArn, maxNumberOfMessagesPerSecond, toMove, now().timeIntervalSince1970])
            database.notify(db, .moveTasks)
            return try Self.moveTask(db, id)!
        }
    }

    /// The tasks of a source queue, most recent first.
    func moveTasks(sourceArn: String, limit: Int = 1) throws -> [SQSMoveTask] {
        try database.read { db in
            guard let sourceName = name(ofArn: sourceArn), try Self.queue(db, sourceName) != nil else {
                throw Self.noSource
            }
            return try Row.fetchAll(
                db,
                SQLRequest(
                    sql: """
                        SELECT * FROM sqs_move_tasks WHERE source_arn = ? ORDER BY started_at DESC, rowid DESC LIMIT ?
                        """, arguments: [sourceArn, limit], cached: true)
            ).map(SQSMoveTask.init(row:))
        }
    }

    /// The tasks still running (the mover's work list).
    func runningMoveTasks() throws -> [SQSMoveTask] {
        try database.read { db in
            try Row.fetchAll(
                db,
                SQLRequest(
                    sql: "SELECT * FROM sqs_move_tasks WHERE status = 'RUNNING' ORDER BY started_at", cached: true)
            )
            .map(SQSMoveTask.init(row:))
        }
    }

    /// Cancels a running task; what it moved stays moved. Returns the task as cancelled.
    func cancelMoveTask(handle: String) throws -> SQSMoveTask {
        guard let (id, sourceArn) = SQSMoveTask.parse(handle: handle) else {
            throw SQSError.invalidParameterValue("Value for parameter TaskHandle is invalid.")
        }
        return try database.write { db in
            guard let sourceName = name(ofArn: sourceArn), try Self.queue(db, sourceName) != nil else {
                throw Self.noSource
            }
            guard let task = try Self.moveTask(db, id), task.sourceArn == sourceArn else {
                throw SQSError.resourceNotFound("Task does not exist.")
            }
            guard task.status == .running else {
                throw SQSError.invalidParameterValue(
                    "Only a RUNNING task can be cancelled; this one is \(task.status.rawValue).")
            }
            try Self.finish(db, task: id, .cancelled)
            return try Self.moveTask(db, id)!
        }
    }

    /// Moves up to `limit` visible messages of a running task in one transaction.
    func moveChunk(task id: String, limit: Int) throws -> SQSMoveStep {
        try database.write { db in
            guard let task = try Self.moveTask(db, id), task.status == .running else { return .finished }
            let nonExistent = SQSError.queueDoesNotExist.queryCode
            guard let sourceName = name(ofArn: task.sourceArn), let source = try Self.queue(db, sourceName) else {
                try Self.finish(db, task: id, .failed, reason: nonExistent)
                return .finished
            }
            let now = now().timeIntervalSince1970
            try Self.run(
                db, "DELETE FROM sqs_messages WHERE queue = ? AND sent_at <= ?",
                [sourceName, now - Double(source.retentionPeriod)])
            let rows = try Row.fetchAll(
                db,
                SQLRequest(
                    sql: """
                        SELECT seq, body, message_attributes, system_attributes, md5_body, md5_attributes, group_id,
                            deduplication_id
                        FROM sqs_messages WHERE move_task = ? AND queue = ? AND visible_after <= ? ORDER BY seq LIMIT ?
                        """, arguments: [id, sourceName, now, limit], cached: true))
            var destinations: [String: SQSQueue] = [:]
            var moved = 0
            var failure: String?
            for row in rows {
                var system = try Self.decode([String: String].self, row["system_attributes"]) ?? [:]
                let destinationArn = task.destinationArn ?? system["DeadLetterQueueSourceArn"]
                guard let destinationName = destinationArn.flatMap(name(ofArn:)),
                    let destination = try destinations[destinationName] ?? Self.queue(db, destinationName)
                else {
                    failure = nonExistent
                    break
                }
                destinations[destinationName] = destination
                let group: String? = row["group_id"]
                if destination.isFifo && group == nil {
                    failure = SQSError.missingParameter("MessageGroupId").queryCode
                    break
                }
                system["DeadLetterQueueSourceArn"] = nil
                try Self.run(
                    db,
                    """
                    INSERT INTO sqs_messages (queue, message_id, body, message_attributes, system_attributes,
                        md5_body, md5_attributes, sent_at, visible_after, group_id, deduplication_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        destinationName, Identifiers.uuid(), row["body"] as String,
                        row["message_attributes"] as String?, system.isEmpty ? nil : try Self.json(system),
                        row["md5_body"] as String, row["md5_attributes"] as String?, now,
                        now + Double(destination.delaySeconds), group,
                        destination.isFifo ? row["deduplication_id"] as String? : nil,
                    ])
                try Self.run(db, "DELETE FROM sqs_messages WHERE seq = ?", [row["seq"] as Int64])
                moved += 1
            }
            try Self.run(db, "UPDATE sqs_move_tasks SET moved = moved + ? WHERE id = ?", [moved, id])
            if moved > 0 {
                for name in destinations.keys { database.notify(db, .queue(name)) }
            }
            if let failure {
                try Self.finish(db, task: id, .failed, reason: failure)
                return moved > 0 ? .moved(moved) : .finished
            }
            let left = try Row.fetchOne(
                db,
                SQLRequest(
                    sql: "SELECT COUNT(*), MIN(visible_after) FROM sqs_messages WHERE move_task = ? AND queue = ?",
                    arguments: [id, sourceName], cached: true))
            if (left?[0] as Int?) ?? 0 == 0 {
                try Self.finish(db, task: id, .completed)
                return moved > 0 ? .moved(moved) : .finished
            }
            if moved > 0 { return .moved(moved) }
            return .waiting(until: (left?[1] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
    }

    private static func moveTask(_ db: Database, _ id: String) throws -> SQSMoveTask? {
        try Row.fetchOne(
            db, SQLRequest(sql: "SELECT * FROM sqs_move_tasks WHERE id = ?", arguments: [id], cached: true)
        ).map(
            SQSMoveTask.init(row:))
    }

    /// Ends a task; the messages it did not move are no longer marked.
    private static func finish(_ db: Database, task id: String, _ status: SQSMoveTask.Status, reason: String? = nil)
        throws
    {
        try run(
            db, "UPDATE sqs_move_tasks SET status = ?, failure_reason = ? WHERE id = ?", [status.rawValue, reason, id])
        try run(db, "UPDATE sqs_messages SET move_task = NULL WHERE move_task = ?", [id])
    }
}
