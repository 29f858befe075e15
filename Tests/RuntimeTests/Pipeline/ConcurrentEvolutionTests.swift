import Catalog
import Engine
import Foundation
import LoadGen
import MillraceTesting
import Parquet
import Runtime
import Staging
import Synchronization
import Testing

/// Two workers evolving one table differently in the same window (issue 12, hole 4).
///
/// Each worker reads its own mock cluster and both stage into one folder: the only thing they
/// share is the staging store, where version numbers are handed out, and each worker's
/// evolution is known in advance. LoadGen's evolved `entity_values_ts` records add the
/// optional double `confidence`; the second cluster's carry the same field renamed `quality`:
/// two different columns of compatible types, which positional COPY would silently swap if
/// both were numbered version 2.
@Suite("Concurrent schema evolution", .serialized)
struct ConcurrentEvolutionTests {
    static let factTopic = "postgres.eav.entity_values_ts"

    @Test("two workers add different columns in the same window: no two declarations share a version; files and values follow their own")
    func twoWorkersTwoColumns() async throws {
        let first = try PipelineFixture(partitions: 2)
        let second = try PipelineFixture(partitions: 2, output: first.output)
        let evolving = { (settings: inout LoadGenConfiguration) in
            settings.addColumnAt = 0
            settings.duplicateRate = 0
            settings.deleteRate = 0
        }
        try await first.produce(count: 800, seed: 51, adjust: evolving)
        try await second.produce(count: 800, seed: 52, adjust: evolving, transform: Self.renaming("confidence", to: "quality"))

        // Each worker holds its first batch right after the intent record until the other has
        // reached the same point: both have decoded, and evolved, before either claims.
        let arrived = Atomic<Int>(0)
        let barrier: @Sendable (CrashPoint) throws -> Void = { point in
            guard point == .afterIntent else { return }
            let deadline = Date().addingTimeInterval(60)
            if arrived.add(1, ordering: .relaxed).newValue <= 2 {
                while arrived.load(ordering: .relaxed) < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            }
        }
        let batches = Mutex<[String: Int]>([:])
        func run(_ fixture: PipelineFixture, _ worker: Int) -> Task<Void, any Error> {
            var configuration = fixture.configuration(group: "evolve-\(worker)")
            configuration.pipeline.maxBatchRows = 300
            return fixture.start(configuration, untilDrained: true, crashHook: barrier) { record in
                batches.withLock { $0[record.batchID.rawValue] = worker }
            }
        }
        let workers = [run(first, 0), run(second, 1)]
        for worker in workers { try await worker.value }
        #expect(arrived.load(ordering: .relaxed) >= 2, "the workers never both began a batch")

        let store = try LocalStagingStore(root: first.output.url)
        let layout = StagingLayout()
        let records = try first.committedRecords()
        // No number has two declarations: in the records, the committed versions and the claims.
        var declarations: [String: Set<String>] = [:]
        for note in records.flatMap(\.schemaChanges) { declarations["\(note.table) v\(note.toVersion)", default: []].insert(note.definition) }
        for claim in try store.list(prefix: "_millrace/claims/") {
            let name = claim.key.dropFirst("_millrace/claims/".count).replacingOccurrences(of: "/v", with: " v").dropLast(".yaml".count)
            declarations[String(name), default: []].insert(String(decoding: try store.get(claim.key) ?? [], as: UTF8.self))
        }
        #expect(declarations.values.allSatisfy { $0.count == 1 }, "\(declarations.filter { $0.value.count > 1 }.keys.sorted())")
        #expect(declarations.keys.contains("fact_entity_values v3"), "both changes were not both numbered: \(declarations.keys.sorted())")

        // Every file carries exactly its committed version's columns.
        var versions: [Int: TableDefinition] = [:]
        versions[1] = try Catalog.load(directory: PackagePaths.schemas.path).table("fact_entity_values")?.versions.first
        for object in try store.list(prefix: layout.schemaPrefix(table: "fact_entity_values")) {
            let definition = try Catalog.definition(yaml: String(decoding: try store.get(object.key) ?? [], as: UTF8.self))
            versions[definition.version] = definition
        }
        let facts = records.flatMap(\.files).filter { $0.table == "fact_entity_values" }
        let staged = try await Self.read(facts.map { (first.output.path($0.key).path, $0.key) })
        for file in facts {
            let expected = versions[file.schemaVersion]?.stagingSchema.fields.map(\.name)
            #expect(staged[file.key]?.columns == expected, "\(file.key) (v\(file.schemaVersion))")
        }

        // Each worker's values sit in its own column, and nowhere else.
        let owners = batches.withLock { $0 }
        var checked = [0, 0]
        for record in records {
            guard let worker = owners[record.batchID.rawValue] else { continue }
            let produced = Self.evolvedValues(worker == 0 ? first.produced : second.produced, field: worker == 0 ? "confidence" : "quality")
            for file in record.files where file.table == "fact_entity_values" {
                for row in staged[file.key]?.rows ?? [] {
                    let expected = produced[[row.partition, row.offset]] ?? nil
                    let (own, other) = worker == 0 ? (row.confidence, row.quality) : (row.quality, row.confidence)
                    #expect(own == expected && other == nil, "worker \(worker), \(row): expected \(String(describing: expected))")
                    if own != nil { checked[worker] += 1 }
                }
            }
        }
        #expect(checked[0] > 0 && checked[1] > 0, "values checked per worker: \(checked)")
    }

