import Foundation
import NIOPosix
import Synchronization
import Testing

@testable import Host

#if canImport(Glibc)
import Glibc
#endif

/// What keeps the host safe to run on a laptop: one host per data directory, owner-only files, endpoints a web
/// page cannot reach, connections that cannot be held open forever.
@Suite struct HostSafetyTests {
    // MARK: Host and Origin

    @Test(
        arguments: [
            // (Host, Origin, accepted)
            ("127.0.0.1:4566", nil, true),
            ("localhost:4566", nil, true),
            ("[::1]:4566", nil, true),
            ("10.1.2.3:4566", nil, true),  // an address: a rebinding attack needs a name
            ("api.localhost", nil, true),
            ("evil.example:4566", nil, false),  // DNS rebinding: the page's own name
            ("LOCALHOST", nil, true),
            ("127.0.0.1:4566", "http://127.0.0.1:3000", true),
            ("127.0.0.1:4566", "http://localhost:8080", true),
            ("127.0.0.1:4566", "http://evil.example", false),
            ("127.0.0.1:4566", "https://1.2.3.4", false),  // a page served from a public address
            ("127.0.0.1:4566", "null", false),  // file: and sandboxed pages
            ("127.0.0.1:4566", "chrome-extension://abc", false),
            ("localhost:4566", nil, true),
            ("127.0.0.1.nip.io:4566", nil, false),  // names that only start like the loopback forms
            ("localhost.evil.example", nil, false),
            ("my-box.lan", nil, true),  // allowed by the user
            ("127.0.0.1", "http://my-box.lan:3000", true),
        ] as [(String, String?, Bool)])
    func hostAndOriginDecideWhoMayCall(host: String, origin: String?, accepted: Bool) {
        let policy = LocalRequestPolicy(bindAddress: "127.0.0.1", allowedNames: ["my-box.lan"])
        #expect((policy.refusal(host: host, origin: origin) == nil) == accepted)
    }

