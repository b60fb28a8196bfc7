// swift-tools-version: 6.1
import PackageDescription

// Exclusivity is checked at run time in debug builds, where every test runs; release builds leave
// the check out: on class properties it ran on every access of the import's hot paths (about 2%
// of an import's instructions, more with the row feeds).
let releaseSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "ddbtrail",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ddbtrail", targets: ["ddbtrail"]),
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
        .target(name: "DDBTrailSQLite", dependencies: ["CSQLite"], swiftSettings: releaseSettings),
        // Embeds data files into a target (the .sql files into Core, the demo evidence into the CLI).
        .executableTarget(name: "embed-files", path: "Tools/embed-files"),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["embed-files"]),
        .target(
            name: "DDBTrailCore",
            dependencies: ["DDBTrailSQLite", "CZlib", "CCrypto"],
            swiftSettings: releaseSettings,
            plugins: ["EmbedFiles"]
        ),
        // Synthetic evidence (benchmark corpus, change workload, attack case, the demo incident):
        // test and demo tooling, kept out of DDBTrailCore. Nothing in Core depends on it.
        .target(name: "DDBTrailSynthetic", dependencies: ["DDBTrailCore", "CZlib", "CCrypto"]),
        .executableTarget(
            name: "ddbtrail",
            dependencies: [
                "DDBTrailCore",
                "DDBTrailSynthetic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The executable's malloc (package libjemalloc-dev): linked, it replaces the C library's
            // malloc for the whole process; no symbol of it is used by name. Parsing allocates and
            // frees a few dozen small objects per record on two threads; with glibc's allocator the
            // import spent a sixth of its reading thread in malloc and free (chunk consolidation
            // among it). jemalloc: ~10% less CPU for a CloudTrail import, ~13% less for a change
            // import (README, Speed).
            linkerSettings: [.linkedLibrary("jemalloc")],
            plugins: ["EmbedFiles"]
        ),
        .testTarget(name: "DDBTrailSQLiteTests", dependencies: ["DDBTrailSQLite"]),
        .testTarget(name: "DDBTrailCoreTests", dependencies: ["DDBTrailCore", "DDBTrailSQLite", "DDBTrailSynthetic"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "DDBTrailSyntheticTests", dependencies: ["DDBTrailSynthetic", "DDBTrailCore", "DDBTrailSQLite", "CCrypto"]),
        .testTarget(name: "CLITests", dependencies: ["ddbtrail"]),
    ]
)
