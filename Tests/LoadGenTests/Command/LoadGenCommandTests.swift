import Foundation
import Kafka
import Logging
import MillraceTesting
import Testing

@Suite("millrace loadgen")
struct LoadGenCommandTests {
    private let millrace = PackagePaths.builtExecutable("millrace").path

    /// The summary line of loadgen's stderr (progress lines may come before it; the summary's
    /// first line ends with its count of malformed records).
    static func summary(_ stderr: String) -> Substring? {
        stderr.split(separator: "\n").last { $0.hasPrefix("loadgen: ") && $0.hasSuffix(" malformed") }
    }

    @Test("writes values and the attributes snapshot, and summarises on stderr")
    func output() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await Subprocess.run([
            millrace, "loadgen", "--schemas", PackagePaths.schemas.path, "--output", directory.path("v.ndjson").path, "--count", "200",
            "--topics", "entity_values_ts,heartbeat", "--attributes-out", directory.path("a.csv").path,
            "--attributes-out", directory.path("a.ndjson").path, "--attributes", "30",
        ])
        #expect(Self.summary(result.stderr)?.hasPrefix("loadgen: 200 records, ") == true, "\(result.stderr)")
        let values = try String(contentsOf: directory.path("v.ndjson"), encoding: .utf8)
        #expect(values.split(separator: "\n").count == 200)
        #expect(try String(contentsOf: directory.path("a.csv"), encoding: .utf8).split(separator: "\r\n").count == 31)
        #expect(try String(contentsOf: directory.path("a.ndjson"), encoding: .utf8).split(separator: "\n").count == 30)
    }

    @Test("--replica-identity and --unchanged-toast-rate shape deletes and jsonb updates; a bad identity is refused")
    func identityAndToast() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await Subprocess.run([
            millrace, "loadgen", "--schemas", PackagePaths.schemas.path, "--output", directory.path("v.ndjson").path, "--count", "3000",
            "--topics", "entity_jsonb", "--entities", "50", "--replica-identity", "default", "--unchanged-toast-rate", "0.5",
            "--delete-rate", "0.05",
        ])
        #expect(result.stderr.contains("entity_jsonb updates with an unchanged TOASTed attributes"), "\(result.stderr)")
        let values = try String(contentsOf: directory.path("v.ndjson"), encoding: .utf8)
        #expect(values.contains("\"attributes\":\"__debezium_unavailable_value\""))
        #expect(values.contains("\"version\":0,\"__deleted\":\"true\""), "a key-only delete's NOT NULL version is Debezium's 0")
        let full = try await Subprocess.run([
            millrace, "loadgen", "--schemas", PackagePaths.schemas.path, "--output", directory.path("f.ndjson").path, "--count", "3000",
            "--topics", "entity_jsonb", "--entities", "50", "--replica-identity", "full", "--delete-rate", "0.05",
        ])
        #expect(Self.summary(full.stderr)?.hasPrefix("loadgen: 3000 records, ") == true, "\(full.stderr)")
        #expect(!(try String(contentsOf: directory.path("f.ndjson"), encoding: .utf8)).contains("\"version\":0,"))
        let bad = try await Subprocess.run(
            [millrace, "loadgen", "--schemas", PackagePaths.schemas.path, "--output", directory.path("x").path, "--replica-identity", "nothing"],
            check: false)
        #expect(bad.status != 0 && bad.stderr.contains("--replica-identity must be default or full"))
    }

    @Test("--bootstrap produces to topics of different partition counts; kcat reads back valid Debezium JSON for every record, each where Kafka's partitioner puts its key")
    func bootstrap() async throws {
        let cluster = try MockCluster(brokers: 3, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        // As a real cluster has them: each topic its own partition count, and the two heartbeat
        // topics left to auto-creation (the mock's default count).
        for (topic, partitions) in [("postgres.eav.entity_values_ts", 12), ("postgres.eav.entities", 4), ("postgres.eav.entity_jsonb", 1)] {
            try cluster.createTopic(topic, partitions: partitions)
        }
        let topics = ["postgres.eav.entities", "postgres.eav.entity_values_ts", "postgres.eav.entity_jsonb",
                      "__debezium-heartbeat.postgres.eav", "postgres.eav._heartbeat"]
        let result = try await Subprocess.run([
            millrace, "loadgen", "--schemas", PackagePaths.schemas.path, "--bootstrap", cluster.bootstrapServers,
            "--count", "600", "--rate", "100000", "--delete-rate", "0.02",
        ])
        #expect(result.stderr.contains("600 records"), "\(result.stderr)")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var consumed = 0
        for topic in topics {
            let records = directory.path("\(topic).kcat").path
            let output = try await Subprocess.run(["timeout", "30", "kcat", "-C", "-b", cluster.bootstrapServers, "-t", topic, "-o", "beginning", "-e", "-J", "-q"])
            try output.stdout.write(to: URL(fileURLWithPath: records))
            let metadata = try await Subprocess.run(["timeout", "30", "kcat", "-L", "-J", "-b", cluster.bootstrapServers, "-t", topic]).output
            // Every record is Debezium JSON (or a tombstone) in the partition murmur2 gives its
            // key among the topic's real partitions.
            let checked = try await Subprocess.python(
                murmur2Oracle + "\n" + """
                import json, sys
                count = len(json.loads(open(sys.argv[2]).read())["topics"][0]["partitions"])
                lines = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
                for record in lines:
                    assert record["topic"] == sys.argv[3], record
                    expected = (murmur2(record["key"].encode()) & 0x7fffffff) % count
                    assert record["partition"] == expected, (record["partition"], expected, count)
                    if record["payload"] is not None:
                        value = json.loads(record["payload"])
                        assert isinstance(value["schema"], dict) and "payload" in value, record["payload"][:80]
                print(len(lines), count, len({r["partition"] for r in lines}))
                """,
                arguments: [records, try Self.write(metadata, in: directory), topic])
            let numbers = checked.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            #expect(numbers.count == 3, "\(checked)")
            consumed += numbers.first ?? 0
            if topic == "postgres.eav.entity_values_ts" {
                #expect(numbers.dropFirst().first == 12 && (numbers.last ?? 0) > 4, "the 12 partitions are used: \(checked)")
            }
        }
        #expect(consumed == 600)
    }

    /// Writes `text` to a new file in `directory` and returns its path.
    static func write(_ text: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.path(UUID().uuidString).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("-X passes librdkafka properties through by name: a valid one is used, an unknown one is refused by librdkafka")
    func properties() async throws {
        let cluster = try MockCluster(brokers: 1, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let base = [millrace, "loadgen", "--schemas", PackagePaths.schemas.path, "--bootstrap", cluster.bootstrapServers, "--count", "50",
                    "--rate", "100000", "--topics", "entities", "--delete-rate", "0"]
        let ok = try await Subprocess.run(base + ["-X", "client.id=loadgen-x", "--property", "compression.codec=lz4"])
        #expect(ok.stderr.contains("50 records"), "\(ok.stderr)")
        let values = try await Subprocess.run(["timeout", "30", "kcat", "-C", "-b", cluster.bootstrapServers, "-t", "postgres.eav.entities", "-o", "beginning", "-e", "-q"])
        #expect(values.output.split(separator: "\n").count == 50)
        let unknown = try await Subprocess.run(base + ["-X", "no.such.property=1"], check: false)
        #expect(unknown.status != 0 && unknown.stderr.contains("no.such.property"), "\(unknown.stderr)")
    }

    @Test("--add-column-at, --malformed-rate and --duplicate-rate shape the file as the summary says (checked in Python)")
    func shapingOptions() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Kafka's own view of a file: duplicates are byte-identical (topic, key, value) repeats;
        // a broken record's value is not JSON, not even UTF-8, or breaks its schema (the kinds
        // Python cannot see are the decoder's tests); the column appears in the schema.
        let oracle = """
            import json, sys
            duplicates = broken = 0
            first_column = last_old = None
            seen = set()
            for index, raw in enumerate(open(sys.argv[1], "rb")):
                try:
                    record = json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    broken += 1
                    continue
                if record["payload"] is None:
                    continue
                key = (record["topic"], record["key"], record["payload"])
                duplicates += key in seen
                seen.add(key)
                try:
                    value = json.loads(record["payload"])
                except ValueError:
                    broken += 1
                    continue
                if record["topic"] == "postgres.eav.entity_values_ts":
                    fields = [field["field"] for field in value["schema"]["fields"]]
                    if "confidence" in fields and first_column is None:
                        first_column = index
            print(duplicates, broken, -1 if first_column is None else first_column)
            """
        func run(_ options: [String]) async throws -> (summary: String, oracle: [Int]) {
            let file = directory.path(UUID().uuidString).path
            let result = try await Subprocess.run([
                millrace, "loadgen", "--schemas", PackagePaths.schemas.path, "--output", file, "--format", "kcat", "--count", "3000",
            ] + options)
            let numbers = try await Subprocess.python(oracle, arguments: [file]).split(separator: " ").compactMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            return (result.stderr, numbers)
        }
        /// The number the summary gives for `label`: "N duplicates", "N malformed" on the
        /// totals line, "malformed REASON: N" below it.
        func count(_ label: String, in summary: String) -> Int? {
            let patterns = [#"(\d+) "# + label + #"\b"#, "malformed " + label + #": (\d+)"#]
            for pattern in patterns {
                if let regex = try? Regex(pattern), let match = summary.firstMatch(of: regex), let digits = match.output[1].substring {
                    return Int(digits)
                }
            }
            return nil
        }

        let shaped = try await run(["--add-column-at", "1000", "--malformed-rate", "0.1", "--duplicate-rate", "0.05"])
        let plain = try await run(["--duplicate-rate", "0", "--malformed-rate", "0"])
        #expect(shaped.oracle.count == 3 && plain.oracle.count == 3, "\(shaped.oracle) \(plain.oracle)")
        // Duplicates: as many byte-identical repeats as the summary counts, about 5 %.
        let duplicates = try #require(count("duplicates", in: shaped.summary))
        #expect(shaped.oracle.first == duplicates && (60...300).contains(duplicates), "\(shaped.summary)")
        #expect(plain.oracle.first == 0 && count("duplicates", in: plain.summary) == 0)
        // Malformed: the truncated and invalid-UTF-8 ones are visible to Python, and counted.
        let visiblyBroken = (count("malformed_json", in: shaped.summary) ?? 0) + (count("invalid_utf8", in: shaped.summary) ?? 0)
        #expect(shaped.oracle.dropFirst().first == visiblyBroken && visiblyBroken > 0, "\(shaped.summary)")
        #expect((count("malformed", in: shaped.summary) ?? 0) > visiblyBroken)
        #expect(plain.oracle.dropFirst().first == 0 && count("malformed", in: plain.summary) == 0)
        // The column: never before record 1000, then present, where the summary says it started.
        let added = try #require(shaped.summary.firstMatch(of: /column `confidence` added at record (\d+)/).flatMap { Int($0.1) })
        #expect(added >= 1000 && (shaped.oracle.last ?? -1) >= added, "\(shaped.summary) \(shaped.oracle)")
        #expect(plain.oracle.last == -1 && !plain.summary.contains("confidence"))
    }

    @Test("refuses inconsistent options")
    func options() async throws {
        let both = try await Subprocess.run([millrace, "loadgen", "--bootstrap", "b", "--output", "o"], check: false)
        #expect(both.status == 64 && both.stderr.contains("exactly one of --bootstrap and --output"), "\(both.stderr)")
        let format = try await Subprocess.run([millrace, "loadgen", "--output", "/dev/null", "--format", "avro"], check: false)
        #expect(format.status == 64 && format.stderr.contains("--format must be values or kcat"), "\(format.stderr)")
        let formatToKafka = try await Subprocess.run([millrace, "loadgen", "--bootstrap", "127.0.0.1:1", "--format", "kcat"], check: false)
        #expect(formatToKafka.status == 64 && formatToKafka.stderr.contains("--format applies to --output"), "\(formatToKafka.stderr)")
        let bare = try await Subprocess.run([millrace, "loadgen", "--bootstrap", "127.0.0.1:1", "-X", "linger.ms"], check: false)
        #expect(bare.status == 64 && bare.stderr.contains("name=value"), "\(bare.stderr)")
        let toFile = try await Subprocess.run([millrace, "loadgen", "--output", "/dev/null", "-X", "linger.ms=1"], check: false)
        #expect(toFile.status == 64 && toFile.stderr.contains("--bootstrap only"), "\(toFile.stderr)")
    }

    @Test("outside a checkout, a missing Schemas/ folder is a clear error naming --schemas")
    func schemasMissing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await Subprocess.run(
            ["sh", "-c", "cd \"$0\" && exec \"$1\" loadgen --output out.ndjson --count 10", directory.url.path, millrace], check: false)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("millrace: no Schemas/ registry found (looked in Schemas") && result.stderr.contains("--schemas DIR"),
            "\(result.stderr)")
        let wrong = try await Subprocess.run([millrace, "loadgen", "--output", directory.path("o").path, "--schemas", directory.path("nope").path], check: false)
        #expect(wrong.status == 2 && wrong.stderr.contains("millrace: ") && wrong.stderr.contains("is not a folder"), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains("io:"), "a code name leaked: \(wrong.stderr)")
    }
}
