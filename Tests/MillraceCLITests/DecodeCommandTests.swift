import Foundation
import MillraceTesting
import Testing

@Suite("millrace decode")
struct DecodeCommandTests {
    private let millrace = PackagePaths.builtExecutable("millrace").path
    private let schemas = PackagePaths.schemas.path

    @Test("decodes loadgen's kcat output: rows, heartbeats, and a reason for each broken record")
    func kcatInput() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("load.kcat").path
        let generated = try await Subprocess.run([
            millrace, "loadgen", "--schemas", schemas, "--output", file, "--format", "kcat", "--count", "1500", "--malformed-rate", "0.04",
            "--start", "2026-11-20T00:00:00Z", "--add-column-at", "700",
        ])
        // The summary line (progress lines may come before it).
        let malformed = try #require(generated.stderr.split(separator: "\n").last { $0.hasSuffix(" malformed") }?.split(separator: ",").last?
            .split(separator: " ").first.flatMap { Int($0) })
        #expect(malformed > 0)
        let decoded = try await Subprocess.run([millrace, "decode", "--schemas", schemas, "--format", "kcat", "--input", file])
        let lines = decoded.output.split(separator: "\n").map(String.init)
        let objects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let deadLetters = objects.compactMap { $0["dead_letter"] as? [String: Any] }
        #expect(deadLetters.count == malformed)
        #expect(deadLetters.allSatisfy { ($0["reason"] as? String)?.isEmpty == false && ($0["message"] as? String)?.isEmpty == false })
        #expect(objects.contains { $0["heartbeat"] != nil })
        #expect(objects.contains { $0["schema_change"] != nil })
        let row = try #require(objects.first { ($0["table"] as? String) == "fact_entity_values" }?["row"] as? [String: Any])
        #expect((row["ingested_at"] as? String)?.hasSuffix("Z") == true)
        #expect(decoded.stderr.contains("\(malformed) dead letters"))
        // Every record line carries its key: for rows the decoded key, naming the row's own
        // key columns; for dead letters the same JSON as the original bytes they keep.
        let records = objects.filter { $0["offset"] != nil }
        #expect(records.allSatisfy { $0.keys.contains("key") }, "a line without its key")
        let facts = records.filter { ($0["table"] as? String) == "fact_entity_values" }
        #expect(!facts.isEmpty)
        for fact in facts {
            let key = fact["key"] as? [String: Any]
            let values = fact["row"] as? [String: Any]
            #expect(key?["entity_id"] as? Int == values?["entity_id"] as? Int && key?["version"] as? Int == values?["version"] as? Int, "\(fact)")
        }
        var keyedLetters = 0
        for record in records {
            guard let letter = record["dead_letter"] as? [String: Any], let encoded = letter["key_base64"] as? String,
                let bytes = Data(base64Encoded: encoded), let original = try? JSONSerialization.jsonObject(with: bytes) as? NSObject
            else { continue }
            keyedLetters += 1
            #expect(record["key"] as? NSObject == original, "\(record)")
        }
        #expect(keyedLetters > 0)
    }

    @Test("explains malformed value lines")
    func valueLines() async throws {
        let input = """
            {"tenant_id":1,"entity_id":2,"attribute_id":3,"version":4,"value_decimal":"@@","ingested_at":"2026-11-20T00:00:00Z"}
            {"tenant_id":1,"entity_id":2,"attribute_id":3,"version":5,"value_decimal":"MDk=","ingested_at":"2026-11-20T00:00:00+05:45"}
            {"tenant_id":1,
            """
        let decoded = try await Subprocess.run(
            [millrace, "decode", "--schemas", schemas, "--topic", "postgres.eav.entity_values_ts"], input: Data(input.utf8)
        )
        let lines = decoded.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].contains("\"reason\":\"bad_base64\""))
        #expect(lines[1].contains("\"value_decimal\":\"0.12345\"") && lines[1].contains("\"ingested_at\":\"2026-11-19T18:15:00.000000Z\""))
        #expect(lines[2].contains("\"reason\":\"malformed_json\""))
        // Value lines have no key.
        #expect(lines.allSatisfy { $0.contains("\"key\":null,") })
    }

    @Test("a key that is not JSON is shown as its text; a schema-wrapped key as its payload")
    func keys() async throws {
        let lines = [
            #"{"topic":"postgres.eav.entity_values_ts","partition":1,"offset":5,"ts":1,"key":"entity 7","payload":null}"#,
            #"{"topic":"postgres.eav.entity_values_ts","partition":1,"offset":6,"ts":1,"key":"{\"schema\":{\"type\":\"struct\"},\"payload\":{\"entity_id\":7,\"version\":2}}","payload":null}"#,
        ]
        let decoded = try await Subprocess.run([millrace, "decode", "--schemas", schemas, "--format", "kcat"], input: Data((lines.joined(separator: "\n") + "\n").utf8))
        let objects = try decoded.output.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.count == 2)
        #expect(objects.first?["key"] as? String == "entity 7")
        #expect(objects.first?["dead_letter"] != nil)
        // The tombstone of a schema-wrapped key is a delete row of that key.
        #expect(objects.last?["key"] as? NSDictionary == ["entity_id": 7, "version": 2] as NSDictionary)
        #expect(objects.last?["op"] as? String == "d")
    }

    @Test("an unknown topic is a dead letter; value lines without --topic are a usage error; a missing input file exits 1 naming it")
    func topics() async throws {
        let unknown = try await Subprocess.run([millrace, "decode", "--schemas", schemas, "--topic", "nope"], input: Data("{}\n".utf8))
        #expect(unknown.output.contains("\"reason\":\"unknown_topic\""))
        for format in [[], ["--format", "values"], ["--format", "auto"]] {
            let missing = try await Subprocess.run([millrace, "decode", "--schemas", schemas] + format, input: Data(), check: false)
            #expect(missing.status == 64 && missing.stderr.contains("give --topic for value lines"), "\(missing.stderr)")
        }
        let badFormat = try await Subprocess.run([millrace, "decode", "--format", "csv", "--topic", "t"], input: Data(), check: false)
        #expect(badFormat.status == 64 && badFormat.stderr.contains("--format must be auto, values or kcat"), "\(badFormat.stderr)")
        let absent = try await Subprocess.run([millrace, "decode", "--schemas", schemas, "--format", "kcat", "--input", "/nonexistent/dump.json"],
            check: false)
        #expect(absent.status == 1 && absent.stderr.contains("millrace: cannot open /nonexistent/dump.json: No such file or directory"),
            "\(absent.stderr)")
        #expect(!absent.stderr.contains("configuration"))
    }

    @Test("without --schemas the registry is found from any working directory: installed beside the binary, or a clear error")
    func schemasFromAnywhere() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        // An installation as the image lays it out: bin/millrace and share/millrace/Schemas (a
        // hard link of the built binary, so its own path is the installed one).
        let bin = root.path("usr/bin")
        let elsewhere = root.path("work")
        for folder in [bin, elsewhere, root.path("usr/share/millrace")] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let installed = bin.appendingPathComponent("millrace").path
        try FileManager.default.linkItem(atPath: millrace, toPath: installed)
        let input = Data((#"{"tenant_id":1,"entity_id":2,"attribute_id":3,"version":5,"ingested_at":"2026-11-20T00:00:00Z"}"# + "\n").utf8)
        let arguments = [installed, "decode", "--topic", "postgres.eav.entity_values_ts"]
        let lost = try await Subprocess.run(arguments, input: input, check: false, currentDirectory: elsewhere)
        #expect(lost.status == 2 && lost.stderr.contains("millrace: ") && lost.stderr.contains("--schemas"), "\(lost.stderr)")
        try FileManager.default.copyItem(atPath: schemas, toPath: root.path("usr/share/millrace/Schemas").path)
        let found = try await Subprocess.run(arguments, input: input, currentDirectory: elsewhere)
        #expect(found.output.contains("\"table\":\"fact_entity_values\""), "\(found.output)\(found.stderr)")
    }
}
