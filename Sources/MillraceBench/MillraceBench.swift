import ArgumentParser

/// Benchmark drivers. `scripts/bench/*.py` runs them against the peers (kcat, pyarrow, DuckDB,
/// aws s3 cp, psql) on the same input in the same run and reports ratios and peak RSS.
@main
struct MillraceBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "millrace-bench",
        abstract: "Benchmark drivers for make bench (not shipped).",
        subcommands: [ParquetWriteBench.self, DecodeBench.self, KafkaConsumeBench.self, S3UploadBench.self, SnapshotBench.self, LoadCopyBench.self]
    )
}
