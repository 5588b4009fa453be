import Foundation
import GRDB

/// Pipes and their stream checkpoints in the host database.
final class PipeStore: Sendable, ServiceStore {
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
            "pipes-1",
            { db in
                try db.execute(
                    sql:
                        "CREATE TABLE pipe_checkpoints (pipe TEXT PRIMARY KEY, stream_label TEXT NOT NULL, sequence INTEGER NOT NULL)"
                )
            }
        ),
        StoreMigration(
            "pipes-2",
            { db in
                try db.execute(sql: "CREATE TABLE pipes (name TEXT PRIMARY KEY, definition TEXT NOT NULL)")
            }
        ),
        StoreMigration(
            // Pipes apply their retry policy: the failed attempts of the batch at the checkpoint (and the batch size
            // while AUTOMATIC_BISECT splits it) are kept with the checkpoint, so a restart keeps counting.
            "pipes-3",
            { db in
                try db.execute(
                    sql: """
                        ALTER TABLE pipe_checkpoints ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
                        ALTER TABLE pipe_checkpoints ADD COLUMN batch_limit INTEGER;
                        """)
            }
        ),
    ]

    func arn(_ name: String) -> String { "arn:aws:pipes:\(region):\(account):pipe/\(name)" }

    func all() throws -> [PipeDefinition] {
        try database.read { db in
            try String.fetchAll(db, SQLRequest(sql: "SELECT definition FROM pipes ORDER BY name", cached: true)).map(
                Self.decode)
        }
    }

    func get(_ name: String) throws -> PipeDefinition? {
        try database.read { db in
            try String.fetchOne(
                db, SQLRequest(sql: "SELECT definition FROM pipes WHERE name = ?", arguments: [name], cached: true)
            ).map(
                Self.decode)
        }
    }

    func insert(_ pipe: PipeDefinition) throws {
        try database.write { db in
            if try String.fetchOne(
                db, SQLRequest(sql: "SELECT name FROM pipes WHERE name = ?", arguments: [pipe.name], cached: true))
                != nil
            {
                throw AWSError(
                    "ConflictException", "Pipe \(pipe.name) already exists.", status: .conflict)
            }
            try db.cachedStatement(sql: "INSERT INTO pipes (name, definition) VALUES (?, ?)").execute(arguments: [
                pipe.name, try Self.encode(pipe),
            ])
        }
    }

    func update(_ pipe: PipeDefinition) throws {
        try database.write { db in
            try db.cachedStatement(sql: "UPDATE pipes SET definition = ? WHERE name = ?").execute(arguments: [
                try Self.encode(pipe), pipe.name,
            ])
        }
    }

    func delete(_ name: String) throws {
        try database.write { db in
            try db.cachedStatement(sql: "DELETE FROM pipes WHERE name = ?").execute(arguments: [name])
            try db.cachedStatement(sql: "DELETE FROM pipe_checkpoints WHERE pipe = ?").execute(arguments: [name])
        }
    }

    /// Makes the declared pipes exactly `pipes` (a changed source starts its checkpoint afresh).
    func declare(_ pipes: [PipeDefinition]) throws {
        try database.write { db in
            var stored: [String: PipeDefinition] = [:]
            for text in try String.fetchAll(db, SQLRequest(sql: "SELECT definition FROM pipes", cached: true)) {
                let pipe = try Self.decode(text)
                stored[pipe.name] = pipe
            }
            // A pipe another topology declared is stopped, not deleted: its checkpoint stays, so declaring it again
            // resumes where it stopped instead of replaying its stream from TRIM_HORIZON.
            for (name, var pipe) in stored
            where pipe.declared && pipe.desiredState != "STOPPED" && !pipes.contains(where: { $0.name == name }) {
                pipe.desiredState = "STOPPED"
                try db.cachedStatement(sql: "UPDATE pipes SET definition = ? WHERE name = ?").execute(arguments: [
                    try Self.encode(pipe), name,
                ])
            }
            for var pipe in pipes {
                if let old = stored[pipe.name] {
                    pipe.creationTime = old.creationTime
                    pipe.lastModifiedTime = old.lastModifiedTime
                    if old == pipe { continue }
                    if old.source != pipe.source {
                        try db.cachedStatement(sql: "DELETE FROM pipe_checkpoints WHERE pipe = ?").execute(arguments: [
                            pipe.name
                        ])
                    }
                }
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO pipes (name, definition) VALUES (?, ?)").execute(
                    arguments: [pipe.name, try Self.encode(pipe)])
            }
        }
    }

    static func saveCheckpoint(_ db: Database, pipe: String, _ checkpoint: StreamCheckpoint) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO pipe_checkpoints (pipe, stream_label, sequence, attempts, batch_limit)
                VALUES (?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            pipe, checkpoint.streamLabel, checkpoint.sequence, checkpoint.attempts, checkpoint.batchLimit,
        ])
    }

    func checkpoint(_ pipe: String) throws -> StreamCheckpoint? {
        try database.read { db in try Self.checkpoint(db, pipe: pipe) }
    }

    static func checkpoint(_ db: Database, pipe: String) throws -> StreamCheckpoint? {
        try Row.fetchOne(
            db,
            SQLRequest(
                sql: "SELECT stream_label, sequence, attempts, batch_limit FROM pipe_checkpoints WHERE pipe = ?",
                arguments: [pipe], cached: true)
        ).map {
            StreamCheckpoint(
                streamLabel: $0["stream_label"], sequence: $0["sequence"], attempts: $0["attempts"],
                batchLimit: $0["batch_limit"])
        }
    }

    static func encode(_ pipe: PipeDefinition) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(pipe), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> PipeDefinition {
        try JSONDecoder().decode(PipeDefinition.self, from: Data(text.utf8))
    }
}
