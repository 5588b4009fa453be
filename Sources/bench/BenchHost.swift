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

    init(executable: String, topology: Data, name: String) throws {
        directory = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try topology.write(to: URL(fileURLWithPath: "\(directory)/topology.json"))
        awsPort = try freePort()
        apiPort = try freePort()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--topology", "\(directory)/topology.json", "--aws-port", "\(awsPort)", "--api-port", "\(apiPort)",
            "--data-dir", "\(directory)/data", "--log-level", "error", "--no-build",
        ]
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

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
