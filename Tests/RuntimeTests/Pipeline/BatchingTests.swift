import Catalog
import Engine
import Foundation
import LoadGen
import Logging
import MillraceTesting
import Runtime
import Staging
import Synchronization
import Testing

/// How batches are cut and where their files go, on a long-running worker against the mock
/// cluster: the window, idle windows, the key template, file splitting, snapshot refresh, the
/// changelog checkpoint on restart, and evolved versions written into `schemas.dir`.
@Suite("Batching, files and dimensions over time", .serialized)
struct BatchingTests {
    /// Every staged object under `prefix` in the fixture's folder.
    private func objects(_ fixture: PipelineFixture, under prefix: String) throws -> [StagedObject] {
        try LocalStagingStore(root: fixture.output.url).list(prefix: prefix)
    }

    @Test("a batch closes at the window; idle windows write nothing; no file is empty; the configured key template is followed")
    func windowsAndTemplate() async throws {
        let fixture = try PipelineFixture()
        var configuration = fixture.configuration(group: "window", window: .seconds(1))
        configuration.pipeline.maxBatchRows = 1_000_000  // only the window can close a batch
        configuration.staging.keyTemplate = "custom/{table}/date={yyyy}-{MM}-{dd}/hour={HH}/{file}.parquet"
        let commits = Atomic<Int>(0)
        let worker = fixture.start(configuration, untilDrained: false) { _ in commits.add(1, ordering: .relaxed) }

        try await fixture.produce(count: 600, seed: 81)
        try await waitUntil(90, "the first burst committed") { fixture.isFullyCommitted() }
        let afterFirst = commits.load(ordering: .relaxed)
        let objectsAfterFirst = try objects(fixture, under: "").map(\.key).filter { !$0.hasPrefix("_millrace/state/") }
        // Three windows without input: no batch, no file (dimension checkpoints aside, none either).
        try await Task.sleep(for: .seconds(3.5))
        #expect(commits.load(ordering: .relaxed) == afterFirst, "an idle window committed a batch")
        #expect(try objects(fixture, under: "").map(\.key).filter { !$0.hasPrefix("_millrace/state/") } == objectsAfterFirst)

        try await fixture.produce(count: 600, seed: 82)
        try await waitUntil(90, "the second burst committed") { fixture.isFullyCommitted() }
        #expect(commits.load(ordering: .relaxed) > afterFirst, "the window never closed a batch of the second burst")
        worker.cancel()
        try await worker.value

        let records = try fixture.committedRecords()
        let files = records.flatMap(\.files)
        #expect(!files.isEmpty && files.allSatisfy { $0.rows > 0 && $0.bytes > 0 }, "an empty file was committed")
        #expect(records.allSatisfy { !$0.files.isEmpty || $0.deadLetters != nil }, "a batch committed nothing")
        let pattern = /custom\/(\w+)\/date=(\d{4})-(\d\d)-(\d\d)\/hour=(\d\d)\/[^\/]+\.parquet/
        for file in files {
            let match = try #require(try pattern.wholeMatch(in: file.key), "\(file.key) does not follow the template")
            #expect(String(match.1) == file.table)
            #expect("\(match.2)-\(match.3)-\(match.4)T\(match.5)" == String(file.hour.prefix(13)), "\(file.key) vs hour \(file.hour)")
        }
        #expect(try objects(fixture, under: "staging/").isEmpty, "files were written outside the template")
        // Entities change while facts are processed here, so the dim_entities columns depend on
        // when each batch flushed; everything else is compared.
        let oracle = try await fixture.oracle(
            tables: ["fact_entity_values", "dim_entities", "entity_attributes_hot"], hourInKey: "/date=%Y-%m-%d/hour=%H/",
            ignoring: ["fact_entity_values.entity_type", "fact_entity_values.entity_status"])
        #expect(oracle.problems == [])
    }

    @Test("a partition larger than max_file_bytes is split into several files, each readable, none lost")
    func splitBySize() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var settings = LoadGenConfiguration()
        settings.count = 140_000
        settings.topics = [.entityValues]
        settings.duplicateRate = 0
        settings.deleteRate = 0
        settings.entities = 20_000
        let generator = try LoadGenerator(catalog: try Catalog.load(directory: PackagePaths.schemas.path), configuration: settings)
        let values = folder.path("values.ndjson")
        _ = FileManager.default.createFile(atPath: values.path, contents: nil)
        let handle = try FileHandle(forWritingTo: values)
        var lines = 0
        while let record = generator.next() {
            guard record.topic == "postgres.eav.entity_values_ts", let value = record.value else { continue }
            try handle.write(contentsOf: value + [UInt8(ascii: "\n")])
            lines += 1
        }
        try handle.close()

