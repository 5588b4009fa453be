import Foundation
import GRDB

/// Event source mappings and stream checkpoints in the host database.
final class EventSourceMappingStore: Sendable, ServiceStore {
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
            "lambda-esm-1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE lambda_event_source_mappings (
                            uuid TEXT PRIMARY KEY, function TEXT NOT NULL, source_arn TEXT NOT NULL,
                            definition TEXT NOT NULL, last_processing_result TEXT NOT NULL);
                        CREATE TABLE lambda_esm_checkpoints (
                            uuid TEXT PRIMARY KEY, stream_label TEXT NOT NULL, sequence INTEGER NOT NULL,
                            attempts INTEGER NOT NULL DEFAULT 0, batch_limit INTEGER);
                        """)
            }
        )
    ]

    func mappingARN(_ uuid: String) -> String { "arn:aws:lambda:\(region):\(account):event-source-mapping:\(uuid)" }

    func all() throws -> [(mapping: EventSourceMapping, lastProcessingResult: String)] {
        try database.read { db in
            try Row.fetchAll(
                db,
                SQLRequest(
                    sql: "SELECT definition, last_processing_result FROM lambda_event_source_mappings ORDER BY uuid",
                    cached: true)
            ).map { row in
                (try Self.decode(row["definition"]), row["last_processing_result"])
            }
        }
    }

    func get(_ uuid: String) throws -> (mapping: EventSourceMapping, lastProcessingResult: String)? {
        try database.read { db in
            try Row.fetchOne(
                db,
                SQLRequest(
                    sql: "SELECT definition, last_processing_result FROM lambda_event_source_mappings WHERE uuid = ?",
                    arguments: [uuid], cached: true)
            ).map { (try Self.decode($0["definition"]), $0["last_processing_result"]) }
        }
    }

    /// Adds a mapping; a second mapping of the same source and function is a conflict, as in Lambda.
    func insert(_ mapping: EventSourceMapping) throws {
        try database.write { db in
            if let existing = try String.fetchOne(
                db,
                SQLRequest(
                    sql: "SELECT uuid FROM lambda_event_source_mappings WHERE function = ? AND source_arn = ?",
                    arguments: [mapping.functionName, mapping.eventSourceArn], cached: true))
            {
                let kind = mapping.isStream ? "The event source arn" : "An event source mapping with SQS arn"
                let tail = mapping.isStream ? "provided mapping already exists" : "already exists"
                throw AWSError(
                    "ResourceConflictException",
                    "\(kind) (\" \(mapping.eventSourceArn) \") and function (\" \(mapping.functionName) \") \(tail). Please update or delete the existing mapping with UUID \(existing)",
                    status: .conflict)
            }
            try Self.save(db, mapping, lastProcessingResult: "No records processed")
        }
    }

    func update(_ mapping: EventSourceMapping) throws {
        try database.write { db in
            try db.cachedStatement(
                sql: "UPDATE lambda_event_source_mappings SET function = ?, definition = ? WHERE uuid = ?"
            ).execute(arguments: [mapping.functionName, try Self.encode(mapping), mapping.uuid])
        }
    }

    func delete(_ uuid: String) throws {
        try database.write { db in
            try db.cachedStatement(sql: "DELETE FROM lambda_event_source_mappings WHERE uuid = ?").execute(arguments: [
                uuid
            ])
            try db.cachedStatement(sql: "DELETE FROM lambda_esm_checkpoints WHERE uuid = ?").execute(arguments: [uuid])
        }
    }

    func setLastProcessingResult(_ uuid: String, _ result: String) throws {
        try database.write { db in
            try db.cachedStatement(
                sql: "UPDATE lambda_event_source_mappings SET last_processing_result = ? WHERE uuid = ?"
            ).execute(arguments: [result, uuid])
        }
    }

    /// Makes the declared mappings exactly `mappings`: new ones are added, changed ones replaced (their checkpoint
    /// stays when their source does), and declared ones no longer declared are removed.
    func declare(_ mappings: [EventSourceMapping]) throws {
        try database.write { db in
            let existing = try Row.fetchAll(
                db, SQLRequest(sql: "SELECT uuid, definition FROM lambda_event_source_mappings", cached: true))
            var stored: [String: EventSourceMapping] = [:]
            for row in existing { stored[row["uuid"]] = try Self.decode(row["definition"]) }
            // A mapping another topology declared is disabled, not deleted: its checkpoint stays, so declaring it
            // again resumes where it stopped.
            for (uuid, var mapping) in stored
            where mapping.declared && mapping.enabled && !mappings.contains(where: { $0.uuid == uuid }) {
                mapping.enabled = false
                try db.cachedStatement(sql: "UPDATE lambda_event_source_mappings SET definition = ? WHERE uuid = ?")
                    .execute(arguments: [try Self.encode(mapping), uuid])
            }
            for var mapping in mappings {
                if let old = stored[mapping.uuid] {
                    mapping.lastModified = old.lastModified
                    if old == mapping { continue }
                    if old.eventSourceArn != mapping.eventSourceArn {
                        try db.cachedStatement(sql: "DELETE FROM lambda_esm_checkpoints WHERE uuid = ?").execute(
                            arguments: [mapping.uuid])
                    }
                    try db.cachedStatement(
                        sql:
                            "UPDATE lambda_event_source_mappings SET function = ?, source_arn = ?, definition = ? WHERE uuid = ?"
                    ).execute(arguments: [
                        mapping.functionName, mapping.eventSourceArn, try Self.encode(mapping), mapping.uuid,
                    ])
                } else {
                    try Self.save(db, mapping, lastProcessingResult: "No records processed")
                }
            }
        }
    }

    // MARK: checkpoints

    func checkpoint(_ uuid: String) throws -> StreamCheckpoint? {
        try database.read { db in try Self.checkpoint(db, uuid) }
    }

    static func checkpoint(_ db: Database, _ uuid: String) throws -> StreamCheckpoint? {
        try Row.fetchOne(
            db,
            SQLRequest(
                sql: "SELECT stream_label, sequence, attempts, batch_limit FROM lambda_esm_checkpoints WHERE uuid = ?",
                arguments: [uuid], cached: true)
        ).map {
            StreamCheckpoint(
                streamLabel: $0["stream_label"], sequence: $0["sequence"], attempts: $0["attempts"],
                batchLimit: $0["batch_limit"])
        }
    }

    static func save(_ db: Database, uuid: String, _ checkpoint: StreamCheckpoint) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO lambda_esm_checkpoints (uuid, stream_label, sequence, attempts, batch_limit)
                VALUES (?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            uuid, checkpoint.streamLabel, checkpoint.sequence, checkpoint.attempts, checkpoint.batchLimit,
        ])
    }

    // MARK: helpers

    private static func save(_ db: Database, _ mapping: EventSourceMapping, lastProcessingResult: String) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO lambda_event_source_mappings (uuid, function, source_arn, definition, last_processing_result)
                VALUES (?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            mapping.uuid, mapping.functionName, mapping.eventSourceArn, try encode(mapping), lastProcessingResult,
        ])
    }

    static func encode(_ mapping: EventSourceMapping) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(mapping), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> EventSourceMapping {
        try JSONDecoder().decode(EventSourceMapping.self, from: Data(text.utf8))
    }
}
