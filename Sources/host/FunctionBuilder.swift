import Foundation
import Host

/// Builds the Swift products of functions that name no executable, with the host's own configuration, and
/// resolves every function's executable. `swift build` decides what is stale; its progress is shown.
struct FunctionBuilder {
    struct BuildError: Error, CustomStringConvertible {
        var description: String
    }

    var topologyPath: String
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
        if build {
            for (index, product) in products.enumerated() {
                print("[build \(index + 1)/\(products.count)] swift build -c \(configuration) --product \(product)")
                let status = try run(["build", "-c", configuration, "--product", product], in: root, echo: true).status
                guard status == 0 else {
                    throw BuildError(description: "building \(product) failed (swift build exited \(status))")
                }
            }
        }
        let binPath = try run(["build", "-c", configuration, "--show-bin-path"], in: root, echo: false).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
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

    /// The folder with Package.swift above the topology file.
    private func packageRoot() throws -> String {
        var directory = URL(fileURLWithPath: topologyPath).standardizedFileURL.deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.path
            }
            directory = directory.deletingLastPathComponent()
        }
        throw BuildError(description: "no Package.swift above \(topologyPath): give functions an executable instead")
    }

    private func run(_ arguments: [String], in directory: String, echo: Bool) throws -> (status: Int32, output: String)
    {
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
