import Foundation
import MillraceTesting
import Testing

/// The real `millrace` binary in separate processes: signals and `kill -9` at random points,
/// with the staging folder checked afterwards by `scripts/testing/worker_process.py` (pyarrow,
/// kcat) independently of Millrace's code.
@Suite("Worker processes", .serialized)
struct WorkerProcessTests {
    private func scenario(_ name: String, _ extra: [String] = []) async throws -> [String: Any] {
        let output = try await Subprocess.run([
            "python3", PackagePaths.root.appendingPathComponent("scripts/testing/worker_process.py").path, name,
            "--bin", PackagePaths.builtExecutable("millrace").path, "--schemas", PackagePaths.schemas.path,
        ] + extra).output
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("SIGTERM commits the open batch and exits 0")
    func sigtermDrains() async throws {
        let result = try await scenario("sigterm")
        #expect(result["ready"] as? Bool == true)
        #expect(result["commits_before_signal"] as? Int == 0, "the 10-minute window should not have closed a batch yet")
        #expect(result["exit"] as? Int == 0)
        #expect((result["commits"] as? Int ?? 0) >= 1)
        #expect(result["problems"] as? [String] == [], "\(result["problems"] ?? "")")
    }

    @Test("kill -9 at random points while traffic flows, then restart: every record committed once, nothing left over")
    func killNineAndRestart() async throws {
        let result = try await scenario("kill9", ["--kills", "3", "--seed", "7"])
        #expect(result["kills"] as? Int == 3)
        #expect(result["exit"] as? Int == 0)
        #expect(result["problems"] as? [String] == [], "\(result["problems"] ?? "")")
    }

    @Test("credentials S3 refuses stop the worker with status 2 and a clear message, never the secret")
    func refusedCredentialsAreFatal() async throws {
        let servers = try TestServers.require()
        let result = try await scenario("auth", [
            "--endpoint", servers.s3Endpoint, "--key", servers.accessKeyID, "--secret", servers.secretAccessKey,
        ])
        #expect(result["exit"] as? Int == 2)
        #expect((result["message"] as? String)?.contains("refused the worker's credentials") == true, "\(result["message"] ?? "")")
        #expect(result["secret_leaked"] as? Bool == false)
    }
}
