import CurlHTTP
import Foundation
import Host
import Testing

/// Real requests on loopback to a running host, with functions written against three different runtime clients.
@Suite struct EndToEndTests {
    @Test func httpRequestReachesTheFunctionAsAPayloadTwoEvent() async throws {
        let routes = ["POST /items/{id}": "Fn", "GET /files/{proxy+}": "Fn"]
        try await withHost(topology(executable: try builtProduct("TestFunction"), routes: routes)) { host, ports in
            // The test function echoes its event, so the response body is the event API Gateway built.
            let response = try await http(
                "POST", "http://127.0.0.1:\(ports.api)/items/42?color=red&color=blue",
                headers: [
                    ("Content-Type", "application/json"), ("Cookie", "session=abc; theme=dark"), ("X-Custom", "1"),
                ],
                body: Array(#"{"qty":2}"#.utf8))
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("apigw-requestid")?.isEmpty == false)
            let event = try response.json()
            #expect(event["version"] as? String == "2.0")
            #expect(event["routeKey"] as? String == "POST /items/{id}")
            #expect(event["rawPath"] as? String == "/items/42")
            #expect(event["rawQueryString"] as? String == "color=red&color=blue")
            #expect(event["queryStringParameters"] as? [String: String] == ["color": "red,blue"])
            #expect(event["pathParameters"] as? [String: String] == ["id": "42"])
            #expect(event["cookies"] as? [String] == ["session=abc", "theme=dark"])
            #expect(event["body"] as? String == #"{"qty":2}"#)
            #expect(event["isBase64Encoded"] as? Bool == false)
            let headers = event["headers"] as? [String: String] ?? [:]
            #expect(headers["x-custom"] == "1")
            #expect(headers["cookie"] == nil)
            let context = event["requestContext"] as? [String: Any] ?? [:]
            #expect(context["apiId"] as? String == host.apiID)
            #expect(context["requestId"] as? String == response.header("apigw-requestid"))
            #expect((context["http"] as? [String: Any])?["sourceIp"] as? String == "127.0.0.1")

            let greedy = try await http("GET", "http://127.0.0.1:\(ports.api)/files/a/b.txt")
            #expect(try greedy.json()["pathParameters"] as? [String: String] == ["proxy": "a/b.txt"])
        }
    }

    @Test func unknownRouteFunctionErrorAndOversizedBody() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"), routes: ["POST /run": "Fn"])) {
            _, ports in
            let missing = try await http("GET", "http://127.0.0.1:\(ports.api)/nowhere")
            #expect(missing.status == 404)
            #expect(missing.text == #"{"message":"Not Found"}"#)
            let failing = try await http(
                "POST", "http://127.0.0.1:\(ports.api)/run", headers: [("Content-Type", "application/json")],
                body: Array(#"{"action":"throw"}"#.utf8))
            #expect(failing.status == 500)
            #expect(failing.text == #"{"message":"Internal Server Error"}"#)
            let large = try await http(
                "POST", "http://127.0.0.1:\(ports.api)/run", body: [UInt8](repeating: 65, count: 10 * 1024 * 1024 + 1))
            #expect(large.status == 413)
        }
    }

    @Test func awsLambdaRICPythonFunction() async throws {
        let python = try await pythonWithAWSLambdaRIC()
        let function = topology(
            executable: fixture("python-runtime"), timeout: 10, environment: ["PYTHON": python], handler: "app.handler")
        try await withHost(function) { host, _ in
            let context = #"{"custom":{"tenant":"t1"}}"#
            let result = try await host.lambda.invoke(
                "Fn", payload: Array(#"{"n":1}"#.utf8), options: InvokeOptions(clientContext: context))
            #expect(result.functionError == nil, "\(result.text)")
            let body = try result.json()
            #expect(body["runtime"] as? String == "python")
            #expect(body["event"] as? [String: Int] == ["n": 1])
            #expect(body["requestId"] as? String == result.requestID)
            #expect(body["functionName"] as? String == "Fn")
            #expect(body["arn"] as? String == "arn:aws:lambda:us-east-1:000000000000:function:Fn")
            #expect((body["remainingMs"] as? Int ?? 0) > 5_000)
            #expect(body["clientContext"] as? [String: String] == ["tenant": "t1"])
            #expect((body["trace"] as? String)?.hasPrefix("Root=1-") == true)

            let failure = try await host.lambda.invoke("Fn", payload: Array(#"{"fail":true}"#.utf8))
            #expect(failure.functionError == "Unhandled")
            #expect(failure.error?.errorType == "ValueError")
            #expect(failure.error?.errorMessage == "asked to fail")
            // Warm: the same environment served both.
            #expect(host.lambda.environmentCount(of: "Fn") == 1)
        }
    }

    @Test func bashAndCurlRuntime() async throws {
        try await withHost(topology(executable: fixture("bash-runtime"), routes: ["$default": "Fn"])) { host, ports in
            let direct = try await host.lambda.invoke("Fn", payload: Array(#"{"n":1}"#.utf8))
            let body = try direct.json()
            #expect(body["runtime"] as? String == "bash")
            #expect(body["event"] as? [String: Int] == ["n": 1])
            #expect((body["deadline"] as? Int ?? 0) > Int(Date().timeIntervalSince1970 * 1000))
            let failed = try await host.lambda.invoke("Fn", payload: Array(#""fail""#.utf8))
            #expect(failed.error?.errorType == "Function.BashFailure")
            let viaHTTP = try await http("GET", "http://127.0.0.1:\(ports.api)/anything")
            #expect(viaHTTP.status == 200)
            #expect(try viaHTTP.json()["runtime"] as? String == "bash")
        }
    }

    @Test func awsCLIInvokesThroughTheInvokeAPI() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"))) { _, ports in
            let directory = NSTemporaryDirectory() + "cli-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let endpoint = "http://127.0.0.1:\(ports.aws)"

            let ok = try await aws([
                "lambda", "invoke", "--endpoint-url", endpoint, "--function-name", "Fn",
                "--payload", #"{"hello":"cli"}"#, "--log-type", "Tail", "\(directory)/out.json",
            ])
            #expect(ok.status == 0, "\(ok.error)")
            let output = try JSONSerialization.jsonObject(with: Data(ok.output.utf8)) as? [String: Any] ?? [:]
            #expect(output["StatusCode"] as? Int == 200)
            #expect(output["ExecutedVersion"] as? String == "$LATEST")
            let tail = String(
                decoding: Data(base64Encoded: output["LogResult"] as? String ?? "") ?? Data(), as: UTF8.self)
            #expect(tail.contains("REPORT RequestId:"))
            #expect(try String(contentsOfFile: "\(directory)/out.json", encoding: .utf8) == #"{"hello":"cli"}"#)

            let failing = try await aws([
                "lambda", "invoke", "--endpoint-url", endpoint, "--function-name", "Fn",
                "--payload", #"{"action":"throw"}"#, "\(directory)/err.json",
            ])
            let failed = try JSONSerialization.jsonObject(with: Data(failing.output.utf8)) as? [String: Any] ?? [:]
            #expect(failed["FunctionError"] as? String == "Unhandled")

            let event = try await aws([
                "lambda", "invoke", "--endpoint-url", endpoint, "--function-name", "Fn",
                "--invocation-type", "Event", "\(directory)/event.json",
            ])
            #expect(event.output.contains("202"))

            let missing = try await aws([
                "lambda", "invoke", "--endpoint-url", endpoint, "--function-name", "Nope", "\(directory)/x.json",
            ])
            #expect(missing.status != 0)
            #expect(missing.error.contains("ResourceNotFoundException"))

            let list = try await aws(["lambda", "list-functions", "--endpoint-url", endpoint])
            #expect(list.output.contains(#""FunctionName": "Fn""#))
        }
    }

    @Test func invokeAPIErrorsAreAWSShaped() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"))) { _, ports in
            let url = "http://127.0.0.1:\(ports.aws)/2015-03-31/functions"
            let missing = try await http("POST", "\(url)/Nope/invocations", body: Array("{}".utf8))
            #expect(missing.status == 404)
            #expect(missing.header("x-amzn-ErrorType") == "ResourceNotFoundException")
            #expect(try missing.json()["__type"] as? String == "ResourceNotFoundException")
            #expect(
                try missing.json()["message"] as? String
                    == "Function not found: arn:aws:lambda:us-east-1:000000000000:function:Nope")
            let badJSON = try await http("POST", "\(url)/Fn/invocations", body: Array("{not json".utf8))
            #expect(badJSON.status == 400)
            #expect(try badJSON.json()["__type"] as? String == "InvalidRequestContentException")
            let badType = try await http(
                "POST", "\(url)/Fn/invocations", headers: [("X-Amz-Invocation-Type", "Later")], body: Array("{}".utf8))
            // A header outside the model's enum: Coral's ValidationException, in its words.
            #expect(try badType.json()["__type"] as? String == "ValidationException")
            #expect(
                try badType.json()["message"] as? String
                    == "1 validation error detected: Value 'Later' at 'invocationType' failed to satisfy constraint: "
                    + "Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
            let dryRun = try await http(
                "POST", "\(url)/Fn/invocations", headers: [("X-Amz-Invocation-Type", "DryRun")], body: Array("{}".utf8))
            #expect(dryRun.status == 204)
            let tooBig = try await http(
                "POST", "\(url)/Fn/invocations",
                body: Array(("\"" + String(repeating: "x", count: 6_291_456) + "\"").utf8))
            #expect(tooBig.status == 413)
            #expect(try tooBig.json()["__type"] as? String == "RequestTooLargeException")
            let byARN = try await http(
                "POST", "\(url)/arn:aws:lambda:us-east-1:000000000000:function:Fn/invocations", body: Array("[1]".utf8))
            #expect(byARN.status == 200)
            #expect(byARN.text == "[1]")
            let qualifier = try await http("POST", "\(url)/Fn/invocations?Qualifier=7", body: Array("{}".utf8))
            #expect(qualifier.status == 404)
            let target = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/", headers: [("X-Amz-Target", "Nope_1.Op")],
                body: Array("{}".utf8))
            #expect(try target.json()["__type"] as? String == "UnknownOperationException")
        }
    }

    @Test func hostCommandStartsServesAndStopsCleanly() async throws {
        let directory = NSTemporaryDirectory() + "host-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let topologyPath = "\(directory)/topology.json"
        let function = try builtProduct("TestFunction")
        try #"{"functions":{"Echo":{"executable":"\#(function)"}},"httpApis":{"echo":{"routes":{"ANY /echo":"Echo"}}}}"#
            .write(toFile: topologyPath, atomically: true, encoding: .utf8)
        let awsPort = Int.random(in: 20_000..<30_000)
        let apiPort = awsPort + 1
        let process = try SpawnedProcess(
            try builtProduct("host"),
            [
                "--topology", topologyPath, "--aws-port", "\(awsPort)", "--api-port", "\(apiPort)", "--data-dir",
                "\(directory)/data",
            ])
        defer { process.stopInBackground() }

        var healthy = false
        for _ in 0..<300 where !healthy {
            healthy = (try? await http("GET", "http://127.0.0.1:\(awsPort)/_host/health"))?.status == 200
            if !healthy { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(healthy)
        let response = try await http("POST", "http://127.0.0.1:\(apiPort)/echo", body: Array("{}".utf8))
        #expect(response.status == 200)
        let functionPID = try #require(
            Int32(
                try await http(
                    "POST", "http://127.0.0.1:\(awsPort)/2015-03-31/functions/Echo/invocations",
                    body: Array(#"{"action":"sleep","ms":0}"#.utf8)
                ).json()["pid"] as? Int ?? -1))
        #expect(kill(functionPID, 0) == 0, "the function's process runs")

        #expect(try await blocking { process.stop() }, "the host stops on SIGTERM")
        #expect(process.exitStatus == "exit status 0")
        #expect(kill(functionPID, 0) != 0, "every function process is reaped on stop")
        let log = process.output
        #expect(log.contains("host ready  AWS endpoint http://127.0.0.1:\(awsPort)"))
        #expect(log.contains("ANY /echo"))
        #expect(log.contains("[Echo] START RequestId:"))
        #expect(log.contains("host stopped"))
    }

    @Test func hostCommandSaysSoWhenItsPortIsInUse() async throws {
        // The kernel picks the port as it binds (port 0): asking for a free port first and binding it after would
        // race with the other tests' hosts, which run in parallel.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        #expect(bound && listen(listener, 1) == 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let path = NSTemporaryDirectory() + "clash-\(UUID().uuidString).json"
        try #"{"functions":{}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        defer {
            unlink(path)
            try? FileManager.default.removeItem(atPath: path + ".data")
        }
        let result = try await run(
            try builtProduct("host"),
            [
                "--topology", path, "--aws-port", String(port), "--api-port", "0", "--data-dir", path + ".data",
                "--log-level", "critical",
            ])
        #expect(result.status == 1)
        #expect(
            result.error.contains("cannot listen on 127.0.0.1:\(port) (--aws-port): port \(port) is in use"),
            "\(result.error)")
        // It stopped before it touched the data: no database was created.
        #expect(!FileManager.default.fileExists(atPath: path + ".data/host.sqlite"))
    }

    @Test func hostCommandRejectsAnInvalidTopologyNamingTheKey() async throws {
        let path = NSTemporaryDirectory() + "bad-\(UUID().uuidString).json"
        try #"{"functions":{"A":{"timeout":901}}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let result = try await run(try builtProduct("host"), ["--topology", path])
        #expect(result.status == 2)
        #expect(result.error.contains("functions.A.timeout: must be an integer from 1 to 900 (got 901)"))
    }
}

struct CommandResult: Sendable {
    var status: Int32
    var output: String
    var error: String
}

/// Runs a command to its end; one still running after `timeout` seconds is terminated with all it started (killed
/// 10 s later if need be: a test that expected it to
/// exit then fails instead of hanging the whole run). Started with posix_spawn, not Foundation's Process: with the
/// many descriptors parallel tests hold open (hosts, databases, sockets), Process.run crashed in its descriptor
/// bookkeeping (CI, twice).
func run(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Double = 180
) async throws -> CommandResult {
    try await blocking {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw TestFailure("pipe failed: \(errno)") }
        // The pipes' own ends stay out of other children spawned meanwhile (dup2 gives this one its copies).
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        let environment = environment ?? ProcessInfo.processInfo.environment
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // Its own process group, so that the watchdog stops whatever it started too (a grandchild holding the
        // pipes open would otherwise keep the reads below waiting).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // And no signal blocked or ignored: the spawning thread may block some (a dispatch thread blocks them all),
        // and a child that inherits a blocked SIGTERM outlives the watchdog (seen: seeds running for an hour).
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw TestFailure("posix_spawn \(executable) failed: \(spawned)")
        }
        let watchdog = DispatchWorkItem { _ = kill(-pid, SIGTERM) }
        let lastResort = DispatchWorkItem { _ = kill(-pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout + 10, execute: lastResort)
        defer {
            watchdog.cancel()
            lastResort.cancel()
        }
        @Sendable func readAll(_ fd: Int32) -> [UInt8] {
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                data += buffer[0..<count]
            }
            close(fd)
            return data
        }
        // Both streams at once: a command that fills one pipe while the other is read would block forever.
        final class Box: @unchecked Sendable { var value: [UInt8] = [] }  // written before the semaphore, read after
        let errorData = Box()
        let errorRead = DispatchSemaphore(value: 0)
        let errorFD = errPipe[0]
        Thread.detachNewThread {
            errorData.value = readAll(errorFD)
            errorRead.signal()
        }
        let outputData = readAll(outPipe[0])
        errorRead.wait()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, and a signal's number as a negative status.
        let code: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -(status & 0x7F)
        return CommandResult(
            status: code, output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData.value, as: UTF8.self))
    }
}

/// The real `aws` CLI with dummy credentials.
func aws(_ arguments: [String]) async throws -> CommandResult {
    var environment = ProcessInfo.processInfo.environment
    environment["AWS_ACCESS_KEY_ID"] = "test"
    environment["AWS_SECRET_ACCESS_KEY"] = "test"
    environment["AWS_DEFAULT_REGION"] = "us-east-1"
    environment["AWS_PAGER"] = ""
    return try await run("/usr/bin/env", ["aws"] + arguments, environment: environment)
}
