// swift-tools-version:6.1
import PackageDescription

// The function side (CCurl, CCrypto, CurlHTTP, LambdaRuntime, AWSClients, AWSShapes and every product under
// functions/) never depends on NIO, Hummingbird or GRDB: small binaries and fast cold starts.
let functionSide: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

/// Function executables carry the Swift runtime inside (as `provided.al2023` needs): no shared Swift libraries to
/// load makes a cold start about 6 ms faster. With -static-stdlib alone the linker misses what FoundationEssentials
/// needs, so those libraries are named, in order.
let functionLinking: [LinkerSetting] = [
    .unsafeFlags(
        ["-static-stdlib"]
            + ["FoundationEssentials", "_FoundationCShims", "_FoundationCollections", "swiftSynchronization"]
            .flatMap { ["-Xlinker", "-l\($0)"] })
]

/// Every directory under functions/ is one Lambda function: an executable product of the same name.
let functionNames = [
    // The commerce system (Sources/Commerce): the reference's six HTTP APIs and six workers,
    "RestockSKUApi", "ListSKUsApi", "PlaceOrderApi", "ListOrdersApi", "ListOrderPaymentsApi", "SimulateRawEventApi",
    "RestockSKUWorker", "SyncOrderWorker", "AllocateOrderStockWorker", "ProcessOrderPaymentWorker",
    "CompleteOrderPaymentAcceptedWorker", "DeallocateOrderPaymentRejectedWorker",
    // and the rest of the order's life: shipping, cancellation with its compensations, notifications.
    "CancelOrderApi", "ShipOrderApi", "DeliverShipmentApi", "ListShipmentsApi", "ListNotificationsApi",
    "ListRefundsApi",
    "ShipOrderWorker",
    "ReturnOrderStockWorker", "RefundOrderPaymentWorker", "CancelOrderShipmentWorker", "NotifyOrderWorker",
    // Sign-in: users, JWTs, the authorizer of the signed-in routes.
    "SignUpApi", "SignInApi", "SessionAuthorizer", "ListMyOrdersApi",
    // The shopping cart with its transactional outbox, and the checkout's orders.
    "CartApi", "OutboxForwarder", "PlaceCartOrdersWorker",
    // The catalog, shared by event-carried state transfer, and the orders side's view of it.
    "CatalogApi", "CatalogViewWorker",
]

let functionTargets: [Target] = functionNames.map { name in
    .executableTarget(
        name: name,
        dependencies: ["LambdaRuntime", "AWSShapes", "Commerce", "AWSClients", "CLambdaCompat"],
        path: "functions/\(name)",
        swiftSettings: functionSide,
        linkerSettings: functionLinking
    )
}

let functionProducts: [Product] = functionNames.map { name in .executable(name: name, targets: [name]) }

let package = Package(
    name: "serverless-commerce",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "host", targets: ["host"]),
        .executable(name: "bench", targets: ["bench"]),
        .executable(name: "seed", targets: ["seed"]),
        .library(name: "LambdaRuntime", targets: ["LambdaRuntime"]),
        .library(name: "AWSShapes", targets: ["AWSShapes"]),
        .library(name: "AWSClients", targets: ["AWSClients"]),
        .library(name: "Commerce", targets: ["Commerce"]),
    ] + functionProducts,
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // MARK: function side
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "AWSShapes", swiftSettings: functionSide),
        // Linked into every function binary: keeps it loadable on provided.al2023's glibc 2.34 (see compat.c).
        .target(name: "CLambdaCompat"),
        .target(name: "CurlHTTP", dependencies: ["CCurl"], swiftSettings: functionSide),
        .target(name: "LambdaRuntime", dependencies: ["CurlHTTP", "AWSShapes"], swiftSettings: functionSide),
        // SigV4 and the digests it needs: functions sign with it, the host checks signatures with it.
        .target(name: "AWSSigV4", dependencies: ["CCrypto"], swiftSettings: functionSide),
        .target(
            name: "AWSClients", dependencies: ["CCrypto", "CurlHTTP", "AWSShapes", "AWSSigV4"],
            swiftSettings: functionSide),
        // The commerce logic behind the functions under functions/: one service per slice, AWS behind protocols.
        .target(
            name: "Commerce", dependencies: ["AWSShapes", "AWSClients", "AWSSigV4", "LambdaRuntime"],
            swiftSettings: functionSide),

        // MARK: host side
        .target(name: "CSpawn"),
        // The host only: requests a client compressed (Content-Encoding: gzip), as AWS accepts them.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The EventBridge event-pattern engine (rules, Pipe filters, mapping filters): it depends only on shapes.
        .target(name: "EventPatterns", dependencies: ["AWSShapes"]),
        // DynamoDB's expression engine (conditions, updates, projections, key conditions, exact numbers).
        .target(name: "DynamoDBExpressions", dependencies: ["AWSShapes"]),
        .target(
            name: "Host",
            dependencies: [
                "AWSShapes", "AWSSigV4", "CSpawn", "CCrypto", "CZlib", "EventPatterns", "DynamoDBExpressions",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "host",
            dependencies: [
                "Host",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "bench",
            dependencies: [
                "Host", "CurlHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        .executableTarget(
            name: "seed",
            dependencies: ["CurlHTTP", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // MARK: tests
        // A Lambda function used only by tests and the benchmark: its behaviour is chosen by the event.
        .executableTarget(
            name: "TestFunction",
            dependencies: ["LambdaRuntime", "CLambdaCompat"],
            path: "Tests/Fixtures/TestFunction",
            swiftSettings: functionSide,
            linkerSettings: functionLinking
        ),
        .testTarget(name: "AWSShapesTests", dependencies: ["AWSShapes"]),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", "AWSShapes"]),
        .testTarget(name: "AWSClientsTests", dependencies: ["AWSClients", "AWSShapes"]),
        .testTarget(name: "CommerceTests", dependencies: ["Commerce", "AWSClients", "AWSShapes", "LambdaRuntime"]),
        .testTarget(
            name: "HostTests",
            dependencies: [
                "Host", "EventPatterns", "DynamoDBExpressions", "LambdaRuntime", "CurlHTTP", "AWSShapes", "AWSClients",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ] + functionTargets
)
