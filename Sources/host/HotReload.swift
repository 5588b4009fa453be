import Foundation
import Host
import ServiceLifecycle
import Synchronization

// DECISIONS (hot reload): `host --watch` watches the package's targets (inotify, no polling), the topology file and
// the folders of script functions. A source change rebuilds only the function products that contain the changed
// target (from `swift package describe`), one `swift build` at a time, and hands the new binaries to their functions:
// invocations in flight finish on the old binary, new ones start the new (Linux keeps a running binary's file). Each
// binary a function runs is a hard link under `.build/host-reload/<pid>/`, so a build that rewrites the product
// cannot disturb a cold start. A build error is printed and the old binaries keep serving. A topology change is
// validated (every error printed, nothing changed when one is found), its new functions built, and then applied by
// restarting the services in this process on the same ports and data (a few hundred milliseconds; a request in that
// window is refused or waits). Only a change to the host's own sources needs a restart by hand (it says so).

/// `host --watch`: what changed, what was rebuilt, what now serves it.
final class HotReload: Sendable {
    let topologyPath: String
    let builder: FunctionBuilder
    let log: ReloadLog
    let root: String
    let binPath: String
    private let watcher: SourceWatcher
    private let snapshots: Snapshots

    private struct State {
        /// Read in the background at start (`swift package describe` takes about half a second).
        var layout: PackageLayout?
        var topology: Topology
        /// The binary (or script) each function's new environments start.
        var executables: [String: String]
        var host: HostRuntime?
        var group: ServiceGroup?
        /// A valid new topology waiting for the services to stop, with its functions' executables.
        var restart: (Topology, [String: String])?
        /// What ran before the last topology change (started again if the new one cannot start).
        var previous: (Topology, [String: String])?
        /// When the change that asked for the restart was seen.
        var restartSince: ContinuousClock.Instant?
    }
    private let state: Mutex<State>

    /// Starts watching the package's folder (all of it but hidden folders such as `.build`) and reading its layout
    /// in the background; `executables` are what the host starts with (they become snapshots, so that later builds
    /// cannot disturb them).
    init(topologyPath: String, topology: Topology, executables: [String: String], builder: FunctionBuilder) throws {
        self.topologyPath = URL(fileURLWithPath: topologyPath).standardizedFileURL.path
        self.builder = builder
        log = ReloadLog()
        root = try builder.packageRoot()
        binPath = try builder.binPath(root: root)
        snapshots = try Snapshots(folder: "\(root)/.build/host-reload")
        var started = executables
        for function in topology.functions where function.executable == nil {
            if let path = executables[function.name] { started[function.name] = try snapshots.take(path) }
        }
        state = Mutex(State(layout: nil, topology: topology, executables: started))
        var roots = [SourceWatcher.Root(path: root, recursive: true)]
        roots.append(
            .init(path: URL(fileURLWithPath: self.topologyPath).deletingLastPathComponent().path, recursive: false))
        roots += Self.scriptFolders(topology).map { .init(path: $0, recursive: false) }
        watcher = try SourceWatcher(roots: roots)
        layoutLoading = Task { [root] in try? await SwiftBuild.onThread { try Self.describe(root) } }
    }

    private let layoutLoading: Task<PackageLayout?, Never>

    /// The package's layout: read at start in the background, again after its manifest changed.
    private func layout() async -> PackageLayout? {
        if let layout = state.withLock({ $0.layout }) { return layout }
        var layout = await layoutLoading.value
        if layout == nil { layout = try? await SwiftBuild.onThread { [root] in try Self.describe(root) } }
        state.withLock { $0.layout = $0.layout ?? layout }
        return layout
    }

    /// What the host starts with.
    var executables: [String: String] { state.withLock { $0.executables } }

    static func describe(_ root: String) throws -> PackageLayout {
        let output = try FunctionBuilder.runSwift(["package", "describe", "--type", "json"], in: root)
        guard output.status == 0 else {
            throw FunctionBuilder.BuildError(
                description: "swift package describe failed in \(root) (exited \(output.status))")
        }
        return try PackageLayout(root: root, describe: Data(output.output.utf8))
    }

    static func scriptFolders(_ topology: Topology) -> [String] {
        Array(
            Set(
                topology.functions.compactMap(\.executable).map {
                    URL(fileURLWithPath: $0).standardizedFileURL.deletingLastPathComponent().path
                }))
    }

