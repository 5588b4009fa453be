import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The host's data directory, owned by one host process at a time: `open` creates it owner-only (0700), takes an
/// exclusive lock on `host.lock` inside it (held until the process exits, crash or `kill -9` included: the kernel
/// releases it), and refuses a directory another host holds, naming that host's pid.
public final class DataDirectory: Sendable {
    public let path: String
    /// The lock file's descriptor; closing it (or exiting) releases the lock.
    private let descriptor: Int32

    /// Why a data directory cannot be used.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The name of the lock file inside the directory.
    static let lockName = "host.lock"
    /// The database files a reset removes (SQLite's WAL and shared-memory files included).
    static let databaseFiles = [
        "host.sqlite", "host.sqlite-wal", "host.sqlite-shm", "traces.sqlite", "traces.sqlite-wal", "traces.sqlite-shm",
    ]

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Creates the directory if needed (0700; an existing one is made owner-only) and takes its lock.
    public static func open(_ path: String) throws -> DataDirectory {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Unavailable(description: "cannot create the data directory \(path): \(error.localizedDescription)")
        }
        _ = chmod(path, 0o700)
        let lockPath = URL(fileURLWithPath: path).appendingPathComponent(lockName).path
        let descriptor = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Unavailable(description: "cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let owner = Self.recordedPID(descriptor)
            close(descriptor)
            throw Unavailable(
                description:
                    "the data directory \(path) is in use by another host"
                    + (owner.map { " (pid \($0))" } ?? "")
                    + ": stop it, or give this one its own --data-dir")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.utf8.count, 0)
        return DataDirectory(path: path, descriptor: descriptor)
    }

    /// Removes every database file (the lock stays held): the next start begins with empty services.
    public func reset() throws {
        for name in Self.databaseFiles {
            let file = URL(fileURLWithPath: path).appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
        }
    }

    private static func recordedPID(_ descriptor: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &bytes, bytes.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
