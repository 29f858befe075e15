import Foundation
import MillraceTesting
import Testing

/// The committed seeds of the Parquet-reader, configuration-parser and commit-record-parser fuzz
/// targets, replayed through the targets' own entry points (`MillraceFuzz --target NAME`, built
/// without libFuzzer), so a regression on any seed fails `make test` and not only `make soak`'s
/// fuzzing. Each target traps on a broken invariant, which fails this test.
@Suite("Fuzz seed replay: Parquet, configuration, commit records")
struct FuzzSeedReplayTests {
    @Test("every seed is accepted or refused with its parser's own error, without a trap", arguments: [
        ("parquet", "fuzz-corpus-parquet"), ("config", "fuzz-corpus-config"), ("commit-record", "fuzz-corpus-commit-record"),
    ])
    func replay(target: String, folder: String) async throws {
        let corpus = PackagePaths.fixtures.appendingPathComponent(folder)
        let seeds = try FileManager.default.contentsOfDirectory(atPath: corpus.path).count
        #expect(seeds > 0, "the committed corpus is empty")
        let result = try await Subprocess.run([PackagePaths.builtExecutable("MillraceFuzz").path, "--target", target, corpus.path])
        #expect(result.output.hasPrefix("replayed \(seeds) \(target) inputs:"), "\(result.output)")
        let counts = result.output.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // Every seed is one outcome; real files, records and configurations are mostly accepted.
        #expect(counts.count == 3 && counts[1] + counts[2] == seeds && counts[1] > counts[2], "\(result.output)")
    }

    @Test(
        "apache/parquet-testing's files, which scripts/fuzz.sh adds to the Parquet seeds, are read without a trap",
        .enabled(if: SharedTestData.isAvailable("parquet-testing"), SharedTestData.absentMessage("parquet-testing"))
    )
    func parquetTestingSeeds() async throws {
        let folder = SharedTestData.root.appendingPathComponent("parquet-testing")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".parquet") }.sorted()
        #expect(!files.isEmpty)
        let result = try await Subprocess.run(
            [PackagePaths.builtExecutable("MillraceFuzz").path, "--target", "parquet"] + files.map { folder.appendingPathComponent($0).path })
        let counts = result.output.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // Each file is one outcome: the flat ones read (ParquetTestingFilesTests checks their
        // values), the nested and GZIP ones refused with a ParquetError, none a trap.
        #expect(counts.count == 3 && counts[0] == files.count && counts[1] + counts[2] == files.count && counts[1] > counts[2],
                "\(result.output)")
    }
}
