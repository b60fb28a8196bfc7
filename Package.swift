// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ddbtrail",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ddbtrail", targets: ["ddbtrail"]),
        .library(name: "DDBTrailCore", targets: ["DDBTrailCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto",
                       providers: [.apt(["libssl-dev"])]),
        .target(name: "DDBTrailSQLite", dependencies: ["CSQLite"]),
        .executableTarget(name: "embed-sql", path: "Tools/embed-sql"),
        .plugin(name: "EmbedSQL", capability: .buildTool(), dependencies: ["embed-sql"]),
        .target(
            name: "DDBTrailCore",
            dependencies: ["DDBTrailSQLite", "CZlib", "CCrypto"],
            plugins: ["EmbedSQL"]
        ),
        .executableTarget(
            name: "ddbtrail",
            dependencies: [
                "DDBTrailCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "DDBTrailSQLiteTests", dependencies: ["DDBTrailSQLite"]),
        .testTarget(name: "DDBTrailCoreTests", dependencies: ["DDBTrailCore", "DDBTrailSQLite"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: []),
    ]
)
