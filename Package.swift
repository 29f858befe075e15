// swift-tools-version:6.2
// Millrace: a stream ETL engine (Debezium CDC on Kafka → Parquet on S3 → Redshift COPY).
//
// Layering (dependencies point one way, left to right):
//   C shims, Failures → Parquet, Kafka, AWS → Catalog → Staging → CDC, LoadGen → Engine, Warehouse → Runtime → millrace
// The pure transforms (Catalog, CDC, Engine) never import the I/O modules (Kafka, AWS).
import PackageDescription

/// Settings shared by every Swift target of ours.
let swiftSettings: [SwiftSetting] = [
    // `any P` is spelled out wherever an existential is used, so its cost is visible.
    .enableUpcomingFeature("ExistentialAny"),
    // A file sees only the modules it imports itself, not its neighbours' imports.
    .enableUpcomingFeature("MemberImportVisibility"),
    // Imports are internal unless marked `public import`, so C types never leak into our API.
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "millrace",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "millrace", targets: ["MillraceCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // MARK: C libraries (Debian -dev packages; see scripts/install-deps.sh)
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .systemLibrary(
            name: "CSnappy",
            pkgConfig: "snappy",
            providers: [.apt(["libsnappy-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // glibc's mallopt, for bounded memory (header only, nothing to link).
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),

        // The one shape of every layer's error type (code, message, cause, retriability, text).
        .target(
            name: "Failures",
            swiftSettings: swiftSettings
        ),

        // MARK: Formats and I/O layers
        .target(
            name: "Parquet",
            dependencies: ["CSnappy", "Failures"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka", "Failures",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The one retry loop (full-jitter backoff, RetryLogic) shared by every client.
        .target(
            name: "Retry",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AWS",
            dependencies: [
                "CCurl",
                "COpenSSL",
                "Failures",
                "Retry",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Pure transforms (no Kafka, no AWS)
        .target(
            name: "Catalog",
            dependencies: [
                "Parquet", "Failures",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CDC",
            dependencies: ["Catalog", "Parquet", "COpenSSL", "Failures"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LoadGen",
            dependencies: ["Catalog"],
            swiftSettings: swiftSettings
        ),

        // The staging contract between the worker and the loader: batch ids, commit records,
        // the layout of the staging store and the stores' interface (plus the local store).
        .target(
            name: "Staging",
            dependencies: ["Catalog", "Failures"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Engine",
            dependencies: ["Parquet", "Catalog", "CDC", "Staging", "Failures", "Retry"],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "Warehouse",
            dependencies: ["Catalog", "Staging", "Parquet", "Failures"],
            swiftSettings: swiftSettings
        ),
        // Runs load plans: the load cycle, the lease, the PostgreSQL wire executor (postgres-nio)
        // and the Redshift Data API executor; reads staged files and commit records.
        .target(
            name: "Loader",
            dependencies: [
                "Warehouse", "Staging", "Catalog", "Parquet", "AWS", "Failures", "Retry",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Runtime",
            dependencies: [
                "Engine", "Staging", "Warehouse", "Loader", "Catalog", "CDC", "LoadGen", "Parquet", "Kafka", "AWS", "Failures", "Retry", "CMalloc",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // Backfills read the source database directly (`--source postgres`).
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: The command line
        .executableTarget(
            name: "MillraceCLI",
            dependencies: [
                "Parquet",
                "Kafka",
                "Catalog",
                "CDC",
                "LoadGen",
                "Runtime",
                "Staging",
                "Warehouse",
                "Loader",
                "Failures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmark drivers run by scripts/bench/*.py against the peers (not shipped).
        .executableTarget(
            name: "MillraceBench",
            dependencies: [
                "Parquet",
                "Kafka",
                "AWS",
                "Catalog",
                "CDC",
                "LoadGen",
                "Staging",
                "Warehouse",
                "Loader",
                "CMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // The fuzz targets: the decoder, the Parquet reader, the configuration parser and the
        // commit-record parser (scripts/fuzz.sh builds it with -sanitize=fuzzer,address and
        // -DMILLRACE_LIBFUZZER; a plain build only compiles it: `swift run MillraceFuzz [--target NAME]`
        // replays Tests/Fixtures/fuzz-corpus*).
        .executableTarget(
            name: "MillraceFuzz",
            dependencies: ["CDC", "Catalog", "Parquet", "Staging", "Runtime"],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        // Shared fixtures and helpers: the test servers started by scripts/test-servers.py,
        // the Python oracles (pyarrow, duckdb, botocore) and temporary directories.
        .target(
            name: "MillraceTesting",
            path: "Tests/MillraceTesting",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ParquetTests",
            dependencies: ["Parquet", "MillraceTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KafkaTests",
            dependencies: ["Kafka", "Failures", "MillraceTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AWSTests",
            dependencies: ["AWS", "Retry", "MillraceTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RetryTests",
            dependencies: ["Retry"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CatalogTests",
            dependencies: ["Catalog", "Parquet", "MillraceTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CDCTests",
            dependencies: ["CDC", "Catalog", "LoadGen", "Parquet", "MillraceTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LoadGenTests",
            dependencies: [
                "LoadGen", "Catalog", "Kafka", "MillraceTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StagingTests",
            dependencies: ["Staging", "MillraceTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: ["Engine", "Staging", "Parquet", "Retry", "MillraceTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WarehouseTests",
            dependencies: ["Warehouse", "Staging", "Catalog", "Parquet", "MillraceTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LoaderTests",
            dependencies: [
                "Loader", "Warehouse", "Staging", "Catalog", "Parquet", "AWS", "Retry", "MillraceTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RuntimeTests",
            dependencies: [
                "Runtime", "Engine", "Staging", "Warehouse", "Catalog", "LoadGen", "Parquet", "Kafka", "AWS", "MillraceTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // The tests that run the `millrace` binary as an operator does: exit statuses, output.
        .testTarget(
            name: "MillraceCLITests",
            dependencies: ["Runtime", "MillraceTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnvironmentTests",
            dependencies: ["MillraceTesting"],
            swiftSettings: swiftSettings
        ),
    ]
)
