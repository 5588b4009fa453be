// LIMITATIONS (DynamoDB store): one shard per stream; local secondary indexes are not kept; a GSI projects from
// the base item at read time (so KEYS_ONLY and INCLUDE are applied by the reader); TTL deletion runs when asked
// (`expireItems`), not on AWS's lazy schedule.

import AWSShapes
import DynamoDBExpressions
import Foundation
import GRDB
import Synchronization

/// What a write decides once it has seen the current item, inside the write transaction.
enum DynamoDBWriteDecision: Sendable {
    case put(DynamoDBItem)
    case delete
    /// Leave the item as it is (a condition check, or an update that changes nothing).
    case keep
}

/// The item before and after one write.
struct DynamoDBWriteResult: Sendable, Equatable {
    var old: DynamoDBItem?
    var new: DynamoDBItem?
}

/// One write of a TransactWriteItems: its table, key and decision.
struct DynamoDBTransactWrite {
    var table: String
    var key: DynamoDBItem
    var decide: (DynamoDBItem?) throws -> DynamoDBWriteDecision
}

/// A transaction whose writes did not all pass: one reason per write, `nil` where that write was fine.
struct DynamoDBTransactionCanceled: Error {
    var reasons: [(any Error)?]
}

/// A stream record as stored: its sequence and the Lambda/Streams API shape.
struct DynamoDBStoredStreamRecord: Sendable, Equatable {
    var sequence: Int64
    var table: String
    var streamLabel: String
    var record: DynamoDBEvent.Record
    /// The trace header of the request that made the change: the host's own link (AWS does not carry a trace from
    /// a write to its stream record), which pipes and stream mappings continue.
    var traceHeader: String? = nil
}

/// Tables, items, index entries and stream records of the host's DynamoDB, in the host database. Every write is one
/// SQLite transaction that also appends its stream record; a write that changes nothing appends nothing.
final class DynamoDBStore: Sendable, ServiceStore {
    let database: HostDatabase
    let region: String
    let account: String
    /// Table definitions by name, read once and dropped by every DDL transaction: item operations, queries and scans
    /// never decode them. The generation counts invalidations: a read that began before one never fills the cache
    /// (its snapshot may predate the DDL).
    private let definitions = Mutex<(generation: Int, tables: [String: DynamoDBTable]?)>((0, nil))

