/// The targets `MillraceFuzz` fuzzes, chosen by the environment variable `MILLRACE_FUZZ_TARGET`
/// under libFuzzer and by `--target NAME` when replaying (`scripts/fuzz.sh --target NAME`).
/// Each checks its invariants with `precondition`, so a broken one is a crash libFuzzer keeps.
enum FuzzTargetName: String, CaseIterable {
    /// The CDC decoder (`FuzzTarget`), the default.
    case decoder
    /// The Parquet reader (`ParquetFuzzTarget`).
    case parquet
    /// The configuration parser (`ConfigFuzzTarget`).
    case config
    /// The commit-record parser (`CommitRecordFuzzTarget`).
    case commitRecord = "commit-record"

    /// The folder of committed seeds under `Tests/Fixtures/`.
    var corpus: String { self == .decoder ? "fuzz-corpus" : "fuzz-corpus-\(rawValue)" }
}

/// How many inputs a parser target accepted and how many it refused with its own error type.
struct ParseTally {
    var accepted = 0
    var refused = 0
}
