// DECISIONS (EventBridge target delivery, RetryPolicy and DeadLetterConfig):
// - Delivering to a target means writing to it in the PutEvents (or Pipe) transaction: an SQS message, a row of the
//   durable asynchronous-invocation queue for a Lambda function, a log event. Retries are about that delivery only
//   (AWS: "EventBridge cannot deliver"): a function that is invoked and then fails is Lambda's business (its
//   retries and its own dead-letter queue, LambdaAsyncInvocations.swift), never the rule's.
// - A delivery that fails because the target does not exist (a deleted queue, an unknown function, a missing log
//   group: ERROR_CODE NO_RESOURCE) is retriable: it becomes a row of `eb_target_retries`, written in the same
//   transaction that failed to deliver, so nothing is lost between the failure and the retry. A worker retries due
//   rows, each attempt in one transaction with its outcome, and waits on the commit signal until the next is due.
//   AWS documents exponential backoff with jitter but not its base: the host waits 1 s, 2 s, 4 s … capped at 5 min,
//   each between half and all of that (`HostConfiguration.eventBridgeRetryDelay` sets the first; tests shorten it).
// - A delivery the target refuses for what the message is (SQS: too large, invalid characters; ERROR_CODE
//   INVALID_PARAMETER, our name) is not retried.
// - Giving up (the error is not retriable, MaximumRetryAttempts retries were made, or the next attempt would come
//   after MaximumEventAgeInSeconds) sends the body the target would have received to the DeadLetterConfig queue
//   with the String attributes RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION
//   (MaximumRetryAttempts or MaximumEventAgeInSeconds; absent for an error that is not retried) and RETRY_ATTEMPTS,
//   in the transaction that gives up; without a dead-letter queue (or when it does not exist either) the event is
//   dropped with a log line.
// - The retry row keeps what was decided when the event matched (body, target ARN, policy, dead-letter queue):
//   changing or removing the target later does not change an event already on its way, as on AWS.
// - Targets of a kind the host does not implement (SNS, Kinesis, …) are skipped with a log line.

import AWSShapes
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// One event on its way to one target: what was decided when it matched, and what a retry needs.
struct TargetDelivery: Sendable, Equatable {
    var ruleARN: String
    var targetARN: String
    var body: String
    var traceHeader: String?
    var eventID: String
    /// The event's `time` in milliseconds (a log target's timestamp).
    var eventTime: Int64
    var maximumRetryAttempts: Int
    var maximumEventAgeInSeconds: Int
    var deadLetterARN: String?
    /// A FIFO queue target's message group (SqsParameters.MessageGroupId).
    var messageGroupId: String? = nil
}

extension TargetDelivery {
    /// An event's delivery to a rule's target, with the target's retry policy (AWS's defaults: 185 retries, 24 hours)
    /// and dead-letter queue.
    init(
        ruleARN: String, target: EventBridge.Target, body: String, traceHeader: String?, eventID: String, time: Date
    ) {
        self.init(
            ruleARN: ruleARN, targetARN: target.arn, body: body, traceHeader: traceHeader, eventID: eventID,
            eventTime: Int64((time.timeIntervalSince1970 * 1000).rounded(.down)),
            maximumRetryAttempts: target.retryPolicy?.maximumRetryAttempts ?? 185,
            maximumEventAgeInSeconds: target.retryPolicy?.maximumEventAgeInSeconds ?? 86400,
            deadLetterARN: target.deadLetterConfig?.arn, messageGroupId: target.sqsParameters?.messageGroupId)
    }
}

/// Why a delivery failed, as the dead-letter queue's attributes say it.
struct TargetDeliveryFailure: Error, Equatable {
    var code: String
    var message: String
    var isRetriable: Bool
}

/// Writes deliveries to their targets inside a transaction, and records or gives up the ones that fail.
struct EventBridgeTargets: Sendable, ServiceStore {
    let sqs: SQSStore
    let lambda: LambdaAsyncInvocations
    let logs: LogsStore
    /// The first retry's delay; each next one doubles, up to ``maximumDelay``.
    let retryDelay: Duration
    let logger: Logger
    let now: @Sendable () -> Date
    /// Records each delivery as two hops: the bus to the rule, the rule to its target.
    var tracer: TraceRecorder? = nil
    /// The fault list: an `sqs SendMessage` rule faults a rule's delivery to a queue too (as LocalStack's do for
    /// calls between services), which then retries and dead-letters as a refused delivery does.
    var faults: FaultInjector? = nil
    static let maximumDelay: Duration = .seconds(300)

