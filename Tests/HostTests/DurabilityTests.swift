import AWSShapes
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `host` process killed with SIGKILL in the middle of a flow (PutItem → stream → pipe → bus → rule → SQS →
/// mapping → function) and started again on the same data directory loses nothing: every item whose PutItem was
/// acknowledged reaches the function (at least once, as AWS delivers).
@Suite struct DurabilityTests {
    /// A TCP port nobody listens on right now, for a host process to listen on later. It is taken below the
    /// kernel's ephemeral range (32768 and up here), so the outgoing connections of other tests running meanwhile
    /// cannot occupy it in the seconds, or the minute of a first build, before the host binds it; and it is never
    /// handed out twice in this test process.
    static func freePort() throws -> Int {
        try handedOut.withLock { taken in
            for _ in 0..<200 {
                let port = Int.random(in: 20_000..<32_000)
                guard !taken.contains(port), canBind(port) else { continue }
                taken.insert(port)
                return port
            }
            throw TestFailure("no free port below the ephemeral range")
        }
    }

    private static let handedOut = Mutex<Set<Int>>([])

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 }
        }
    }

    final class HostProcess: Sendable {
        let process: SpawnedProcess
        let port: Int

        init(topology: String, dataDirectory: String, port: Int) throws {
            self.port = port
            process = try SpawnedProcess(
                try builtProduct("host"),
                [
                    "--topology", topology, "--data-dir", dataDirectory, "--aws-port", String(port), "--api-port", "0",
                    "--no-build", "--log-level", "error",
                ])
        }

        func waitUntilHealthy() async throws {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if let response = try? await http("GET", "http://127.0.0.1:\(port)/_host/health"),
                    response.status == 200
                {
                    return
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw TestFailure("the host did not become healthy")
        }

        func kill9() {
            process.stop(signal: SIGKILL)
        }

        /// SIGTERM; false when the host had not stopped within 30 s (it is killed then).
        @discardableResult
        func stop() -> Bool {
            process.stop()
        }
    }

    @Test func killedMidFlowAndRestartedTheHostLosesNothing() async throws {
        let directory = NSTemporaryDirectory() + "durability-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = directory + "/events.jsonl"
        let topologyPath = directory + "/topology.json"
        // First run: the function hangs after logging its event, so nothing it receives is ever deleted; records
        // wait in the stream, events in the queue, batches in flight. Second run: the same system, a function
        // that answers at once.
        func writeTopology(delay: Int) throws {
            try #"""
            {"functions":{"Worker":{"executable":"\#(try builtProduct("TestFunction"))","timeout":300,"environment":{"TEST_EVENT_LOG":"\#(log)","TEST_DELAY_MS":"\#(delay)"}}},
             "tables":{"items":{"partitionKey":{"name":"id"},"stream":"NEW_IMAGE"}},
             "pipes":{"p":{"source":{"table":"items"},"target":{}}},
             "queues":{"work":{"visibilityTimeout":2}},
             "rules":{"r":{"pattern":{"source":["Pipe p"]},"targets":[{"queue":"work"}]}},
             "eventSourceMappings":[{"function":"Worker","queue":"work","batchSize":10}]}
            """#.write(toFile: topologyPath, atomically: true, encoding: .utf8)
        }
        try writeTopology(delay: 120_000)
        // The stalled functions of the killed host would linger: end them with the test.
        defer { Self.killProcesses(withEnvironment: "TEST_EVENT_LOG=\(log)") }

        let port = try Self.freePort()
        func put(_ id: Int) async -> Bool {
            let body = #"{"TableName":"items","Item":{"id":{"S":"item-\#(id)"}}}"#
            let response = try? await http(
                "POST", "http://127.0.0.1:\(port)/",
                headers: [
                    ("X-Amz-Target", "DynamoDB_20120810.PutItem"), ("Content-Type", "application/x-amz-json-1.0"),
                ], body: Array(body.utf8))
            return response?.status == 200
        }

        var acknowledged = Set<String>()
        let first = try HostProcess(topology: topologyPath, dataDirectory: directory + "/data", port: port)
        try await first.waitUntilHealthy()
        for id in 0..<150 where await put(id) { acknowledged.insert("item-\(id)") }
        // Killed while records are still moving through the pipe, the queue and the mapping.
        first.kill9()
        #expect(acknowledged.count == 150)
        let deliveredBeforeKill = Self.delivered(log)
        let acknowledgedBeforeKill = acknowledged.count

        try writeTopology(delay: 0)
        let second = try HostProcess(topology: topologyPath, dataDirectory: directory + "/data", port: port)
        defer { second.process.stopInBackground() }
        try await second.waitUntilHealthy()
        for id in 150..<200 where await put(id) { acknowledged.insert("item-\(id)") }

        let deadline = ContinuousClock.now + .seconds(40)
        var delivered = Self.delivered(log)
        while !acknowledged.isSubset(of: delivered), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            delivered = Self.delivered(log)
        }
        let missing = acknowledged.subtracting(delivered)
        #expect(missing.isEmpty, "lost \(missing.count): \(missing.sorted().prefix(10))")
        // Two pollers, each stuck in its first batch of at most 10: most items were still on their way.
        #expect(
            deliveredBeforeKill.count <= 20 && acknowledgedBeforeKill == 150,
            "the kill happened mid-flow (\(deliveredBeforeKill.count) of \(acknowledgedBeforeKill) had reached the function)"
        )
    }

    /// Kills every process of this user whose environment holds `entry`.
    static func killProcesses(withEnvironment entry: String) {
        let needle = Array(entry.utf8)
        for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? [] {
            guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            let variables = environment.split(separator: 0)
            if variables.contains(where: { Array($0) == needle }) { kill(pid, SIGKILL) }
        }
    }

    /// The item ids the function received (through SQS events whose bodies are the pipe's bus events).
    static func delivered(_ log: String) -> Set<String> {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        var ids = Set<String>()
        for line in text.split(separator: "\n") {
            guard let event = try? JSONValue(parsing: Data(line.utf8)) else { continue }
            for record in event["Records"]?.arrayValue ?? [] {
                guard let body = record["body"]?.stringValue,
                    let bus = try? JSONValue(parsing: Data(body.utf8)),
                    let id = bus["detail"]?["dynamodb"]?["Keys"]?["id"]?["S"]?.stringValue
                else { continue }
                ids.insert(id)
            }
        }
        return ids
    }
}
