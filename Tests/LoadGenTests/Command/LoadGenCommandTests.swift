import Foundation
import Kafka
import Logging
import MillraceTesting
import Testing

@Suite("millrace loadgen")
struct LoadGenCommandTests {
    private let millrace = PackagePaths.builtExecutable("millrace").path

    @Test("writes values and the attributes snapshot, and summarises on stderr")
    func output() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await Subprocess.run([
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

    @Test("--bootstrap produces to Kafka; kcat reads back valid Debezium JSON for every record")
    func bootstrap() async throws {
        let cluster = try MockCluster(brokers: 1, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let topics = ["postgres.eav.entities", "postgres.eav.entity_values_ts", "postgres.eav.entity_jsonb",
                      "__debezium-heartbeat.postgres.eav", "postgres.eav._heartbeat"]
        for topic in topics { try cluster.createTopic(topic, partitions: 3) }
        let result = try await Subprocess.run([
            millrace, "loadgen", "--schemas", PackagePaths.schemas.path, "--bootstrap", cluster.bootstrapServers,
            "--count", "300", "--partitions", "3", "--rate", "100000",
        ])
        #expect(result.stderr.contains("300 records"))
        var consumed = 0
        for topic in topics {
            let lines = try await Subprocess.run(["kcat", "-C", "-b", cluster.bootstrapServers, "-t", topic, "-o", "beginning", "-e", "-J", "-q"])
                .output.split(separator: "\n")
            for line in lines {
                let envelope = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(envelope["topic"] as? String == topic)
                consumed += 1
                guard let payload = envelope["payload"] as? String else { continue }  // a tombstone
                let value = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any]
                #expect(value?["schema"] is [String: Any] && value?["payload"] != nil, "not schema-enabled JsonConverter: \(payload.prefix(80))")
            }
        }
        #expect(consumed == 300)
    }

    @Test("refuses inconsistent options")
    func options() async throws {
        let both = try await Subprocess.run([millrace, "loadgen", "--bootstrap", "b", "--output", "o"], check: false)
        #expect(both.status == 64 && both.stderr.contains("exactly one of --bootstrap and --output"), "\(both.stderr)")
        let format = try await Subprocess.run([millrace, "loadgen", "--output", "/dev/null", "--format", "avro"], check: false)
        #expect(format.status == 64 && format.stderr.contains("--format must be values or kcat"), "\(format.stderr)")
    }
}