        var configuration = WorkerConfiguration()
        configuration.schemas.dir = PackagePaths.schemas.path
        configuration.pipeline.maxFileBytes = .mebibytes(1)
        var options = WorkerOptions()
        options.dryRun = true
        options.outputDirectory = folder.path("out").path
        let records = try FileReplay.run(
            configuration, inputs: [FileReplay.Input(path: values.path, topic: "postgres.eav.entity_values_ts")], options: options,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let files = records.flatMap(\.files).filter { $0.table == "fact_entity_values" }
        let byHour = Dictionary(grouping: files, by: \.hour)
        let largest = try #require(byHour.values.max { $0.count < $1.count })
        #expect(largest.count >= 2, "no (table, hour) was split: \(byHour.mapValues(\.count))")
        // Every file but the last of its hour reached the limit; none is far past it (the size
        // is checked between appends of at most 65,536 rows).
        for group in byHour.values where group.count > 1 {
            for file in group.sorted(by: { $0.key < $1.key }).dropLast() {
                #expect(file.bytes >= 1 << 20, "\(file.key) closed at \(file.bytes) bytes, below the limit")
            }
        }
        let paths = files.map { folder.path("out").appendingPathComponent($0.key).path }
        let script = """
            import sys, pyarrow.parquet as pq, duckdb
            total = 0
            for path in sys.argv[1:]:
                n = pq.read_table(path).num_rows
                assert n == duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
                total += n
            keys = set()
            for path in sys.argv[1:]:
                t = pq.read_table(path, columns=["entity_id", "version"])
                keys.update(zip(t.column(0).to_pylist(), t.column(1).to_pylist()))
            print(total, len(keys))
            """
        let counts = try await Subprocess.python(script, arguments: paths).split(separator: " ").compactMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(counts.first == files.reduce(0) { $0 + $1.rows })
        #expect(counts.first == counts.last, "a key is staged twice across the split files")
        #expect(lines > 100_000 && (counts.first ?? 0) > 100_000, "\(lines) values, \(counts) staged")
    }

    @Test("a snapshot dimension is reloaded on its cadence: rows after the reload join the new snapshot", arguments: ["csv", "ndjson", "parquet"])
    func snapshotRefresh(format: String) async throws {
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 800, seed: 91)
        let live = fixture.output.path("attributes-live.\(format)")
        // The worker reads its own copy, written here in `format` by pyarrow (Parquet) or Python;
        // each reload may find new names.
        let convert = """
            import csv, json, sys, pyarrow as pa, pyarrow.parquet as pq
            source, target, fmt, suffix = sys.argv[1:5]
            rows = list(csv.DictReader(open(source, newline="")))
            for r in rows:
                r["name"] = r["name"] + suffix
                r["attribute_id"] = int(r["attribute_id"])
                r["is_hot"] = r["is_hot"] == "true"
                r["unit"] = r["unit"] or None
            if fmt == "csv":
                with open(target + ".tmp", "w", newline="") as f:
                    w = csv.DictWriter(f, fieldnames=list(rows[0].keys())); w.writeheader()
                    for r in rows: w.writerow({k: ("" if v is None else ("true" if v is True else "false" if v is False else v)) for k, v in r.items()})
            elif fmt == "ndjson":
                with open(target + ".tmp", "w") as f:
                    for r in rows: f.write(json.dumps(r) + "\\n")
            else:
                pq.write_table(pa.Table.from_pylist(rows), target + ".tmp")
            import os; os.replace(target + ".tmp", target)
            """
        let original = fixture.output.path("attributes-original.csv")
        try FileManager.default.copyItem(at: fixture.attributesSnapshot, to: original)
        _ = try await Subprocess.python(convert, arguments: [original.path, live.path, format, ""])
        var configuration = fixture.configuration(group: "refresh-\(format)")
        var dimension = SnapshotDimensionSettings(snapshot: live.path)
        dimension.refresh = .seconds(1)
        configuration.dimensions["dim_attributes"] = dimension
        let worker = fixture.start(configuration, untilDrained: false)
        try await waitUntil(90, "the first burst committed") { fixture.isFullyCommitted() }
        let firstEnds = Dictionary(fixture.produced.map { (SourcePartition(topic: $0.topic, partition: $0.partition), 1) }, uniquingKeysWith: +)

        _ = try await Subprocess.python(convert, arguments: [original.path, live.path, format, "-renamed"])
        try await Task.sleep(for: .seconds(2.5))  // past the refresh cadence
        try await fixture.produce(count: 800, seed: 92)
        try await waitUntil(90, "the second burst committed") { fixture.isFullyCommitted() }
        worker.cancel()
        try await worker.value