    /// DynamoDB's sequence numbers are decimal strings of 21 or more digits, increasing within a shard: "1"
    /// followed by the stored sequence in 20 digits keeps that order (SQLite integers stop at 19 digits).
    static func sequenceNumber(_ sequence: Int64) -> String {
        let digits = String(sequence)
        return "1" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// The stored sequence of a sequence number made by ``sequenceNumber(_:)``.
    static func sequence(of sequenceNumber: String) -> Int64? {
        guard sequenceNumber.count == 21, sequenceNumber.first == "1" else { return nil }
        return Int64(sequenceNumber.dropFirst())
    }

    /// The host's clock: stream records' creation times, which stream pollers' batching windows and record ages
    /// count from.
    let now: @Sendable () -> Date

    init(database: HostDatabase, region: String, account: String, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
        self.region = region
        self.account = account
    }

    static let migrations: [StoreMigration] = [
        StoreMigration(
            "dynamodb-1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE ddb_tables (name TEXT PRIMARY KEY, definition TEXT NOT NULL);
                        CREATE TABLE ddb_items (
                            table_name TEXT NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL, item TEXT NOT NULL,
                            size INTEGER NOT NULL, PRIMARY KEY (table_name, pk, sk)) WITHOUT ROWID;
                        CREATE TABLE ddb_index_entries (
                            table_name TEXT NOT NULL, index_name TEXT NOT NULL, ipk BLOB NOT NULL, isk BLOB NOT NULL,
                            pk BLOB NOT NULL, sk BLOB NOT NULL,
                            PRIMARY KEY (table_name, index_name, ipk, isk, pk, sk)) WITHOUT ROWID;
                        CREATE INDEX ddb_index_entries_by_item ON ddb_index_entries (table_name, pk, sk);
                        CREATE TABLE ddb_stream_records (
                            seq INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL, stream_label TEXT NOT NULL,
                            record TEXT NOT NULL, created_at REAL NOT NULL);
                        CREATE INDEX ddb_stream_records_by_stream ON ddb_stream_records (table_name, stream_label, seq);
                        """)
            }
        ),
        StoreMigration(
            "dynamodb-2-stream-trace",
            { db in try db.execute(sql: "ALTER TABLE ddb_stream_records ADD COLUMN trace_header TEXT") }
        ),
    ]

    // MARK: tables

    func createTable(_ table: DynamoDBTable) throws -> DynamoDBTable {
        try database.write { db in
            invalidateDefinitions(db)
            guard try Self.table(db, table.name) == nil else {
                throw DynamoDBTableError("Table already exists: \(table.name)")
            }
            try Self.run(
                db, "INSERT INTO ddb_tables (name, definition) VALUES (?, ?)", [table.name, try Self.json(table)])
            return table
        }
    }

    func table(named name: String) throws -> DynamoDBTable? {
        let (generation, cached) = definitions.withLock { $0 }
        if let cached { return cached[name] }
        let tables = try database.read { db in
            try String.fetchAll(db, SQLRequest(sql: "SELECT definition FROM ddb_tables", cached: true)).map {
                try JSONDecoder().decode(DynamoDBTable.self, from: Data($0.utf8))
            }
        }
        let byName = Dictionary(tables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        definitions.withLock { if $0.generation == generation { $0.tables = byName } }
        return byName[name]
    }

    /// Drops the cached definitions when a DDL transaction ends, committed or not.
    private func invalidateDefinitions(_ db: Database) {
        db.afterNextTransaction { [self] _ in
            definitions.withLock { $0 = ($0.generation + 1, nil) }
        } onRollback: { [self] _ in
            definitions.withLock { $0 = ($0.generation + 1, nil) }
        }
    }

    func tableNames() throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, SQLRequest(sql: "SELECT name FROM ddb_tables ORDER BY name", cached: true))
        }
    }

    /// Changes a table's definition (stream, TTL, indexes); a new index is filled from the items already there.
    func updateTable(named name: String, _ change: (inout DynamoDBTable) throws -> Void) throws -> DynamoDBTable {
        try database.write { db in
            invalidateDefinitions(db)
            guard var table = try Self.table(db, name) else { throw DynamoDBTableError("Requested resource not found") }
            let before = table
            try change(&table)
            try Self.run(db, "UPDATE ddb_tables SET definition = ? WHERE name = ?", [try Self.json(table), name])
            let added = table.indexes.filter { index in !before.indexes.contains { $0.name == index.name } }
            let removed = before.indexes.filter { index in !table.indexes.contains { $0.name == index.name } }
            for index in removed {
                try Self.run(
                    db, "DELETE FROM ddb_index_entries WHERE table_name = ? AND index_name = ?", [name, index.name])
            }
            if !added.isEmpty {
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT item FROM ddb_items WHERE table_name = ?", arguments: [name])
                while let row = try rows.next() {
                    let item = try Self.item(row["item"])
                    try Self.writeIndexEntries(db, table: table, indexes: added, item: item)
                }
            }
            return table
        }
    }

    func deleteTable(named name: String) throws -> DynamoDBTable {
        try database.write { db in
            invalidateDefinitions(db)
            guard let table = try Self.table(db, name) else { throw DynamoDBTableError("Requested resource not found") }
            for sql in [
                "DELETE FROM ddb_items WHERE table_name = ?", "DELETE FROM ddb_index_entries WHERE table_name = ?",
                "DELETE FROM ddb_tables WHERE name = ?",
            ] {
                try db.cachedStatement(sql: sql).execute(arguments: [name])
            }
            return table
        }
    }

    /// Items and their total stored size.
    func statistics(of name: String) throws -> (count: Int, bytes: Int) {
        try database.read { db in
            let row = try Row.fetchOne(
                db,
                SQLRequest(
                    sql: "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM ddb_items WHERE table_name = ?",
                    arguments: [name], cached: true))
            return (row?["n"] ?? 0, row?["bytes"] ?? 0)
        }
    }

    // MARK: items

    func getItem(table name: String, key: DynamoDBItem) throws -> DynamoDBItem? {
        guard let table = try table(named: name) else { throw DynamoDBTableError("Requested resource not found") }
        return try database.read { db in try Self.fetchItem(db, table: table, key: key) }
    }

    /// Reads the current item and applies what `decide` returns, in one transaction; the stream record (if the item
    /// changed) is appended in the same transaction.
    func write(table name: String, key: DynamoDBItem, decide: (DynamoDBItem?) throws -> DynamoDBWriteDecision) throws
        -> DynamoDBWriteResult
    {
        guard let table = try table(named: name) else { throw DynamoDBTableError("Requested resource not found") }
        return try database.write { db in
            let old = try Self.fetchItem(db, table: table, key: key)
            let decision = try decide(old)
            return try apply(db, table: table, key: key, old: old, decision: decision, identity: nil)
        }
    }

    /// All writes or none: every `decide` runs against the current items first; if any throws, nothing is written
    /// and the error carries one reason per write.
    func transact(_ writes: [DynamoDBTransactWrite]) throws -> [DynamoDBWriteResult] {
        try database.write { db in
            var planned: [(DynamoDBTable, DynamoDBItem?, DynamoDBWriteDecision)] = []
            var reasons: [(any Error)?] = []
            var failed = false
            for write in writes {
                guard let table = try self.table(named: write.table) else {
                    throw DynamoDBTableError("Requested resource not found")
                }
                let old = try Self.fetchItem(db, table: table, key: write.key)
                do {
                    planned.append((table, old, try write.decide(old)))
                    reasons.append(nil)
                } catch {
                    planned.append((table, old, .keep))
                    reasons.append(error)
                    failed = true
                }
            }
            if failed { throw DynamoDBTransactionCanceled(reasons: reasons) }
            return try zip(writes, planned).map { write, plan in
                try apply(db, table: plan.0, key: write.key, old: plan.1, decision: plan.2, identity: nil)
            }
        }
    }

    /// Deletes items whose TTL attribute (epoch seconds) is before `now`; their REMOVE records carry the service
    /// identity, as AWS's TTL deletions do.
    @discardableResult
    func expireItems(table name: String, now: Date) throws -> Int {
        try database.write { db in
            guard let table = try Self.table(db, name), let attribute = table.timeToLiveAttribute else { return 0 }
            let rows = try Row.fetchAll(
                db, SQLRequest(sql: "SELECT item FROM ddb_items WHERE table_name = ?", arguments: [name], cached: true))
            var expired = 0
            for row in rows {
                let item = try Self.item(row["item"])
                guard case .n(let text)? = item[attribute], let seconds = Double(text),
                    seconds < now.timeIntervalSince1970,
                    case .success(let key) = table.key(of: item)
                else { continue }
                _ = try apply(
                    db, table: table, key: key, old: item, decision: .delete,
                    identity: .init(type: "Service", principalId: "dynamodb.amazonaws.com"))
                expired += 1
            }
            return expired
        }
    }

    private func apply(
        _ db: Database, table: DynamoDBTable, key: DynamoDBItem, old: DynamoDBItem?, decision: DynamoDBWriteDecision,
        identity: DynamoDBEvent.UserIdentity?
    ) throws -> DynamoDBWriteResult {
        let (pk, sk) = try Self.encodedKey(table: table, key: key)
        var new: DynamoDBItem?
        switch decision {
        case .keep:
            return DynamoDBWriteResult(old: old, new: old)
        case .delete:
            guard old != nil else { return DynamoDBWriteResult(old: nil, new: nil) }
            try Self.run(db, "DELETE FROM ddb_items WHERE table_name = ? AND pk = ? AND sk = ?", [table.name, pk, sk])
        case .put(let item):
            new = item
            if item == old { return DynamoDBWriteResult(old: old, new: old) }  // nothing changes: no stream record
            try Self.run(
                db, "INSERT OR REPLACE INTO ddb_items (table_name, pk, sk, item, size) VALUES (?, ?, ?, ?, ?)",
                [table.name, pk, sk, DynamoDBJSON.text(item), Self.storedSize(item)])
        }
        if !table.indexes.isEmpty {
            try Self.run(
                db, "DELETE FROM ddb_index_entries WHERE table_name = ? AND pk = ? AND sk = ?", [table.name, pk, sk])
            if let new { try Self.writeIndexEntries(db, table: table, indexes: table.indexes, item: new) }
        }
        if let viewType = table.streamViewType, let label = table.streamLabel {
            try appendStreamRecord(
                db, table: table, label: label, viewType: viewType, key: key, old: old, new: new, identity: identity)
        }
        return DynamoDBWriteResult(old: old, new: new)
    }

    private func appendStreamRecord(
        _ db: Database, table: DynamoDBTable, label: String, viewType: String, key: DynamoDBItem, old: DynamoDBItem?,
        new: DynamoDBItem?, identity: DynamoDBEvent.UserIdentity?
    ) throws {
        let eventName = old == nil ? "INSERT" : (new == nil ? "REMOVE" : "MODIFY")
        let newImage = ["NEW_IMAGE", "NEW_AND_OLD_IMAGES"].contains(viewType) ? new : nil
        let oldImage = ["OLD_IMAGE", "NEW_AND_OLD_IMAGES"].contains(viewType) ? old : nil
        let now = now().timeIntervalSince1970
        // The sequence number is the row id, assigned by the insert; it is filled into the record right after.
        try Self.run(
            db,
            """
            INSERT INTO ddb_stream_records (table_name, stream_label, record, created_at, trace_header)
            VALUES (?, ?, '', ?, ?)
            """,
            [table.name, label, now, AWSRequestTrace.header])
        database.notify(db, .stream(table.name))
        let sequence = db.lastInsertedRowID
        let record = DynamoDBEvent.Record(
            eventID: Self.eventID(),
            eventName: eventName,
            awsRegion: region,
            dynamodb: DynamoDBStreamRecord(
                approximateCreationDateTime: now.rounded(.down),
                keys: key,
                newImage: newImage,
                oldImage: oldImage,
                sequenceNumber: Self.sequenceNumber(sequence),
                sizeBytes: Self.storedSize(key) + (newImage.map(Self.storedSize) ?? 0)
                    + (oldImage.map(Self.storedSize) ?? 0),
                streamViewType: viewType),
            eventSourceARN: table.streamARN(region: region, account: account) ?? "",
            userIdentity: identity)
        try Self.run(db, "UPDATE ddb_stream_records SET record = ? WHERE seq = ?", [record.jsonText, sequence])
    }

    // MARK: queries

    /// A sort-key range for a Query, on encoded keys.
    enum SortCondition: Sendable, Equatable {
        case equal(AttributeValue)
        case less(AttributeValue, orEqual: Bool)
        case greater(AttributeValue, orEqual: Bool)
        case between(AttributeValue, AttributeValue)
        case beginsWith(AttributeValue)
    }

    /// Items of one partition of the table or of a global secondary index, in sort-key order, starting after
    /// `exclusiveStart` (a full item key as the Query returned it). Returns at most `limit` items.
    func query(
        table name: String, index indexName: String?, partition: AttributeValue, sort: SortCondition?, forward: Bool,
        exclusiveStart: DynamoDBItem?, limit: Int
    ) throws -> [DynamoDBItem] {
        try database.read { db in
            guard let table = try definition(db, name) else { throw DynamoDBTableError("Requested resource not found") }
            let pkValue = try DynamoDBKeyEncoding.encode(partition)
            var clauses: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            let keyColumn: String
            let from: String
            var order: [String]
            if let indexName {
                guard let index = table.indexes.first(where: { $0.name == indexName }) else {
                    throw DynamoDBTableError("The table does not have the specified index: \(indexName)")
                }
                _ = index
                from = """
                    ddb_index_entries e JOIN ddb_items i ON i.table_name = e.table_name AND i.pk = e.pk AND i.sk = e.sk
                    """
                clauses = ["e.table_name = ?", "e.index_name = ?", "e.ipk = ?"]
                arguments = [name, indexName, pkValue]
                keyColumn = "e.isk"
                order = ["e.isk", "e.pk", "e.sk"]
            } else {
                from = "ddb_items i"
                clauses = ["i.table_name = ?", "i.pk = ?"]
                arguments = [name, pkValue]
                keyColumn = "i.sk"
                order = ["i.sk"]
            }
            if let sort {
                switch sort {
                case .equal(let value):
                    clauses.append("\(keyColumn) = ?")
                    arguments.append(try DynamoDBKeyEncoding.encode(value))
                case .less(let value, let orEqual):
                    clauses.append("\(keyColumn) \(orEqual ? "<=" : "<") ?")
                    arguments.append(try DynamoDBKeyEncoding.encode(value))
                case .greater(let value, let orEqual):
                    clauses.append("\(keyColumn) \(orEqual ? ">=" : ">") ?")
                    arguments.append(try DynamoDBKeyEncoding.encode(value))
                case .between(let low, let high):
                    clauses.append("\(keyColumn) BETWEEN ? AND ?")
                    arguments.append(try DynamoDBKeyEncoding.encode(low))
                    arguments.append(try DynamoDBKeyEncoding.encode(high))
                case .beginsWith(let prefix):
                    let bytes = try DynamoDBKeyEncoding.encode(prefix)
                    clauses.append("substr(\(keyColumn), 1, ?) = ?")
                    arguments.append(bytes.count)
                    arguments.append(bytes)
                }
            }
            if let start = exclusiveStart {
                // Resume strictly after the last item returned, in the chosen direction.
                let (startPK, startSK) = try Self.encodedKey(table: table, key: start)
                let comparison = forward ? ">" : "<"
                if let indexName, let index = table.indexes.first(where: { $0.name == indexName }) {
                    let isk =
                        try index.sortKey.map { try DynamoDBKeyEncoding.encode(start[$0.name] ?? .s("")) } ?? Data()
                    clauses.append("(e.isk, e.pk, e.sk) \(comparison) (?, ?, ?)")
                    arguments += [isk, startPK, startSK]
                } else {
                    clauses.append("i.sk \(comparison) ?")
                    arguments.append(startSK)
                }
            }
            order = order.map { "\($0) \(forward ? "ASC" : "DESC")" }
            let sql =
                "SELECT i.item FROM \(from) WHERE \(clauses.joined(separator: " AND ")) ORDER BY \(order.joined(separator: ", ")) LIMIT ?"
            arguments.append(limit)
            // A query has a handful of shapes: each SQL text is prepared once per connection.
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments)).map {
                try Self.item($0["item"])
            }
        }
    }

    /// Items in storage order (partition, then sort key), for Scan; `segment` of `totalSegments` splits by partition.
    func scan(
        table name: String, index indexName: String?, exclusiveStart: DynamoDBItem?, limit: Int, segment: Int = 0,
        totalSegments: Int = 1
    ) throws -> [DynamoDBItem] {
        try database.read { db in
            guard let table = try definition(db, name) else { throw DynamoDBTableError("Requested resource not found") }
            var clauses = ["i.table_name = ?"]
            var arguments: [any DatabaseValueConvertible] = [name]
            var from = "ddb_items i"
            let order = "i.pk, i.sk"
            if let indexName {
                from =
                    "ddb_index_entries e JOIN ddb_items i ON i.table_name = e.table_name AND i.pk = e.pk AND i.sk = e.sk"
                clauses = ["e.table_name = ?", "e.index_name = ?"]
                arguments = [name, indexName]
                // Table-key order on indexes too, so ExclusiveStartKey (a table key) resumes exactly.
            }
            if totalSegments > 1 {
                // Segments split the partitions by a hash of the partition key bytes (``segment(ofEncodedPartition:
                // totalSegments:)`` computes the same).
                clauses.append("(abs(unicode(hex(i.pk)) * 31 + length(i.pk)) % ?) = ?")
                arguments += [totalSegments, segment]
            }
            if let start = exclusiveStart {
                let (startPK, startSK) = try Self.encodedKey(table: table, key: start)
                clauses.append("(i.pk, i.sk) > (?, ?)")
                arguments += [startPK, startSK]
            }
            let sql = "SELECT i.item FROM \(from) WHERE \(clauses.joined(separator: " AND ")) ORDER BY \(order) LIMIT ?"
            arguments.append(limit)
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments)).map {
                try Self.item($0["item"])
            }
        }
    }

    // MARK: streams

    /// Stream records of a table's stream after `sequence` (exclusive), oldest first, within the 24-hour retention.
    func streamRecords(table name: String, label: String, after sequence: Int64?, limit: Int) throws
        -> [DynamoDBStoredStreamRecord]
    {
        try database.read { db in
            let cutoff = now().timeIntervalSince1970 - 24 * 3600
            let rows = try Row.fetchAll(
                db,
                SQLRequest(
                    sql: """
                        SELECT seq, record, trace_header FROM ddb_stream_records
                        WHERE table_name = ? AND stream_label = ? AND seq > ? AND created_at >= ? ORDER BY seq LIMIT ?
                        """, arguments: [name, label, sequence ?? 0, cutoff, limit], cached: true))
            return try rows.map { row in
                let text: String = row["record"]
                let record = try DynamoDBEvent.Record(jsonText: text)
                return DynamoDBStoredStreamRecord(
                    sequence: row["seq"], table: name, streamLabel: label, record: record,
                    traceHeader: row["trace_header"])
            }
        }
    }

    /// The newest sequence number of a stream (for LATEST iterators), or nil when it has no record.
    func latestSequence(table name: String, label: String) throws -> Int64? {
        try database.read { db in
            try Int64.fetchOne(
                db,
                SQLRequest(
                    sql: "SELECT MAX(seq) FROM ddb_stream_records WHERE table_name = ? AND stream_label = ?",
                    arguments: [name, label], cached: true))
        }
    }

    /// Drops stream records older than 24 hours.
    func trimStreams(now: Date = Date()) throws {
        try database.write { db in
            try Self.run(
                db, "DELETE FROM ddb_stream_records WHERE created_at < ?", [now.timeIntervalSince1970 - 24 * 3600])
        }
    }

    // MARK: helpers

    /// A table's definition inside a read: the cached one when there is one (a DDL transaction drops it), else the
    /// snapshot's.
    private func definition(_ db: Database, _ name: String) throws -> DynamoDBTable? {
        if let cached = definitions.withLock({ $0.tables }) { return cached[name] }
        return try Self.table(db, name)
    }

    private static func table(_ db: Database, _ name: String) throws -> DynamoDBTable? {
        guard
            let text = try String.fetchOne(
                db, SQLRequest(sql: "SELECT definition FROM ddb_tables WHERE name = ?", arguments: [name], cached: true)
            )
        else { return nil }
        return try JSONDecoder().decode(DynamoDBTable.self, from: Data(text.utf8))
    }

    private static func fetchItem(_ db: Database, table: DynamoDBTable, key: DynamoDBItem) throws -> DynamoDBItem? {
        let (pk, sk) = try encodedKey(table: table, key: key)
        let statement = try db.cachedStatement(
            sql: "SELECT item FROM ddb_items WHERE table_name = ? AND pk = ? AND sk = ?")
        guard let text = try String.fetchOne(statement, arguments: [table.name, pk, sk]) else { return nil }
        return try item(text)
    }

    private static func writeIndexEntries(
        _ db: Database, table: DynamoDBTable, indexes: [DynamoDBTable.Index], item: DynamoDBItem
    ) throws {
        let (pk, sk) = try encodedKey(table: table, key: item)
        for index in indexes {
            // An item enters an index only when it has the index's key attributes with the right types, not empty
            // and within the key sizes (2048 bytes, 1024 for a sort key). Writes are refused otherwise; an index
            // added to a table leaves such items out (DynamoDB's backfill does).
            guard let partition = item[index.partitionKey.name], partition.dynamoDBTypeName == index.partitionKey.type,
                (1...2048).contains(DynamoDBItemOperations.keySize(partition))
            else {
                continue
            }
            var sortBytes = Data()
            if let sortKey = index.sortKey {
                guard let value = item[sortKey.name], value.dynamoDBTypeName == sortKey.type,
                    (1...1024).contains(DynamoDBItemOperations.keySize(value))
                else { continue }
                sortBytes = try DynamoDBKeyEncoding.encode(value)
            }
            try run(
                db,
                """
                INSERT OR REPLACE INTO ddb_index_entries (table_name, index_name, ipk, isk, pk, sk)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [table.name, index.name, try DynamoDBKeyEncoding.encode(partition), sortBytes, pk, sk])
        }
    }

