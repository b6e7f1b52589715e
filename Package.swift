// swift-tools-version: 6.1
// GRDB 7 needs tools 6.1. Dependencies are deliberate: CI builds from scratch on 2 cores.
import PackageDescription

let package = Package(
    name: "PQScout",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pqscout", targets: ["pqscout"]),
        .library(name: "PQScoutKit", targets: ["PQScoutKit"]),
        .library(name: "PQScanners", targets: ["PQScanners"]),
        .library(name: "PQStore", targets: ["PQStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        // The fleet backend (issue 20): PostgreSQL's wire protocol in Swift, no libpq.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        .target(name: "PQModel"),
        .target(
            name: "COpenSSLShim",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        .target(
            name: "PQCatalog",
            dependencies: ["PQModel"],
            resources: [
                .copy("Resources/algorithms.json"), .copy("Resources/releases.json"), .copy("Resources/policies"),
            ]
        ),
        .target(
            name: "PQScanners",
            dependencies: ["PQModel", "PQCatalog", "COpenSSLShim"],
            resources: [.copy("Resources/openssh-releases.json")]
        ),
        .target(
            name: "PQStore",
            dependencies: [
                "PQModel", "PQCatalog", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(name: "PQAssessment", dependencies: ["PQModel", "PQCatalog", .product(name: "Yams", package: "Yams")]),
        .target(name: "PQReports", dependencies: ["PQModel", "PQCatalog", "PQAssessment"]),
        .target(
            name: "PQScoutKit",
            dependencies: ["PQModel", "PQCatalog", "PQScanners", "PQStore", "PQAssessment", "PQReports"]
        ),
        .executableTarget(
            name: "pqscout",
            dependencies: ["PQScoutKit", "PQModel", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The benchmark's Swift side (scripts/bench): parse and insert rates, never run by the tests.
        .executableTarget(name: "pqscout-bench", dependencies: ["PQScanners", "PQStore"]),
        .testTarget(name: "PQModelTests", dependencies: ["PQModel", "PQTestSupport"]),
        .testTarget(name: "PQCatalogTests", dependencies: ["PQCatalog", "PQModel"]),
        // OpenSSL called the ordinary way (d2i_X509, a real handshake): the tests' oracles, outside every product.
        .target(
            name: "COpenSSLTestShim", dependencies: ["COpenSSLShim"], path: "Tests/COpenSSLTestShim",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        .testTarget(
            name: "PQScannersTests",
            dependencies: ["PQScanners", "PQModel", "PQCatalog", "COpenSSLTestShim", "PQTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        // A throwaway PostgreSQL cluster (or PQSCOUT_TEST_POSTGRES_URL) for the store's tests on both backends, and
        // the seeded generator of the random-input tests.
        .target(name: "PQTestSupport", path: "Tests/PQTestSupport"),
        .testTarget(
            name: "PQStoreTests",
            dependencies: [
                "PQStore", "PQModel", "PQTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "PQAssessmentTests", dependencies: ["PQAssessment", "PQCatalog", "PQModel", "PQTestSupport"]),
        .testTarget(name: "PQScoutKitTests", dependencies: ["PQScoutKit", "PQModel", "PQStore", "PQTestSupport"]),
        // Golden files are read from the source tree (#filePath), so `PQSCOUT_RECORD_SNAPSHOTS=1` can rewrite them.
        .testTarget(
            name: "PQReportsTests", dependencies: ["PQReports", "PQScoutKit", "PQModel", "PQCatalog", "PQTestSupport"],
            exclude: ["Golden"]
        ),
        // Runs the built `pqscout` binary: the dependency makes `swift test` build it first.
        .testTarget(name: "pqscoutTests", dependencies: ["pqscout", "PQModel", "PQTestSupport"]),
    ]
)
