import Foundation
import Synchronization

@testable import Host

/// A clock the tests move by hand.
final class SQSTestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_700_000_000))

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A fresh database file's path.
func temporarySQSDatabasePath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("sqs-tests-\(UUID().uuidString)/host.sqlite").path
}

/// A store on a fresh database file (or on `path`, to open a database again as a restarted host does), with an
/// injected clock (or the real one).
func makeSQSStore(clock: SQSTestClock? = nil, path: String = temporarySQSDatabasePath()) throws -> SQSStore {
    let database = try HostDatabase(path: path, migrations: SQSStore.migrations)
    if let clock {
        return SQSStore(database: database, now: { clock.now })
    }
    return SQSStore(database: database)
}
