import Engine
import Foundation
import LoadGen
import MillraceTesting
import Runtime
import Staging
import Testing

/// The whole worker against librdkafka's mock cluster, staging to a local folder (dry-run),
/// checked against expectations computed here from the generated records.
@Suite("End to end: mock Kafka → worker → staged Parquet", .serialized)
struct EndToEndTests {
    @Test("records produced in transactions, as Kafka Connect writes them with exactly-once source support: every change staged once")
    func transactionalSource() async throws {
        let fixture = try PipelineFixture(partitions: 2)
        try await fixture.produce(count: 5000, transactionalID: "connect-eav-0") { $0.duplicateRate = 0 }
        var configuration = fixture.configuration()
        configuration.pipeline.maxBatchRows = 900
        try await fixture.runUntilDrained(configuration)
        let records = try fixture.committedRecords()
        var produced: [SourcePartition: Int] = [:]
        for record in fixture.produced { produced[SourcePartition(topic: record.topic, partition: record.partition), default: 0] += 1 }
        let consumed = Dictionary(grouping: records.flatMap(\.sources), by: \.source).mapValues { $0.reduce(0) { $0 + $1.records } }
        #expect(consumed == produced, "every record consumed once")
        // Each record says how many partitions its topics have, for the loader's "data as of".
        for record in records {
            for topic in Set(record.sources.map(\.source.topic)) {
                #expect(record.partitionCounts[topic] == 2, "\(record.batchID): \(record.partitionCounts)")
            }
        }
        // librdkafka 2.0.2's mock cluster answers EndTxn without writing control records to the
        // log, so the offsets here have no gaps; ConsumerOffsetTests writes markers itself (scripts/testing/kafka_control_record.py).
        await #expect(try fixture.exactlyOnceViolations() == [])
    }

    @Test("every record is covered by exactly one committed range; rows are unique, deduplicated, and readable by pyarrow and DuckDB")
    func exactlyOnceToLocalStaging() async throws {
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 3000) { settings in
            settings.duplicateRate = 0.05
            settings.deleteRate = 0.02
            settings.malformedRate = 0.01
            settings.addColumnAt = 1500
            settings.unchangedToastRate = 0.3
        }
        // Several batches, so that deduplication is per batch and the column addition lands
        // in the middle of the run.
        var configuration = fixture.configuration()
        configuration.pipeline.maxBatchRows = 700
        try await fixture.runUntilDrained(configuration)
        let records = try fixture.committedRecords()
        #expect(records.count >= 4, "\(records.count) batches")

        // Offsets: per partition, the committed ranges chain from 0 to the end, no gap, no overlap.
        var producedPerPartition: [SourcePartition: Int] = [:]
        for record in fixture.produced { producedPerPartition[SourcePartition(topic: record.topic, partition: record.partition), default: 0] += 1 }
        let ranges = Dictionary(grouping: records.flatMap(\.sources), by: \.source)
        #expect(Set(ranges.keys) == Set(producedPerPartition.keys))
        for (partition, count) in producedPerPartition {
            let chain = (ranges[partition] ?? []).sorted { $0.startOffset < $1.startOffset }
            #expect(chain.first?.startOffset == 0, "\(partition)")
            #expect(chain.last?.endOffset == Int64(count), "\(partition)")
            for (previous, next) in zip(chain, chain.dropFirst()) {
                #expect(previous.endOffset == next.startOffset, "gap or overlap in \(partition)")
            }
            #expect(chain.reduce(0) { $0 + $1.records } == count)
        }

        // Dead letters: exactly the malformed records, by reason.
        var expectedReasons: [String: Int] = [:]
        for record in fixture.produced {
            if case .malformed(let reason) = record.kind { expectedReasons[reason, default: 0] += 1 }
        }
        var reasons: [String: Int] = [:]
        for record in records { reasons.merge(record.deadLetters?.reasons ?? [:], uniquingKeysWith: +) }
        #expect(reasons == expectedReasons)

