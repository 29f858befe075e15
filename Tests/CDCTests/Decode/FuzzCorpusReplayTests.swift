import Foundation
import MillraceTesting
import Testing

/// The committed libFuzzer seed corpus, replayed through the fuzz target's own entry point
/// (`MillraceFuzz` built without libFuzzer), so a regression on any seed fails `make test` and
/// not only `make fuzz`. The target traps on a broken decoder invariant, which fails this test.
@Suite("Fuzz corpus replay")
struct FuzzCorpusReplayTests {
    @Test("every committed seed is exactly one row, heartbeat or dead letter, without a trap")
    func replay() async throws {
        let corpus = PackagePaths.fixtures.appendingPathComponent("fuzz-corpus")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: corpus.path).count
        #expect(seeds > 0, "the committed corpus is empty")
        let result = try await Subprocess.run([PackagePaths.builtExecutable("MillraceFuzz").path, corpus.path])
        #expect(result.output.hasPrefix("replayed \(seeds) inputs:"), "\(result.output)")
        // Each seed is exactly one outcome (the target checks each one's invariants and traps
        // on a broken one); only an empty input is none.
        let counts = result.output.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(counts.count == 5 && counts[1] + counts[2] + counts[3] + counts[4] == seeds, "\(result.output)")
        #expect(counts.count == 5 && counts[1] > 0 && counts[2] > 0 && counts[3] > 0, "rows, heartbeats and dead letters all occur: \(result.output)")
    }
}
