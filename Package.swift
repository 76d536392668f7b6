// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "costledger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "costledger", targets: ["costledger"]),
        .library(name: "Pricing", targets: ["Pricing"]),
        .library(name: "CostLedger", targets: ["CostLedger"]),
        .library(name: "BudgetEngine", targets: ["BudgetEngine"]),
        .library(name: "Optimizer", targets: ["Optimizer"]),
        .library(name: "Reports", targets: ["Reports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // The HTML page's document (contract 15.1); a 0.x version, so pinned.
        .package(url: "https://github.com/JohnSundell/Plot", exact: "0.14.0"),
    ],
    targets: [
        // System libraries: libcsv (no pkg-config file), SQLite and zlib; Linux's sync_file_range.
        .systemLibrary(name: "CCSV", path: "Sources/CCSV"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3"),
        .systemLibrary(name: "CWriteback", path: "Sources/CWriteback"),
        // zlib, for gzip request bodies (OTLP exporters compress).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        .target(name: "CSVCodec", dependencies: ["CCSV"], swiftSettings: swiftSettings),
        .target(name: "Pricing", dependencies: ["CSVCodec"], swiftSettings: swiftSettings),
        // The ledger's rules, above the store protocol; the engines are modules of their own.
        .target(
            name: "CostLedger",
            dependencies: ["Pricing", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(name: "SQLiteStore", dependencies: ["CostLedger", "Pricing", "CSQLite"], swiftSettings: swiftSettings),
        .target(
            name: "PostgresStore",
            dependencies: [
                "CostLedger", "Pricing",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "BudgetEngine", dependencies: ["CostLedger", "Pricing", "CSVCodec"], swiftSettings: swiftSettings),
        .target(name: "Optimizer", dependencies: ["CostLedger", "Pricing", "CSVCodec"], swiftSettings: swiftSettings),
        .target(
            name: "Reports",
            dependencies: [
                "Optimizer", "BudgetEngine", "CostLedger", "Pricing", "CSVCodec", "CWriteback", .product(name: "Plot", package: "Plot"),
            ],
            swiftSettings: swiftSettings
        ),
        // The use cases both shells call, and the one place a `--db` value opens a store.
        .target(
            name: "App",
            dependencies: ["Reports", "Optimizer", "BudgetEngine", "CostLedger", "SQLiteStore", "PostgresStore", "Pricing"],
            swiftSettings: swiftSettings
        ),
        // The HTTP API: a thin Hummingbird shell over the same modules the CLI uses.
        .target(
            name: "Server",
            dependencies: [
                "App", "CSVCodec", "Pricing", "CostLedger", "BudgetEngine", "Optimizer", "Reports", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "costledger",
            dependencies: [
                "App", "Reports", "Optimizer", "BudgetEngine", "CostLedger", "Pricing", "Server", "CSVCodec",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Temp directories, paths and a runner for the real binary, shared by the test targets.
        .target(name: "TestSupport", dependencies: ["CostLedger"], path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "PricingTests", dependencies: ["Pricing", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CostLedgerTests", dependencies: ["CostLedger", "App", "SQLiteStore", "Pricing", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "CLITests", dependencies: ["CostLedger", "Pricing", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ServerTests",
            dependencies: ["Server", "App", "CostLedger", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ReportsTests", dependencies: ["App", "Reports", "Optimizer", "BudgetEngine", "CostLedger", "Pricing", "CSVCodec", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "PostgresStoreTests", dependencies: ["PostgresStore", "SQLiteStore", "CostLedger", "Pricing", "TestSupport"], swiftSettings: swiftSettings),
    ]
)