    /// One statement, prepared once per connection and reused.
    static func run(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// The Scan segment of an encoded partition key: what the scan's SQL computes (the first hex digit's code
    /// times 31 plus the length, modulo the segments).
    static func segment(ofEncodedPartition partition: Data, totalSegments: Int) -> Int {
        let digits = Array("0123456789ABCDEF".utf8)
        let first = partition.first.map { Int(digits[Int($0 >> 4)]) } ?? 0
        return abs(first * 31 + partition.count) % totalSegments
    }

    static func encodedKey(table: DynamoDBTable, key: DynamoDBItem) throws -> (Data, Data) {
        guard let partition = key[table.partitionKey.name] else {
            throw DynamoDBTableError("One of the required keys was not given a value")
        }
        let pk = try DynamoDBKeyEncoding.encode(partition)
        guard let sortKey = table.sortKey else { return (pk, Data()) }
        guard let sort = key[sortKey.name] else {
            throw DynamoDBTableError("One of the required keys was not given a value")
        }
        return (pk, try DynamoDBKeyEncoding.encode(sort))
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func item(_ text: String) throws -> DynamoDBItem {
        try DynamoDBJSON.item(text)
    }

    /// The item's size as DynamoDB counts it: attribute names plus values (strings and binaries by length, numbers
    /// by roughly half their digits plus one, containers with a 3-byte overhead plus one per element).
    static func storedSize(_ item: DynamoDBItem) -> Int {
        item.reduce(0) { $0 + $1.key.utf8.count + valueSize($1.value) }
    }

    static func valueSize(_ value: AttributeValue) -> Int {
        switch value {
        case .s(let text): text.utf8.count
        case .n(let text): (text.filter(\.isNumber).count + 1) / 2 + 1
        case .b(let data): data.count
        case .ss(let items): items.reduce(0) { $0 + $1.utf8.count }
        case .ns(let items): items.reduce(0) { $0 + ($1.filter(\.isNumber).count + 1) / 2 + 1 }
        case .bs(let items): items.reduce(0) { $0 + $1.count }
        case .m(let map): 3 + map.reduce(0) { $0 + $1.key.utf8.count + valueSize($1.value) + 1 }
        case .l(let list): 3 + list.reduce(0) { $0 + valueSize($1) + 1 }
        case .null, .bool: 1
        }
    }

    /// 32 hex digits, as DynamoDB's stream event ids.
    static func eventID() -> String { Identifiers.hex32() }
}