        let files = try fixture.committedRecords().flatMap(\.files).filter { $0.table == "fact_entity_values" }
        let cut = firstEnds.filter { $0.key.topic == "postgres.eav.entity_values_ts" }.map { "\($0.key.partition):\($0.value)" }
        let script = """
            import sys, pyarrow.parquet as pq
            cut = {int(p): int(o) for p, o in (x.split(":") for x in sys.argv[1].split(","))}
            before = after = wrong = 0
            for path in sys.argv[2:]:
                for r in pq.read_table(path, columns=["_kafka_partition", "_kafka_offset", "attribute_id", "attribute_name"]).to_pylist():
                    if r["attribute_id"] is None: continue
                    late = r["_kafka_offset"] >= cut.get(r["_kafka_partition"], 0)
                    renamed = (r["attribute_name"] or "").endswith("-renamed")
                    if late: after += 1
                    else: before += 1
                    if late != renamed or r["attribute_name"] is None: wrong += 1
            print(before, after, wrong)
            """
        let counts = try await Subprocess.python(script, arguments: [cut.joined(separator: ",")] + files.map { fixture.output.path($0.key).path })
            .split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(counts.count == 3 && counts[0] > 100 && counts[1] > 100, "rows before/after the reload: \(counts)")
        #expect(counts.last == 0, "rows joined to the wrong snapshot: \(counts)")
    }

    @Test("a restarted worker resumes dim_entities from its checkpoint, not from the topic's beginning")
    func checkpointResume() async throws {
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 1500, seed: 101)
        try await fixture.runUntilDrained(fixture.configuration(group: "checkpoint"))
        let checkpoints = try objects(fixture, under: "_millrace/state/dim_entities/")
        try #require(!checkpoints.isEmpty, "no dim_entities checkpoint was written")

        // Mark every entity in the checkpoints. Replaying the topic would restore the real
        // types; resuming from the checkpoint keeps the marks for entities unchanged since.
        let mark = """
            import sys, pyarrow as pa, pyarrow.parquet as pq
            for path in sys.argv[1:]:
                t = pq.read_table(path)
                column = t.schema.get_field_index("entity_type")
                marked = pa.array([None if v is None else "checkpointed-" + v for v in t.column(column).to_pylist()], pa.string())
                t = t.set_column(column, t.schema.field(column), marked)
                pq.write_table(t.replace_schema_metadata(pq.read_schema(path).metadata), path, use_dictionary=False)
            """
        _ = try await Subprocess.python(mark, arguments: checkpoints.map { fixture.output.path($0.key).path })
        let committedBefore = Set(try fixture.committedRecords().map(\.batchID))

        try await fixture.produce(count: 600, seed: 102) { $0.topics = [.entityValues] }
        try await fixture.runUntilDrained(fixture.configuration(group: "checkpoint"))
        let newFiles = try fixture.committedRecords().filter { !committedBefore.contains($0.batchID) }.flatMap(\.files)
            .filter { $0.table == "fact_entity_values" }
        let script = """
            import sys, pyarrow.parquet as pq
            marked = plain = 0
            for path in sys.argv[1:]:
                for v in pq.read_table(path, columns=["entity_type"]).column(0).to_pylist():
                    if v is None: continue
                    if v.startswith("checkpointed-"): marked += 1
                    else: plain += 1
            print(marked, plain)
            """
        let counts = try await Subprocess.python(script, arguments: newFiles.map { fixture.output.path($0.key).path })
            .split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(counts.count == 2 && counts[0] > 100, "facts enriched from the checkpoint: \(counts)")
        #expect(counts.last == 0, "facts enriched from a replayed topic: \(counts)")
    }

    @Test("with schemas.write_evolved the committed evolved version lands in schemas.dir, loadable with the rest")
    func evolvedVersionWritten() async throws {
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 1200, seed: 111) { $0.addColumnAt = 600 }
        let schemas = fixture.output.path("Schemas")
        try FileManager.default.copyItem(at: PackagePaths.schemas, to: schemas)
        var configuration = fixture.configuration(group: "write-evolved")
        configuration.schemas.dir = schemas.path
        configuration.schemas.writeEvolved = true
        try await fixture.runUntilDrained(configuration)

        let change = try #require(try fixture.committedRecords().flatMap(\.schemaChanges).first)
        let written = schemas.appendingPathComponent("\(change.table)/v\(change.toVersion).yaml")
        #expect(try String(contentsOf: written, encoding: .utf8) == change.definition)
        let catalog = try Catalog.load(directory: schemas.path)
        #expect(catalog.table(change.table)?.current.version == change.toVersion)
        #expect(catalog.table(change.table)?.current.columns.last?.name == "confidence")
    }
}
