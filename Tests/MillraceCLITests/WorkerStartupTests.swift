import Foundation
import MillraceTesting
import Testing

/// `millrace run` asked to stop while it starts: with no broker reachable the worker is still
/// bootstrapping its followed dimension (reading the topic's metadata) when SIGTERM arrives.
/// It must stop then, cleanly, not when the metadata request gives up (which fails, exit 1).
///
/// The worker is started and signalled by `scripts/testing/worker_process.py startup`, as the
/// other process tests are: in full-suite runs Foundation's `Process.terminate()` (and `kill`
/// of its `processIdentifier`) never reached the worker, which ran on to its 30 s timeout.
@Suite("millrace run: stopping during start-up")
struct WorkerStartupTests {
    @Test("SIGTERM while the dimension bootstrap waits for an unreachable broker: exit 0, nothing consumed")
    func sigtermDuringStartup() async throws {
        let output = try await Subprocess.run([
            "python3", PackagePaths.root.appendingPathComponent("scripts/testing/worker_process.py").path, "startup",
            "--bin", PackagePaths.builtExecutable("millrace").path, "--schemas", PackagePaths.schemas.path,
        ]).output
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        let result = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let log = result["log"] as? String ?? ""
        #expect(result["reached_kafka"] as? Bool == true, "\(log)")
        #expect(result["exit"] as? Int == 0, "\(log)")
        #expect(log.contains("stopped while bootstrapping the dimensions; nothing was consumed"), "\(log)")
        #expect(!log.contains("within 30"), "the stop waited for the metadata request to give up")
    }
}
