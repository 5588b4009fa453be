import AWSShapes
import Foundation
import Host
import Logging
import Testing

/// The host's Lambda with the Swift runtime library (the TestFunction fixture) as the function.
@Suite struct LambdaServiceTests {
    func invoke(_ host: HostRuntime, _ event: String, function: String = "Fn", options: InvokeOptions = InvokeOptions())
        async throws -> InvocationResult
    {
        try await host.lambda.invoke(function, payload: Array(event.utf8), options: options)
    }

    @Test func warmEnvironmentIsReusedAndReturnsTheResponse() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"))) { host, _ in
            let first = try await invoke(host, #"{"action":"sleep","ms":0}"#)
            let second = try await invoke(host, #"{"action":"sleep","ms":0}"#)
            #expect(first.functionError == nil)
            #expect(try first.json()["pid"] as? Int == second.json()["pid"] as? Int)
            #expect(host.lambda.environmentCount(of: "Fn") == 1)
            let echo = try await invoke(host, #"{"hello":"world"}"#)
            #expect(echo.text == #"{"hello":"world"}"#)
        }
    }

    @Test func thrownErrorIsUnhandledWithTypeAndMessage() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"))) { host, _ in
            let result = try await invoke(host, #"{"action":"throw","message":"boom"}"#)
            #expect(result.functionError == "Unhandled")
            #expect(result.error?.errorType == "Failure")
            #expect(result.error?.errorMessage == "boom")
            // The environment survives a handled error.
            #expect(try await invoke(host, "{}").functionError == nil)
            #expect(host.lambda.environmentCount(of: "Fn") == 1)
        }
    }

    @Test func timeoutKillsTheEnvironmentAndTheNextInvokeColdStarts() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"), timeout: 1)) { host, _ in
            let before = try await invoke(host, #"{"action":"sleep","ms":0}"#).json()["pid"] as? Int
            let options = InvokeOptions(wantsLogTail: true)
            let result = try await invoke(host, #"{"action":"sleep","ms":5000}"#, options: options)
            #expect(result.functionError == "Unhandled")
            #expect(result.error?.errorType == "Sandbox.Timedout")
            #expect(
                result.error?.errorMessage == "RequestId: \(result.requestID) Error: Task timed out after 1.00 seconds")
            #expect(result.logLines.last?.contains("Status: timeout") == true)
            let after = try await invoke(host, #"{"action":"sleep","ms":0}"#, options: options)
            #expect(after.functionError == nil)
            #expect(try after.json()["pid"] as? Int != before)
            #expect(after.logLines.last?.contains("Init Duration:") == true)
        }
    }

