import ArgumentParser
import CurlHTTP
import Foundation
import Host
import Logging
import NIOCore
import NIOPosix

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures. Build with -c release (scripts/bench does).",
        subcommands: [LambdaBench.self, DynamoDBBench.self, FabricBench.self, CommerceBench.self],
        defaultSubcommand: LambdaBench.self
    )

    /// Swift Concurrency runs on NIO's event loops: a caller resumed by a Runtime API response continues on that
    /// loop, and the next invocation is written without a thread switch.
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

struct LambdaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lambda",
        abstract: "Warm invocations per second (one environment, sequential) and cold start (spawn to first /next)."
    )

    @Option(help: "Warm invocations to time.")
    var invocations = 20_000

    @Option(help: "Cold starts to time.")
    var coldStarts = 30

    @Option(help: "The function executable (default: TestFunction beside this binary).")
    var function: String?

    func run() async throws {
        let executable =
            function
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "TestFunction"
            ).path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("\(executable) is missing: swift build -c release --product TestFunction")
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let topology = Topology(functions: [
            FunctionConfiguration(name: "Bench", executable: executable, maxConcurrency: 1)
        ])
        let host = try HostRuntime(
            topology: topology,
            configuration: HostConfiguration(
                awsPort: 0, apiPort: 0, dataDirectory: NSTemporaryDirectory() + "host-\(UUID().uuidString)",
                printFunctionLogs: false),
            logger: logger)
        let group = host.serviceGroup(logger: logger, handlingSignals: false)
        let running = Task { try await group.run() }
        let ports = await host.ready()
        defer { running.cancel() }

        let size = (try? FileManager.default.attributesOfItem(atPath: executable)[.size] as? Int) ?? 0
        print("function: \(executable) (\(size / 1024) KB)")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let floor = try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try loopbackRoundTripMicroseconds(roundTrips: 20_000) }) }
                .start()
        }
        print(
            "loopback floor: one TCP round trip \(format(floor)) µs; two per warm invocation → at most \(Int(1e6 / (2 * floor)))/s here"
        )

        // Cold start: spawn → the runtime's first GET /next, as the host measures it (REPORT's Init Duration).
        var initDurations: [Double] = []
        for _ in 0..<coldStarts {
            let result = try await host.lambda.invoke(
                "Bench", payload: Array("{}".utf8), options: InvokeOptions(wantsLogTail: true))
            if let line = result.logLines.last, let range = line.range(of: "Init Duration: ") {
                initDurations.append(Double(line[range.upperBound...].prefix { $0 != " " }) ?? 0)
            }
            _ = try await host.lambda.invoke("Bench", payload: Array(#"{"action":"crash","code":0}"#.utf8))
        }
        initDurations.sort()
        print(
            "cold start (spawn → first /next), \(initDurations.count) runs: median \(format(percentile(initDurations, 0.5))) ms, p90 \(format(percentile(initDurations, 0.9))) ms"
        )

        // Warm, in process: the host's invoke → Runtime API → function → Runtime API → caller.
        let payload = Array(#"{"hello":"world"}"#.utf8)
        let lambda = host.lambda
        let total = invocations
        var elapsed = try await Task.detached {
            for _ in 0..<1_000 { _ = try await lambda.invoke("Bench", payload: payload) }
            let begin = ContinuousClock.now
            for _ in 0..<total { _ = try await lambda.invoke("Bench", payload: payload) }
            return ContinuousClock.now - begin
        }.value
        print(
            "warm invocations, one environment, sequential: \(Int(Double(invocations) / seconds(elapsed)))/s (\(format(seconds(elapsed) / Double(invocations) * 1e6)) µs each)"
        )

        // Warm, through the Invoke API over HTTP with a keep-alive connection (what the aws CLI and SDKs use).
        let url = "http://127.0.0.1:\(ports.aws)/2015-03-31/functions/Bench/invocations"
        let count = invocations / 2
        // A blocking client must not run on an event loop (Swift Concurrency runs on them here): its own thread.
        elapsed = try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result {
                        let connection = try CurlConnection()
                        for _ in 0..<500 { _ = try connection.send("POST", url, body: payload) }
                        let begin = ContinuousClock.now
                        for _ in 0..<count { _ = try connection.send("POST", url, body: payload) }
                        return ContinuousClock.now - begin
                    })
            }.start()
        }
        print(
            "warm invocations through the Invoke API (HTTP keep-alive): \(Int(Double(count) / seconds(elapsed)))/s (\(format(seconds(elapsed) / Double(count) * 1e6)) µs each)"
        )
        await group.triggerGracefulShutdown()
        try? await running.value
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction))]
}

func format(_ value: Double) -> String {
    String(format: "%.2f", value)
}

/// A TCP port nobody listens on now (the kernel picks it; random ports in the ephemeral range collide with
/// outgoing connections).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw ValidationError("no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}