    static let migrations: [StoreMigration] = [
        StoreMigration(
            "eventbridge-2",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE eb_target_retries (
                            id INTEGER PRIMARY KEY AUTOINCREMENT, rule_arn TEXT NOT NULL, target_arn TEXT NOT NULL,
                            body TEXT NOT NULL, trace_header TEXT, event_id TEXT NOT NULL, event_time INTEGER NOT NULL,
                            maximum_retry_attempts INTEGER NOT NULL, maximum_event_age INTEGER NOT NULL,
                            dead_letter_arn TEXT, retries INTEGER NOT NULL, next_attempt_at REAL NOT NULL,
                            created_at REAL NOT NULL, error_code TEXT NOT NULL, error_message TEXT NOT NULL);
                        CREATE INDEX eb_target_retries_by_due ON eb_target_retries (next_attempt_at);
                        """)
            }
        ),
        StoreMigration(
            "eventbridge-3-message-group",
            { db in try db.execute(sql: "ALTER TABLE eb_target_retries ADD COLUMN message_group_id TEXT") }
        ),
    ]

    /// Delivers inside `db`; a failure is recorded for a retry or given up, in that same transaction.
    func deliver(_ db: Database, _ delivery: TargetDelivery) throws {
        do {
            try send(db, delivery)
        } catch let failure as TargetDeliveryFailure {
            try failed(db, delivery, failure, retries: 0, since: now(), row: nil)
        }
    }

    /// Writes one delivery to its target; throws ``TargetDeliveryFailure`` when the target refuses it.
    func send(_ db: Database, _ delivery: TargetDelivery) throws {
        guard let tracer else {
            _ = try write(db, delivery)
            return
        }
        let start = now().timeIntervalSince1970
        let started = ContinuousClock.now
        var keys: [String] = []
        var failure: TargetDeliveryFailure?
        do {
            keys = try write(db, delivery)
        } catch let error as TargetDeliveryFailure {
            failure = error
        }
        let elapsed = ContinuousClock.now - started
        let trace = delivery.traceHeader.flatMap(TraceSegment.parse)
        let (bus, rule) = EventBridgeStore.rule(ofARN: delivery.ruleARN)
        let parts = delivery.targetARN.split(separator: ":", omittingEmptySubsequences: false)
        let service = parts.count > 2 ? String(parts[2]) : "events"
        let target = parts.count > 6 ? String(parts[6]) : parts.last.map(String.init) ?? delivery.targetARN
        tracer.record(
            TraceHop(
                traceID: trace?.root, parentID: trace?.parent, service: "events", operation: "Rule", resource: rule,
                source: bus, start: start, duration: 0))
        tracer.record(
            TraceHop(
                traceID: trace?.root, parentID: trace?.parent, service: service,
                operation: service == "sqs" ? "SendMessage" : service == "lambda" ? "InvokeAsync" : "PutLogEvents",
                resource: target, source: rule, start: start, duration: elapsed.seconds,
                status: failure == nil ? .ok : .error, error: failure.map { "\($0.code): \($0.message)" },
                keys: [delivery.eventID] + keys, payload: delivery.body))
        if let failure { throw failure }
    }

    /// Writes one delivery to its target; returns the ids it made (a message id).
    private func write(_ db: Database, _ delivery: TargetDelivery) throws -> [String] {
        let parts = delivery.targetARN.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 6, parts[0] == "arn" else {
            logger.warning("EventBridge target \(delivery.targetARN) is not an ARN the host delivers to; skipped")
            return []
        }
        switch parts[2] {
        case "sqs":
            if let fault = faults?.apiFault(service: "sqs", operation: "SendMessage") {
                throw TargetDeliveryFailure(code: "SDK_CLIENT_ERROR", message: fault.message, isRetriable: true)
            }
            do {
                return [
                    try sqs.send(
                        in: db, queue: parts[5],
                        SQSOutgoingMessage(
                            body: delivery.body, traceHeader: delivery.traceHeader, groupId: delivery.messageGroupId)
                    ).messageId
                ]
            } catch let error as SQSError {
                if error == SQSError.queueDoesNotExist {
                    throw TargetDeliveryFailure(
                        code: "NO_RESOURCE", message: "The specified queue does not exist.", isRetriable: true)
                }
                throw TargetDeliveryFailure(code: "INVALID_PARAMETER", message: error.message, isRetriable: false)
            }
        case "lambda" where parts.count >= 7:
            do {
                try lambda.enqueue(
                    db, function: delivery.targetARN, payload: Array(delivery.body.utf8),
                    options: InvokeOptions(traceID: delivery.traceHeader), origin: delivery.ruleARN)
                return []
            } catch {
                guard error.type == "ResourceNotFoundException" else {
                    throw TargetDeliveryFailure(code: "INTERNAL_ERROR", message: error.message, isRetriable: true)
                }
                throw TargetDeliveryFailure(code: "NO_RESOURCE", message: error.message, isRetriable: true)
            }
        case "logs" where parts.count >= 7 && parts[5] == "log-group":
            do {
                // One log stream per event, named by the event id; the log event's time is the event's.
                try logs.putEvent(
                    in: db, group: parts[6], stream: delivery.eventID, timestamp: delivery.eventTime,
                    message: delivery.body)
                return []
            } catch let error as LogsError where error == .groupNotFound {
                throw TargetDeliveryFailure(code: "NO_RESOURCE", message: error.message, isRetriable: true)
            }
        default:
            logger.warning("EventBridge target \(delivery.targetARN): the host has no \(parts[2]) targets; skipped")
            return []
        }
    }

    /// Records a failed attempt: a retry row when the policy allows one more, else the dead-letter queue (or a log
    /// line). `retries` were made before this attempt; `row` is the retry row of a retried delivery.
    func failed(
        _ db: Database, _ delivery: TargetDelivery, _ failure: TargetDeliveryFailure, retries: Int, since created: Date,
        row: Int64?
    ) throws {
        var condition: String?
        var nextAttempt: Date?
        if failure.isRetriable {
            let policy = RetryPolicy(
                maximumRetryAttempts: delivery.maximumRetryAttempts,
                maximumEventAgeInSeconds: delivery.maximumEventAgeInSeconds)
            switch policy.afterFailure(
                retries: retries, arrived: created.timeIntervalSince1970, now: now().timeIntervalSince1970,
                delay: delay(afterRetries: retries))
            {
            case .retry(let at): nextAttempt = Date(timeIntervalSince1970: at)
            case .giveUp(let exhausted): condition = exhausted
            }
        }
        if let nextAttempt {
            if let row {
                try db.cachedStatement(
                    sql: """
                        UPDATE eb_target_retries SET retries = ?, next_attempt_at = ?, error_code = ?, error_message = ?
                        WHERE id = ?
                        """
                ).execute(arguments: [
                    retries, nextAttempt.timeIntervalSince1970, failure.code, failure.message, row,
                ])
            } else {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO eb_target_retries (rule_arn, target_arn, body, trace_header, event_id, event_time,
                            maximum_retry_attempts, maximum_event_age, dead_letter_arn, retries, next_attempt_at,
                            created_at, error_code, error_message, message_group_id)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    delivery.ruleARN, delivery.targetARN, delivery.body, delivery.traceHeader, delivery.eventID,
                    delivery.eventTime, delivery.maximumRetryAttempts, delivery.maximumEventAgeInSeconds,
                    delivery.deadLetterARN, retries, nextAttempt.timeIntervalSince1970,
                    created.timeIntervalSince1970, failure.code, failure.message, delivery.messageGroupId,
                ])
                sqs.database.notify(db, .eventBridgeRetries)
            }
            return
        }
        if let row {
            try db.cachedStatement(sql: "DELETE FROM eb_target_retries WHERE id = ?").execute(arguments: [row])
        }
        giveUp(db, delivery, failure, condition: condition, retries: retries)
    }

    /// Sends an undeliverable event to the target's dead-letter queue, or drops it with a log line.
    private func giveUp(
        _ db: Database, _ delivery: TargetDelivery, _ failure: TargetDeliveryFailure, condition: String?, retries: Int
    ) {
        let reason =
            "event \(delivery.eventID) for \(delivery.targetARN) (rule \(delivery.ruleARN)) not delivered: \(failure.code) \(failure.message)"
        guard let deadLetter = delivery.deadLetterARN, let queue = sqs.name(ofArn: deadLetter) else {
            logger.error("\(reason); dropped (no dead-letter queue)")
            return
        }
        var attributes: [String: SQS.MessageAttributeValue] = [
            "RULE_ARN": .string(delivery.ruleARN), "TARGET_ARN": .string(delivery.targetARN),
            "ERROR_CODE": .string(failure.code), "ERROR_MESSAGE": .string(failure.message),
            "RETRY_ATTEMPTS": .string(String(retries)),
        ]
        if let condition { attributes["EXHAUSTED_RETRY_CONDITION"] = .string(condition) }
        do {
            _ = try sqs.send(
                in: db, queue: queue,
                SQSOutgoingMessage(
                    body: delivery.body, messageAttributes: attributes, traceHeader: delivery.traceHeader))
            logger.notice("\(reason); sent to dead-letter queue \(queue)")
        } catch {
            logger.error("\(reason); dropped (dead-letter queue \(queue): \(error))")
        }
    }

    /// Exponential backoff with equal jitter: half of min(first × 2^retries, 5 min), plus a random part of the rest.
    func delay(afterRetries retries: Int) -> TimeInterval {
        let first = LambdaAsyncInvocations.seconds(retryDelay)
        let capped = min(first * pow(2, Double(min(retries, 30))), LambdaAsyncInvocations.seconds(Self.maximumDelay))
        return capped / 2 + Double.random(in: 0...(capped / 2))
    }

    /// Retries the deliveries that are due, each in a transaction of its own; returns when the next one is due.
    @discardableResult
    func retryDue(database: HostDatabase) throws -> Date? {
        let due = try database.read { db in
            try Int64.fetchAll(
                db,
                SQLRequest(
                    sql:
                        "SELECT id FROM eb_target_retries WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 100",
                    arguments: [now().timeIntervalSince1970], cached: true))
        }
        for id in due {
            try database.write { db in
                guard
                    let row = try Row.fetchOne(
                        db,
                        SQLRequest(sql: "SELECT * FROM eb_target_retries WHERE id = ?", arguments: [id], cached: true))
                else { return }
                let delivery = TargetDelivery(
                    ruleARN: row["rule_arn"], targetARN: row["target_arn"], body: row["body"],
                    traceHeader: row["trace_header"], eventID: row["event_id"], eventTime: row["event_time"],
                    maximumRetryAttempts: row["maximum_retry_attempts"],
                    maximumEventAgeInSeconds: row["maximum_event_age"], deadLetterARN: row["dead_letter_arn"],
                    messageGroupId: row["message_group_id"])
                let retries = (row["retries"] as Int) + 1
                do {
                    try send(db, delivery)
                    try db.cachedStatement(sql: "DELETE FROM eb_target_retries WHERE id = ?").execute(arguments: [id])
                    logger.info("event \(delivery.eventID) delivered to \(delivery.targetARN) after \(retries) retries")
                } catch let failure as TargetDeliveryFailure {
                    try failed(
                        db, delivery, failure, retries: retries,
                        since: Date(timeIntervalSince1970: row["created_at"]), row: id)
                }
            }
        }
        return try database.read { db in
            try Double.fetchOne(db, SQLRequest(sql: "SELECT MIN(next_attempt_at) FROM eb_target_retries", cached: true))
        }.map { Date(timeIntervalSince1970: $0) }
    }

    /// Deliveries waiting for a retry.
    func pendingCount(database: HostDatabase) throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, SQLRequest(sql: "SELECT COUNT(*) FROM eb_target_retries", cached: true)) ?? 0
        }
    }
}

/// The worker that retries EventBridge deliveries: it wakes on commits and when the next retry is due.
final class EventBridgeRetries: Service {
    let database: HostDatabase
    let targets: EventBridgeTargets

    init(database: HostDatabase, targets: EventBridgeTargets) {
        self.database = database
        self.targets = targets
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let signal = self.database.topics.signal(for: .eventBridgeRetries)
                let version = signal.version
                var wait: Duration = .seconds(60)
                do {
                    if let next = try self.targets.retryDue(database: self.database) {
                        let seconds = max(0.001, next.timeIntervalSince(self.targets.now()))
                        wait = min(wait, .milliseconds(Int64(seconds * 1000) + 1))
                    }
                } catch {
                    self.targets.logger.warning("EventBridge retries: \(error)")
                }
                await signal.wait(after: version, timeout: wait)
            }
        }
    }
}
