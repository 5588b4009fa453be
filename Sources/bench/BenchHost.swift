import ArgumentParser
import CurlHTTP
import Foundation

/// A `host` process of its own for one benchmark (its CPU time is its alone): a topology written to a temporary
/// folder, free ports from the kernel, started and healthy when `init` returns; `stop()` ends it and removes the
/// folder.
final class BenchHost {
    let process = Process()
    let directory: String
    let awsPort: Int
    let apiPort: Int

    var pid: Int32 { process.processIdentifier }
    var awsURL: String { "http://127.0.0.1:\(awsPort)/" }
    var apiURL: String { "http://127.0.0.1:\(apiPort)" }

    init(executable: String, topology: Data, name: String, arguments extra: [String] = []) throws {
        directory = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try topology.write(to: URL(fileURLWithPath: "\(directory)/topology.json"))
        awsPort = try freePort()
        apiPort = try freePort()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            [
                "--topology", "\(directory)/topology.json", "--aws-port", "\(awsPort)", "--api-port", "\(apiPort)",
                "--data-dir", "\(directory)/data", "--log-level", "error", "--no-build",
            ] + extra
        process.standardOutput = FileHandle.nullDevice  // the host's banner is not a figure
        try process.run()
        let probe = try CurlConnection()
        for _ in 0..<500 {
            if (try? probe.send("GET", awsURL + "_host/health"))?.status == 200 { return }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        stop()
        throw ValidationError("the host did not start")
    }

    /// The host's resident memory now and at its peak (`VmRSS`, `VmHWM` of `/proc/<pid>/status`), in MB.
    var memory: (resident: Double, peak: Double) {
        (Self.status(pid, "VmRSS:"), Self.status(pid, "VmHWM:"))
    }

    /// The resident memory of each process the host started (its functions' execution environments), in MB.
    var childrenResident: [Double] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Double? in
            guard let child = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // After the command: state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, Int32(fields[1]) == pid else { return nil }
            return Self.status(child, "VmRSS:")
        }
    }

    private static func status(_ pid: Int32, _ field: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
            let kilobytes = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
