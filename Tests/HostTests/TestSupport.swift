import AWSClients
import CurlHTTP
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import Host

/// The package's root folder.
func packageRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// A file of `../shared/testdata/` (beside the checkout).
func testData(_ path: String) -> URL {
    if let root = ProcessInfo.processInfo.environment["SHARED_TESTDATA"] {
        return URL(fileURLWithPath: root).appendingPathComponent(path)
    }
    return packageRoot().deletingLastPathComponent().appendingPathComponent("shared/testdata").appendingPathComponent(
        path)
}

/// A fixture runtime script under Tests/Fixtures/runtimes.
func fixture(_ name: String) -> String {
    packageRoot().appendingPathComponent("Tests/Fixtures/runtimes/\(name)").path
}

/// A product built beside the test bundle (TestFunction, host, Hello).
func builtProduct(_ name: String) throws -> String {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path,
        packageRoot().appendingPathComponent(".build/debug/\(name)").path,
    ]
    guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw TestFailure("\(name) is not built: run `swift build --build-tests` first (looked in \(candidates))")
    }
    return path
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs blocking work (libcurl, waiting on a process) on its own thread, off the cooperative pool.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Whether the host under test checks signatures (`HOST_VERIFY_SIGNATURES=1`: CI runs the suite once so).
let hostVerifiesSignatures = ProcessInfo.processInfo.environment["HOST_VERIFY_SIGNATURES"] == "1"

/// One HTTP request over a fresh libcurl connection. A request for an AWS API (an `X-Amz-Target`, a Lambda or
/// Pipes path) is signed with `test` / `test`, as the CLI and SDKs sign theirs.
func http(
    _ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil
) async throws -> HTTPClientResponse {
    let headerList = signedAsAWSClientsSign(method, url, headers: headers, body: body ?? [])
    return try await blocking {
        try CurlConnection().send(method, url, headers: headerList, body: body, timeoutMilliseconds: 60_000)
    }
}

/// `headers` plus `Host` and a SigV4 signature when the request is for an AWS API of the host.
func signedAsAWSClientsSign(_ method: String, _ url: String, headers: [(String, String)], body: [UInt8])
    -> [(String, String)]
{
    guard let components = URLComponents(string: url), let host = components.host, let port = components.port
    else { return headers }
    let target = headers.first { $0.0.lowercased() == "x-amz-target" }?.1
    let service: String?
    if let target {
        service =
            target.hasPrefix("DynamoDB")
            ? "dynamodb"
            : target.hasPrefix("AmazonSQS")
                ? "sqs"
                : target.hasPrefix("AWSEvents") ? "events" : target.hasPrefix("Logs_") ? "logs" : nil
    } else if components.percentEncodedPath.hasPrefix("/2015-03-31/") {
        service = "lambda"
    } else if components.percentEncodedPath.hasPrefix("/v1/pipes") {
        service = "pipes"
    } else {
        service = nil
    }
    guard let service, !headers.contains(where: { ["authorization", "host"].contains($0.0.lowercased()) }) else {
        return headers
    }
    let all = headers + [("Host", "\(host):\(port)")]
    let signer = SigV4Signer(
        credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test"), region: "us-east-1",
        service: service)
    let signature = signer.sign(
        SigV4Signer.Request(
            method: method, path: components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath,
            query: components.percentEncodedQuery ?? "", headers: all.map { (name: $0.0, value: $0.1) }, body: body),
        date: Date())
    return all + signature.headers.map { ($0.name, $0.value) }
}

/// A configuration for tests: free ports, a fresh data directory, silent functions.
func testConfiguration(
    dataDirectory: String = NSTemporaryDirectory() + "host-\(UUID().uuidString)",
    asyncRetryDelays: [Duration] = [.seconds(60), .seconds(120)], eventBridgeRetryDelay: Duration = .seconds(1)
) -> HostConfiguration {
    HostConfiguration(
        awsPort: 0, apiPort: 0, dataDirectory: dataDirectory, printFunctionLogs: false,
        asyncRetryDelays: asyncRetryDelays, eventBridgeRetryDelay: eventBridgeRetryDelay,
        verifySignatures: hostVerifiesSignatures)
}

