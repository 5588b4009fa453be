import ArgumentParser
import Foundation
import Host
import Logging
import NIOCore
import NIOPosix
import Synchronization

@main
struct HostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host",
        abstract: "A local mini-AWS that runs the project's Lambda functions against an emulated fabric.",
        discussion: """
            Reads the topology, builds the Swift function products that are missing or stale, starts one child \
            process per execution environment on demand, and serves the AWS endpoint (Lambda Invoke API, \
            GET /_host/health) and the API Gateway HTTP API. Ctrl-C or SIGTERM stops everything and reaps every \
            function process.

            Example: aws lambda invoke --endpoint-url http://127.0.0.1:4566 --function-name ListSKUsApi out.json

            `host event <source>` prints a sample event for `aws lambda invoke --payload` (`host event --help`).
            """
    )

    /// Swift Concurrency runs on NIO's event loops: a caller resumed by a Runtime API response continues on that
    /// loop, and the next invocation is written without a thread switch.
    static func main() async {
        // Every line leaves at once, also into a pipe (tee, nohup, an IDE, CI), not when a buffer fills.
        HostOutput.lineBuffered()
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        // `host event <source>`: a sample event (no server starts).
        if CommandLine.arguments.dropFirst().first == "event" {
            EventCommand.main(Array(CommandLine.arguments.dropFirst(2)))
            return
        }
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

    @Option(help: "The system description to run.")
    var topology = "infra/topology.json"

    @Option(help: "Where durable state is kept.")
    var dataDir = ".host-data"

    @Option(help: "Port of the AWS endpoint (every AWS API; use with --endpoint-url).")
    var awsPort = 4566

    @Option(help: "Port of the API Gateway HTTP API.")
    var apiPort = 3000

    @Option(help: "Address to listen on.")
    var bind = "127.0.0.1"

    @Option(help: "trace, debug, info, notice, warning, error or critical. Above info, function logs are silenced.")
    var logLevel = "info"

    @Flag(help: "Do not build the Swift function products; use what is already built.")
    var noBuild = false

    @Flag(
        inversion: .prefixedNo, exclusivity: .chooseLast,
        help: ArgumentHelp(
            "Hot reload: rebuild and replace the functions whose sources change; apply a changed topology.",
            discussion:
                "Invocations in flight finish on the old binary, new ones start the new; a build error leaves the "
                + "old one serving. A topology change is validated first and applied by restarting the services "
                + "on the same ports and data."))
    var watch = false

    @Flag(help: "Empty the data directory (every table, queue, bus, pipe, mapping and log) before starting.")
    var reset = false

    @Option(
        name: .customLong("allow-host"),
        help: ArgumentHelp(
            "A name the AWS endpoint accepts in Host and Origin besides localhost and IP addresses (repeatable).",
            valueName: "name"))
    var allowedHosts: [String] = []

    @Flag(
        help: ArgumentHelp(
            "Check every AWS request's SigV4 signature (credentials test/test, and the functions' own).",
            discussion: "Also on when HOST_VERIFY_SIGNATURES=1."))
    var verifySignatures = false

    @Flag(
        help:
            "Record no traces (no console timeline or sequence diagrams, no X-Ray API data); trace headers pass through."
    )
    var noTracing = false

    @Option(help: ArgumentHelp("The seed of the fault list's draws (/_host/chaos/faults).", valueName: "n"))
    var chaosSeed: UInt64 = 1

    @Option(help: ArgumentHelp("Hours traces are kept.", valueName: "hours"))
    var traceRetentionHours: Int = 24

    @Option(help: ArgumentHelp("The most trace hops kept (the oldest go first).", valueName: "count"))
    var traceMaxHops: Int = 100_000

    @Option(
        help: ArgumentHelp(
            "The Swift package whose function products are built (default: the package this host was built from).",
            valueName: "path"))
    var packagePath: String?

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard (1...8760).contains(traceRetentionHours) else {
            throw ValidationError("--trace-retention-hours must be between 1 and 8760")
        }
        guard (100...10_000_000).contains(traceMaxHops) else {
            throw ValidationError("--trace-max-hops must be between 100 and 10000000")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "host")

        var system: Topology
        do {
            system = try Topology.load(path: topology)
        } catch {
            FileHandle.standardError.write(Data("error: \(topology): \(error)\n".utf8))
            throw ExitCode(2)
        }
        let builder = FunctionBuilder(topologyPath: topology, packagePath: packagePath, build: !noBuild)
        var executables: [String: String]
        do {
            executables = try builder.prepare(system)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        // Held until this process exits: a second host on the same data refuses to start.
        let directory: DataDirectory
        do {
            directory = try DataDirectory.open(dataDir)
            // Nothing touches the data until both ports are known to be free.
            try await checkPortsAreFree(needsAPI: !system.httpAPIs.isEmpty)
            if reset {
                try directory.reset()
                print("data directory \(dataDir) emptied (--reset)")
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }

        var configuration = HostConfiguration(
            bindAddress: bind, awsPort: awsPort, apiPort: apiPort, dataDirectory: dataDir,
            printFunctionLogs: level <= .info, allowedHostNames: allowedHosts,
            verifySignatures: verifySignatures
                || ProcessInfo.processInfo.environment["HOST_VERIFY_SIGNATURES"] == "1",
            tracing: !noTracing,
            traceRetention: TraceRetention(
                maxAge: .seconds(traceRetentionHours * 3600), maxHops: traceMaxHops))
        configuration.chaosSeed = chaosSeed
        configuration.maximumShutdownDuration = .seconds(10)
        let reload: HotReload?
        if watch {
            do {
                reload = try HotReload(
                    topologyPath: topology, topology: system, executables: executables, builder: builder)
            } catch {
                FileHandle.standardError.write(Data("error: --watch: \(error)\n".utf8))
                throw ExitCode(1)
            }
            executables = reload?.executables ?? executables
            configuration.reloads = reload?.log
        } else {
            reload = nil
        }
        let watching = Task { await reload?.run() }
        defer {
            reload?.stop()
            watching.cancel()
        }
        defer { withExtendedLifetime(directory) {} }
        var first = true
        // One pass per topology: a change to it (with --watch) stops the services and starts them again here.
        while true {
            let started = Mutex(false)
            let host: HostRuntime
            do {
                host = try HostRuntime(
                    topology: system, executables: executables, configuration: configuration, logger: logger)
            } catch {
                guard !first, let reload, let previous = reload.previous else { throw error }
                reload.restartFailed(error, previous: previous.0, executables: previous.1)
                (system, executables) = previous
                continue
            }
            let group = host.serviceGroup(logger: logger)
            reload?.attach(host: host, group: group)
            let isFirst = first
            let restartedAt = ContinuousClock.now
            // The banner waits for both servers to listen; if one cannot, the group stops and the banner never comes.
            let banner = Task { [executables] in
                let ports = await host.ready()
                started.withLock { $0 = true }
                if isFirst {
                    print(self.banner(host: host, ports: ports, executables: executables))
                } else {
                    let since = reload?.restartSince ?? restartedAt
                    print(
                        "[reload] topology applied \(HotReload.format((ContinuousClock.now - since).seconds)) after "
                            + "the change (services started again in "
                            + "\(Int(((ContinuousClock.now - restartedAt).seconds * 1000).rounded())) ms)")
                }
            }
            defer { banner.cancel() }
            first = false
            do {
                try await group.run()
            } catch {
                guard started.withLock({ $0 }) else { throw notListening(error) }
                throw error
            }
            guard started.withLock({ $0 }) else { throw notListening(nil) }
            guard let next = reload?.takeRestart() else { break }
            (system, executables) = next
        }
        print("host stopped")
    }

    /// Binds each port once and lets it go: a port in use is named before anything starts.
    func checkPortsAreFree(needsAPI: Bool) async throws {
        var ports = [(awsPort, "--aws-port")]
        if needsAPI { ports.append((apiPort, "--api-port")) }
        for (port, option) in ports where port != 0 {
            do {
                let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: bind, port: port).get()
                try await channel.close()
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                throw StartError(
                    description:
                        "cannot listen on \(bind):\(port) (\(option)): port \(port) is in use by another process; "
                        + "stop it or choose another port with \(option).")
            } catch {
                throw StartError(description: "cannot listen on \(bind):\(port) (\(option)): \(error)")
            }
        }
    }

    /// The servers never both listened: almost always a port in use.
    func notListening(_ error: (any Error)?) -> StartError {
        StartError(
            description:
                "the host stopped before it was ready: could it listen on \(bind):\(awsPort) (--aws-port) and "
                + "\(bind):\(apiPort) (--api-port)? Another process may be using one of them."
                + (error.map { " (\($0))" } ?? ""))
    }

    func banner(host: HostRuntime, ports: (aws: Int, api: Int), executables: [String: String]) -> String {
        let apis = host.topology.httpAPIs.isEmpty ? "" : "  HTTP APIs http://\(bind):\(ports.api)"
        var lines = [
            "host ready  AWS endpoint http://\(bind):\(ports.aws)\(apis)",
            "  topology       \(topology)   data \(dataDir)",
            "  AWS endpoint   http://\(bind):\(ports.aws)   (aws --endpoint-url http://\(bind):\(ports.aws) …)",
            "  health         http://\(bind):\(ports.aws)/_host/health",
        ]
        lines.insert("  console        http://\(bind):\(ports.aws)/_host/console/", at: 1)
        if !host.topology.httpAPIs.isEmpty {
            lines.append("  HTTP APIs      http://\(bind):\(ports.api)")
            // Routes line up, however long the longest is.
            let width = max(42, host.topology.httpAPIs.flatMap { $0.routes.map(\.key.count) }.max() ?? 0)
            for api in host.topology.httpAPIs {
                lines.append("    \(api.name) (apiId \(APIGateway.apiID(api.name)))")
                for route in api.routes {
                    lines.append(
                        "      \(route.key.padding(toLength: width, withPad: " ", startingAt: 0)) → \(route.function)")
                }
            }
        }
        if !host.topology.tables.isEmpty {
            lines.append("  DynamoDB tables")
            for table in host.topology.tables {
                var details = [table.partitionKey.name + (table.sortKey.map { ", " + $0.name } ?? "")]
                details += table.globalSecondaryIndexes.map { "index \($0.name)" }
                details += table.localSecondaryIndexes.map { "local index \($0.name)" }
                if let stream = table.stream { details.append("stream \(stream)") }
                lines.append(
                    "    \(table.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(details.joined(separator: "; "))"
                )
            }
        }
        lines.append("  functions")
        for function in host.topology.functions {
            let path = executables[function.name] ?? function.executable ?? "?"
            lines.append(
                "    \(function.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(function.memorySize) MB, \(function.timeout) s, ≤ \(function.maxConcurrency) environments  \(path)"
            )
        }
        lines.append("Press Ctrl-C to stop.")
        return lines.joined(separator: "\n")
    }
}

/// Why the host could not start (printed as `Error: …`, exit status 1).
struct StartError: Error, CustomStringConvertible {
    var description: String
}
