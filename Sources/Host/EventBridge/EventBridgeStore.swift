// LIMITATIONS (EventBridge): targets are SQS queues, Lambda functions (durable asynchronous invocations) and
// CloudWatch Logs log groups, all written in the same transaction as the PutEvents that matched; other target kinds
// (SNS, Kinesis, Step Functions, API destinations, …) are accepted by PutTargets and skipped at delivery with a log
// line; no schedules, archives or replays; RetryPolicy and DeadLetterConfig apply to deliveries the host can fail
// (a target that does not exist, a message SQS refuses), there is no throttling to retry; InputTransformer handles
// `$.a.b` paths and the reserved `<aws.events.*>` variables only; a log group target writes the target's body as
// the message (AWS asks an InputTransformer for logs to produce `{"timestamp": …, "message": …}`; not checked).
// See EventBridgeTargets.swift for the DECISIONS on retries and dead-letter queues.

import AWSShapes
import EventPatterns
import Foundation
import GRDB
import Synchronization

/// Event buses, rules and targets in the host database.
final class EventBridgeStore: Sendable, ServiceStore {
    let database: HostDatabase
    let region: String
    let account: String

    init(database: HostDatabase, region: String, account: String) {
        self.database = database
        self.region = region
        self.account = account
    }

    static let migrations: [StoreMigration] = [
        StoreMigration(
            "eventbridge-1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE eb_buses (name TEXT PRIMARY KEY, description TEXT);
                        INSERT INTO eb_buses (name) VALUES ('default');
                        CREATE TABLE eb_rules (
                            bus TEXT NOT NULL, name TEXT NOT NULL, pattern TEXT, state TEXT NOT NULL, description TEXT,
                            PRIMARY KEY (bus, name));
                        CREATE TABLE eb_targets (
                            bus TEXT NOT NULL, rule TEXT NOT NULL, id TEXT NOT NULL, target TEXT NOT NULL,
                            PRIMARY KEY (bus, rule, id));
                        """)
            }
        ),
        StoreMigration(
            "eventbridge-4-schedules",
            { db in
                try db.execute(
                    sql: """
                        ALTER TABLE eb_rules ADD COLUMN schedule TEXT;
                        ALTER TABLE eb_rules ADD COLUMN schedule_start REAL;
                        ALTER TABLE eb_rules ADD COLUMN last_fired REAL;
                        """)
            }
        ),
        // Which rules the topology declared: one it no longer declares is disabled (a topology change applied live).
        StoreMigration(
            "eventbridge-5-declared",
            { db in try db.execute(sql: "ALTER TABLE eb_rules ADD COLUMN declared INTEGER NOT NULL DEFAULT 0") }
        ),
    ]

    func busARN(_ name: String) -> String { "arn:aws:events:\(region):\(account):event-bus/\(name)" }

    func ruleARN(bus: String, name: String) -> String {
        bus == "default"
            ? "arn:aws:events:\(region):\(account):rule/\(name)"
            : "arn:aws:events:\(region):\(account):rule/\(bus)/\(name)"
    }

    /// The bus and name of a rule ARN (`arn:aws:events:<region>:<account>:rule/[<bus>/]<name>`).
    static func rule(ofARN arn: String) -> (bus: String, name: String) {
        let path = arn.split(separator: ":").last.map { $0.split(separator: "/").dropFirst() } ?? []
        return (path.count > 1 ? String(path.first!) : "default", path.last.map(String.init) ?? arn)
    }

    /// A bus name from a name or an ARN (nil: the default bus).
    static func busName(_ nameOrARN: String?) -> String {
        guard let value = nameOrARN, !value.isEmpty else { return "default" }
        return value.hasPrefix("arn:") ? String(value.split(separator: "/").last ?? "default") : value
    }

    // MARK: buses

    func createBus(_ name: String, description: String?) throws {
        try database.write { db in
            invalidateRules()
            guard
                try String.fetchOne(
                    db, SQLRequest(sql: "SELECT name FROM eb_buses WHERE name = ?", arguments: [name], cached: true))
                    == nil
            else {
                throw EventBridgeError("ResourceAlreadyExistsException", "Event bus \(name) already exists.")
            }
            try db.cachedStatement(sql: "INSERT INTO eb_buses (name, description) VALUES (?, ?)").execute(arguments: [
                name, description,
            ])
        }
    }

    func bus(_ name: String) throws -> EventBridge.EventBus? {
        try database.read { db in
            try Row.fetchOne(
                db,
                SQLRequest(
                    sql: "SELECT name, description FROM eb_buses WHERE name = ?", arguments: [name], cached: true)
            ).map {
                EventBridge.EventBus(name: $0["name"], arn: busARN($0["name"]), description: $0["description"])
            }
        }
    }

    func buses() throws -> [EventBridge.EventBus] {
        try database.read { db in
            try Row.fetchAll(db, SQLRequest(sql: "SELECT name, description FROM eb_buses ORDER BY name", cached: true))
                .map {
                    EventBridge.EventBus(name: $0["name"], arn: busARN($0["name"]), description: $0["description"])
                }
        }
    }

    func deleteBus(_ name: String) throws {
        guard name != "default" else {
            throw EventBridgeError("ValidationException", "Cannot delete event bus default.")
        }
        try database.write { db in
            invalidateRules()
            for sql in [
                "DELETE FROM eb_targets WHERE bus = ?", "DELETE FROM eb_rules WHERE bus = ?",
                "DELETE FROM eb_buses WHERE name = ?",
            ] {
                try db.cachedStatement(sql: sql).execute(arguments: [name])
            }
        }
    }

    // MARK: rules and targets

    func putRule(
        bus: String, name: String, pattern: String?, state: String, description: String?, schedule: String? = nil,
        now: Date = Date()
    ) throws {
        try database.write { db in
            invalidateRules()
            guard
                try String.fetchOne(
                    db, SQLRequest(sql: "SELECT name FROM eb_buses WHERE name = ?", arguments: [bus], cached: true))
                    != nil
            else {
                throw EventBridgeError.busNotFound(bus)
            }
            // A schedule counts its periods from when it was set; it keeps its last firing while it stays the same.
            let previous = try Row.fetchOne(
                db, sql: "SELECT schedule, schedule_start, last_fired FROM eb_rules WHERE bus = ? AND name = ?",
                arguments: [bus, name])
            let same = previous.map { ($0["schedule"] as String?) == schedule } ?? false
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO eb_rules (bus, name, pattern, state, description, schedule, schedule_start,
                        last_fired) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                bus, name, pattern, state, description, schedule,
                same ? previous?["schedule_start"] as Double? : (schedule == nil ? nil : now.timeIntervalSince1970),
                same ? previous?["last_fired"] as Double? : nil,
            ])
            if schedule != nil || previous?["schedule"] as String? != nil { database.notify(db, .clock) }
        }
    }

    /// An enabled rule with a schedule, and where its schedule stands.
    struct ScheduledRule: Sendable, Equatable {
        var bus: String
        var name: String
        var schedule: String
        var start: Date
        var lastFired: Date?
    }

    func scheduledRules() throws -> [ScheduledRule] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT bus, name, schedule, schedule_start, last_fired FROM eb_rules
                    WHERE schedule IS NOT NULL AND state = 'ENABLED'
                    """
            ).map { row in
                ScheduledRule(
                    bus: row["bus"], name: row["name"], schedule: row["schedule"],
                    start: Date(timeIntervalSince1970: row["schedule_start"] ?? 0),
                    lastFired: (row["last_fired"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    static func markFired(_ db: Database, bus: String, name: String, at time: Date) throws {
        try db.execute(
            sql: "UPDATE eb_rules SET last_fired = ? WHERE bus = ? AND name = ?",
            arguments: [time.timeIntervalSince1970, bus, name])
    }

    func rule(bus: String, name: String) throws -> EventBridge.Rule? {
        try database.read { db in
            try Row.fetchOne(
                db,
                SQLRequest(
                    sql: "SELECT name, pattern, state, description, schedule FROM eb_rules WHERE bus = ? AND name = ?",
                    arguments: [bus, name], cached: true)
            ).map { Self.rule($0, bus: bus, arn: ruleARN(bus: bus, name: name)) }
        }
    }

    func rules(bus: String, prefix: String?) throws -> [EventBridge.Rule] {
        try database.read { db in
            try Row.fetchAll(
                db,
                SQLRequest(
                    sql: "SELECT name, pattern, state, description, schedule FROM eb_rules WHERE bus = ? ORDER BY name",
                    arguments: [bus], cached: true)
            ).map { Self.rule($0, bus: bus, arn: ruleARN(bus: bus, name: $0["name"])) }
                .filter { prefix == nil || ($0.name ?? "").hasPrefix(prefix!) }
        }
    }

    private static func rule(_ row: Row, bus: String, arn: String) -> EventBridge.Rule {
        EventBridge.Rule(
            name: row["name"], arn: arn, eventPattern: row["pattern"],
            state: (row["state"] as String?).map(EventBridge.RuleState.init(rawValue:)),
            description: row["description"], scheduleExpression: row["schedule"], eventBusName: bus)
    }

    func setState(bus: String, name: String, _ state: String) throws {
        try database.write { db in
            invalidateRules()
            try db.cachedStatement(sql: "UPDATE eb_rules SET state = ? WHERE bus = ? AND name = ?").execute(arguments: [
                state, bus, name,
            ])
            guard db.changesCount > 0 else { throw EventBridgeError.ruleNotFound(name, bus: bus) }
            database.notify(db, .clock)
        }
    }

    func deleteRule(bus: String, name: String) throws {
        try database.write { db in
            invalidateRules()
            let targets =
                try Int.fetchOne(
                    db,
                    SQLRequest(
                        sql: "SELECT COUNT(*) FROM eb_targets WHERE bus = ? AND rule = ?", arguments: [bus, name],
                        cached: true)) ?? 0
            guard targets == 0 else {
                throw EventBridgeError("ValidationException", "Rule can't be deleted since it has targets.")
            }
            try db.cachedStatement(sql: "DELETE FROM eb_rules WHERE bus = ? AND name = ?").execute(arguments: [
                bus, name,
            ])
        }
    }

    func putTargets(bus: String, rule: String, _ targets: [EventBridge.Target]) throws {
        try database.write { db in
            invalidateRules()
            guard
                try String.fetchOne(
                    db,
                    SQLRequest(
                        sql: "SELECT name FROM eb_rules WHERE bus = ? AND name = ?", arguments: [bus, rule],
                        cached: true)) != nil
            else { throw EventBridgeError.ruleNotFound(rule, bus: bus) }
            for target in targets {
                try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO eb_targets (bus, rule, id, target) VALUES (?, ?, ?, ?)"
                ).execute(arguments: [bus, rule, target.id, target.jsonText])
            }
        }
    }

    func targets(bus: String, rule: String) throws -> [EventBridge.Target] {
        try database.read { db in try Self.targets(db, bus: bus, rule: rule) }
    }

    static func targets(_ db: Database, bus: String, rule: String) throws -> [EventBridge.Target] {
        try String.fetchAll(
            db,
            SQLRequest(
                sql: "SELECT target FROM eb_targets WHERE bus = ? AND rule = ? ORDER BY id", arguments: [bus, rule],
                cached: true)
        )
        .map { try EventBridge.Target(storedJSON: $0) }
    }

    func removeTargets(bus: String, rule: String, ids: [String]) throws {
        try database.write { db in
            invalidateRules()
            for id in ids {
                try db.cachedStatement(sql: "DELETE FROM eb_targets WHERE bus = ? AND rule = ? AND id = ?").execute(
                    arguments: [bus, rule, id])
            }
        }
    }

    /// The enabled rules of a bus that have a pattern, with their targets, read in the caller's transaction.
    typealias EnabledRule = (name: String, pattern: EventPattern, targets: [EventBridge.Target])

    /// The enabled rules of each bus, parsed once: PutEvents and every pipe delivery match against them. Every write
    /// of this store empties it inside its transaction (writes are serialized, so no delivery sees a stale entry).
    private let ruleCache = Mutex<[String: [EnabledRule]]>([:])

    private func invalidateRules() {
        ruleCache.withLock { $0.removeAll() }
    }

    /// The enabled rules of a bus with their parsed patterns and targets (cached until the next change).
    func enabledRules(_ db: Database, bus: String) throws -> [EnabledRule] {
        if let cached = ruleCache.withLock({ $0[bus] }) { return cached }
        let rules = try Self.enabledRules(db, bus: bus)
        ruleCache.withLock { $0[bus] = rules }
        return rules
    }

    static func enabledRules(_ db: Database, bus: String) throws -> [EnabledRule] {
        try Row.fetchAll(
            db,
            SQLRequest(
                sql: "SELECT name, pattern FROM eb_rules WHERE bus = ? AND state = 'ENABLED' AND pattern IS NOT NULL",
                arguments: [bus], cached: true)
        ).compactMap { row in
            let name: String = row["name"]
            guard let pattern = try? EventPattern(parsing: row["pattern"]) else { return nil }
            return (name, pattern, try targets(db, bus: bus, rule: name))
        }
    }

    /// Makes the topology's buses and rules exist, with exactly the topology's targets (the topology is the source
    /// of truth for what it declares; rules created through the API are left alone). A rule an earlier topology
    /// declared and this one does not is disabled, not deleted (as a mapping or a pipe is): declaring it again
    /// enables it.
    func apply(
        buses: [String], rules: [RuleConfiguration], sqs: SQSStore, lambda: LambdaService, now: Date = Date()
    ) throws {
        for bus in buses where try self.bus(bus) == nil {
            try createBus(bus, description: nil)
        }
        for rule in rules {
            try putRule(
                bus: rule.bus, name: rule.name, pattern: rule.schedule == nil ? rule.pattern : nil,
                state: rule.enabled ? "ENABLED" : "DISABLED", description: nil, schedule: rule.schedule, now: now)
            let existing = try targets(bus: rule.bus, rule: rule.name).map(\.id)
            try removeTargets(bus: rule.bus, rule: rule.name, ids: existing)
            try putTargets(
                bus: rule.bus, rule: rule.name,
                rule.targets.map { target in
                    let arn =
                        target.queue.map { sqs.arn(of: $0) }
                        ?? target.logGroup.map { "arn:aws:logs:\(region):\(account):log-group:\($0)" }
                        ?? lambda.functionARN(target.function ?? "")
                    let retryPolicy =
                        target.maximumRetryAttempts == nil && target.maximumEventAgeInSeconds == nil
                        ? nil
                        : EventBridge.RetryPolicy(
                            maximumRetryAttempts: target.maximumRetryAttempts,
                            maximumEventAgeInSeconds: target.maximumEventAgeInSeconds)
                    return EventBridge.Target(
                        id: target.id, arn: arn, inputPath: target.inputPath,
                        sqsParameters: target.messageGroupId.map { EventBridge.SqsParameters(messageGroupId: $0) },
                        deadLetterConfig: target.deadLetterQueue.map {
                            EventBridge.DeadLetterConfig(arn: sqs.arn(of: $0))
                        },
                        retryPolicy: retryPolicy)
                })
        }
        try database.write { db in
            invalidateRules()
            let declared = try Row.fetchAll(db, sql: "SELECT bus, name FROM eb_rules WHERE declared = 1")
            for row in declared {
                let bus: String = row["bus"]
                let name: String = row["name"]
                guard !rules.contains(where: { $0.bus == bus && $0.name == name }) else { continue }
                try db.execute(
                    sql: "UPDATE eb_rules SET state = 'DISABLED', declared = 0 WHERE bus = ? AND name = ?",
                    arguments: [bus, name])
            }
            for rule in rules {
                try db.execute(
                    sql: "UPDATE eb_rules SET declared = 1 WHERE bus = ? AND name = ?",
                    arguments: [rule.bus, rule.name])
            }
        }
    }
}

/// An EventBridge error: `{"__type": "<Code>", "message": "…"}` (AWS JSON 1.1).
struct EventBridgeError: Error, Equatable, AWSServiceError {
    var code: String
    var message: String
    var httpStatus = 400

    init(_ code: String, _ message: String, status: Int = 400) {
        self.code = code
        self.message = message
        self.httpStatus = status
    }

    static func busNotFound(_ bus: String) -> EventBridgeError {
        EventBridgeError("ResourceNotFoundException", "Event bus \(bus) does not exist.")
    }

    static func ruleNotFound(_ rule: String, bus: String) -> EventBridgeError {
        EventBridgeError("ResourceNotFoundException", "Rule \(rule) does not exist on EventBus \(bus).")
    }
}
