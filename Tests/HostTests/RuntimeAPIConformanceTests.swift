import AWSShapes
import CurlHTTP
import Foundation
import Host
import LambdaRuntime
import Testing

/// Every Runtime API status code, spoken over HTTP to a real environment's listener. The environment's process
/// only reports its `AWS_LAMBDA_RUNTIME_API`; the test plays the runtime with the library's `RuntimeAPIClient`.
@Suite struct RuntimeAPIConformanceTests {
    /// Starts one environment (by invoking `event`) and returns the pending invocation and the runtime's address.
    func withManualRuntime(
        timeout: Int = 15,
        _ body: (HostRuntime, _ endpoint: String, _ pending: Task<InvocationResult, any Error>) async throws -> Void
    ) async throws {
        let portFile = NSTemporaryDirectory() + "runtime-\(UUID().uuidString)"
        defer { unlink(portFile) }
        try await withHost(
            topology(executable: fixture("manual-runtime"), timeout: timeout, environment: ["PORT_FILE": portFile])
        ) {
            host, _ in
            let pending = Task { try await host.lambda.invoke("Fn", payload: Array(#"{"n":1}"#.utf8)) }
            var endpoint: String?
            for _ in 0..<500 where endpoint == nil {
                endpoint = (try? String(contentsOfFile: portFile, encoding: .utf8))?.trimmingCharacters(
                    in: .whitespacesAndNewlines)
                if endpoint == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            try await body(host, try #require(endpoint), pending)
        }
    }

    func post(_ endpoint: String, _ path: String, _ body: String, headers: [(String, String)] = []) async throws
        -> HTTPClientResponse
    {
        try await http(
            "POST", "http://\(endpoint)/2018-06-01/runtime/\(path)", headers: headers, body: Array(body.utf8))
    }

    @Test func fullExchangeWithEveryRejection() async throws {
        try await withManualRuntime { host, endpoint, pending in
            // Before /next: no invocation is outstanding.
            let early = try await post(endpoint, "invocation/nope/response", "{}")
            #expect(early.status == 400)
            #expect(try early.json()["errorType"] as? String == "InvalidRequestID")

            let next = try await blocking { try RuntimeAPIClient(endpoint: endpoint).next() }
            #expect(next.event == Array(#"{"n":1}"#.utf8))
            let id = next.context.requestID

            let again = try await http("GET", "http://\(endpoint)/2018-06-01/runtime/invocation/next")
            #expect(again.status == 403)
            #expect(try again.json()["errorType"] as? String == "InvalidStateTransition")

            let wrong = try await post(endpoint, "invocation/other-id/response", "{}")
            #expect(wrong.status == 400)

            let lateInit = try await post(endpoint, "init/error", #"{"errorType":"x","errorMessage":"y"}"#)
            #expect(lateInit.status == 403)

            let badMode = try await post(
                endpoint, "invocation/\(id)/response", "{}",
                headers: [("Lambda-Runtime-Function-Response-Mode", "batch")])
            #expect(badMode.status == 400)
            #expect(try badMode.json()["errorType"] as? String == "InvalidFunctionResponseMode")

            let accepted = try await post(endpoint, "invocation/\(id)/response", #"{"ok":true}"#)
            #expect(accepted.status == 202)
            #expect(try accepted.json()["status"] as? String == "OK")
            #expect(try await pending.value.text == #"{"ok":true}"#)

            let duplicate = try await post(endpoint, "invocation/\(id)/response", "{}")
            #expect(duplicate.status == 400)

            let unknown = try await http("GET", "http://\(endpoint)/2018-06-01/runtime/whatever")
            #expect(unknown.status == 404)

            // The second invocation: the runtime reports an error.
            let second = Task { try await host.lambda.invoke("Fn", payload: Array("{}".utf8)) }
            let next2 = try await blocking { try RuntimeAPIClient(endpoint: endpoint).next() }
            let error = try await post(
                endpoint, "invocation/\(next2.context.requestID)/error",
                #"{"errorType":"MyError","errorMessage":"bad","stackTrace":["a"]}"#,
                headers: [("Lambda-Runtime-Function-Error-Type", "MyError")])
            #expect(error.status == 202)
            let failed = try await second.value
            #expect(failed.functionError == "Unhandled")
            #expect(failed.error == LambdaErrorBody(errorMessage: "bad", errorType: "MyError", stackTrace: ["a"]))
        }
    }

    @Test func oversizedResponseIs413AndTheCallerGetsResponseSizeTooLarge() async throws {
        try await withManualRuntime { _, endpoint, pending in
            let next = try await blocking { try RuntimeAPIClient(endpoint: endpoint).next() }
            let body = String(repeating: "x", count: 6_291_557)
            let response = try await post(endpoint, "invocation/\(next.context.requestID)/response", body)
            #expect(response.status == 413)
            #expect(try response.json()["errorType"] as? String == "RequestEntityTooLarge")
            let result = try await pending.value
            #expect(result.error?.errorType == "Function.ResponseSizeTooLarge")
            #expect(result.error?.errorMessage.contains("6291557 bytes") == true)
        }
    }

    @Test func initErrorIsAcceptedAndServedToTheWaitingInvoke() async throws {
        try await withManualRuntime { _, endpoint, pending in
            let response = try await post(
                endpoint, "init/error", #"{"errorType":"Runtime.NoSuchHandler","errorMessage":"no handler"}"#,
                headers: [("Lambda-Runtime-Function-Error-Type", "Runtime.NoSuchHandler")])
            #expect(response.status == 202)
            let result = try await pending.value
            #expect(result.error?.errorType == "Runtime.NoSuchHandler")
            #expect(result.error?.errorMessage == "no handler")
        }
    }

    @Test func nextHeadersAreAllPresent() async throws {
        try await withManualRuntime { _, endpoint, pending in
            let response = try await http("GET", "http://\(endpoint)/2018-06-01/runtime/invocation/next")
            #expect(response.status == 200)
            let id = try #require(response.header("Lambda-Runtime-Aws-Request-Id"))
            let deadline = try #require(response.header("Lambda-Runtime-Deadline-Ms").flatMap(Int64.init))
            #expect(deadline > Int64(Date().timeIntervalSince1970 * 1000))
            #expect(
                response.header("Lambda-Runtime-Invoked-Function-Arn")
                    == "arn:aws:lambda:us-east-1:000000000000:function:Fn")
            #expect(response.header("Lambda-Runtime-Trace-Id")?.hasPrefix("Root=1-") == true)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.header("Lambda-Runtime-Client-Context") == nil)
            _ = try await post(endpoint, "invocation/\(id)/response", "{}")
            _ = try await pending.value
        }
    }

    @Test func invocationHeldForAStuckRuntimeStillTimesOut() async throws {
        // 5 s, not 1: under the whole suite's load the first answer once came after a 1 s deadline (the host then
        // ended that environment and the test's own POST failed); the point here is the second invocation's timeout.
        try await withManualRuntime(timeout: 5) { host, endpoint, pending in
            let first = try await blocking { try RuntimeAPIClient(endpoint: endpoint).next() }
            #expect(try await post(endpoint, "invocation/\(first.context.requestID)/response", "{}").status == 202)
            _ = try await pending.value
            // The runtime never asks for the next invocation: the caller still gets its answer at the deadline.
            let second = try await host.lambda.invoke("Fn", payload: Array("{}".utf8))
            #expect(second.error?.errorType == "Sandbox.Timedout")
        }
    }

    @Test func droppedNextConnectionDoesNotLoseTheInvocation() async throws {
        try await withManualRuntime { host, endpoint, pending in
            let first = try await blocking { try RuntimeAPIClient(endpoint: endpoint).next() }
            _ = try await post(endpoint, "invocation/\(first.context.requestID)/response", "{}")
            _ = try await pending.value
            // A /next whose client gives up (its connection closes) while parked.
            await #expect(throws: CurlError.self) {
                try await blocking {
                    try CurlConnection().send(
                        "GET", "http://\(endpoint)/2018-06-01/runtime/invocation/next", timeoutMilliseconds: 200)
                }
            }
            // The host forgets the parked /next once it sees the connection close (bounded wait, no fixed sleep).
            for _ in 0..<500 where host.lambda.idleEnvironmentCount(of: "Fn") > 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(host.lambda.idleEnvironmentCount(of: "Fn") == 0)
            let second = Task { try await host.lambda.invoke("Fn", payload: Array(#"{"n":2}"#.utf8)) }
            let next = try await blocking { try RuntimeAPIClient(endpoint: endpoint).next() }
            #expect(next.event == Array(#"{"n":2}"#.utf8))
            _ = try await post(endpoint, "invocation/\(next.context.requestID)/response", #"{"done":2}"#)
            #expect(try await second.value.text == #"{"done":2}"#)
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withManualRuntime { _, endpoint, pending in
            let response = try await http(
                "POST", "http://\(endpoint)/2018-06-01/runtime/invocation/none/response",
                headers: [("Connection", "close")],
                body: Array("{}".utf8))
            #expect(response.status == 400)
            #expect(response.header("Connection")?.lowercased() == "close")
            let next = try await blocking { try RuntimeAPIClient(endpoint: endpoint).next() }
            _ = try await post(endpoint, "invocation/\(next.context.requestID)/response", "{}")
            _ = try await pending.value
        }
    }
}
