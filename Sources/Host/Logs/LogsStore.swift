// LIMITATIONS (CloudWatch Logs): log groups, log streams, log events and retention only: no metric or subscription
// filters, Logs Insights queries, tags, KMS keys, resource policies or live tail; events past a group's retention are
// deleted within a minute (AWS takes up to 72 hours; a stream keeps its stored bytes as AWS's does); sequence tokens are returned but never checked (as AWS since 2023); FilterLogEvents
// understands plain terms and quoted phrases (`?` alternatives, `-` exclusions) and a JSON subset
// (`{ $.a.b = "x" }`, `!=`, numeric `<` `<=` `>` `>=` `=`, `*` in strings, `&&`, `||`, parentheses), not
// space-delimited (`[a, b]`) or regular-expression (`%…%`) patterns.

import Foundation
import GRDB

/// A log event as stored.
struct StoredLogEvent: Sendable, Equatable {
    var sequence: Int64
    var stream: String
    var timestamp: Int64
    var ingestionTime: Int64
    var message: String
}

/// Where a page of log events starts or ends: events are ordered by (timestamp, sequence) within a stream.
struct LogPosition: Sendable, Equatable, Comparable {
    var timestamp: Int64
    var sequence: Int64

    static func < (lhs: LogPosition, rhs: LogPosition) -> Bool {
        (lhs.timestamp, lhs.sequence) < (rhs.timestamp, rhs.sequence)
    }

    static let start = LogPosition(timestamp: Int64.min, sequence: 0)

    /// The 56 digits AWS's tokens have after `f/` or `b/`: 20 for the timestamp (offset to be positive), 36 for
    /// the sequence.
    var digits: String {
        let offset = UInt64(bitPattern: timestamp) ^ (1 << 63)
        let time = String(offset)
        let sequence = String(sequence)
        return String(repeating: "0", count: 20 - time.count) + time
            + String(repeating: "0", count: 36 - sequence.count)
            + sequence
    }

    init(timestamp: Int64, sequence: Int64) {
        self.timestamp = timestamp
        self.sequence = sequence
    }

    init?(digits: Substring) {
        guard digits.count == 56, digits.allSatisfy(\.isASCII), let time = UInt64(digits.prefix(20)),
            let sequence = Int64(digits.suffix(36))
        else { return nil }
        self.init(timestamp: Int64(bitPattern: time ^ (1 << 63)), sequence: sequence)
    }
}

