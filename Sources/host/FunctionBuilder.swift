import Foundation
import Host

/// Builds the Swift products of functions that name no executable, with the host's own configuration, and
/// resolves every function's executable. `swift build` decides what is stale; its progress is shown.
struct FunctionBuilder {
    struct BuildError: Error, CustomStringConvertible {
        var description: String
    }

    var topologyPath: String
    /// `--package-path`: the package whose products are built; by default the one this host was built from.
    var packagePath: String?
    var build: Bool

    #if DEBUG
    let configuration = "debug"
    #else
    let configuration = "release"
    #endif

    func prepare(_ topology: Topology) throws -> [String: String] {
        var executables: [String: String] = [:]
        let products = topology.functions.filter { $0.executable == nil }.map(\.name)
        for function in topology.functions {
            if let executable = function.executable {
                guard FileManager.default.isExecutableFile(atPath: executable) else {
                    throw BuildError(
                        description: "functions.\(function.name).executable: \(executable) is not an executable file")
                }
                executables[function.name] = executable
            }
        }
        guard !products.isEmpty else { return executables }
        let root = try packageRoot()
        let binPath = try binPath(root: root)
        // swift build re-plans the whole package on every call (a second or two even when nothing changed): skip it
        // for products built after every source they are built from changed (the shared libraries' and their own
        // folder's). A product swift build found up to date keeps its old date, so the host's own record of when it
        // last built each product counts too.
        let newestShared = newestModification(
            in: [
                "Package.swift", "Sources/AWSShapes", "Sources/AWSSigV4", "Sources/CurlHTTP", "Sources/LambdaRuntime",
                "Sources/AWSClients", "Sources/CCurl", "Sources/CCrypto", "Sources/CLambdaCompat", "Sources/Commerce",
            ].map { "\(root)/\($0)" })
        let stale = products.filter { product in
            guard let built = modification(of: "\(binPath)/\(product)") else { return true }
            let own = newestModification(in: ["\(root)/functions/\(product)", "\(root)/Sources/\(product)"])
            let recorded = modification(of: Self.stamp(product, binPath: binPath)) ?? .distantPast
            return max(built, recorded) < max(newestShared, own)
        }
        let buildBegan = Date()
        if build && stale.count > 1 {
            // One build for all of them: swift build plans the package once and compiles the shared libraries once.
            print(
                "[build] swift build -c \(configuration)  (\(stale.count) functions: \(stale.joined(separator: ", ")))")
            let status = try run(["build", "-c", configuration], in: root, echo: true).status
            guard status == 0 else { throw BuildError(description: "swift build failed (exited \(status))") }
            Self.recordBuilt(products, binPath: binPath, buildBegan: buildBegan)
        } else if build && !stale.isEmpty {
            for (index, product) in stale.enumerated() {
                print("[build \(index + 1)/\(stale.count)] swift build -c \(configuration) --product \(product)")
                let status = try run(["build", "-c", configuration, "--product", product], in: root, echo: true).status
                guard status == 0 else {
                    throw BuildError(description: "building \(product) failed (swift build exited \(status))")
                }
                Self.recordBuilt([product], binPath: binPath, buildBegan: buildBegan)
            }
        } else if build {
            print("functions up to date: \(products.joined(separator: ", "))")
        }
        for product in products {
            let path = "\(binPath)/\(product)"
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw BuildError(
                    description:
                        "\(path) does not exist: run without --no-build, or set functions.\(product).executable")
            }
            executables[product] = path
        }
        return executables
    }

    /// When the host last built a product successfully (an empty file whose date says it).
    static func stamp(_ product: String, binPath: String) -> String { "\(binPath)/.host-built/\(product)" }

    /// Records that the products are up to date with their sources as they were when the build began (a source
    /// changed during the build is newer).
    static func recordBuilt(_ products: [String], binPath: String, buildBegan: Date) {
        try? FileManager.default.createDirectory(atPath: "\(binPath)/.host-built", withIntermediateDirectories: true)
        for product in products {
            let path = stamp(product, binPath: binPath)
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            try? FileManager.default.setAttributes([.modificationDate: buildBegan], ofItemAtPath: path)
        }
    }

    /// Where `swift build` puts the products of the host's configuration.
    func binPath(root: String) throws -> String {
        // The host usually runs from the package's own build folder (swift run): its products are beside it.
        let ownFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .path
        if ownFolder.hasPrefix("\(root)/.build/") && ownFolder.hasSuffix("/\(configuration)") { return ownFolder }
        return try run(["build", "-c", configuration, "--show-bin-path"], in: root, echo: false).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func modification(of path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// The newest modification time of any file under the given folders (or of the given files).
    private func newestModification(in paths: [String]) -> Date {
        var newest = Date.distantPast
        for path in paths {
            if let date = modification(of: path), date > newest { newest = date }
            guard let files = FileManager.default.enumerator(atPath: path) else { continue }
            for case let file as String in files {
                if let date = modification(of: "\(path)/\(file)"), date > newest { newest = date }
            }
        }
        return newest
    }

    /// The package whose products are the functions: `--package-path`, else the package this host executable was
    /// built in (`<package>/.build/…/host`, as `swift run` runs it), else the first folder with a Package.swift
    /// above the topology file or the current directory. A topology file may live anywhere.
    func packageRoot() throws -> String {
        if let packagePath {
            let path = URL(fileURLWithPath: packagePath).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: "\(path)/Package.swift") else {
                throw BuildError(description: "--package-path \(packagePath): no Package.swift there")
            }
            return path
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        if let range = executable.range(of: "/.build/") {
            let root = String(executable[..<range.lowerBound])
            if FileManager.default.fileExists(atPath: "\(root)/Package.swift") { return root }
        }
        for start in [URL(fileURLWithPath: topologyPath), URL(fileURLWithPath: "Package.swift")] {
            var directory = start.standardizedFileURL.deletingLastPathComponent()
            while directory.path != "/" {
                if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                    return directory.path
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw BuildError(
            description:
                "cannot tell which Swift package builds the functions of \(topologyPath): pass --package-path, or give "
                + "each function an executable")
    }

    /// Runs `swift` with its output captured (blocking: at start, or on a thread of its own).
    static func runSwift(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
        let process = SwiftBuild.process(arguments, in: directory)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func run(_ arguments: [String], in directory: String, echo: Bool) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let pipe = Pipe()
        process.standardOutput = echo ? FileHandle.standardOutput : pipe
        process.standardError = FileHandle.standardError
        try process.run()
        let data = echo ? Data() : pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
