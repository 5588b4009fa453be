import Foundation
import Host
import Logging
import Synchronization
import Testing

/// The parts of `host --watch`: which products a change goes into, the watcher, and a function's executable
/// replaced under load (the whole loop, with a real build, is `HotReloadEndToEndTests`).
@Suite struct HotReloadTests {
    static let describe = #"""
        {"name":"p","targets":[
          {"name":"Commerce","path":"Sources/Commerce","product_memberships":["Commerce","CartApi","ListSKUsApi"]},
          {"name":"CartApi","path":"functions/CartApi","product_memberships":["CartApi"]},
          {"name":"ListSKUsApi","path":"functions/ListSKUsApi","product_memberships":["ListSKUsApi"]},
          {"name":"Host","path":"Sources/Host","product_memberships":["host","bench"]},
          {"name":"HostTests","path":"Tests/HostTests"}
        ]}
        """#

    @Test func aChangeRebuildsExactlyTheFunctionsItGoesInto() throws {
        let layout = try PackageLayout(root: "/p", describe: Data(Self.describe.utf8))
        let functions: Set = ["CartApi", "ListSKUsApi"]
        // A function's own folder: that function only.
        #expect(layout.effect(of: ["/p/functions/CartApi/main.swift"], functions: functions).products == ["CartApi"])
        // A library both use: both.
        let shared = layout.effect(of: ["/p/Sources/Commerce/Cart/Cart.swift"], functions: functions)
        #expect(shared.products == functions)
        #expect(shared.other.isEmpty)
        // The host's own sources and a test's: no function; said as such.
        let host = layout.effect(of: ["/p/Sources/Host/X.swift", "/p/Tests/HostTests/T.swift"], functions: functions)
        #expect(host.products.isEmpty)
        #expect(host.other == ["/p/Sources/Host/X.swift", "/p/Tests/HostTests/T.swift"])
        // A function the topology does not run is not built.
        #expect(layout.effect(of: ["/p/functions/CartApi/main.swift"], functions: ["ListSKUsApi"]).products.isEmpty)
        // The manifest: everything.
        let manifest = layout.effect(of: ["/p/Package.swift"], functions: functions)
        #expect(manifest.manifest && manifest.products == functions)
        // A folder whose name starts like a target's is not that target.
        #expect(layout.effect(of: ["/p/functions/CartApiOld/main.swift"], functions: functions).products.isEmpty)
        #expect(throws: PackageLayout.DescribeError.self) { try PackageLayout(root: "/p", describe: Data("{".utf8)) }
    }

    @Test func theWatcherSeesFilesWrittenAndFoldersCreatedButNotHiddenOnes() async throws {
        let folder = NSTemporaryDirectory() + "watch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/Sources", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let watcher = try SourceWatcher(
            roots: [.init(path: folder + "/Sources", recursive: true), .init(path: folder, recursive: false)],
            quiet: .milliseconds(100))
        defer { watcher.stop() }
        let batches = Batches()
        let collector = Task { [watcher, batches] in
            for await batch in watcher.changes { batches.list.withLock { $0.append(batch.paths) } }
            return true
        }
        /// The next batch.
        func next() async throws -> Set<String> {
            try await eventually("a batch of changes", seconds: 20) { batches.list.withLock { !$0.isEmpty } }
            return batches.list.withLock { $0.removeFirst() }
        }
        // Two files written together come as one batch; a hidden one is not there.
        try "a".write(toFile: folder + "/Sources/a.swift", atomically: false, encoding: .utf8)
        try "b".write(toFile: folder + "/Package.swift", atomically: false, encoding: .utf8)
        try "x".write(toFile: folder + "/Sources/.a.swift.swp", atomically: false, encoding: .utf8)
        #expect(try await next() == [folder + "/Sources/a.swift", folder + "/Package.swift"])
        // A folder created inside a watched tree is watched from then on.
        try FileManager.default.createDirectory(atPath: folder + "/Sources/New", withIntermediateDirectories: true)
        try "c".write(toFile: folder + "/Sources/New/c.swift", atomically: false, encoding: .utf8)
        #expect(try await next().contains(folder + "/Sources/New/c.swift"))
        // An editor's save by rename counts as a change of the file.
        try "d".write(toFile: folder + "/Sources/a.swift", atomically: true, encoding: .utf8)
        #expect(try await next().contains(folder + "/Sources/a.swift"))
        watcher.stop()
        #expect(try await within(20, "the end of the changes") { await collector.value }, "the stream ends")
    }

    @Test func aReplacedExecutableServesNewInvocationsWhileTheOldFinishesItsOwn() async throws {
        let folder = NSTemporaryDirectory() + "reload-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let original = try builtProduct("TestFunction")
        // "The new build": the same runtime, told apart by its environment.
        let replacement = folder + "/bootstrap"
        try "#!/bin/sh\nexport BUILD=2\nexec '\(original)'\n".write(
            toFile: replacement, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: replacement)
        try await withHost(topology(executable: original, timeout: 10, maxConcurrency: 2)) { host, _ in
            func invoke(_ event: String) async throws -> [String: Any] {
                try await host.lambda.invoke("Fn", payload: Array(event.utf8)).json()
            }
            let old = try await invoke(#"{"action":"sleep","ms":0}"#)["pid"] as? Int
            try await eventually("the environment waits for work") { host.lambda.idleEnvironmentCount(of: "Fn") == 1 }
            // In flight on the old binary while the new one arrives.
            let inFlight = Task {
                let result = try await invoke(#"{"action":"sleep","ms":1500}"#)
                return (slept: result["slept"] as? Int, pid: result["pid"] as? Int)
            }
            try await eventually("the slow invocation runs") { host.lambda.idleEnvironmentCount(of: "Fn") == 0 }
            let retired = host.lambda.replaceExecutables(["Fn": replacement])
            #expect(retired == ["Fn": 1])
            #expect(host.lambda.executable(of: "Fn")?.path == replacement)
            #expect(host.lambda.executable(of: "Fn")?.generation == 1)
            // A new invocation starts the new executable at once, beside the busy old environment.
            let new = try await invoke(#"{"action":"env"}"#)
            #expect(new["BUILD"] as? String == "2")
            // The one in flight finished where it started.
            let finished = try await inFlight.value
            #expect(finished.slept == 1500)
            #expect(finished.pid == old)
            // …and its environment retired instead of taking more work: only the new one is left.
            try await eventually("the old environment is gone") { host.lambda.environmentCount(of: "Fn") == 1 }
            #expect(try await invoke(#"{"action":"env"}"#)["BUILD"] as? String == "2")
            // An idle environment of a replaced executable stops at once.
            host.lambda.replaceExecutables(["Fn": original])
            try await eventually("the idle environment stops") { host.lambda.environmentCount(of: "Fn") == 0 }
            let back = try await invoke(#"{"action":"env"}"#)
            #expect(back["BUILD"] == nil)
        }
    }

    @Test func aRuleTheTopologyNoLongerDeclaresIsDisabled() async throws {
        let configuration = testConfiguration()
        defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
        let executable = try builtProduct("TestFunction")
        func topology(rules: [String]) throws -> Topology {
            let entries = rules.map { #""\#($0)":{"pattern":{"source":["s"]},"targets":[{"queue":"Q"}]}"# }
            return try Topology.decode(
                Data(
                    #"{"functions":{"Fn":{"executable":"\#(executable)"}},"queues":{"Q":{}},"rules":{\#(entries.joined(separator: ","))}}"#
                        .utf8), baseDirectory: "/")
        }
        func states(_ port: Int) async throws -> [String: String] {
            let rules = try await awsJSON(port, "AWSEvents.ListRules", "{}")["Rules"] as? [[String: Any]] ?? []
            return Dictionary(
                uniqueKeysWithValues: rules.compactMap { rule in
                    (rule["Name"] as? String).map { ($0, rule["State"] as? String ?? "") }
                })
        }
        try await withHost(try topology(rules: ["Kept", "Dropped"]), configuration: configuration) { _, ports in
            #expect(try await states(ports.aws) == ["Kept": "ENABLED", "Dropped": "ENABLED"])
            // A rule made through the API is not the topology's to manage.
            _ = try await awsJSON(
                ports.aws, "AWSEvents.PutRule", #"{"Name":"Mine","EventPattern":"{\"source\":[\"m\"]}"}"#)
        }
        try await withHost(try topology(rules: ["Kept"]), configuration: configuration) { _, ports in
            let now = try await states(ports.aws)
            #expect(now == ["Kept": "ENABLED", "Dropped": "DISABLED", "Mine": "ENABLED"])
        }
        // Declared again, it is enabled again.
        try await withHost(try topology(rules: ["Kept", "Dropped"]), configuration: configuration) { _, ports in
            let now = try await states(ports.aws)
            #expect(now == ["Kept": "ENABLED", "Dropped": "ENABLED", "Mine": "ENABLED"])
        }
    }
}

/// The batches a watcher reported, for a test to take one at a time.
private final class Batches: Sendable {
    let list = Mutex<[Set<String>]>([])
}