        // Rows: no source record staged twice; redeliveries and same-batch duplicates collapse.
        let rows = try await fixture.stagedRows(keys: ["fact_entity_values": ["entity_id", "version"]])
        let facts = try #require(rows["fact_entity_values"])
        let sourcePositions = facts.map { [$0[0], $0[1]] }
        #expect(Set(sourcePositions).count == sourcePositions.count, "a source record was staged twice")
        let stagedChanges = Set(facts.filter { $0[2] != Int64(UInt8(ascii: "d")) || $0[4] >= 0 }.map { [$0[3], $0[4]] })
        let expectedChanges = Set(fixture.produced.compactMap { record -> [Int64]? in
            guard record.topic == "postgres.eav.entity_values_ts", record.kind == .change, let key = record.key,
                let object = try? JSONSerialization.jsonObject(with: Data(key)) as? [String: Int64],
                let entity = object["entity_id"], let version = object["version"]
            else { return nil }
            return [entity, version]
        })
        #expect(stagedChanges == expectedChanges)
        // Values: every staged change carries its generated payload's attribute and value.
        var payloads: [[Int64]: (attribute: Int64?, value: String?)] = [:]
        for record in fixture.produced where record.topic == "postgres.eav.entity_values_ts" && record.kind == .change {
            guard let bytes = record.value, let message = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                let payload = message["payload"] as? [String: Any], let entity = (payload["entity_id"] as? NSNumber)?.int64Value,
                let version = (payload["version"] as? NSNumber)?.int64Value, payload["__op"] as? String != "d"
            else { continue }
            payloads[[entity, version]] = ((payload["attribute_id"] as? NSNumber)?.int64Value, payload["value"] as? String)
        }
        let files = records.flatMap(\.files).filter { $0.table == "fact_entity_values" }.map { fixture.output.path($0.key).path }
        let script = """
            import json, sys, pyarrow.parquet as pq
            rows = []
            for path in sys.argv[1:]:
                rows += pq.read_table(path, columns=["entity_id", "version", "attribute_id", "value", "_op"]).to_pylist()
            print(json.dumps(rows))
            """
        let staged = try JSONSerialization.jsonObject(with: Data(try await Subprocess.python(script, arguments: files).utf8)) as? [[String: Any]] ?? []
        var compared = 0
        for row in staged where row["_op"] as? String != "d" {
            guard let entity = (row["entity_id"] as? NSNumber)?.int64Value, let version = (row["version"] as? NSNumber)?.int64Value,
                let expected = payloads[[entity, version]]
            else { continue }
            #expect((row["attribute_id"] as? NSNumber)?.int64Value == expected.attribute, "\(entity)/\(version)")
            #expect(row["value"] as? String == expected.value, "\(entity)/\(version)")
            compared += 1
        }
        #expect(compared > 1000)

