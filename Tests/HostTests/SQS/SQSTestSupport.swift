import Foundation
import Synchronization

@testable import Host

/// A clock the tests move by hand.
final class SQSTestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_700_000_000))

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A store on a fresh database file, with an injected clock (or the real one).
func makeSQSStore(clock: SQSTestClock? = nil) throws -> SQSStore {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("sqs-tests-\(UUID().uuidString)/host.sqlite").path
    let database = try HostDatabase(path: path, migrations: SQSStore.migrations)
    if let clock {
        return SQSStore(database: database, now: { clock.now })
    }
    return SQSStore(database: database)
}
