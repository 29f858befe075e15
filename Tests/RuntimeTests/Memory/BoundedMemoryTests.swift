import Foundation
import MillraceTesting
import Testing

/// Peak memory must not grow with the backlog: the real `millrace run` process drains a backlog
/// many times its batch limit from a `millrace mock-kafka` process, and its peak RSS (from
/// wait4) is compared across two backlog sizes. This is a memory bound, not a timing.
@Suite("Bounded memory", .serialized)
struct BoundedMemoryTests {
    private static let script = """
        import os, subprocess, sys, tempfile, time
        millrace, schemas, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
        work = tempfile.mkdtemp(prefix="millrace-memory-")
        topics = ["postgres.eav.entities", "postgres.eav.entity_values_ts", "postgres.eav.entity_jsonb"]
        args = [millrace, "mock-kafka", "--brokers", "1", "--bootstrap-file", f"{work}/bootstrap"]
        for topic in topics: args += ["--topic", f"{topic}:24"]
        mock = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 30
            while not (os.path.exists(f"{work}/bootstrap") and open(f"{work}/bootstrap").read().strip()):
                if time.time() > deadline: raise SystemExit("mock-kafka did not start")
                time.sleep(0.1)
            bootstrap = open(f"{work}/bootstrap").read().strip()
            subprocess.run([millrace, "loadgen", "--schemas", schemas, "--bootstrap", bootstrap, "--count", str(count),
                            "--partitions", "24", "--rate", "100000000", "--topics", "entity_values_ts,entities,entity_jsonb"],
                           check=True, stderr=subprocess.DEVNULL)
            with open(f"{work}/config.yaml", "w") as f:
                f.write(f"pipeline: {{window: 60s, max_batch_bytes: 4MiB}}\\n"
                        f"kafka: {{bootstrap_servers: '{bootstrap}', group_id: memory, topics: {topics}}}\\n"
                        f"schemas: {{dir: '{schemas}'}}\\nobservability: {{listen: '', log_level: warning}}\\n")
            run = subprocess.Popen([millrace, "run", "--config", f"{work}/config.yaml", "--dry-run", "--output", f"{work}/out",
                                    "--until-drained"], stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(run.pid, 0)
            if status != 0: raise SystemExit(f"millrace run exited {status}")
            commits = sum(len(files) for _, _, files in os.walk(f"{work}/out/_millrace/commits"))
            print(usage.ru_maxrss // 1024, commits)
        finally:
            mock.terminate()
        """

    private func peak(records: Int) async throws -> (rssMiB: Int, batches: Int) {
        let output = try await Subprocess.python(
            Self.script, arguments: [PackagePaths.builtExecutable("millrace").path, PackagePaths.schemas.path, String(records)])
        let fields = output.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return (fields.first ?? 0, fields.last ?? 0)
    }

    @Test("peak RSS stays flat when the backlog grows 2.5× past the batch limit, and under 200 MiB")
    func flatPeak() async throws {
        let smaller = try await peak(records: 40_000)
        let larger = try await peak(records: 100_000)
        #expect(smaller.batches >= 2 && larger.batches > smaller.batches, "both backlogs must exceed the batch limit")
        #expect(larger.rssMiB < 200)
        #expect(Double(larger.rssMiB) <= Double(smaller.rssMiB) * 1.25, "peak RSS grew from \(smaller.rssMiB) to \(larger.rssMiB) MiB")
    }
}
