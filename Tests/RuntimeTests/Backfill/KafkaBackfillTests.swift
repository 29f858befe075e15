import Catalog
import Foundation
import Kafka
import LoadGen
import Logging
import MillraceTesting
import Runtime
import Staging
import Synchronization
import Testing

/// `Backfill.run` over librdkafka's mock cluster (which answers ListOffsets-by-time with -1, so
/// the start and end offsets come from the binary search over real record timestamps), staging
/// into a local folder read back with pyarrow; beside the live worker, every committed batch is
/// then loaded into the real PostgreSQL server by the loader and checked against the oracle.
@Suite("Kafka backfill", .serialized)
struct KafkaBackfillTests {
    static let topic = "postgres.eav.entity_values_ts"
    static let quiet = Logger(label: "test.backfill", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Generated `entity_values_ts` changes (no duplicates, deletes or malformed records), as values.
    static func changes(_ count: Int, seed: UInt64, rate: Double = 10_000) throws -> [LoadRecord] {
        var settings = LoadGenConfiguration()
        settings.seed = seed
        settings.count = count * 3
        settings.partitions = 2
        settings.entities = 300
        settings.attributes = 20
        settings.duplicateRate = 0
        settings.deleteRate = 0
        settings.malformedRate = 0
        settings.topics = [.entityValues]
        settings.startMs = 1_795_628_520_000
        settings.rate = rate
        let generator = try LoadGenerator(catalog: try Catalog.load(directory: PackagePaths.schemas.path), configuration: settings)
        var records: [LoadRecord] = []
        while let record = generator.next(), records.count < count {
            if record.topic == topic && record.value != nil { records.append(record) }
        }
        return records
    }

    /// Produces `records` with the given partitions and Kafka timestamps.
    static func produce(_ records: [(record: LoadRecord, partition: Int32, timestampMs: Int64)], to cluster: MockCluster) async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
        let reports = try await producer.send(records.map {
            KafkaProducerRecord(topic: topic, partition: $0.partition, key: $0.record.key, value: $0.record.value, timestampMs: $0.timestampMs)
        })
        for report in reports { _ = try report.get() }
        await producer.close()
    }

    /// A configuration for `fixture` reading `topic` only, small batches.
    static func configuration(_ fixture: PipelineFixture, group: String = "live", rows: Int = 1_000) -> WorkerConfiguration {
        var configuration = fixture.configuration(group: group)
        configuration.kafka.topics = [topic]
        configuration.pipeline.maxBatchRows = rows
        return configuration
    }