/// CloudWatch Logs' log groups, streams and events in the host database. The EventBridge target writes inside the
/// PutEvents (or Pipe) transaction through ``putEvent(in:group:stream:timestamp:message:)``.
final class LogsStore: Sendable, ServiceStore {
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
            "logs-1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE logs_groups (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
                        CREATE TABLE logs_streams (
                            log_group TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL,
                            first_event_at INTEGER, last_event_at INTEGER, last_ingestion_at INTEGER,
                            stored_bytes INTEGER NOT NULL DEFAULT 0,
                            PRIMARY KEY (log_group, name));
                        CREATE TABLE logs_events (
                            seq INTEGER PRIMARY KEY AUTOINCREMENT, log_group TEXT NOT NULL, stream TEXT NOT NULL,
                            timestamp INTEGER NOT NULL, ingestion_time INTEGER NOT NULL, message TEXT NOT NULL);
                        CREATE INDEX logs_events_by_stream ON logs_events (log_group, stream, timestamp, seq);
                        CREATE INDEX logs_events_by_time ON logs_events (log_group, timestamp, seq);
                        """)
            }
        ),
        StoreMigration(
            "logs-2-retention",
            { db in try db.execute(sql: "ALTER TABLE logs_groups ADD COLUMN retention_days INTEGER") }
        ),
    ]

    /// The retention periods CloudWatch Logs accepts, in days.
    static let retentionPeriods = [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ]

    /// Sets (or, with nil, removes) a group's retention; a group the host creates for a function keeps it.
    func setRetention(group: String, days: Int?) throws {
        if let days, !Self.retentionPeriods.contains(days) {
            throw LogsError(
                "InvalidParameterException",
                "1 validation error detected: Value '\(days)' at 'retentionInDays' failed to satisfy constraint: "
                    + "Member must satisfy enum value set: [\(Self.retentionPeriods.map(String.init).joined(separator: ", "))]"
            )
        }
        try database.write { db in
            guard try Self.groupExists(db, group) else { throw LogsError.groupNotFound }
            try db.cachedStatement(sql: "UPDATE logs_groups SET retention_days = ? WHERE name = ?").execute(
                arguments: [days, group])
        }
    }

    /// Deletes the events older than their group's retention; returns how many.
    @discardableResult
    func expireEvents() throws -> Int {
        let now = milliseconds
        return try database.write { db in
            var deleted = 0
            for row in try Row.fetchAll(
                db, sql: "SELECT name, retention_days FROM logs_groups WHERE retention_days IS NOT NULL")
            {
                let days: Int64 = row["retention_days"]
                try db.execute(
                    sql: "DELETE FROM logs_events WHERE log_group = ? AND timestamp < ?",
                    arguments: [row["name"] as String, now - days * 86_400_000])
                deleted += db.changesCount
            }
            return deleted
        }
    }

    var milliseconds: Int64 { Int64((now().timeIntervalSince1970 * 1000).rounded(.down)) }

    func groupARN(_ name: String) -> String { "arn:aws:logs:\(region):\(account):log-group:\(name)" }

    /// A log group name from a name or an ARN (`arn:aws:logs:…:log-group:<name>[:*]`).
    static func groupName(_ identifier: String) -> String {
        guard identifier.hasPrefix("arn:"), let range = identifier.range(of: ":log-group:") else { return identifier }
        var name = String(identifier[range.upperBound...])
        if name.hasSuffix(":*") { name.removeLast(2) }
        return name
    }

    // MARK: groups

    func createGroup(_ name: String) throws {
        try Self.validateGroupName(name)
        try database.write { db in
            guard try !Self.groupExists(db, name) else {
                throw LogsError("ResourceAlreadyExistsException", "The specified log group already exists")
            }
            try db.cachedStatement(sql: "INSERT INTO logs_groups (name, created_at) VALUES (?, ?)").execute(arguments: [
                name, milliseconds,
            ])
        }
    }

    /// Creates a log group unless it exists (the topology's log groups).
    func ensureGroup(_ name: String) throws {
        try Self.validateGroupName(name)
        try database.write { db in try insertGroupIfAbsent(db, name) }
    }

    func deleteGroup(_ name: String) throws {
        try database.write { db in
            guard try Self.groupExists(db, name) else { throw LogsError.groupNotFound }
            for sql in [
                "DELETE FROM logs_events WHERE log_group = ?", "DELETE FROM logs_streams WHERE log_group = ?",
                "DELETE FROM logs_groups WHERE name = ?",
            ] {
                try db.cachedStatement(sql: sql).execute(arguments: [name])
            }
        }
    }

    /// Log groups by name, with their creation time and stored bytes.
    func groups(prefix: String?, after: String?, limit: Int) throws -> [(
        name: String, createdAt: Int64, bytes: Int64, retentionDays: Int?
    )] {
        try database.read { db in
            try Row.fetchAll(
                db,
                SQLRequest(
                    sql: """
                        SELECT g.name, g.created_at, g.retention_days, COALESCE(SUM(s.stored_bytes), 0) AS bytes
                        FROM logs_groups g
                        LEFT JOIN logs_streams s ON s.log_group = g.name
                        WHERE g.name > ? AND substr(g.name, 1, ?) = ? GROUP BY g.name ORDER BY g.name LIMIT ?
                        """, arguments: [after ?? "", (prefix ?? "").unicodeScalars.count, prefix ?? "", limit],
                    cached: true)
            ).map { ($0["name"], $0["created_at"], $0["bytes"], $0["retention_days"]) }
        }
    }

    static func groupExists(_ db: Database, _ name: String) throws -> Bool {
        try String.fetchOne(
            db, SQLRequest(sql: "SELECT name FROM logs_groups WHERE name = ?", arguments: [name], cached: true)) != nil
    }

    static func validateGroupName(_ name: String) throws {
        guard name.range(of: #"^[\.\-_/#A-Za-z0-9]{1,512}$"#, options: .regularExpression) != nil else {
            throw LogsError(
                "InvalidParameterException",
                "1 validation error detected: Value '\(name)' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
            )
        }
    }

    // MARK: streams

    func createStream(group: String, name: String) throws {
        guard name.range(of: #"^[^:*]{1,512}$"#, options: .regularExpression) != nil else {
            throw LogsError(
                "InvalidParameterException",
                "1 validation error detected: Value '\(name)' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*"
            )
        }
        try database.write { db in
            guard try Self.groupExists(db, group) else { throw LogsError.groupNotFound }
            guard try !Self.streamExists(db, group: group, name: name) else {
                throw LogsError("ResourceAlreadyExistsException", "The specified log stream already exists")
            }
            try Self.insertStream(db, group: group, name: name, at: milliseconds)
        }
    }

    func deleteStream(group: String, name: String) throws {
        try database.write { db in
            guard try Self.groupExists(db, group) else { throw LogsError.groupNotFound }
            guard try Self.streamExists(db, group: group, name: name) else { throw LogsError.streamNotFound }
            try db.cachedStatement(sql: "DELETE FROM logs_events WHERE log_group = ? AND stream = ?").execute(
                arguments: [group, name])
            try db.cachedStatement(sql: "DELETE FROM logs_streams WHERE log_group = ? AND name = ?").execute(
                arguments: [group, name])
        }
    }

    struct StreamInfo: Sendable {
        var name: String
        var createdAt: Int64
        var firstEventAt: Int64?
        var lastEventAt: Int64?
        var lastIngestionAt: Int64?
        var storedBytes: Int64
    }

    /// The streams of a group, by name or by last event time.
    func streams(group: String, prefix: String?, byLastEventTime: Bool, descending: Bool) throws -> [StreamInfo] {
        try database.read { db in
            guard try Self.groupExists(db, group) else { throw LogsError.groupNotFound }
            let order =
                byLastEventTime
                ? "COALESCE(last_event_at, 0) \(descending ? "DESC" : "ASC"), name \(descending ? "DESC" : "ASC")"
                : "name \(descending ? "DESC" : "ASC")"
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM logs_streams WHERE log_group = ? AND substr(name, 1, ?) = ? ORDER BY \(order)
                    """,
                arguments: [group, (prefix ?? "").unicodeScalars.count, prefix ?? ""]
            ).map {
                StreamInfo(
                    name: $0["name"], createdAt: $0["created_at"], firstEventAt: $0["first_event_at"],
                    lastEventAt: $0["last_event_at"], lastIngestionAt: $0["last_ingestion_at"],
                    storedBytes: $0["stored_bytes"])
            }
        }
    }

    static func streamExists(_ db: Database, group: String, name: String) throws -> Bool {
        try String.fetchOne(
            db,
            SQLRequest(
                sql: "SELECT name FROM logs_streams WHERE log_group = ? AND name = ?", arguments: [group, name],
                cached: true)) != nil
    }

    private static func insertStream(_ db: Database, group: String, name: String, at time: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO logs_streams (log_group, name, created_at) VALUES (?, ?, ?)").execute(
            arguments: [group, name, time])
    }

    // MARK: events

    /// What PutLogEvents did: the events it kept, and the indexes of those AWS rejects for their age.
    struct PutResult: Sendable, Equatable {
        var tooOldEndIndex: Int?
        var tooNewStartIndex: Int?
    }

    /// PutLogEvents: events must be in chronological order; those older than 14 days or more than 2 hours ahead are
    /// rejected (reported by index, as AWS does), the others stored.
    func putEvents(group: String, stream: String, _ events: [(timestamp: Int64, message: String)]) throws -> PutResult {
        guard (1...10_000).contains(events.count) else {
            throw LogsError(
                "InvalidParameterException",
                "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000"
            )
        }
        // A batch is at most 1,048,576 bytes: each message's UTF-8 bytes plus 26 (PutLogEvents' documented quota).
        let bytes = events.reduce(0) { $0 + $1.message.utf8.count + 26 }
        guard bytes <= 1_048_576 else {
            throw LogsError(
                "InvalidParameterException",
                "Upload too large: \(bytes) bytes exceeds limit of 1048576 (each event counts its message's UTF-8 bytes plus 26)"
            )
        }
        for index in events.indices.dropFirst() where events[index].timestamp < events[index - 1].timestamp {
            throw LogsError(
                "InvalidParameterException",
                "Log events in a single PutLogEvents request must be in chronological order.")
        }
        let ingestion = milliseconds
        // Too old or too new by either clock: the host's (its retention and stamps) or the wall's (what clients and
        // functions stamp by), so an advance of the host's clock does not refuse a client's events stamped now.
        let wall = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let oldest = min(ingestion, wall) - 14 * 86_400_000
        let newest = max(ingestion, wall) + 2 * 3_600_000
        var result = PutResult()
        var kept: [(timestamp: Int64, message: String)] = []
        for (index, event) in events.enumerated() {
            if event.timestamp < oldest {
                result.tooOldEndIndex = index + 1
            } else if event.timestamp > newest {
                if result.tooNewStartIndex == nil { result.tooNewStartIndex = index }
            } else {
                kept.append(event)
            }
        }
        try database.write { db in
            guard try Self.groupExists(db, group) else { throw LogsError.groupNotFound }
            guard try Self.streamExists(db, group: group, name: stream) else { throw LogsError.streamNotFound }
            for event in kept {
                try Self.insert(
                    db, group: group, stream: stream, timestamp: event.timestamp, ingestion: ingestion, event.message)
            }
        }
        return result
    }

    private func insertGroupIfAbsent(_ db: Database, _ name: String) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO logs_groups (name, created_at) VALUES (?, ?)").execute(
            arguments: [name, milliseconds])
    }

    /// Appends events to their groups and streams in one transaction, creating both as needed (function logs).
    func append(_ records: [FunctionLogShipper.Record]) throws {
        try database.write { db in
            var known: Set<String> = []
            for record in records {
                if known.insert(record.group).inserted { try insertGroupIfAbsent(db, record.group) }
                try putEvent(
                    in: db, group: record.group, stream: record.stream, timestamp: record.timestamp,
                    message: record.message)
            }
        }
    }

    /// Appends one event inside the caller's transaction (an EventBridge target), creating the stream if needed;
    /// throws ``LogsError/groupNotFound`` when the group does not exist.
    func putEvent(in db: Database, group: String, stream: String, timestamp: Int64, message: String) throws {
        guard try Self.groupExists(db, group) else { throw LogsError.groupNotFound }
        let ingestion = milliseconds
        if try !Self.streamExists(db, group: group, name: stream) {
            try Self.insertStream(db, group: group, name: stream, at: ingestion)
        }
        try Self.insert(db, group: group, stream: stream, timestamp: timestamp, ingestion: ingestion, message)
    }

    private static func insert(
        _ db: Database, group: String, stream: String, timestamp: Int64, ingestion: Int64, _ message: String
    ) throws {
        try db.cachedStatement(
            sql:
                "INSERT INTO logs_events (log_group, stream, timestamp, ingestion_time, message) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [group, stream, timestamp, ingestion, message])
        try db.cachedStatement(
            sql: """
                UPDATE logs_streams SET first_event_at = MIN(COALESCE(first_event_at, ?1), ?1),
                    last_event_at = MAX(COALESCE(last_event_at, ?1), ?1), last_ingestion_at = ?2,
                    stored_bytes = stored_bytes + ?3
                WHERE log_group = ?4 AND name = ?5
                """
        ).execute(arguments: [timestamp, ingestion, message.utf8.count + 26, group, stream])
    }

    /// GetLogEvents' page: events of one stream after (forward) or before (backward) a position, oldest first,
    /// within [startTime, endTime).
    func streamEvents(
        group: String, stream: String, after: LogPosition?, before: LogPosition?, startTime: Int64?, endTime: Int64?,
        limit: Int
    ) throws -> [StoredLogEvent] {
        try database.read { db in
            guard try Self.groupExists(db, group) else { throw LogsError.groupNotFound }
            guard try Self.streamExists(db, group: group, name: stream) else { throw LogsError.streamNotFound }
            var conditions = ["log_group = ?", "stream = ?"]
            var arguments: [any DatabaseValueConvertible] = [group, stream]
            if let after {
                conditions.append("(timestamp > ? OR (timestamp = ? AND seq > ?))")
                arguments += [after.timestamp, after.timestamp, after.sequence]
            }
            if let before {
                conditions.append("(timestamp < ? OR (timestamp = ? AND seq < ?))")
                arguments += [before.timestamp, before.timestamp, before.sequence]
            }
            if let startTime {
                conditions.append("timestamp >= ?")
                arguments.append(startTime)
            }
            if let endTime {
                conditions.append("timestamp < ?")
                arguments.append(endTime)
            }
            // Backward pages (and the default "latest events" page) take the newest `limit` events.
            let newest = after == nil
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, stream, timestamp, ingestion_time, message FROM logs_events
                    WHERE \(conditions.joined(separator: " AND "))
                    ORDER BY timestamp \(newest ? "DESC" : "ASC"), seq \(newest ? "DESC" : "ASC") LIMIT ?
                    """, arguments: StatementArguments(arguments + [limit]))
            let events = rows.map(Self.event)
            return newest ? events.reversed() : events
        }
    }

    /// The newest `limit` events of a group, newest first (the console's log view).
    func recentEvents(group: String, limit: Int) throws -> [StoredLogEvent] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, stream, timestamp, ingestion_time, message FROM logs_events WHERE log_group = ?
                    ORDER BY timestamp DESC, seq DESC LIMIT ?
                    """, arguments: [group, limit]
            ).map(Self.event)
        }
    }

    /// FilterLogEvents' scan: events of a group (optionally some streams) after a position, oldest first, in
    /// [startTime, endTime), that `accept` keeps; stops at `limit` matches or after scanning `budget` events.
    func groupEvents(
        group: String, streams: [String]?, streamPrefix: String?, after: LogPosition?, startTime: Int64?,
        endTime: Int64?, limit: Int, accept: (String) -> Bool
    ) throws -> (events: [StoredLogEvent], more: Bool) {
        try database.read { db in
            guard try Self.groupExists(db, group) else { throw LogsError.groupNotFound }
            var conditions = ["log_group = ?"]
            var arguments: [any DatabaseValueConvertible] = [group]
            if let streams {
                conditions.append("stream IN (\(streams.map { _ in "?" }.joined(separator: ",")))")
                arguments += streams
            }
            if let streamPrefix {
                conditions.append("substr(stream, 1, ?) = ?")
                arguments += [streamPrefix.unicodeScalars.count, streamPrefix]
            }
            if let after {
                conditions.append("(timestamp > ? OR (timestamp = ? AND seq > ?))")
                arguments += [after.timestamp, after.timestamp, after.sequence]
            }
            if let startTime {
                conditions.append("timestamp >= ?")
                arguments.append(startTime)
            }
            if let endTime {
                conditions.append("timestamp < ?")
                arguments.append(endTime)
            }
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT seq, stream, timestamp, ingestion_time, message FROM logs_events
                    WHERE \(conditions.joined(separator: " AND ")) ORDER BY timestamp, seq
                    """, arguments: StatementArguments(arguments))
            var events: [StoredLogEvent] = []
            while let row = try cursor.next() {
                let event = Self.event(row)
                guard accept(event.message) else { continue }
                if events.count == limit { return (events, true) }
                events.append(event)
            }
            return (events, false)
        }
    }

    private static func event(_ row: Row) -> StoredLogEvent {
        StoredLogEvent(
            sequence: row["seq"], stream: row["stream"], timestamp: row["timestamp"],
            ingestionTime: row["ingestion_time"], message: row["message"])
    }
}

/// A CloudWatch Logs error: `{"__type": "<Code>", "message": "…"}` (AWS JSON 1.1).
struct LogsError: Error, Equatable, AWSServiceError {
    var code: String
    var message: String
    var httpStatus = 400

    init(_ code: String, _ message: String, status: Int = 400) {
        self.code = code
        self.message = message
        self.httpStatus = status
    }

    static let groupNotFound = LogsError("ResourceNotFoundException", "The specified log group does not exist.")
    static let streamNotFound = LogsError("ResourceNotFoundException", "The specified log stream does not exist.")
}