/// Starts a host for `topology` on free ports, runs `body`, then stops it gracefully.
func withHost<T>(
    _ topology: Topology, configuration: HostConfiguration = testConfiguration(),
    _ body: (HostRuntime, (aws: Int, api: Int)) async throws -> T
) async throws -> T {
    var logger = Logger(label: "test-host")
    logger.logLevel = .warning
    let host = try HostRuntime(topology: topology, configuration: configuration, logger: logger)
    let groupLog = ServiceGroupLog()
    let group = host.serviceGroup(logger: groupLog.logger, handlingSignals: false)
    let running = Task { try await group.run() }
    let ports = try await within(150, "the host's start") { await host.ready() }
    do {
        let result = try await body(host, ports)
        try await stopGracefully(host, group, running, log: groupLog)
        return result
    } catch {
        _ = try? await stopGracefully(host, group, running, log: groupLog)
        throw error
    }
}

/// A topology of one function.
func topology(
    _ name: String = "Fn", executable: String, timeout: Int = 3, maxConcurrency: Int = 10,
    environment: [String: String] = [:], handler: String = "bootstrap", routes: [String: String]? = nil
) -> Topology {
    var function = FunctionConfiguration(
        name: name, executable: executable, timeout: timeout, maxConcurrency: maxConcurrency, environment: environment)
    function.handler = handler
    let api = routes.map { routes in
        HTTPAPIConfiguration(
            name: "test-api",
            routes: routes.sorted { $0.key < $1.key }.map {
                RouteConfiguration(key: $0.key, function: $0.value, api: "test-api")
            })
    }
    return Topology(functions: [function], httpAPIs: api.map { [$0] } ?? [])
}

/// Moves the host's clock forward (`POST /_host/clock/advance`): what fell due has run when it returns.
func advanceClock(_ port: Int, seconds: Int) async throws {
    let response = try await http(
        "POST", "http://127.0.0.1:\(port)/_host/clock/advance", headers: [("Content-Type", "application/json")],
        body: Array(#"{"seconds":\#(seconds)}"#.utf8))
    guard response.status == 200 else { throw TestFailure("clock advance: \(response.status) \(response.text)") }
}

/// Calls an AWS JSON-protocol operation on the host's endpoint; a non-200 answer throws with its body.
func awsJSON(_ port: Int, _ target: String, _ body: String) async throws -> [String: Any] {
    let response = try await awsJSONResponse(port, target, body)
    guard response.status == 200 else { throw TestFailure("\(target): \(response.status) \(response.text)") }
    return try response.json()
}

/// The raw answer of an AWS JSON-protocol call (JSON 1.1 for EventBridge and CloudWatch Logs, else 1.0).
func awsJSONResponse(_ port: Int, _ target: String, _ body: String) async throws -> HTTPClientResponse {
    let version = target.hasPrefix("AWSEvents") || target.hasPrefix("Logs_") ? "1.1" : "1.0"
    return try await http(
        "POST", "http://127.0.0.1:\(port)/",
        headers: [("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-\(version)")],
        body: Array(body.utf8))
}

/// Long-polls a queue of the host for up to `wait` seconds; returns its messages with every attribute.
func receive(_ port: Int, queue: String, wait: Int = 10, max: Int = 10) async throws -> [[String: Any]] {
    let result = try await awsJSON(
        port, "AmazonSQS.ReceiveMessage",
        #"{"QueueUrl":"http://127.0.0.1:\#(port)/000000000000/\#(queue)","WaitTimeSeconds":\#(wait),"MaxNumberOfMessages":\#(max),"MessageAttributeNames":["All"],"AttributeNames":["All"]}"#
    )
    return result["Messages"] as? [[String: Any]] ?? []
}

extension InvocationResult {
    var text: String { String(decoding: payload, as: UTF8.self) }

    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(text)")
        }
        return object
    }
}

extension HTTPClientResponse {
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(text)")
        }
        return object
    }
}

/// A child process for a test (a host, curl), started as the host starts functions: posix_spawn in a process group
/// of its own, every other descriptor closed, signals reset; its output (stdout and stderr) kept line by line.
/// Foundation's `Process.run` crashed the whole test run three times in CI (in its memmove, reading
/// `/proc/self/fd` while the parallel tests opened and closed over a thousand descriptors).
final class SpawnedProcess: Sendable {
    private let child: ChildProcess
    private struct State {
        var lines: [String] = []
        var standardOutput: [String] = []
        var status: String?
    }
    private final class Collected: Sendable {
        let state = Mutex(State())
    }
    private let collected: Collected

    init(
        _ executable: String, _ arguments: [String], directory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let collected = Collected()
        self.collected = collected
        child = try ChildProcess(
            executable: executable, arguments: arguments, environment: environment, directory: directory,
            onLine: { stream, line in
                collected.state.withLock { state in
                    state.lines.append(line)
                    if stream == .stdout && state.standardOutput.count < 10_000 { state.standardOutput.append(line) }
                    if state.lines.count > 20_000 { state.lines.removeFirst(10_000) }
                }
            },
            onExit: { status in collected.state.withLock { $0.status = status } })
    }