    /// Runs a backfill on its own thread (it blocks while it reads).
    static func backfill(_ configuration: WorkerConfiguration, _ options: Backfill.Options) async throws -> Backfill.Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try Backfill.run(configuration, options: options, logger: quiet) })
            }.start()
        }
    }

    static func options(_ fixture: PipelineFixture, from: Int64, to: Int64) throws -> Backfill.Options {
        var options = Backfill.Options()
        options.range = try BackfillRange(fromMillis: from, toMillis: to)
        options.worker.outputDirectory = fixture.output.url.path
        options.progress = .silent
        return options
    }

    /// Per partition, the committed ranges of `records`, sorted.
    static func chains(_ records: [CommitRecord]) -> [SourcePartition: [SourceRange]] {
        Dictionary(grouping: records.flatMap(\.sources), by: \.source).mapValues { $0.sorted { $0.startOffset < $1.startOffset } }
    }

    @Test("range boundaries are exact on record timestamps: a record at T1 is in, one just before T1 is not, one at T2 is not")
    func boundaries() async throws {
        let fixture = try PipelineFixture(partitions: 2)
        let base: Int64 = 1_796_083_200_000
        let from = base + 10_000
        let to = base + 30_000
        var produced: [(record: LoadRecord, partition: Int32, timestampMs: Int64)] = []
        let records = try Self.changes(80, seed: 31)
        for partition in Int32(0)...1 {
            for index in 0..<40 {
                // Record 9 sits 1 ms before T1 and record 29 1 ms before T2; 10 is at T1, 30 at T2.
                let stamp: Int64 = index == 9 ? from - 1 : index == 29 ? to - 1 : base + Int64(index) * 1_000
                produced.append((records[Int(partition) * 40 + index], partition, stamp))
            }
        }
        try await Self.produce(produced, to: fixture.cluster)
        let outcome = try await Self.backfill(Self.configuration(fixture, rows: 7), try Self.options(fixture, from: from, to: to))
        #expect(outcome.complete)
        #expect(outcome.summary.records == 40 && outcome.summary.rowsPerTable["fact_entity_values"] == 40)
        #expect(outcome.group.hasPrefix("live.backfill.20261201T000010Z-20261201T000030Z."))

        let store = try LocalStagingStore(root: fixture.output.url)
        let plan = try #require(try BackfillPlanStore.plan(outcome.group, store))
        #expect(plan.partitions.map { [$0.start, $0.end] } == [[10, 30], [10, 30]], "the search found the first offsets at T1 and at T2")
        let committed = try fixture.committedRecords()
        for (partition, chain) in Self.chains(committed) {
            #expect(chain.first?.startOffset == 10 && chain.last?.endOffset == 30, "\(partition): \(chain)")
            for (previous, next) in zip(chain, chain.dropFirst()) {
                #expect(previous.endOffset == next.startOffset, "\(partition): gap or overlap \(chain)")
            }
        }
        #expect(Set(committed.map(\.batchID)).count == committed.count && committed.count >= 6)
        #expect(committed.allSatisfy { $0.fenceGroup == outcome.group })
        let rows = try await fixture.stagedRows(keys: [:])
        let staged = (rows["fact_entity_values"] ?? []).map { [$0[0], $0[1]] }.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
        let inRange: [[Int64]] = [0, 1].flatMap { (partition: Int64) -> [[Int64]] in (10..<30).map { [partition, Int64($0)] } }
        #expect(staged == inRange)

        // The same command again: nothing left to read, nothing staged twice.
        let again = try await Self.backfill(Self.configuration(fixture, rows: 7), try Self.options(fixture, from: from, to: to))
        #expect(again.complete && again.summary.batches == 0)
        #expect(try fixture.committedRecords().count == committed.count)
    }

    @Test("--event-time keeps only rows whose event-time column lies in the range, the others counted")
    func eventTimeFilter() async throws {
        let fixture = try PipelineFixture(partitions: 1)
        // About 100 ms of event time between records; every Kafka timestamp inside the range,
        // whatever the row's event time (`ingested_at`, which the generator sets on its own).
        let records = try Self.changes(40, seed: 34, rate: 10)
        let from = records[10].timestampMs
        let to = records[30].timestampMs
        try await Self.produce(records.enumerated().map { ($0.element, 0, from + Int64($0.offset)) }, to: fixture.cluster)
        let configuration = Self.configuration(fixture, rows: 15)
        var plain = try Self.options(fixture, from: from, to: to)
        plain.worker.outputDirectory = fixture.output.path("plain").path
        let unfiltered = try await Self.backfill(configuration, plain)
        #expect(unfiltered.summary.rowsPerTable["fact_entity_values"] == 40 && unfiltered.summary.outsideEventTime == 0)
        var options = try Self.options(fixture, from: from, to: to)
        options.eventTime = true
        let outcome = try await Self.backfill(configuration, options)
        #expect(outcome.complete && outcome.summary.records == 40 && outcome.group != unfiltered.group)
        // pyarrow reads every row's event time from the unfiltered run: the filtered one keeps exactly those in range.
        let script = """
            import json, sys, glob, os, pyarrow.parquet as pq
            root, lower, upper = sys.argv[1], int(sys.argv[2]) * 1000, int(sys.argv[3]) * 1000
            def rows(folder):
                out = []
                for path in glob.glob(os.path.join(folder, "staging", "fact_entity_values", "**", "*.parquet"), recursive=True):
                    out += pq.read_table(path, columns=["_kafka_offset", "ingested_at"]).to_pylist()
                return out
            def micros(t): return int(t.timestamp()) * 1000000 + t.microsecond
            expected = sorted(r["_kafka_offset"] for r in rows(os.path.join(root, "plain")) if lower <= micros(r["ingested_at"]) < upper)
            print(json.dumps({"expected": expected, "kept": sorted(r["_kafka_offset"] for r in rows(root))}))
            """
        let answer = try await Subprocess.python(script, arguments: [fixture.output.url.path, "\(from)", "\(to)"])
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: [Int]], "\(answer)")
        let expected = try #require(decoded["expected"])
        #expect(!expected.isEmpty && expected.count < 40, "the range holds some rows' event times, not all: \(expected)")
        #expect(decoded["kept"] == expected)
        #expect(outcome.summary.rowsPerTable["fact_entity_values"] == expected.count)
        #expect(outcome.summary.outsideEventTime == 40 - expected.count)
    }

    @Test("stopped after its first batch, the same backfill resumes from its group's offsets and duplicates nothing")
    func resumesAfterStop() async throws {
        let fixture = try PipelineFixture(partitions: 2)
        let base: Int64 = 1_796_083_200_000
        let records = try Self.changes(600, seed: 32)
        try await Self.produce(records.enumerated().map { ($0.element, Int32($0.offset % 2), base + Int64($0.offset) * 100) }, to: fixture.cluster)
        let configuration = Self.configuration(fixture, rows: 40)
        let commits = Atomic<Int>(0)
        var first = try Self.options(fixture, from: base + 5_000, to: base + 55_000)
        first.worker.onCommit = { _ in commits.add(1, ordering: .relaxed) }
        first.shouldStop = { commits.load(ordering: .relaxed) >= 1 }
        let stopped = try await Self.backfill(configuration, first)
        #expect(!stopped.complete, "stopped after the first commit, with most of the range left")
        #expect(stopped.summary.batches >= 1)
        let resumed = try await Self.backfill(configuration, try Self.options(fixture, from: base + 5_000, to: base + 55_000))
        #expect(resumed.complete && resumed.group == stopped.group)
        #expect(stopped.summary.records + resumed.summary.records == 500)
        let committed = try fixture.committedRecords()
        for (partition, chain) in Self.chains(committed) {
            #expect(chain.first?.startOffset == 25 && chain.last?.endOffset == 275, "\(partition): \(chain.map { ($0.startOffset, $0.endOffset) })")
            for (previous, next) in zip(chain, chain.dropFirst()) {
                #expect(previous.endOffset == next.startOffset, "\(partition): gap or overlap")
            }
        }
        let rows = try await fixture.stagedRows(keys: [:])
        let positions = (rows["fact_entity_values"] ?? []).map { [$0[0], $0[1]] }
        #expect(positions.count == 500 && Set(positions).count == 500, "every record of the range staged once")
    }

    @Test("beside the live worker on the same topic and store: the live group untouched, the range staged once, each backfilled row equal to the live one of its key and version")
    func besideTheLiveWorker() async throws {
        let servers = try TestServers.require()
        let fixture = try PipelineFixture(partitions: 4)
        try await fixture.produce(count: 2_400, seed: 33) { settings in
            settings.topics = [.entityValues]
            settings.duplicateRate = 0
            settings.deleteRate = 0
            settings.malformedRate = 0
        }
        let produced = fixture.produced.filter { $0.topic == Self.topic }
        let stamps = produced.map(\.timestampMs).sorted()
        let from = stamps[stamps.count / 4]
        let to = stamps[stamps.count * 3 / 4]
        let configuration = Self.configuration(fixture, rows: 300)
        let live = fixture.start(configuration, untilDrained: false)
        let outcome = try await Self.backfill(configuration, try Self.options(fixture, from: from, to: to))
        #expect(outcome.complete)
        try await waitUntil(120, "the live worker to commit every record") {
            let records = try fixture.committedRecords().filter { $0.fenceGroup == nil }
            var ends: [SourcePartition: Int64] = [:]
            for range in records.flatMap(\.sources) { ends[range.source] = max(ends[range.source] ?? 0, range.endOffset) }
            return ends.values.reduce(0, +) == Int64(produced.count)
        }
        live.cancel()
        _ = await live.result

        let all = try fixture.committedRecords()
        #expect(Set(all.map(\.batchID)).count == all.count, "no batch committed twice")
        let backfilled = all.filter { $0.fenceGroup == outcome.group }
        let liveRecords = all.filter { $0.fenceGroup == nil }
        #expect(backfilled.count + liveRecords.count == all.count)
        // The live group's own commits chain from 0 to the end of every partition, exactly once.
        for (partition, chain) in Self.chains(liveRecords) {
            #expect(chain.first?.startOffset == 0)
            for (previous, next) in zip(chain, chain.dropFirst()) { #expect(previous.endOffset == next.startOffset, "\(partition)") }
        }
        // The live group's offsets name live batches only: the backfill never moved them.
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(bootstrapServers: fixture.cluster.bootstrapServers, groupID: "live"))
        let partitions = (0..<Int32(fixture.partitions)).map { KafkaTopicPartition(topic: Self.topic, partition: $0) }
        let liveBatches = Set(liveRecords.map(\.batchID.rawValue))
        for offset in try await consumer.committed(partitions, timeout: .seconds(10)) {
            #expect(liveBatches.contains(offset.metadata ?? ""), "\(offset) names a batch the live worker did not commit")
        }
        try await consumer.close()
        // The backfill staged exactly the records stamped in the range, once each.
        let store = try LocalStagingStore(root: fixture.output.url)
        let plan = try #require(try BackfillPlanStore.plan(outcome.group, store))
        var offsets: [Int32: Int64] = [:]
        var expected: Set<[Int64]> = []
        for record in produced {
            let offset = offsets[record.partition, default: 0]
            offsets[record.partition] = offset + 1
            if record.timestampMs >= from && record.timestampMs < to { expected.insert([Int64(record.partition), offset]) }
        }
        for range in plan.partitions {
            #expect(range.span > 0, "every partition has records in the middle half of the traffic")
        }
        let compared = try await Self.compare(fixture, backfill: backfilled.flatMap(\.files).map(\.key), live: liveRecords.flatMap(\.files).map(\.key))
        #expect(compared.backfilled == expected, "backfilled \(compared.backfilled.count) records, expected \(expected.count)")
        #expect(compared.unmatched == 0 && compared.different == [], "\(compared.different.prefix(5))")

        // The warehouse: the loader takes every committed batch, live and backfilled alike (it
        // loads a backfill's batches like any other, by key and version), in several cycles. It
        // holds every change of the topic once, with its source values, as the oracle computes
        // them from the produced records, and the ledger one row per (batch, table).
        #expect(!backfilled.isEmpty && !BackfillWarehouse.pairs(backfilled).isEmpty)
        let warehouse = BackfillWarehouse(servers, prefix: "bfkafka")
        try await warehouse.load(fixture.output.url.path)
        let dump = fixture.output.path("produced.kcat").path
        try await BackfillWarehouse.dump(produced, to: dump)
        BackfillWarehouse.expectFacts(try await warehouse.oracle(dump: dump), count: produced.count, "live and backfill loaded")
        try await warehouse.expectLedger(all, "live and backfill loaded")
    }

    /// Reads both sets of files with pyarrow: the (partition, offset) positions the backfill
    /// staged, and, per backfilled row, whether the live output holds a row of the same
    /// (entity_id, version) with the same source and change columns (the loader merges on that
    /// key, so equal rows are one row in the warehouse).
    static func compare(_ fixture: PipelineFixture, backfill: [String], live: [String]) async throws
        -> (backfilled: Set<[Int64]>, unmatched: Int, different: [String])
    {
        let script = """
            import json, sys, pyarrow.parquet as pq
            root, backfill, live = json.loads(sys.stdin.read())
            columns = ["entity_id", "version", "tenant_id", "attribute_id", "value", "value_int", "value_decimal", "ingested_at",
                       "_op", "_deleted", "_lsn", "_source_ts", "_kafka_partition", "_kafka_offset"]
            def rows(keys):
                out = []
                for key in keys:
                    if key.endswith(".parquet") and "/fact_entity_values/" in key:
                        out += pq.read_table(root + "/" + key, columns=columns).to_pylist()
                return out
            live_rows = {(r["entity_id"], r["version"]): r for r in rows(live)}
            positions, unmatched, different = [], 0, []
            for r in rows(backfill):
                positions.append([r["_kafka_partition"], r["_kafka_offset"]])
                other = live_rows.get((r["entity_id"], r["version"]))
                if other is None:
                    unmatched += 1
                elif other != r:
                    different.append(str((r, other)))
            print(json.dumps({"positions": positions, "unmatched": unmatched, "different": different[:10]}))
            """
        let input = try JSONSerialization.data(withJSONObject: [fixture.output.url.path, backfill, live])
        let answer = try await Subprocess.python(script, input: input)
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], "\(answer.prefix(400))")
        let positions = (decoded["positions"] as? [[NSNumber]] ?? []).map { $0.map(\.int64Value) }
        #expect(positions.count == Set(positions).count, "a record staged twice by the backfill")
        return (Set(positions), decoded["unmatched"] as? Int ?? -1, decoded["different"] as? [String] ?? ["no answer"])
    }
}

/// Reads a backfill's stored plan the way an operator would: the JSON under `_millrace/backfills/`.
enum BackfillPlanStore {
    static func plan(_ group: String, _ store: LocalStagingStore) throws -> BackfillPlan? {
        try store.get(BackfillPlan.key(group: group)).map { try JSONDecoder().decode(BackfillPlan.self, from: Data($0)) }
    }
}