    @Test func aWebPageCannotInvokeAFunctionOrReadAnything() async throws {
        let path = try builtProduct("TestFunction")
        try await withHost(topology(executable: path)) { _, ports in
            let invoke = "http://127.0.0.1:\(ports.aws)/2015-03-31/functions/Fn/invocations"
            // A "simple" cross-origin POST (text/plain, no preflight) from a page on another site.
            let fromPage = try await http(
                "POST", invoke, headers: [("Origin", "http://evil.example"), ("Content-Type", "text/plain")],
                body: Array(#"{"action":"echo"}"#.utf8))
            #expect(fromPage.status == 403)
            #expect(try fromPage.json()["__type"] as? String == "AccessDeniedException")
            // DNS rebinding: the page's name resolves to 127.0.0.1 and its requests carry it as Host.
            let rebound = try await http(
                "GET", "http://127.0.0.1:\(ports.aws)/_host/health", headers: [("Host", "evil.example:\(ports.aws)")])
            #expect(rebound.status == 403)
            // The CLI, SDKs and functions send neither.
            let cli = try await http("POST", invoke, body: Array(#"{"action":"echo"}"#.utf8))
            #expect(cli.status == 200)
        }
    }

    @Test func theRuntimeAPIRefusesWebPages() async throws {
        let calls = Mutex(0)
        let server = try await RuntimeAPIServer.start(
            group: MultiThreadedEventLoopGroup.singleton,
            handler: { _, responder in
                calls.withLock { $0 += 1 }
                responder.sendJSON(status: .ok, "{}")
            })
        defer { server.close() }
        let url = "http://127.0.0.1:\(server.port)/2018-06-01/runtime/init/error"
        let fromPage = try await http("POST", url, headers: [("Origin", "http://evil.example")], body: [])
        #expect(fromPage.status == 403)
        #expect(calls.withLock { $0 } == 0)
        let fromRuntime = try await http("POST", url, body: [])
        #expect(fromRuntime.status == 200)
        #expect(calls.withLock { $0 } == 1)
    }

    // MARK: connections

    // MARK: data directory

    @Test func oneHostPerDataDirectoryAndItsFilesAreOwnerOnly() throws {
        let path = NSTemporaryDirectory() + "datadir-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var first: DataDirectory? = try DataDirectory.open(path)
        #expect(throws: DataDirectory.Unavailable.self) { try DataDirectory.open(path) }
        do {
            _ = try DataDirectory.open(path)
        } catch {
            #expect("\(error)".contains("in use by another host (pid \(getpid()))"))
        }
        let database = try HostDatabase(path: path + "/host.sqlite", migrations: [])
        try database.write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        for file in ["", "/host.sqlite", "/host.sqlite-wal", "/host.lock"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path + file)
            let mode = (attributes[.posixPermissions] as? Int ?? 0) & 0o777
            #expect(mode == (file.isEmpty ? 0o700 : 0o600), "\(path + file)")
        }
        first = nil  // the process lets go of the lock (so does exiting or crashing)
        _ = first
        // Another test's child process between its fork and its exec may hold a copy of the lock's descriptor for a
        // moment (the descriptor is close-on-exec): the lock is free once it has exec'd.
        var second: DataDirectory?
        for _ in 0..<100 where second == nil {
            second = try? DataDirectory.open(path)
            if second == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        let reopened = try #require(second, "the lock is free once the first host let go of it")
        try reopened.reset()
        #expect(!FileManager.default.fileExists(atPath: path + "/host.sqlite"))
    }

    @Test func aSecondHostOnTheSameDataRefusesToStartAndTheBannerIsUnbuffered() async throws {
        let directory = NSTemporaryDirectory() + "two-hosts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A topology far from the package, naming a Swift product: found from the package the host was built in.
        let topologyPath = directory + "/elsewhere/system.json"
        try FileManager.default.createDirectory(
            atPath: directory + "/elsewhere", withIntermediateDirectories: true)
        try #"{"functions":{"TestFunction":{}}}"#.write(toFile: topologyPath, atomically: true, encoding: .utf8)
        let port = try DurabilityTests.freePort()
        let first = try SpawnedProcess(
            try builtProduct("host"),
            ["--topology", topologyPath, "--data-dir", directory + "/data", "--aws-port", String(port), "--no-build"],
            directory: "/")
        defer { first.stopInBackground() }
        // The first line arrives while the host runs, through a pipe (no buffer waits to fill).
        try await eventually("the host's first line", seconds: 150) {
            !first.standardOutput.isEmpty || !first.isRunning
        }
        let banner = first.standardOutput.first ?? ""
        #expect(banner.hasPrefix("host ready  AWS endpoint http://127.0.0.1:\(port)"), "\(first.output)")
        #expect(first.isRunning)
        let invoked = try await http(
            "POST", "http://127.0.0.1:\(port)/2015-03-31/functions/TestFunction/invocations",
            body: Array(#"{"action":"echo"}"#.utf8))
        #expect(invoked.status == 200)

        let second = try await run(
            try builtProduct("host"),
            [
                "--topology", topologyPath, "--data-dir", directory + "/data", "--aws-port", "0", "--api-port", "0",
                "--no-build",
            ])
        #expect(second.status == 1)
        #expect(
            second.error.contains("is in use by another host (pid \(first.pid))"), "\(second.error)")
    }

    // MARK: switching topologies

    /// A pipe the next topology does not declare is stopped, not deleted: declared again, it resumes from its
    /// checkpoint instead of replaying its stream from TRIM_HORIZON.
    @Test func switchingTopologiesAndBackReplaysNothing() async throws {
        let withPipe = try Topology.decode(
            Data(
                #"""
                {"tables": {"tbl": {"partitionKey": {"name": "pk"}, "stream": "NEW_IMAGE"}},
                 "pipes": {"p": {"source": {"table": "tbl", "startingPosition": "TRIM_HORIZON"}, "target": {}}},
                 "queues": {"q": {"visibilityTimeout": 900}},
                 "rules": {"r": {"pattern": {"source": ["Pipe p"]}, "targets": [{"id": "q", "queue": "q"}]}}}
                """#.utf8), baseDirectory: "/")
        let withoutPipe = try Topology.decode(
            Data(#"{"tables": {"tbl": {"partitionKey": {"name": "pk"}, "stream": "NEW_IMAGE"}}}"#.utf8),
            baseDirectory: "/")
        let configuration = testConfiguration()
        defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
        func put(_ port: Int, _ key: String) async throws {
            _ = try await awsJSON(
                port, "DynamoDB_20120810.PutItem", #"{"TableName":"tbl","Item":{"pk":{"S":"\#(key)"}}}"#)
        }
        /// The keys of the items whose events reach the queue, until `count` have (or 15 s pass).
        func delivered(_ port: Int, count: Int) async throws -> [String] {
            var keys: [String] = []
            let deadline = ContinuousClock.now + .seconds(15)
            while keys.count < count, ContinuousClock.now < deadline {
                for message in try await receive(port, queue: "q", wait: 2) {
                    let body = try JSONSerialization.jsonObject(with: Data((message["Body"] as? String ?? "").utf8))
                    let key =
                        ((((body as? [String: Any])?["detail"] as? [String: Any])?["dynamodb"] as? [String: Any])?[
                            "Keys"] as? [String: Any]).flatMap { ($0["pk"] as? [String: String])?["S"] }
                    keys.append(key ?? "?")
                }
            }
            return keys
        }
        try await withHost(withPipe, configuration: configuration) { _, ports in
            for key in ["a", "b", "c"] { try await put(ports.aws, key) }
            #expect(try await delivered(ports.aws, count: 3).sorted() == ["a", "b", "c"])
        }
        try await withHost(withoutPipe, configuration: configuration) { _, ports in
            let pipe = try await http("GET", "http://127.0.0.1:\(ports.aws)/v1/pipes/p")
            #expect(pipe.status == 200)
            #expect(try pipe.json()["DesiredState"] as? String == "STOPPED")
            try await put(ports.aws, "d")  // while the pipe is stopped
        }
        try await withHost(withPipe, configuration: configuration) { _, ports in
            let pipe = try await http("GET", "http://127.0.0.1:\(ports.aws)/v1/pipes/p")
            #expect(try pipe.json()["DesiredState"] as? String == "RUNNING")
            try await put(ports.aws, "e")
            #expect(try await delivered(ports.aws, count: 2).sorted() == ["d", "e"])
            #expect(try await receive(ports.aws, queue: "q", wait: 1).isEmpty, "nothing is replayed")
        }
    }
}

/// A TCP connection to 127.0.0.1:`port`.
func connect(port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
    guard connected else {
        close(fd)
        throw TestFailure("cannot connect to port \(port)")
    }
    return fd
}

/// Timing: run alone, after the other suites (`scripts/test`), so that a loaded machine does not delay the idle timer.
@Suite struct ConnectionTimingTests {
    @Test func anIncompleteRequestIsClosedAfterTheIdleTimeout() async throws {
        var configuration = testConfiguration()
        configuration.idleTimeout = .seconds(1)
        try await withHost(Topology(functions: []), configuration: configuration) { _, ports in
            // A head that never ends, and a body that never comes whole (slowloris).
            for partial in [
                "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le",
                "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"a\":",
            ] {
                let fd = try connect(port: ports.aws)
                defer { close(fd) }
                _ = partial.withCString { send(fd, $0, strlen($0), 0) }
                let closed = try await blocking { () -> Bool in
                    // Generous: on a loaded machine the timer may fire late; held open forever is the failure.
                    var timeout = timeval(tv_sec: 30, tv_usec: 0)
                    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while true {
                        let count = recv(fd, &buffer, buffer.count, 0)
                        if count == 0 { return true }  // the host closed it
                        // A signal (a child process of another test exiting) interrupts a recv with a timeout even
                        // under SA_RESTART: read on. Reset counts as closed; a timeout does not.
                        if count < 0 && errno == EINTR { continue }
                        if count < 0 { return errno == ECONNRESET }
                    }
                }
                #expect(closed, "\(partial)")
            }
        }
    }
}