        // Every table's rows equal what the oracle computes from the produced records: decoded,
        // deduplicated per batch, deletes and tombstones as delete rows, enriched from the
        // entities topic; every column compared, every row in its file's hour.
        let oracle = try await fixture.oracle(tables: ["fact_entity_values", "dim_entities", "entity_attributes_hot"])
        #expect(oracle.problems == [])
        #expect(oracle.checked["fact_entity_values", default: 0] > 800 && oracle.checked["dim_entities", default: 0] > 500
                && oracle.checked["entity_attributes_hot", default: 0] > 500, "rows checked: \(oracle.checked)")

        // Unchanged TOASTed jsonb documents are staged as unchanged: _unchanged names the column,
        // the column is null, and DuckDB reads the same from the files as pyarrow did above.
        let hot = records.flatMap(\.files).filter { $0.table == "entity_attributes_hot" }.map { fixture.output.path($0.key).path }
        let unchanged = try await Subprocess.python(
            """
            import duckdb, json, sys
            files = json.dumps(sys.argv[1:])
            print(duckdb.sql(f"SELECT count(*) FILTER (WHERE _unchanged = 'attributes' AND attributes IS NULL), "
                             f"count(*) FILTER (WHERE _unchanged IS NOT NULL AND _unchanged <> 'attributes') "
                             f"FROM read_parquet({files})").fetchall()[0])
            """, arguments: hot)
        #expect(unchanged.hasPrefix("(") && !unchanged.hasPrefix("(0,") && unchanged.contains(", 0)"), "staged unchanged rows: \(unchanged)")

        // The mid-stream column addition is committed once, with its DDL.
        let changes = records.flatMap(\.schemaChanges)
        #expect(changes.map(\.table) == ["fact_entity_values"])
        #expect(changes.first?.ddl["redshift"]?.first?.contains("ADD COLUMN") == true)
    }

    @Test("facts are enriched from the dim_attributes snapshot: every staged attribute name is the snapshot's")
    func snapshotEnrichment() async throws {
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 1500, seed: 61)
        var configuration = fixture.configuration(group: "enrichment")
        configuration.dimensions["dim_attributes"] = SnapshotDimensionSettings(snapshot: fixture.attributesSnapshot.path)
        try await fixture.runUntilDrained(configuration)
        let records = try fixture.committedRecords()
        #expect(records.reduce(0) { $0 + ($1.stats.enrichmentMisses["dim_attributes"] ?? 0) } == 0)
        let files = records.flatMap(\.files).filter { $0.table == "fact_entity_values" }.map { fixture.output.path($0.key).path }
        let script = """
            import csv, sys, pyarrow.parquet as pq
            names = {int(r["attribute_id"]): (r["name"], r["data_type"]) for r in csv.DictReader(open(sys.argv[1]))}
            checked = wrong = 0
            for path in sys.argv[2:]:
                t = pq.read_table(path, columns=["attribute_id", "attribute_name", "attribute_data_type"]).to_pylist()
                for row in t:
                    if row["attribute_id"] is None: continue
                    checked += 1
                    if (row["attribute_name"], row["attribute_data_type"]) != names[row["attribute_id"]]: wrong += 1
            print(checked, wrong)
            """
        let output = try await Subprocess.python(script, arguments: [fixture.attributesSnapshot.path] + files)
        let counts = output.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(counts.count == 2 && counts[0] > 500, "rows checked: \(output)")
        #expect(counts.last == 0, "rows with a wrong enrichment: \(output)")
        // And the whole rows, both dimensions joined, as the oracle computes them.
        let oracle = try await fixture.oracle(tables: ["fact_entity_values"], attributes: fixture.attributesSnapshot)
        #expect(oracle.problems == [])
    }

    @Test("enrichment misses count the staged rows only: duplicates removed in the batch are not misses")
    func missesAfterDedup() async throws {
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 2000, seed: 62) { $0.duplicateRate = 0.2 }
        // Drop every third attribute from the snapshot, so about a third of the facts miss.
        let lines = try String(contentsOf: fixture.attributesSnapshot, encoding: .utf8).split(whereSeparator: \.isNewline)
        let kept = [lines[0]] + lines.dropFirst().enumerated().filter { $0.offset % 3 != 0 }.map(\.element)
        try #require(kept.count < lines.count - 5)
        try Data((kept.joined(separator: "\r\n") + "\r\n").utf8).write(to: fixture.attributesSnapshot)
        var configuration = fixture.configuration(group: "misses")
        configuration.dimensions["dim_attributes"] = SnapshotDimensionSettings(snapshot: fixture.attributesSnapshot.path)
        try await fixture.runUntilDrained(configuration)

        let records = try fixture.committedRecords()
        let counted = records.reduce(0) { $0 + ($1.stats.enrichmentMisses["dim_attributes"] ?? 0) }
        #expect(records.reduce(0) { $0 + $1.stats.duplicatesRemoved } > 0, "the scenario needs duplicates")
        let files = records.flatMap(\.files).filter { $0.table == "fact_entity_values" }.map { fixture.output.path($0.key).path }
        let script = """
            import sys, pyarrow.parquet as pq
            missed = 0
            for path in sys.argv[1:]:
                for row in pq.read_table(path, columns=["attribute_id", "attribute_name"]).to_pylist():
                    if row["attribute_id"] is not None and row["attribute_name"] is None: missed += 1
            print(missed)
            """
        let staged = Int(try await Subprocess.python(script, arguments: files).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(staged.map { $0 > 0 } == true, "the scenario needs misses")
        #expect(counted == staged, "counted \(counted), staged rows without an attribute: \(staged ?? -1)")
    }

    @Test("facts are enriched from the entities changelog: each entity's newest type and status, null once deleted")
    func changelogEnrichment() async throws {
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 2500, seed: 71) { $0.deleteRate = 0.02 }
        try await fixture.runUntilDrained(fixture.configuration(group: "changelog"))

        // The follower reads the whole entities topic before facts are processed, so every fact
        // sees each entity's final state. Compute it from the generated records (newest LSN wins).
        var newest: [Int64: (lsn: Int64, type: String?, status: String?)] = [:]
        for record in fixture.produced where record.topic == "postgres.eav.entities" && record.kind != .heartbeat {
            guard let value = record.value,
                let message = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                let payload = message["payload"] as? [String: Any], let entity = (payload["entity_id"] as? NSNumber)?.int64Value,
                let lsn = (payload["__lsn"] as? NSNumber)?.int64Value
            else { continue }
            let deleted = payload["__op"] as? String == "d" || payload["__deleted"] as? String == "true"
            if lsn >= newest[entity]?.lsn ?? .min {
                newest[entity] = (lsn, deleted ? nil : payload["entity_type"] as? String, deleted ? nil : payload["status"] as? String)
            }
        }
        let files = try fixture.committedRecords().flatMap(\.files).filter { $0.table == "fact_entity_values" }
        let script = """
            import json, sys, pyarrow.parquet as pq
            rows = []
            for path in sys.argv[1:]:
                rows += pq.read_table(path, columns=["entity_id", "entity_type", "entity_status"]).to_pylist()
            print(json.dumps(rows))
            """
        let output = try await Subprocess.python(script, arguments: files.map { fixture.output.path($0.key).path })
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        var checked = 0
        for row in rows {
            guard let entity = (row["entity_id"] as? NSNumber)?.int64Value else { continue }
            let expected = newest[entity]
            #expect(row["entity_type"] as? String == expected?.type, "entity \(entity)")
            #expect(row["entity_status"] as? String == expected?.status, "entity \(entity)")
            checked += 1
        }
        #expect(checked > 500)
        #expect(newest.values.contains { $0.type == nil }, "the traffic must include deleted entities")
    }
}
