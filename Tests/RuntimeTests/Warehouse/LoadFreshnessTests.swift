import Foundation
import Loader
import MillraceTesting
import Runtime
import Staging
import Testing

/// "Data as of" on a real PostgreSQL server: per table, the minimum over the source partitions
/// that feed it of the newest source time loaded; a heartbeat moves only the partitions its
/// batch read to their end.
@Suite("Load freshness on PostgreSQL", .serialized)
struct LoadFreshnessTests {
    private let topic = "postgres.eav.entities"
    private let start: Int64 = 1_796_000_000_000

    /// A heartbeat-only commit record: no files, `caughtUp` partitions of the entities topic.
    private func heartbeat(_ millis: Int64, caughtUp: [Int32], createdAt: Int64) -> CommitRecord {
        var record = CommitRecord(
            batchID: BatchID(createdAtMillis: createdAt, random: UInt64.random(in: 0...UInt64.max)), state: .committed, worker: "test",
            sources: [], plannedPrefixes: [])
        record.stats.heartbeatMillis = millis
        record.caughtUp = caughtUp.map { SourcePartition(topic: topic, partition: $0) }
        return record
    }

    private func kcatLine(partition: Int, offset: Int, id: Int, sourceMillis: Int64) throws -> String {
        let row: [String: Any] = [
            "entity_id": id, "tenant_id": 1, "entity_type": "device", "status": "active", "name": "e\(id)",
            "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z", "version": 1,
            "__op": "c", "__lsn": 1000 + offset, "__source_ts_ms": sourceMillis,
        ]
        let envelope: [String: Any] = [
            "topic": topic, "partition": partition, "offset": offset, "tstype": "create", "ts": sourceMillis,
            "key": "{\"entity_id\":\(id)}", "payload": String(decoding: try JSONSerialization.data(withJSONObject: row), as: UTF8.self),
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: envelope), as: UTF8.self)
    }

    @Test("the slowest partition holds a table back; a heartbeat advances only caught-up partitions")
    func lowWatermark() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-load-fresh")
        defer { folder.remove() }
        let schema = PostgresProbe.uniqueSchema("fresh")
        let configuration = PostgresLoadTests.loaderConfiguration(servers, folder: folder, schema: schema)
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        var once = Loading.Options()
        once.once = true
        func asOf() async throws -> Int64 {
            Int64(try await probe.value("SELECT CAST(EXTRACT(EPOCH FROM data_as_of) * 1000 AS BIGINT) FROM millrace_freshness WHERE table_name = 'dim_entities'")) ?? -1
        }

        // Partition 0 has changes up to +10 s, partition 1 up to +20 s.
        let dump = folder.path("changes.kcat.json")
        try ([try kcatLine(partition: 0, offset: 0, id: 1, sourceMillis: start + 5_000), try kcatLine(partition: 0, offset: 1, id: 2, sourceMillis: start + 10_000),
              try kcatLine(partition: 1, offset: 0, id: 3, sourceMillis: start + 20_000)].joined(separator: "\n") + "\n")
            .write(to: dump, atomically: true, encoding: .utf8)
        var replay = WorkerConfiguration()
        replay.schemas.dir = PackagePaths.schemas.path
        var staging = WorkerOptions()
        staging.outputDirectory = folder.path("staging").path
        _ = try FileReplay.run(replay, inputs: [FileReplay.Input(path: dump.path, topic: nil)], options: staging, logger: PostgresLoadTests.quiet)
        _ = try await Loading.run(configuration, options: once, logger: PostgresLoadTests.quiet)
        #expect(try await asOf() == start + 10_000, "the minimum over partitions of each one's newest change")

        let store = try LocalStagingStore(root: folder.path("staging"))
        let layout = StagingLayout()
        func commit(_ record: CommitRecord) throws { try store.put(layout.commitKey(record.batchID), data: try record.encoded()) }
        // A heartbeat at +30 s with only partition 0 caught up: partition 1 (+20 s) now holds the table.
        try commit(heartbeat(start + 30_000, caughtUp: [0], createdAt: start + 31_000))
        _ = try await Loading.run(configuration, options: once, logger: PostgresLoadTests.quiet)
        #expect(try await asOf() == start + 20_000)
        #expect(try await probe.rows("SELECT kafka_partition, CAST(EXTRACT(EPOCH FROM as_of) * 1000 AS BIGINT) FROM millrace_partition_freshness WHERE table_name = 'dim_entities' ORDER BY 1")
            == [["0", "\(start + 30_000)"], ["1", "\(start + 20_000)"]])
        // A heartbeat that caught up partitions of another topic moves nothing here.
        var other = heartbeat(start + 40_000, caughtUp: [], createdAt: start + 41_000)
        other.caughtUp = [SourcePartition(topic: "postgres.eav.entity_jsonb", partition: 1)]
        try commit(other)
        _ = try await Loading.run(configuration, options: once, logger: PostgresLoadTests.quiet)
        #expect(try await asOf() == start + 20_000)
        // Both caught up at +50 s: the table is as of +50 s. An older heartbeat later moves nothing back.
        try commit(heartbeat(start + 50_000, caughtUp: [0, 1], createdAt: start + 51_000))
        try commit(heartbeat(start + 45_000, caughtUp: [0, 1], createdAt: start + 52_000))
        _ = try await Loading.run(configuration, options: once, logger: PostgresLoadTests.quiet)
        #expect(try await asOf() == start + 50_000)
        #expect(try await probe.value("SELECT label FROM millrace_data_as_of") == "Data as of 00:54 UTC")
    }

    @Test("a partition nothing was loaded from yet keeps the table at the epoch (unknown), never ahead of it; it counts once it loads")
    func unloadedPartition() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-load-fresh")
        defer { folder.remove() }
        let schema = PostgresProbe.uniqueSchema("fresh")
        let configuration = PostgresLoadTests.loaderConfiguration(servers, folder: folder, schema: schema)
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        var once = Loading.Options()
        once.once = true
        func asOf() async throws -> Int64 {
            Int64(try await probe.value("SELECT CAST(EXTRACT(EPOCH FROM data_as_of) * 1000 AS BIGINT) FROM millrace_freshness WHERE table_name = 'dim_entities'")) ?? -1
        }
        let store = try LocalStagingStore(root: folder.path("staging"))
        let layout = StagingLayout()
        func commit(_ record: CommitRecord) throws { try store.put(layout.commitKey(record.batchID), data: try record.encoded()) }

        // The soak's case: the first loads hold one worker's partitions (0 and 1) of a topic of
        // three; partition 2, whose oldest change is older than both, has loaded nothing.
        var first = heartbeat(start + 30_000, caughtUp: [0, 1], createdAt: start + 31_000)
        first.partitionCounts = [topic: 3]
        try commit(first)
        _ = try await Loading.run(configuration, options: once, logger: PostgresLoadTests.quiet)
        #expect(try await asOf() == 0, "partition 2 is unknown: the epoch, not +30 s")
        #expect(try await probe.rows("SELECT kafka_partition, CAST(EXTRACT(EPOCH FROM as_of) * 1000 AS BIGINT) FROM millrace_partition_freshness WHERE table_name = 'dim_entities' ORDER BY 1")
            == [["0", "\(start + 30_000)"], ["1", "\(start + 30_000)"], ["2", "0"]])

        // Partition 2 loads its changes (up to +20 s): it now holds the table at +20 s.
        let dump = folder.path("changes.kcat.json")
        try ([try kcatLine(partition: 2, offset: 0, id: 7, sourceMillis: start + 12_000), try kcatLine(partition: 2, offset: 1, id: 8, sourceMillis: start + 20_000)]
            .joined(separator: "\n") + "\n").write(to: dump, atomically: true, encoding: .utf8)
        var replay = WorkerConfiguration()
        replay.schemas.dir = PackagePaths.schemas.path
        var staging = WorkerOptions()
        staging.outputDirectory = folder.path("staging").path
        _ = try FileReplay.run(replay, inputs: [FileReplay.Input(path: dump.path, topic: nil)], options: staging, logger: PostgresLoadTests.quiet)
        _ = try await Loading.run(configuration, options: once, logger: PostgresLoadTests.quiet)
        #expect(try await asOf() == start + 20_000)

        // A record of an earlier build (no partition counts) adds no placeholder.
        var older = heartbeat(start + 40_000, caughtUp: [0, 1, 2], createdAt: start + 41_000)
        older.partitionCounts = [:]
        try commit(older)
        _ = try await Loading.run(configuration, options: once, logger: PostgresLoadTests.quiet)
        #expect(try await asOf() == start + 40_000)
    }
}
