import GRDB

/// One step of a service's schema in the host database, applied once and in order (GRDB's migrator records which
/// ran). A step once released is never edited: a change is a new step.
struct StoreMigration: Sendable {
    let identifier: String
    let migrate: @Sendable (Database) throws -> Void

    init(_ identifier: String, _ migrate: @escaping @Sendable (Database) throws -> Void) {
        self.identifier = identifier
        self.migrate = migrate
    }
}

/// What every service keeps in the host database declares: its schema steps. The host opens one database with the
/// steps of every store (`HostDatabase.storeTypes`), in that order.
protocol ServiceStore {
    static var migrations: [StoreMigration] { get }
}

extension HostDatabase {
    /// Every store of the host, in the order their schemas are applied.
    static let storeTypes: [any ServiceStore.Type] = [
        DynamoDBStore.self, SQSStore.self, EventBridgeStore.self, PipeStore.self, EventSourceMappingStore.self,
        LambdaAsyncInvocations.self, LogsStore.self, EventBridgeTargets.self, HostClock.self,
    ]

    /// The host's database with the schema of every store.
    convenience init(path: String) throws {
        try self.init(path: path, migrations: Self.storeTypes.flatMap { $0.migrations })
    }
}
