import Catalog
import Foundation
import LoadGen
import MillraceTesting
import Testing

@Suite("File sinks")
struct FileRecordSinkTests {
    @Test("kcat -J lines: every record, offsets per topic-partition from 0, readable by Python's json")
    func kcat() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = LoadGenConfiguration()
        configuration.count = 3_000
        configuration.deleteRate = 0.01
        let generator = try LoadGenerator(catalog: try shippedCatalog(), configuration: configuration)
        let path = directory.path("load.kcat").path
        let sink = try FileRecordSink(path: path, format: .kcat)
        let summary = try await LoadRunner.run(generator, into: sink)
        let output = try await Subprocess.python(
            """
            import json, sys, collections
            offsets = collections.defaultdict(list)
            tombstones = 0
            for line in open(sys.argv[1], encoding='utf-8'):
                record = json.loads(line)
                assert set(record) == {"topic", "partition", "offset", "tstype", "ts", "broker", "key", "payload"}, record
                offsets[(record["topic"], record["partition"])].append(record["offset"])
                json.loads(record["key"])
                if record["payload"] is None:
                    tombstones += 1
                else:
                    value = json.loads(record["payload"])
                    assert set(value) == {"schema", "payload"}
            assert all(o == list(range(len(o))) for o in offsets.values())
            print(sum(len(o) for o in offsets.values()), tombstones)
            """,
            arguments: [path]
        )
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(summary.records) \(summary.tombstones)")
        #expect(summary.tombstones > 0)
    }

    @Test("values lines carry value bytes only; tombstones are left out")
    func values() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = LoadGenConfiguration()
        configuration.count = 3_000
        configuration.deleteRate = 0.02
        let generator = try LoadGenerator(catalog: try shippedCatalog(), configuration: configuration)
        let sink = try FileRecordSink(path: directory.path("load.ndjson").path, format: .values)
        let summary = try await LoadRunner.run(generator, into: sink)
        let text = try String(contentsOf: directory.path("load.ndjson"), encoding: .utf8)
        #expect(text.split(separator: "\n").count == summary.records - summary.tombstones)
        #expect(sink.omittedTombstones == summary.tombstones)
    }

    @Test("the attributes snapshot matches dim_attributes, in CSV and NDJSON")
    func attributes() async throws {
        let attributes = AttributeDefinition.catalog(count: 40)
        let columns = try #require(try shippedCatalog().table("dim_attributes")?.current.columns.map(\.name))
        let output = try await Subprocess.python(
            """
            import csv, io, json, sys
            csv_text, ndjson_text = sys.stdin.read().split("\\f")
            rows = list(csv.DictReader(io.StringIO(csv_text, newline='')))
            objects = [json.loads(line) for line in ndjson_text.splitlines()]
            assert [list(o) for o in objects][0] == list(rows[0])
            assert all(str(o["attribute_id"]) == r["attribute_id"] and o["name"] == r["name"] for o, r in zip(objects, rows))
            assert sum(o["is_hot"] for o in objects) == 15
            print(",".join(rows[0].keys()), len(rows), len(set(r["name"] for r in rows)))
            """,
            input: Data((AttributeSnapshot.csv(attributes) + "\u{0C}" + AttributeSnapshot.ndjson(attributes)).utf8)
        )
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(columns.joined(separator: ",")) 40 40")
    }
}