    /// The services now running (a topology change replaces them).
    func attach(host: HostRuntime, group: ServiceGroup) {
        state.withLock {
            $0.host = host
            $0.group = group
        }
    }

    /// After the services stopped: the topology to start next, if a change asked for the stop.
    func takeRestart() -> (Topology, [String: String])? {
        state.withLock { state in
            defer { state.restart = nil }
            return state.restart
        }
    }

    /// When the topology change being applied was seen (the restart's message counts from it).
    var restartSince: ContinuousClock.Instant? { state.withLock { $0.restartSince } }

    /// What ran before the last topology change.
    var previous: (Topology, [String: String])? { state.withLock { $0.previous } }

    /// A new topology could not be started: the previous one runs again.
    func restartFailed(_ error: any Error, previous: Topology, executables: [String: String]) {
        state.withLock {
            $0.topology = previous
            $0.executables = executables
        }
        report(
            .init(
                kind: "topology", outcome: .rejected,
                summary: "the new topology could not start; the previous one runs again", detail: "\(error)",
                seconds: 0))
    }

    func stop() { watcher.stop() }

    /// Handles each batch of changes in turn, until the watcher stops.
    func run() async {
        print("watching \(root) and \(topologyPath) for changes (hot reload)")
        for await batch in watcher.changes {
            await handle(batch)
        }
    }

    private func handle(_ batch: SourceWatcher.Batch) async {
        if batch.paths.contains(topologyPath) {
            await reloadTopology(since: batch.since)
            return
        }
        let (topology, executables) = state.withLock { ($0.topology, $0.executables) }
        // Script functions: the same path, new environments read the changed files.
        let scripts = topology.functions.filter { function in
            guard let executable = function.executable else { return false }
            let folder = URL(fileURLWithPath: executable).standardizedFileURL.deletingLastPathComponent().path
            return batch.paths.contains { URL(fileURLWithPath: $0).deletingLastPathComponent().path == folder }
        }
        if !scripts.isEmpty, let host = state.withLock({ $0.host }) {
            let names = scripts.map(\.name)
            host.lambda.replaceExecutables(
                Dictionary(uniqueKeysWithValues: scripts.map { ($0.name, executables[$0.name] ?? $0.executable ?? "") })
            )
            print("[reload] \(names.joined(separator: ", ")): new environments read the changed files")
            report(
                .init(
                    kind: "scripts", outcome: .applied,
                    summary: "\(names.joined(separator: ", ")): new environments read the changed files",
                    seconds: (ContinuousClock.now - batch.since).seconds))
        }
        let built = Set(topology.functions.filter { $0.executable == nil }.map(\.name))
        guard let layout = await layout() else {
            print("[reload] cannot tell what the change affects: `swift package describe` failed in \(root)")
            return
        }
        var effect = layout.effect(of: batch.paths, functions: built)
        if effect.manifest, let layout = try? await SwiftBuild.onThread({ try Self.describe(self.root) }) {
            state.withLock { $0.layout = layout }
            effect.products = built
        }
        if effect.products.isEmpty {
            let hostSources = effect.other.filter { $0.hasPrefix("\(root)/Sources/") }
            if !hostSources.isEmpty && scripts.isEmpty {
                print(
                    "[reload] \(Self.relative(hostSources, to: root)) changed: no function uses it (the host's own "
                        + "sources need a restart of the host)")
            }
            return
        }
        await rebuild(effect.products.sorted(), since: batch.since, changed: batch.paths)
    }

