import Foundation
import Testing

/// `host --watch` as a user runs it: the real host binary on a copy of a small package, its function's source edited
/// while the host serves it through its route, then broken, then mended; the topology edited wrongly, then rightly.
@Suite struct HotReloadEndToEndTests {
    @Test func anEditIsServedWithoutARestartAndABrokenOneKeepsTheOldServing() async throws {
        let folder = NSTemporaryDirectory() + "hot-reload-\(UUID().uuidString)"
        let package = folder + "/package"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(
            atPath: packageRoot().appendingPathComponent("Tests/Fixtures/ReloadPackage").path, toPath: package)
        let source = package + "/Sources/Greeter/main.swift"
        let original = try String(contentsOfFile: source, encoding: .utf8)
        // A script function beside it: AWS's Python runtime interface client, its handler a file of its folder.
        let script = folder + "/script"
        try FileManager.default.createDirectory(atPath: script, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: packageRoot().appendingPathComponent("Tests/Fixtures/authorizer/bootstrap").path,
            toPath: script + "/bootstrap")
        func writeHandler(_ answer: String) throws {
            try "def handler(event, context):\n    return {'statusCode': 200, 'body': '\(answer)'}\n"
                .write(toFile: script + "/greet.py", atomically: true, encoding: .utf8)
        }
        try writeHandler("script v1")
        let python = try await pythonWithAWSLambdaRIC()
        let topologyPath = folder + "/topology.json"
        func writeTopology(_ routes: String) throws {
            let functions =
                #""Greeter":{},"Script":{"executable":"\#(script)/bootstrap","handler":"greet.handler","timeout":10,"#
                + #""environment":{"PYTHON":"\#(python)"}}"#
            try #"{"functions":{\#(functions)},"httpApis":{"greet":{"routes":{"GET /script":"Script",\#(routes)}}}}"#
                .write(toFile: topologyPath, atomically: true, encoding: .utf8)
        }
        try writeTopology(#""GET /hello":"Greeter""#)
        let awsPort = try DurabilityTests.freePort()
        let apiPort = try DurabilityTests.freePort()
        let process = try SpawnedProcess(
            try builtProduct("host"),
            [
                "--topology", topologyPath, "--data-dir", folder + "/data", "--package-path", package, "--watch",
                "--aws-port", "\(awsPort)", "--api-port", "\(apiPort)",
            ])
        defer { process.stop(signal: SIGKILL, within: 10) }
        func output() -> String { process.output }
        func hello(_ path: String = "/hello") async -> String? {
            guard let response = try? await http("GET", "http://127.0.0.1:\(apiPort)\(path)"), response.status == 200
            else { return nil }
            return response.text
        }
        func waitFor(_ what: String, seconds: Int = 240, _ condition: () async -> Bool) async throws {
            do {
                try await eventually(what, seconds: seconds) { await condition() }
            } catch {
                throw TestFailure("\(error)\n--- host output ---\n\(output().suffix(4000))")
            }
        }
        /// An editor's save: a new file renamed over the old one.
        func edit(_ text: String) throws { try text.write(toFile: source, atomically: true, encoding: .utf8) }

        // The first start builds the package's function.
        try await waitFor("the host serves v1") { await hello() == "hello v1" }
        #expect(output().contains("watching \(package)"))

        // An edit: served through the route, without a restart (the same host process, the old binary replaced).
        try edit(original.replacingOccurrences(of: "hello v1", with: "hello v2"))
        try await waitFor("the host serves v2") { await hello() == "hello v2" }
        #expect(output().contains("[reload] Sources/Greeter/main.swift changed: building Greeter"))
        #expect(output().contains("[reload] Greeter replaced"))
        #expect(process.isRunning)
        if let line = output().split(separator: "\n").first(where: { $0.contains("[reload] Greeter replaced") }) {
            print("hot reload, measured: \(line)")
        }

        // A script function's file: its warm environment (which imported the old handler) retires, and the next
        // invocation reads the new file.
        try await waitFor("the script function answers") { await hello("/script") == "script v1" }
        try writeHandler("script v2")
        try await waitFor("the script function's new file is read") { await hello("/script") == "script v2" }
        #expect(output().contains("[reload] Script: new environments read the changed files"))

        // A broken edit: the error is shown, the old binary keeps serving.
        try edit(
            original.replacingOccurrences(of: #"let greeting = "hello v1""#, with: #"let greeting = "hello v3" +"#))
        try await waitFor("the build error is reported") { output().contains("[reload] build failed") }
        let report = output()
        #expect(report.contains("the previous binaries keep serving"))
        #expect(
            report.contains("Sources/Greeter/main.swift:9:1: error: expected expression"),
            "the error, with its file and line")
        #expect(report.contains("error:"))
        #expect(await hello() == "hello v2")

        // Mended: served again.
        try edit(original.replacingOccurrences(of: "hello v1", with: "hello v4"))
        try await waitFor("the host serves v4") { await hello() == "hello v4" }

        // A topology that names a function that does not exist: rejected with its error; nothing changes.
        try writeTopology(#""GET /hello":"Greeter","GET /bye":"Nobody""#)
        try await waitFor("the topology is rejected") { output().contains("rejected, nothing changed") }
        #expect(output().contains("Nobody"))
        #expect(await hello() == "hello v4")
        #expect(await hello("/bye") == nil)

        // A valid one: applied live, on the same ports.
        try writeTopology(#""GET /hello":"Greeter","GET /bye":"Greeter""#)
        try await waitFor("the new route is served") { await hello("/bye") == "hello v4" }
        #expect(output().contains("+route GET /bye"))
        #expect(output().contains("[reload] topology applied"))
        #expect(await hello() == "hello v4")

        // The console shows every reload, the rejected ones with their errors.
        let console = try await http("GET", "http://127.0.0.1:\(awsPort)/_host/console/functions").text
        #expect(console.contains("Reloads"))
        #expect(console.contains("Greeter: rebuilt and replaced"))
        #expect(console.contains("build of Greeter failed"))
        #expect(console.contains("invalid topology; nothing changed"))
        #expect(console.contains("+route GET /bye"))

        #expect(try await blocking { process.stop() }, "the host stops on SIGTERM")
        #expect(process.exitStatus == "exit status 0")
        #expect(output().contains("host stopped"))
    }
}