    /// Renames the field `old` of `entity_values_ts` values (schema and payload) to `new`.
    static func renaming(_ old: String, to new: String) -> (LoadRecord) -> LoadRecord {
        { record in
            guard record.topic == factTopic, let value = record.value else { return record }
            var renamed = record
            renamed.value = Array(String(decoding: value, as: UTF8.self)
                .replacingOccurrences(of: "\"field\":\"\(old)\"", with: "\"field\":\"\(new)\"")
                .replacingOccurrences(of: "\"\(old)\":", with: "\"\(new)\":").utf8)
            return renamed
        }
    }

    /// The value of `field` in each produced `entity_values_ts` record's payload, by
    /// [partition, offset] (nil where the record does not carry it).
    static func evolvedValues(_ produced: [LoadRecord], field: String) -> [[Int64]: Double?] {
        var offsets: [SourcePartition: Int64] = [:]
        var values: [[Int64]: Double?] = [:]
        for record in produced {
            let partition = SourcePartition(topic: record.topic, partition: record.partition)
            let offset = offsets[partition, default: 0]
            offsets[partition] = offset + 1
            guard record.topic == factTopic, let value = record.value,
                let json = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                let payload = json["payload"] as? [String: Any]
            else { continue }
            values[[Int64(record.partition), offset]] = (payload[field] as? NSNumber)?.doubleValue
        }
        return values
    }

    /// One staged row: where it came from and its two evolved columns.
    struct Row: CustomStringConvertible {
        var partition: Int64
        var offset: Int64
        var confidence: Double?
        var quality: Double?
        var description: String { "\(partition)/\(offset) confidence=\(confidence.map { "\($0)" } ?? "nil") quality=\(quality.map { "\($0)" } ?? "nil")" }
    }

    /// Column names and rows of each file, read by pyarrow (keyed by staging key).
    static func read(_ files: [(path: String, key: String)]) async throws -> [String: (columns: [String], rows: [Row])] {
        let script = """
            import json, sys, pyarrow.parquet as pq
            out = {}
            for path, key in json.loads(sys.stdin.read()):
                t = pq.read_table(path)
                cols = t.column_names
                get = lambda name: t.column(name).to_pylist() if name in cols else [None] * t.num_rows
                rows = list(zip(get("_kafka_partition"), get("_kafka_offset"), get("confidence"), get("quality")))
                out[key] = {"columns": cols, "rows": rows}
            print(json.dumps(out))
            """
        let answer = try await Subprocess.python(
            script, input: try JSONSerialization.data(withJSONObject: files.map { [$0.path, $0.key] }))
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: [String: Any]])
        return decoded.mapValues { file in
            let rows = (file["rows"] as? [[Any]] ?? []).map { row in
                Row(
                    partition: (row[0] as? NSNumber)?.int64Value ?? -1, offset: (row[1] as? NSNumber)?.int64Value ?? -1,
                    confidence: (row[2] as? NSNumber)?.doubleValue, quality: (row[3] as? NSNumber)?.doubleValue)
            }
            return (file["columns"] as? [String] ?? [], rows)
        }
    }
}
