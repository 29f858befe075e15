import Foundation
import MillraceTesting
import Testing

/// The committed libFuzzer seed corpus, replayed through the fuzz target's own entry point
/// (`MillraceFuzz` built without libFuzzer), so a regression on any seed fails `make test` and
/// not only `make fuzz`. The target traps on a broken decoder invariant, which fails this test.
@Suite("Fuzz corpus replay")
struct FuzzCorpusReplayTests {
    @Test("every committed seed decodes to rows, heartbeats or dead letters without a trap")
    func replay() async throws {
        let corpus = PackagePaths.fixtures.appendingPathComponent("fuzz-corpus")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: corpus.path).count
        #expect(seeds > 0, "the committed corpus is empty")
        let result = try await Subprocess.run([PackagePaths.builtExecutable("MillraceFuzz").path, corpus.path])
        #expect(result.output.hasPrefix("replayed \(seeds) inputs:"), "\(result.output)")
        // Each seed becomes at least one outcome of some kind.
        let counts = result.output.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(counts.count == 4 && counts[1] + counts[2] + counts[3] >= seeds, "\(result.output)")
    }
}