    @Test func crashIsRuntimeExitErrorWithTheExitStatus() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"))) { host, _ in
            let result = try await invoke(host, #"{"action":"crash","code":3}"#)
            #expect(result.error?.errorType == "Runtime.ExitError")
            #expect(
                result.error?.errorMessage
                    == "RequestId: \(result.requestID) Error: Runtime exited with error: exit status 3")
            #expect(try await invoke(host, "{}").functionError == nil)
        }
    }

    @Test func initErrorIsServedToTheFirstInvokeAndInitIsRetried() async throws {
        let function = topology(
            executable: try builtProduct("TestFunction"), environment: ["TEST_INIT_FAIL": "no config"])
        try await withHost(function) { host, _ in
            for _ in 0..<2 {
                let result = try await invoke(host, "{}")
                #expect(result.functionError == "Unhandled")
                #expect(result.error?.errorType == "Failure")
                #expect(result.error?.errorMessage == "no config")
            }
        }
    }

    @Test func exitDuringInitIsRuntimeExitError() async throws {
        let function = topology(executable: try builtProduct("TestFunction"), environment: ["TEST_INIT_EXIT": "4"])
        try await withHost(function) { host, _ in
            let result = try await invoke(host, "{}")
            #expect(result.error?.errorType == "Runtime.ExitError")
            #expect(result.error?.errorMessage.hasSuffix("exit status 4") == true)
        }
    }

    @Test func missingExecutableIsInvalidEntrypoint() async throws {
        try await withHost(topology(executable: "/nonexistent/bootstrap")) { host, _ in
            let result = try await invoke(host, "{}")
            #expect(result.error?.errorType == "Runtime.InvalidEntrypoint")
        }
    }

    @Test func concurrencyIsLimitedAndTheRestQueues() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"), maxConcurrency: 2)) { host, _ in
            let pids = try await withThrowingTaskGroup(of: Int?.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await invoke(host, #"{"action":"sleep","ms":150}"#).json()["pid"] as? Int }
                }
                var pids: [Int?] = []
                for try await pid in group { pids.append(pid) }
                return pids
            }
            #expect(pids.count == 6)
            #expect(pids.allSatisfy { $0 != nil }, "every queued invocation completes")
            #expect(Set(pids.compactMap { $0 }).count == 2, "never more environments than maxConcurrency")
        }
    }

    @Test func responseAboveTheLimitIsFunctionResponseSizeTooLarge() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"))) { host, _ in
            let result = try await invoke(host, #"{"action":"big","bytes":6291557}"#)
            #expect(result.error?.errorType == "Function.ResponseSizeTooLarge")
            let fits = try await invoke(host, #"{"action":"big","bytes":6291556}"#)
            #expect(fits.functionError == nil)
            #expect(fits.payload.count == 6_291_556)
        }
    }

    @Test func environmentIsAWSsAndNothingOfTheHostsLeaks() async throws {
        // The host's own variables (the test process's PWD and HOME, set by every shell and CI) stay out. No setenv
        // here: changing the environment while other tests start processes can crash Foundation's Process.run.
        let function = topology(executable: try builtProduct("TestFunction"), environment: ["TABLE_NAME": "events"])
        try await withHost(function) { host, ports in
            let environment = try await invoke(host, #"{"action":"env"}"#).json() as? [String: String] ?? [:]
            #expect(environment["TABLE_NAME"] == "events")
            #expect(ProcessInfo.processInfo.environment["PWD"] == nil || environment["PWD"] == nil)
            #expect(environment["HOME"] == nil)
            #expect(environment["AWS_LAMBDA_FUNCTION_NAME"] == "Fn")
            #expect(environment["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST")
            #expect(environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128")
            #expect(environment["AWS_REGION"] == "us-east-1")
            #expect(environment["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/Fn")
            #expect(environment["AWS_LAMBDA_LOG_STREAM_NAME"]?.contains("[$LATEST]") == true)
            #expect(environment["_HANDLER"] == "bootstrap")
            #expect(environment["AWS_SESSION_TOKEN"]?.isEmpty == false)
            #expect(environment["AWS_ENDPOINT_URL"] == "http://127.0.0.1:\(ports.aws)")
            #expect(environment["AWS_LAMBDA_RUNTIME_API"]?.hasPrefix("127.0.0.1:") == true)
            #expect(
                environment["LAMBDA_TASK_ROOT"]
                    == URL(fileURLWithPath: try builtProduct("TestFunction")).deletingLastPathComponent().path)
            #expect(environment["AWS_EXECUTION_ENV"] == nil)
        }
    }

    /// A script bootstrap finds the interpreter the topology's PATH names before the system's.
    @Test func aPATHTheTopologyGivesWins() async throws {
        let path = "/opt/my-venv/bin:/usr/bin:/bin"
        let function = topology(executable: try builtProduct("TestFunction"), environment: ["PATH": path])
        try await withHost(function) { host, _ in
            let environment = try await invoke(host, #"{"action":"env"}"#).json() as? [String: String] ?? [:]
            #expect(environment["PATH"] == path)
        }
        try await withHost(topology(executable: try builtProduct("TestFunction"))) { host, _ in
            let environment = try await invoke(host, #"{"action":"env"}"#).json() as? [String: String] ?? [:]
            #expect(environment["PATH"]?.hasPrefix("/usr/local/bin:/usr/bin/:/bin:/opt/bin") == true)
        }
    }

    @Test func contextCarriesEveryNextHeader() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"), timeout: 30)) { host, _ in
            let options = InvokeOptions(
                clientContext: #"{"custom":{"k":"v"}}"#,
                traceID: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
                tenantID: "tenant-7")
            let report = try await invoke(host, #"{"action":"context"}"#, options: options).json()
            #expect((report["requestID"] as? String)?.count == 36)
            #expect(report["invokedFunctionARN"] as? String == "arn:aws:lambda:us-east-1:000000000000:function:Fn")
            #expect(report["clientContext"] as? String == #"{"custom":{"k":"v"}}"#)
            // With tracing on (the default), the invocation is a segment of the caller's trace, as with Lambda's
            // active tracing: the same Root, the invocation's own segment as Parent.
            let traceID = try #require(report["traceID"] as? String)
            #expect(traceID.hasPrefix("Root=1-5759e988-bd862e3fe1be46a994272793;Parent="))
            #expect(!traceID.contains("53995c3f42cd8ad8") && traceID.hasSuffix(";Sampled=1"))
            #expect(report["traceEnvironment"] as? String == traceID)
            #expect(report["tenantID"] as? String == "tenant-7")
            let remaining = report["remainingMilliseconds"] as? Int ?? 0
            #expect(remaining > 25_000 && remaining <= 30_000)
            let deadline = report["deadlineMilliseconds"] as? Int ?? 0
            #expect(abs(deadline - Int(Date().timeIntervalSince1970 * 1000) - 30_000) < 5_000)
        }
    }

    @Test func withTracingOffTheTraceHeaderPassesThroughUntouched() async throws {
        var configuration = testConfiguration()
        configuration.tracing = false
        let header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"
        try await withHost(topology(executable: try builtProduct("TestFunction")), configuration: configuration) {
            host, _ in
            let report = try await invoke(host, #"{"action":"context"}"#, options: InvokeOptions(traceID: header))
                .json()
            #expect(report["traceID"] as? String == header)
        }
    }

    @Test func logTailHasTheInvocationsLinesInOrder() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"))) { host, _ in
            let result = try await invoke(
                host, #"{"action":"print","lines":["one","two"]}"#, options: InvokeOptions(wantsLogTail: true))
            let lines = result.logLines
            #expect(lines.contains("START RequestId: \(result.requestID) Version: $LATEST"))
            #expect(lines.firstIndex(of: "one")! < lines.firstIndex(of: "two")!)
            #expect(lines.firstIndex(of: "two")! < lines.firstIndex(of: "END RequestId: \(result.requestID)")!)
            let report = try #require(lines.last)
            #expect(report.hasPrefix("REPORT RequestId: \(result.requestID)\tDuration: "))
            #expect(report.contains("\tMemory Size: 128 MB\tMax Memory Used: "))
            let decoded = String(decoding: Data(base64Encoded: result.logTailBase64) ?? Data(), as: UTF8.self)
            #expect(decoded.hasSuffix(report))
        }
    }

    @Test func unknownFunctionIsResourceNotFound() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"))) { host, _ in
            await #expect(throws: LambdaServiceError.self) { try await invoke(host, "{}", function: "Nope") }
        }
    }

    @Test func invokeAfterShutdownAnswersInsteadOfHanging() async throws {
        // The Lambda service alone, outside a service group: stopped by hand.
        let host = try HostRuntime(
            topology: topology(executable: try builtProduct("TestFunction")),
            configuration: HostConfiguration(
                awsPort: 0, apiPort: 0, dataDirectory: NSTemporaryDirectory() + "host-\(UUID().uuidString)",
                printFunctionLogs: false),
            logger: Logger(label: "test"))
        #expect(try await invoke(host, "{}").functionError == nil)
        await host.lambda.shutdown()
        let result = try await invoke(host, "{}")
        #expect(result.error?.errorType == "Runtime.ExitError")
        #expect(host.lambda.environmentCount(of: "Fn") == 0)
    }
}
