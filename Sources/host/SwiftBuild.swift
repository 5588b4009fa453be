import Foundation

/// Runs `swift build` on a thread of its own (never on the event loops the host serves from), one line at a time:
/// on a terminal its progress shows on one line that is rewritten; the errors are kept to be shown clearly.
enum SwiftBuild {
    struct Result {
        var status: Int32
        var lines: [String]

        /// The compiler's errors with the source lines it shows under each (each once: the compiler reports an
        /// error both when it emits the module and when it compiles), the linker's, and SwiftPM's own.
        var errors: [String] {
            var kept: [String] = []
            var seen = Set<String>()
            var keeping = false
            for line in lines {
                if line.contains("error:") {
                    // `error: emit-module command failed …` says nothing the errors under it do not.
                    keeping = !seen.contains(line) && !line.contains("command failed with exit code")
                    seen.insert(line)
                    if keeping { kept.append(line) }
                } else if line.contains("warning:") || line.hasPrefix("[") || line.hasPrefix("Build ") {
                    keeping = false
                } else if keeping {
                    kept.append(line)
                }
            }
            if kept.isEmpty { kept = Array(lines.suffix(20)) }
            return Array(kept.prefix(60))
        }
    }

    /// Whether standard output is a terminal (progress is then rewritten in place).
    static let isTerminal = isatty(STDOUT_FILENO) == 1

    static func run(_ arguments: [String], in directory: String, label: String) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: runBlocking(arguments, in: directory, label: label))
            }
            thread.name = "swift build"
            thread.start()
        }
    }

    /// `swift <arguments>` run in `directory` (found on PATH, as a user's shell finds it).
    static func process(_ arguments: [String], in directory: String) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        return process
    }

    private static func runBlocking(_ arguments: [String], in directory: String, label: String) -> Result {
        let process = process(arguments, in: directory)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return Result(status: -1, lines: ["error: cannot run swift: \(error)"])
        }
        var lines: [String] = []
        var partial = Data()
        let handle = pipe.fileHandleForReading
        while true {
            let data = handle.availableData
            if data.isEmpty { break }
            partial.append(data)
            while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: partial[partial.startIndex..<newline], as: UTF8.self)
                partial.removeSubrange(partial.startIndex...newline)
                lines.append(line)
                if isTerminal, line.hasPrefix("[") {
                    // `[12/20] Compiling Commerce Cart.swift`, on one line.
                    let text = "\(label) \(line)"
                    FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + String(text.prefix(110))).utf8))
                }
            }
        }
        if !partial.isEmpty { lines.append(String(decoding: partial, as: UTF8.self)) }
        process.waitUntilExit()
        if isTerminal {
            FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8))
        }
        return Result(status: process.terminationStatus, lines: lines)
    }

    /// Runs blocking work (a build at start, reading the package) on a thread of its own.
    static func onThread<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Swift.Result { try work() }) }
            thread.start()
        }
    }
}
