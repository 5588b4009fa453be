// swift-tools-version:6.0
import PackageDescription

// The package the hot-reload test copies, runs `host --watch` on, and edits: one function with no dependencies, so
// that it builds from nothing in seconds.
let package = Package(
    name: "reload-fixture",
    targets: [.executableTarget(name: "Greeter", path: "Sources/Greeter")]
)