    /// Builds the products and hands the binaries that changed to their functions.
    private func rebuild(_ products: [String], since: ContinuousClock.Instant, changed: Set<String>) async {
        let names = products.count > 4 ? "\(products.count) functions" : products.joined(separator: ", ")
        print("[reload] \(Self.relative(changed, to: root)) changed: building \(names)")
        let before = Dictionary(uniqueKeysWithValues: products.map { ($0, Snapshots.identity("\(binPath)/\($0)")) })
        var failure: SwiftBuild.Result?
        let buildBegan = Date()
        if products.count <= 2 {
            for product in products {
                let result = await SwiftBuild.run(
                    ["build", "-c", builder.configuration, "--product", product], in: root, label: "[reload]")
                if result.status != 0 {
                    failure = result
                    break
                }
            }
        } else {
            // One build plans the package once and compiles the shared libraries once.
            let result = await SwiftBuild.run(["build", "-c", builder.configuration], in: root, label: "[reload]")
            if result.status != 0 { failure = result }
        }
        let seconds = (ContinuousClock.now - since).seconds
        if failure == nil { FunctionBuilder.recordBuilt(products, binPath: binPath, buildBegan: buildBegan) }
        if let failure {
            let errors = failure.errors.joined(separator: "\n")
            print("[reload] build failed after \(Self.format(seconds)); the previous binaries keep serving:\n\(errors)")
            report(
                .init(
                    kind: "functions", outcome: .rejected, summary: "build of \(names) failed", detail: errors,
                    seconds: seconds))
            return
        }
        var replaced: [String: String] = [:]
        for product in products where Snapshots.identity("\(binPath)/\(product)") != before[product] {
            do {
                replaced[product] = try snapshots.take("\(binPath)/\(product)")
            } catch {
                print("[reload] \(product): \(error)")
            }
        }
        guard !replaced.isEmpty, let host = state.withLock({ $0.host }) else {
            print("[reload] \(names): the build changed no binary")
            report(.init(kind: "functions", outcome: .unchanged, summary: "\(names): same binaries", seconds: seconds))
            return
        }
        state.withLock { $0.executables.merge(replaced) { $1 } }
        let retired = host.lambda.replaceExecutables(replaced)
        let served = (ContinuousClock.now - since).seconds
        let list = replaced.count > 4 ? "\(replaced.count) functions" : replaced.keys.sorted().joined(separator: ", ")
        let environments = retired.values.reduce(0, +)
        let warm =
            environments == 1
            ? " (its warm environment retires once idle)"
            : environments > 1 ? " (\(environments) warm environments retire once idle)" : ""
        print("[reload] \(list) replaced \(Self.format(served)) after the change\(warm)")
        report(
            .init(
                kind: "functions", outcome: .applied,
                summary:
                    "\(list): rebuilt and replaced"
                    + (environments == 0
                        ? "" : " (\(environments) environment\(environments == 1 ? "" : "s") retired)"),
                seconds: served))
    }

    private func reloadTopology(since: ContinuousClock.Instant) async {
        let previous = state.withLock { $0.topology }
        let topology: Topology
        do {
            topology = try Topology.load(path: topologyPath)
        } catch {
            rejectTopology("rejected, nothing changed", summary: "invalid topology; nothing changed", error, since)
            return
        }
        guard topology != previous else {
            print("[reload] \(URL(fileURLWithPath: topologyPath).lastPathComponent) saved without a change")
            return
        }
        let builder = self.builder
        var executables = state.withLock { $0.executables }
        // Functions already running keep their binaries (a source change rebuilds them); new ones are built now.
        var added = topology
        added.functions = topology.functions.filter { executables[$0.name] == nil || $0.executable != nil }
        do {
            let toBuild = added
            executables.merge(try await SwiftBuild.onThread { try builder.prepare(toBuild) }) { $1 }
        } catch {
            rejectTopology(
                "not applied, its functions do not build; nothing changed",
                summary: "its functions do not build; nothing changed", error, since)
            return
        }
        var started = executables.filter { name, _ in topology.functions.contains { $0.name == name } }
        do {
            for function in added.functions where function.executable == nil {
                if let path = executables[function.name] { started[function.name] = try snapshots.take(path) }
            }
        } catch {
            print("[reload] \(error)")
            return
        }
        for folder in Self.scriptFolders(topology) { try? watcher.add(.init(path: folder, recursive: false)) }
        let changes = Self.differences(from: previous, to: topology)
        let group = state.withLock { state -> ServiceGroup? in
            state.restart = (topology, started)
            state.previous = (state.topology, state.executables)
            state.restartSince = since
            state.topology = topology
            state.executables = started
            return state.group
        }
        print(
            "[reload] topology changed (\(changes.isEmpty ? "settings" : changes.joined(separator: "; "))): restarting the services"
        )
        report(
            .init(
                kind: "topology", outcome: .applied,
                summary: changes.isEmpty ? "settings changed" : changes.joined(separator: "; "),
                seconds: (ContinuousClock.now - since).seconds))
        await group?.triggerGracefulShutdown()
    }

