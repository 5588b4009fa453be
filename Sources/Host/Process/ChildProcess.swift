import CSpawn
import Foundation
import Synchronization

/// A function's process: started by posix_spawn in its own process group, stdout and stderr read line by line,
/// its exit observed through a pidfd by one reader thread that also reaps it. Nothing here sleeps or polls on a
/// timer (unless the kernel lacks pidfd_open).
final class ChildProcess: Sendable {
    enum Stream: Sendable { case stdout, stderr }

    struct SpawnError: Error, CustomStringConvertible {
        var path: String
        var code: Int32
        var description: String { "\(path): \(String(cString: strerror(code)))" }
    }

    let pid: pid_t
    private let output: Mutex<OutputState>
    private let exitState = Mutex<ExitState>(ExitState())
    private let onLine: @Sendable (Stream, String) -> Void

    /// One output pipe and the line it has not finished yet.
    private struct OutputPipe {
        var fd: Int32
        var stream: Stream
        var partial: [UInt8] = []
    }

    private struct OutputState {
        var pipes: [OutputPipe]
        /// Reused by every read.
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)

        /// Reads until the pipe would block (or `limit` reads); emits complete lines. False at end of file.
        mutating func read(_ index: Int, limit: Int = .max, emit: (Stream, String) -> Void) -> Bool {
            let fd = pipes[index].fd
            guard fd >= 0 else { return false }
            for _ in 0..<limit {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if count == 0 { return false }
                if count < 0 { return errno == EAGAIN || errno == EINTR }
                var start = 0
                for position in 0..<count where buffer[position] == UInt8(ascii: "\n") {
                    pipes[index].partial.append(contentsOf: buffer[start..<position])
                    emit(pipes[index].stream, String(decoding: pipes[index].partial, as: UTF8.self))
                    pipes[index].partial.removeAll(keepingCapacity: true)
                    start = position + 1
                }
                pipes[index].partial.append(contentsOf: buffer[start..<count])
            }
            return true
        }

        /// Last words, then close.
        mutating func finish(emit: (Stream, String) -> Void) {
            for index in pipes.indices where pipes[index].fd >= 0 {
                _ = read(index, emit: emit)
                if !pipes[index].partial.isEmpty {
                    emit(pipes[index].stream, String(decoding: pipes[index].partial, as: UTF8.self))
                }
                close(pipes[index].fd)
                pipes[index].fd = -1
            }
        }
    }

    private struct ExitState {
        var status: String?
        var waiters: [CheckedContinuation<String, Never>] = []
    }

    /// Starts the process. `onLine` gets every output line (without its newline); `onExit` gets the exit status in
    /// Go's words (`exit status 1`, `signal: killed`), after the last line.
    init(
        executable: String,
        arguments: [String],
        environment: [String: String],
        directory: String?,
        onLine: @escaping @Sendable (Stream, String) -> Void,
        onExit: @escaping @Sendable (String) -> Void
    ) throws {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        var stdoutFD: Int32 = -1
        var stderrFD: Int32 = -1
        let result = cspawn_start(executable, argv, envp, directory, &pid, &stdoutFD, &stderrFD)
        guard result == 0 else { throw SpawnError(path: executable, code: result) }
        _ = cspawn_set_nonblocking(stdoutFD)
        _ = cspawn_set_nonblocking(stderrFD)
        self.pid = pid
        self.onLine = onLine
        self.output = Mutex(
            OutputState(pipes: [OutputPipe(fd: stdoutFD, stream: .stdout), OutputPipe(fd: stderrFD, stream: .stderr)]))
        let pidFD = cspawn_pidfd_open(pid)
        let (outFD, errFD) = (stdoutFD, stderrFD)
        let thread = Thread { [self] in
            self.watch(pidFD: pidFD, stdoutFD: outFD, stderrFD: errFD, onExit: onExit)
        }
        thread.name = "process-\(pid)"
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Reads whatever the process has written so far, synchronously: called before an invocation's result is
    /// reported, so the lines it printed belong to that invocation.
    func drainOutput() {
        // Bounded: a process that never stops writing must not hold the caller (an event loop) here.
        output.withLock { state in
            for index in state.pipes.indices { _ = state.read(index, limit: 4, emit: onLine) }
        }
    }

    /// Sends `signal` to the process group (the runtime and anything it started).
    func signalGroup(_ signal: Int32) {
        if exitState.withLock({ $0.status }) == nil { kill(-pid, signal) }
    }

    /// The exit status, once the process has been reaped.
    var exitStatus: String? { exitState.withLock { $0.status } }

    /// Waits until the process has exited and been reaped; returns its status.
    func waitForExit() async -> String {
        await withCheckedContinuation { continuation in
            let status: String? = exitState.withLock { state in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Peak resident memory (`VmHWM`) in megabytes.
    func peakMemoryMegabytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return (kilobytes + 1023) / 1024
    }

    // MARK: the reader thread

    private func watch(pidFD: Int32, stdoutFD: Int32, stderrFD: Int32, onExit: @Sendable (String) -> Void) {
        var fds = [
            pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: pidFD, events: Int16(POLLIN), revents: 0),
        ]
        var status: String?
        while status == nil {
            // Without a pidfd, check the process every 50 ms (old kernels only).
            let ready = poll(&fds, nfds_t(fds.count), pidFD >= 0 ? -1 : 50)
            if ready < 0 && errno != EINTR { break }
            for index in 0..<2 where fds[index].fd >= 0 && fds[index].revents != 0 {
                let open = output.withLock { $0.read(index, emit: onLine) }
                if !open { fds[index].fd = -1 }  // EOF: poll ignores negative descriptors
            }
            if pidFD < 0 || fds[2].revents != 0 {
                var raw: Int32 = 0
                let reaped = waitpid(pid, &raw, WNOHANG)
                if reaped == pid { status = Self.describe(raw) }
                if reaped < 0 && errno == ECHILD { status = "signal: killed" }  // reaped elsewhere: it is gone
            }
        }
        if status == nil {
            // poll failed: wait for the exit the blocking way rather than leave a zombie.
            var raw: Int32 = 0
            status = waitpid(pid, &raw, 0) == pid ? Self.describe(raw) : "signal: killed"
        }
        if pidFD >= 0 { close(pidFD) }
        // Whatever the runtime started dies with it, as when Lambda discards an environment; and a grandchild
        // still holding the pipes must not keep this thread alive.
        kill(-pid, SIGKILL)
        output.withLock { $0.finish(emit: onLine) }
        let final = status ?? "signal: killed"
        let waiters = exitState.withLock { state in
            state.status = final
            defer { state.waiters = [] }
            return state.waiters
        }
        onExit(final)
        waiters.forEach { $0.resume(returning: final) }
    }

    /// An exit status as Go's `os.ProcessState` prints it, which is what Lambda's error messages quote.
    static func describe(_ raw: Int32) -> String {
        let signal = raw & 0x7f
        if signal == 0 { return "exit status \((raw >> 8) & 0xff)" }
        let name = String(cString: strsignal(signal))
        return "signal: \(name.prefix(1).lowercased() + name.dropFirst())"
    }
}
