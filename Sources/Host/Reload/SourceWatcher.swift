import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Watches folders for changed files with inotify (no polling): a thread blocks in `poll(2)` until the kernel reports
/// a change, collects what else changes within `quiet` (an editor's save is several events; `swift format` touches
/// many files), and hands the batch of changed paths on. Folders created inside a recursive root are watched as they
/// appear. Hidden files, editor backups and swap files are ignored.
public final class SourceWatcher: Sendable {
    public struct Root: Sendable {
        public var path: String
        public var recursive: Bool
        public init(path: String, recursive: Bool) {
            self.path = path
            self.recursive = recursive
        }
    }

    /// Paths changed together, and when the first of them was seen.
    public struct Batch: Sendable {
        public var paths: Set<String>
        public var since: ContinuousClock.Instant
    }

    public struct WatchError: Error, CustomStringConvertible {
        public var description: String
    }

    private let descriptor: Int32
    /// A pipe whose write end wakes the thread to stop.
    private let wake: (read: Int32, write: Int32)
    private struct State {
        var folders: [Int32: (path: String, recursive: Bool)] = [:]
        var stopped = false
    }
    private let state = Mutex(State())
    private let quiet: Duration
    public let changes: AsyncStream<Batch>
    private let continuation: AsyncStream<Batch>.Continuation

    public init(roots: [Root], quiet: Duration = .milliseconds(150)) throws {
        descriptor = inotify_init1(Int32(IN_CLOEXEC))
        guard descriptor >= 0 else {
            throw WatchError(description: "inotify_init1: \(String(cString: strerror(errno)))")
        }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            close(descriptor)
            throw WatchError(description: "pipe: \(String(cString: strerror(errno)))")
        }
        wake = (ends[0], ends[1])
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        self.quiet = quiet
        (changes, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        for root in roots where FileManager.default.fileExists(atPath: root.path) {
            try add(root.path, recursive: root.recursive)
        }
        let thread = Thread { [self] in loop() }
        thread.name = "source watcher"
        thread.start()
    }

    deinit {
        close(descriptor)
        close(wake.read)
        close(wake.write)
    }

    /// Stops watching; `changes` ends.
    public func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        var one: UInt8 = 1
        _ = write(wake.write, &one, 1)
    }

    /// Watches one more folder (one already watched is left as it is).
    public func add(_ root: Root) throws {
        let watched = state.withLock { $0.folders.values.contains { $0.path == root.path } }
        guard !watched, FileManager.default.fileExists(atPath: root.path) else { return }
        try add(root.path, recursive: root.recursive)
    }

    private static let mask: UInt32 =
        UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_MOVED_FROM) | UInt32(IN_CREATE) | UInt32(IN_DELETE)

    private func add(_ path: String, recursive: Bool) throws {
        let watch = inotify_add_watch(descriptor, path, Self.mask | UInt32(IN_ONLYDIR))
        guard watch >= 0 else {
            throw WatchError(description: "cannot watch \(path): \(String(cString: strerror(errno)))")
        }
        state.withLock { $0.folders[watch] = (path, recursive) }
        guard recursive, let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for entry in entries where !Self.ignored(entry) {
            var isFolder: ObjCBool = false
            let child = "\(path)/\(entry)"
            if FileManager.default.fileExists(atPath: child, isDirectory: &isFolder), isFolder.boolValue {
                try? add(child, recursive: true)
            }
        }
    }

    /// Editors' temporary files and hidden ones (`.build`, `.git`, `.swp`) are not sources.
    static func ignored(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasSuffix(".tmp") || name == "4913"
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var pending = Set<String>()
        var since = ContinuousClock.now
        while true {
            var descriptors = [
                pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
            ]
            // Blocks until a change; once one came, waits only for the rest of the batch.
            let timeout =
                pending.isEmpty
                ? -1 : Int32(quiet.components.seconds * 1000 + quiet.components.attoseconds / 1_000_000_000_000_000)
            let ready = poll(&descriptors, 2, timeout)
            if ready < 0 && errno == EINTR { continue }
            if descriptors[1].revents != 0 || ready < 0 { break }
            if ready == 0 {
                continuation.yield(Batch(paths: pending, since: since))
                pending = []
                continue
            }
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { continue }
            let paths = parse(buffer[0..<count])
            if pending.isEmpty && !paths.isEmpty { since = .now }
            pending.formUnion(paths)
        }
        continuation.finish()
    }

    /// Each `inotify_event`: wd, mask, cookie, len (4 bytes each), then a name of `len` bytes padded with NULs.
    private func parse(_ bytes: ArraySlice<UInt8>) -> Set<String> {
        var paths = Set<String>()
        var offset = bytes.startIndex
        func word(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        while offset + 16 <= bytes.endIndex {
            let watch = Int32(bitPattern: word(offset))
            let mask = word(offset + 4)
            let length = Int(word(offset + 12))
            let nameBytes = bytes[(offset + 16)..<min(offset + 16 + length, bytes.endIndex)].prefix { $0 != 0 }
            offset += 16 + length
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard let folder = state.withLock({ $0.folders[watch] }) else { continue }
            if mask & UInt32(IN_IGNORED) != 0 {
                state.withLock { _ = $0.folders.removeValue(forKey: watch) }
                continue
            }
            guard !name.isEmpty, !Self.ignored(name) else { continue }
            let path = "\(folder.path)/\(name)"
            if mask & UInt32(IN_ISDIR) != 0 {
                // A new folder in a watched tree is watched too; what it already holds counts as changed.
                if folder.recursive && mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0 {
                    try? add(path, recursive: true)
                    if let files = FileManager.default.enumerator(atPath: path) {
                        for case let file as String in files { paths.insert("\(path)/\(file)") }
                    }
                }
                continue
            }
            paths.insert(path)
        }
        return paths
    }
}
