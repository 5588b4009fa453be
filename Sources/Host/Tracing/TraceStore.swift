// DECISIONS (trace store): hops are rows of a database of their own beside the host's (`traces.sqlite` in the data
// directory: its own write lock, so writing traces never holds up the fabric's writes; in one file with the fabric,
// tracing cost a fifth of the commerce throughput), written in batches by ``TraceRecorder`` (one transaction per
// burst of up to 50 ms, never inside an operation's own transaction, so tracing never fails a write; a `kill -9`
// loses at most the batch not yet written, as it loses what a terminal had not printed), and
// trimmed by age and count (`--trace-retention`, `--trace-max-hops`; 24 hours and 100,000 hops by default). Every id a
// hop carries is a row of `trace_keys`, so a message id, an event id, a request id or an item's key value finds its
// traces at once; a DynamoDB key value is indexed by its last `#`-separated part (`ORDERS#ORDER_ID#42` → `42`), so an
// order id finds every trace that touched the order (and the whole key finds them too).

import Foundation
import GRDB

/// Traces in the host database.
final class TraceStore: Sendable, ServiceStore {
    let database: HostDatabase

    init(database: HostDatabase) {
        self.database = database
    }

    static let migrations: [StoreMigration] = [
        StoreMigration(
            "traces-1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE trace_hops (
                            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, trace_id TEXT, parent_id TEXT,
                            service TEXT NOT NULL, operation TEXT NOT NULL, resource TEXT NOT NULL, source TEXT,
                            start REAL NOT NULL, duration REAL NOT NULL, status TEXT NOT NULL, error TEXT,
                            keys TEXT NOT NULL, payload TEXT, response TEXT, request INTEGER NOT NULL DEFAULT 0);
                        CREATE INDEX trace_hops_by_trace ON trace_hops (trace_id, start);
                        CREATE TABLE trace_keys (key TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key, seq))
                            WITHOUT ROWID;
                        CREATE INDEX trace_keys_by_seq ON trace_keys (seq);
                        """)
            }
        )
    ]

    /// Writes hops in one transaction; returns them with their sequences.
    @discardableResult
    func append(_ hops: [TraceHop]) throws -> [TraceHop] {
        var hops = hops
        try database.write { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO trace_hops (id, trace_id, parent_id, service, operation, resource, source, start,
                        duration, status, error, keys, payload, response, request)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let key = try db.cachedStatement(sql: "INSERT OR IGNORE INTO trace_keys (key, seq) VALUES (?, ?)")
            for index in hops.indices {
                let hop = hops[index]
                try insert.execute(arguments: [
                    hop.id, hop.traceID, hop.parentID, hop.service, hop.operation, hop.resource, hop.source, hop.start,
                    hop.duration, hop.status.rawValue, hop.error, hop.keys.joined(separator: "\n"), hop.payload,
                    hop.response, hop.isRequest,
                ])
                let sequence = db.lastInsertedRowID
                hops[index].sequence = sequence
                for value in Self.searchKeys(hop) {
                    try key.execute(arguments: [value, sequence])
                }
            }
        }
        return hops
    }

    /// The values a hop is found by: its ids, and of a key with `#` parts (`ORDERS#ORDER_ID#42`) only its last part
    /// (`42`): a search for the whole key looks up its last part, then keeps the hops that carry the whole key.
    static func searchKeys(_ hop: TraceHop) -> Set<String> {
        var keys = Set<String>()
        for key in hop.keys where !key.isEmpty && key.utf8.count <= 1024 {
            keys.insert(searchKey(key))
        }
        return keys
    }

    /// What a key is indexed by.
    static func searchKey(_ key: String) -> String {
        guard key.contains("#"), let last = key.split(separator: "#").last, last.count >= 2 else { return key }
        return String(last)
    }

    /// Drops hops older than `maxAge` seconds and all but the newest `maxHops`.
    func trim(now: Date, maxAge: Double, maxHops: Int) throws {
        try database.write { db in
            let newest = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM trace_hops") ?? 0
            let byCount = newest - Int64(maxHops)
            let byAge =
                try Int64.fetchOne(
                    db, sql: "SELECT MAX(seq) FROM trace_hops WHERE start < ?",
                    arguments: [now.timeIntervalSince1970 - maxAge]) ?? 0
            let cutoff = max(byCount, byAge)
            guard cutoff > 0 else { return }
            try db.execute(sql: "DELETE FROM trace_keys WHERE seq <= ?", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM trace_hops WHERE seq <= ?", arguments: [cutoff])
        }
    }

    private static let columns =
        "seq, id, trace_id, parent_id, service, operation, resource, source, start, duration, status, error, keys, payload, response, request"

    private static func hop(_ row: Row) -> TraceHop {
        var hop = TraceHop(
            id: row["id"], traceID: row["trace_id"], parentID: row["parent_id"], service: row["service"],
            operation: row["operation"], resource: row["resource"], source: row["source"], start: row["start"],
            duration: row["duration"], status: TraceHop.Status(rawValue: row["status"]) ?? .ok, error: row["error"],
            keys: (row["keys"] as String).split(separator: "\n").map(String.init), payload: row["payload"],
            response: row["response"])
        hop.sequence = row["seq"]
        hop.isRequest = row["request"]
        return hop
    }

    /// Every hop of a trace, in the order they started.
    func hops(trace: String) throws -> [TraceHop] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.columns) FROM trace_hops WHERE trace_id = ? ORDER BY start, seq",
                arguments: [trace]
            ).map(Self.hop)
        }
    }

    /// One hop by its store order.
    func hop(sequence: Int64) throws -> TraceHop? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM trace_hops WHERE seq = ?", arguments: [sequence])
                .map(Self.hop)
        }
    }

    /// The newest hops first, at most `limit`, before `before` (a sequence) when given, optionally of one resource
    /// or service, or of one status.
    func recent(
        limit: Int, before: Int64? = nil, resource: String? = nil, service: String? = nil,
        status: TraceHop.Status? = nil
    ) throws -> [TraceHop] {
        var conditions = ["seq < ?"]
        var arguments: [any DatabaseValueConvertible] = [before ?? Int64.max]
        if let resource {
            conditions.append("resource = ?")
            arguments.append(resource)
        }
        if let service {
            conditions.append("service = ?")
            arguments.append(service)
        }
        if let status {
            conditions.append("status = ?")
            arguments.append(status.rawValue)
        }
        arguments.append(limit)
        return try database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.columns) FROM trace_hops WHERE \(conditions.joined(separator: " AND ")) "
                    + "ORDER BY seq DESC LIMIT ?",
                arguments: StatementArguments(arguments)
            ).map(Self.hop)
        }
    }

    /// The traces that carry `key` (an id, an item key value, a trace id), newest first.
    func traces(key: String, limit: Int) throws -> [String] {
        try database.read { db in
            if TraceSegment.isRoot(key),
                try Bool.fetchOne(db, sql: "SELECT 1 FROM trace_hops WHERE trace_id = ? LIMIT 1", arguments: [key])
                    == true
            {
                return [key]
            }
            let indexed = Self.searchKey(key)
            // The whole key, when it is not what is indexed, is one of the hop's keys (one per line).
            let whole = indexed == key ? nil : key
            return try String.fetchAll(
                db,
                sql: """
                    SELECT h.trace_id FROM trace_keys k JOIN trace_hops h ON h.seq = k.seq
                    WHERE k.key = ? AND h.trace_id IS NOT NULL
                        AND (? IS NULL OR instr(char(10) || h.keys || char(10), char(10) || ? || char(10)) > 0)
                    GROUP BY h.trace_id ORDER BY MAX(h.seq) DESC LIMIT ?
                    """, arguments: [indexed, whole, whole, limit])
        }
    }

    /// A trace as X-Ray summarises it.
    struct Summary: Sendable, Equatable {
        var traceID: String
        var start: Double
        var end: Double
        var hops: Int
        var hasError: Bool
        var hasFault: Bool
        var hasThrottle: Bool
        /// The first hop's service, operation and resource.
        var entry: (service: String, operation: String, resource: String)
        /// Every resource the trace reached, by service.
        var resources: [(service: String, resource: String)]

        /// The summary of a trace's hops (in the order they started); nil without any.
        init?(traceID: String, hops: [TraceHop]) {
            guard let first = hops.first else { return nil }
            var seen = Set<String>()
            self.init(
                traceID: traceID, start: first.start, end: hops.map { $0.start + $0.duration }.max() ?? first.start,
                hops: hops.count, hasError: hops.contains { $0.status == .error },
                hasFault: hops.contains { $0.status == .fault }, hasThrottle: hops.contains { $0.status == .throttle },
                entry: (first.service, first.operation, first.resource),
                resources: hops.filter { seen.insert($0.service + "\n" + $0.resource).inserted }.map {
                    ($0.service, $0.resource)
                })
        }

        init(
            traceID: String, start: Double, end: Double, hops: Int, hasError: Bool, hasFault: Bool, hasThrottle: Bool,
            entry: (service: String, operation: String, resource: String),
            resources: [(service: String, resource: String)]
        ) {
            self.traceID = traceID
            self.start = start
            self.end = end
            self.hops = hops
            self.hasError = hasError
            self.hasFault = hasFault
            self.hasThrottle = hasThrottle
            self.entry = entry
            self.resources = resources
        }

        static func == (lhs: Summary, rhs: Summary) -> Bool {
            lhs.traceID == rhs.traceID && lhs.start == rhs.start && lhs.end == rhs.end && lhs.hops == rhs.hops
        }
    }

    /// The traces that started between `from` and `to` (seconds since 1970), newest first, at most `limit`, after
    /// the `offset` first.
    func summaries(from: Double, to: Double, limit: Int, offset: Int = 0) throws -> [Summary] {
        try database.read { db in
            let traces = try Row.fetchAll(
                db,
                sql: """
                    SELECT trace_id, MIN(start) AS first, MAX(start + duration) AS last, COUNT(*) AS hops,
                        MAX(status = 'error') AS error, MAX(status = 'fault') AS fault,
                        MAX(status = 'throttle') AS throttle
                    FROM trace_hops WHERE trace_id IN (
                        SELECT DISTINCT trace_id FROM trace_hops WHERE trace_id IS NOT NULL AND start >= ? AND start <= ?)
                    GROUP BY trace_id HAVING MIN(start) >= ? AND MIN(start) <= ?
                    ORDER BY first DESC LIMIT ? OFFSET ?
                    """, arguments: [from, to, from, to, limit, offset])
            return try traces.map { row in
                let traceID: String = row["trace_id"]
                let parts = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT service, operation, resource FROM trace_hops WHERE trace_id = ? ORDER BY start, seq
                        """, arguments: [traceID])
                var seen = Set<String>()
                var resources: [(String, String)] = []
                for part in parts where seen.insert(part["service"] + "\n" + part["resource"]).inserted {
                    resources.append((part["service"], part["resource"]))
                }
                let first = parts.first
                return Summary(
                    traceID: traceID, start: row["first"], end: row["last"], hops: row["hops"],
                    hasError: row["error"], hasFault: row["fault"], hasThrottle: row["throttle"],
                    entry: (first?["service"] ?? "", first?["operation"] ?? "", first?["resource"] ?? ""),
                    resources: resources)
            }
        }
    }
}