    private func report(_ entry: ReloadLog.Entry) { log.append(entry) }

    /// A topology change that is not applied: said on the terminal and in the console, with its errors.
    private func rejectTopology(
        _ message: String, summary: String, _ error: any Error, _ since: ContinuousClock.Instant
    ) {
        print("[reload] \(topologyPath) \(message):\n\(error)")
        report(
            .init(
                kind: "topology", outcome: .rejected, summary: summary, detail: "\(error)",
                seconds: (ContinuousClock.now - since).seconds))
    }

    /// What a topology change adds and removes, by kind.
    static func differences(from old: Topology, to new: Topology) -> [String] {
        func compare(_ kind: String, _ old: [String], _ new: [String]) -> [String] {
            let added = Set(new).subtracting(old).sorted()
            let removed = Set(old).subtracting(new).sorted()
            var parts: [String] = []
            if !added.isEmpty { parts.append("+\(kind) \(added.joined(separator: ", "))") }
            if !removed.isEmpty { parts.append("-\(kind) \(removed.joined(separator: ", "))") }
            return parts
        }
        return compare("function", old.functions.map(\.name), new.functions.map(\.name))
            + compare(
                "route", old.httpAPIs.flatMap { $0.routes.map(\.key) }, new.httpAPIs.flatMap { $0.routes.map(\.key) })
            + compare("table", old.tables.map(\.name), new.tables.map(\.name))
            + compare("queue", old.queues.map(\.name), new.queues.map(\.name))
            + compare("rule", old.rules.map(\.name), new.rules.map(\.name))
            + compare("pipe", old.pipes.map(\.name), new.pipes.map(\.name))
            + compare(
                "mapping", old.eventSourceMappings.map { "\($0.source)→\($0.function)" },
                new.eventSourceMappings.map { "\($0.source)→\($0.function)" })
    }

    /// The changed files for a message: those still there (an editor's or sed's temporary files are gone), relative
    /// to the package.
    static func relative(_ paths: some Collection<String>, to root: String) -> String {
        let existing = paths.filter { FileManager.default.fileExists(atPath: $0) }
        let names = (existing.isEmpty ? Array(paths) : existing).sorted().map {
            $0.hasPrefix(root + "/") ? String($0.dropFirst(root.count + 1)) : $0
        }
        return names.count > 3
            ? "\(names.prefix(3).joined(separator: ", ")) and \(names.count - 3) more" : names.joined(separator: ", ")
    }

    static func format(_ seconds: Double) -> String { String(format: "%.1f s", seconds) }
}

/// The binaries functions run: hard links to what a build produced (a copy when a link is impossible), under a
/// folder of this process's own. A later build writes a new file; the link keeps the old one for the environments
/// that still start it. Folders of processes no longer running are removed.
final class Snapshots: Sendable {
    let folder: String
    private let counter = Mutex(0)

    init(folder: String) throws {
        let parent = folder
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] {
            if let pid = Int32(entry), kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: "\(parent)/\(entry)")
            }
        }
        self.folder = "\(parent)/\(getpid())"
        try? FileManager.default.removeItem(atPath: self.folder)
        try FileManager.default.createDirectory(atPath: self.folder, withIntermediateDirectories: true)
    }

    /// A link to the binary as it is now; the previous link of the same product goes (a process that runs it keeps it).
    func take(_ path: String) throws -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let number = counter.withLock {
            $0 += 1
            return $0
        }
        let snapshot = "\(folder)/\(name).\(number)"
        if link(path, snapshot) != 0 {
            try FileManager.default.copyItem(atPath: path, toPath: snapshot)
        }
        // The one before stays (an environment may be starting it right now); older ones go.
        let numbers = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { entry in
            entry.hasPrefix("\(name).") ? Int(entry.dropFirst(name.count + 1)) : nil
        }.sorted()
        for other in numbers.dropLast(2) { try? FileManager.default.removeItem(atPath: "\(folder)/\(name).\(other)") }
        return snapshot
    }

    /// A file's inode and modification time: a build that writes the binary changes it.
    static func identity(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_ino)-\(info.st_mtim.tv_sec)-\(info.st_mtim.tv_nsec)"
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