    var pid: pid_t { child.pid }
    var isRunning: Bool { collected.state.withLock { $0.status == nil } }
    /// `exit status 0`, `signal: killed`; nil while it runs.
    var exitStatus: String? { collected.state.withLock { $0.status } }
    /// Standard output and error, as they came.
    var lines: [String] { collected.state.withLock { $0.lines } }
    /// Standard output alone (its first 10,000 lines).
    var standardOutput: [String] { collected.state.withLock { $0.standardOutput } }
    var output: String { lines.joined(separator: "\n") }

    /// Sends `signal` to the process and waits up to `seconds` for it to exit; one still running then is killed with
    /// all it started, and the answer is false (a host that does not stop fails its test instead of hanging the whole
    /// run). Blocks the calling thread: from async code, call it through ``blocking(_:)``.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, within seconds: Double = 30) -> Bool {
        guard isRunning else { return true }
        kill(child.pid, signal)
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { usleep(10_000) }
        let stopped = !isRunning
        if !stopped {
            child.signalGroup(SIGKILL)
            while isRunning { usleep(10_000) }
        }
        return stopped
    }

    /// Stops the process on a thread of its own (SIGTERM, SIGKILL after 30 s): cleanup that must not hold one of
    /// the few threads every test's async work runs on while a host shuts down.
    func stopInBackground() {
        Thread.detachNewThread { self.stop() }
    }
}

/// Stops a host's service group and waits (up to 150 s) for it; a shutdown that does not end fails with what the
/// group was stopping and what the functions still held.
func stopGracefully(
    _ host: HostRuntime, _ group: ServiceGroup, _ running: Task<Void, any Error>, log: ServiceGroupLog
) async throws {
    await group.triggerGracefulShutdown()
    do {
        // A bound for a hang, not a measure: under the whole suite's load (100 hosts on two cores) a shutdown that
        // takes a second alone has taken a minute.
        try await within(150, "the host's graceful shutdown") { try await running.value }
    } catch let failure as TestFailure {
        let functions = host.lambda.diagnostics
        throw TestFailure(
            "\(failure.description); the service group's lines:\n" + log.lines.suffix(40).joined(separator: "\n")
                + (functions.isEmpty ? "" : "\nfunctions:\n\(functions)"))
    }
}

/// Keeps the last lines a service group logs at debug level (which service it is stopping, which finished), for a
/// report when a shutdown does not end.
final class ServiceGroupLog: Sendable {
    private let recorded = Mutex<[String]>([])

    var lines: [String] { recorded.withLock { $0 } }

    var logger: Logger {
        var logger = Logger(label: "service-group") { _ in Handler(log: self) }
        logger.logLevel = .debug
        return logger
    }

    fileprivate func append(_ line: String) {
        recorded.withLock { lines in
            if lines.count >= 200 { lines.removeFirst(100) }
            lines.append(line)
        }
    }

    private struct Handler: LogHandler {
        let log: ServiceGroupLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
            function: String, line: UInt
        ) {
            let fields = (metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            log.append("\(ISO8601DateFormatter().string(from: Date())) \(message) \(fields.joined(separator: " "))")
        }
    }
}

/// The value of `work`, or a failure once `seconds` have passed without one: a wait that cannot end (a host that
/// never listens or never stops) fails its test instead of hanging the whole run. The work itself is left to run.
func within<T: Sendable>(
    _ seconds: Int, _ what: String, _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    let waiter = OneAnswer<T>()
    return try await withCheckedThrowingContinuation { continuation in
        waiter.wait(continuation)
        Task {
            do { waiter.answer(.success(try await work())) } catch { waiter.answer(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            waiter.answer(.failure(TestFailure("\(what) took more than \(seconds) s")))
        }
    }
}

/// A continuation resumed by the first answer; later ones are ignored.
private final class OneAnswer<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func wait(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    func answer(_ result: Result<T, any Error>) {
        continuation.withLock { $0.take() }?.resume(with: result)
    }
}

/// The python3 that has AWS's runtime interface client (the functions' PATH puts /usr/bin first; pip may have
/// installed it for another one).
func pythonWithAWSLambdaRIC() async throws -> String {
    let result = try await run("/usr/bin/env", ["python3", "-c", "import sys, awslambdaric; print(sys.executable)"])
    guard result.status == 0 else {
        throw TestFailure("awslambdaric is not installed for python3: run scripts/test, which installs it")
    }
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
}
