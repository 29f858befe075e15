import Foundation
import MillraceTesting
import Testing

@Suite("millrace loadgen")
struct LoadGenCommandTests {
    private let millrace = PackagePaths.builtExecutable("millrace").path

    @Test("writes values and the attributes snapshot, and summarises on stderr")
    func output() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try Subprocess.run([
            millrace, "loadgen", "--schemas", PackagePaths.schemas.path, "--output", directory.path("v.ndjson").path, "--count", "200",
            "--topics", "entity_values_ts,heartbeat", "--attributes-out", directory.path("a.csv").path,
            "--attributes-out", directory.path("a.ndjson").path, "--attributes", "30",
        ])
        #expect(result.stderr.hasPrefix("loadgen: 200 records"))
        let values = try String(contentsOf: directory.path("v.ndjson"), encoding: .utf8)
        #expect(values.split(separator: "\n").count == 200)
        #expect(try String(contentsOf: directory.path("a.csv"), encoding: .utf8).split(separator: "\r\n").count == 31)
        #expect(try String(contentsOf: directory.path("a.ndjson"), encoding: .utf8).split(separator: "\n").count == 30)
    }

    @Test("--bootstrap says clearly that this build cannot produce to Kafka")
    func bootstrap() throws {
        let result = try Subprocess.run(
            [millrace, "loadgen", "--schemas", PackagePaths.schemas.path, "--bootstrap", "127.0.0.1:9092", "--count", "1"], check: false
        )
        #expect(result.status != 0)
        #expect(result.stderr.contains("not available in this build"))
    }

    @Test("refuses inconsistent options")
    func options() throws {
        let both = try Subprocess.run([millrace, "loadgen", "--bootstrap", "b", "--output", "o"], check: false)
        #expect(both.status != 0)
        let format = try Subprocess.run([millrace, "loadgen", "--output", "/dev/null", "--format", "avro"], check: false)
        #expect(format.status != 0)
    }
}
