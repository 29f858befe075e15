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

    @Test("SIGTERM while S3 stalls or fails: exit 1 within the shutdown grace, never 0 without the open batch", arguments: ["stall", "fail"])
    func shutdownWithoutTheBatch(mode: String) async throws {
        let servers = try TestServers.require()
        let result = try await scenario("shutdown", [
            "--endpoint", servers.s3Endpoint, "--key", servers.accessKeyID, "--secret", servers.secretAccessKey, "--mode", mode,
        ])
        #expect(result["ready"] as? Bool == true)
        #expect(result["exit"] as? Int == 1, "\(result["message"] ?? "")")
        let message = result["message"] as? String ?? ""
        // A failing upload is retried with backoff, so on a loaded machine the grace may end first.
        let expected = mode == "stall"
            ? ["did not commit within pipeline.shutdown_grace"]
            : ["could not be committed before stopping", "did not commit within pipeline.shutdown_grace"]
        #expect(expected.contains { message.contains($0) } && message.contains("reads its records again"), "\(message)")
        // The grace is 3 s; the stalled upload must not hold the process past it by much.
        #expect((result["seconds"] as? Double ?? 99) < 20, "stopped after \(result["seconds"] ?? "?") s")
        #expect(result["secret_leaked"] as? Bool == false)
    }

    @Test("configuration errors stop `millrace run` with status 2 and say what is wrong")
    func configurationErrors() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let cases = [
            ("pipeline:\n  windw: 30s\n", "windw"),
            ("pipeline: {sweep_grace: 5m}\nkafka: {properties: {max.poll.interval.ms: '300000'}}\n", "sweep_grace must be at least 590000ms"),
            ("kafka: {properties: {enable.auto.commit: 'true'}}\n", "enable.auto.commit"),
            ("schemas: {tables: [no_such_table]}\n", "no_such_table"),
        ]
        for (index, (yaml, expected)) in cases.enumerated() {
            let path = folder.path("c\(index).yaml")
            try yaml.write(to: path, atomically: true, encoding: .utf8)
            let result = try await Subprocess.run(
                [PackagePaths.builtExecutable("millrace").path, "run", "--config", path.path, "--dry-run", "--output", folder.path("out").path],
                environment: ["MILLRACE__SCHEMAS__DIR": PackagePaths.schemas.path], check: false)
            #expect(result.status == 2, "\(yaml): exit \(result.status), \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(yaml): \(result.stderr)")
        }
    }
}
