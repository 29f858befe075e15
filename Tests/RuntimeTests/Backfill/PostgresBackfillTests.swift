import Catalog
import Foundation
import LoadGen
import Logging
import MillraceTesting
import Runtime
import Staging
import Synchronization
import Testing

/// `--source postgres` against the real PostgreSQL server of scripts/test-servers.py: the source
/// table holds the rows of generated Debezium changes spread over five days (loaded by
/// scripts/testing/pg_backfill_source.py from what the live path staged for those changes); a
/// backfill of two of the days must stage exactly those rows, each equal to the live row of the
/// same key and version; loaded by the loader (the backfill alone, then with the live batches,
/// in both orders), the warehouse holds exactly the oracle's facts, each once: a backfilled
/// snapshot read and the live change of its key and version are one row.
@Suite("Postgres backfill", .serialized)
struct PostgresBackfillTests {
    static let quiet = Logger(label: "test.backfill", factory: { _ in SwiftLogNoOpLogHandler() })

    static let day: Int64 = 86_400_000
    static let start: Int64 = 1_793_491_200_000  // 2026-11-01T00:00:00Z

    /// The source of a test: 1,200 generated changes over five days of event time, as the
    /// connector would have sent them (a kcat dump), staged by the live path into `live`, and a
    /// fresh source table holding their rows; the configuration reads it for `fact_entity_values`.
    static func source(_ fixture: PipelineFixture, _ servers: TestServers) async throws
        -> (configuration: WorkerConfiguration, dump: String, live: String, relation: String)
    {
        var settings = LoadGenConfiguration()
        settings.seed = 41
        settings.count = 1_200
        settings.partitions = 2
        settings.entities = 200
        settings.attributes = 20
        settings.duplicateRate = 0
        settings.deleteRate = 0
        settings.malformedRate = 0
        settings.topics = [.entityValues]
        settings.startMs = start
        settings.rate = 1_200.0 / Double(5 * day / 1000)
        let generator = try LoadGenerator(catalog: try Catalog.load(directory: PackagePaths.schemas.path), configuration: settings)
        let dump = fixture.output.path("changes.kcat").path
        let sink = try FileRecordSink(path: dump, format: .kcat)
        _ = try await LoadRunner.run(generator, into: sink)
        var configuration = fixture.configuration(group: "live")
        configuration.kafka.topics = ["postgres.eav.entity_values_ts"]
        let live = fixture.output.path("live").path
        var options = WorkerOptions()
        options.outputDirectory = live
        _ = try FileReplay.run(configuration, inputs: [FileReplay.Input(path: dump, topic: nil)], options: options, logger: Self.quiet)

        let relation = "bf_\(UInt32.random(in: 0...UInt32.max)).entity_values_ts"
        let filled = try await Subprocess.run(["python3", script, "fill", "--pg", servers.postgresURL, "--relation", relation, "--staging", live])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(filled.output.utf8)) as? [String: Int])["rows"]
        #expect(rows == 1_200)
        configuration.backfill.sourceTables = ["fact_entity_values": relation]
        return (configuration, dump, live, relation)
    }

    static let script = PackagePaths.root.appendingPathComponent("scripts/testing/pg_backfill_source.py").path

    @Test("a backfill of two days of a five-day table stages exactly those rows, as snapshot reads equal to the live changes, and resumes to nothing")
    func twoDaysOfFive() async throws {
        let servers = try TestServers.require()
        let fixture = try PipelineFixture(partitions: 2)
        let (start, day, script) = (Self.start, Self.day, Self.script)
        var (configuration, dump, live, _) = try await Self.source(fixture, servers)
        configuration.backfill.chunkRows = 64
        configuration.pipeline.maxBatchRows = 150
        var backfill = Backfill.Options()
        backfill.range = try BackfillRange(fromMillis: start + day, toMillis: start + 3 * day)
        backfill.source = .postgres(url: servers.postgresURL)
        backfill.worker.outputDirectory = fixture.output.path("backfill").path
        backfill.progress = .silent
        let (settled, request) = (configuration, backfill)
        let outcome = try await Self.offPool { try Backfill.run(settled, options: request, logger: Self.quiet) }
        #expect(outcome.complete)
        #expect(outcome.summary.batches >= 2, "the range spans several batches")

        let compared = try await Subprocess.run([
            "python3", script, "compare", "--live", live, "--backfill", fixture.output.path("backfill").path, "--from", "\(start + day)",
            "--to", "\(start + 3 * day)",
        ])
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(compared.output.utf8)) as? [String: Any], "\(compared.output)")
        let expected = (answer["expected"] as? [[Int]] ?? []).map { $0.map(Int64.init) }
        let backfilled = (answer["backfilled"] as? [[Int]] ?? []).map { $0.map(Int64.init) }
        #expect(expected.count > 300 && expected.count < 700, "about two fifths of the rows: \(expected.count)")
        #expect(backfilled.count == Set(backfilled).count, "a row staged twice")
        #expect(Set(backfilled) == Set(expected), "backfilled \(backfilled.count) rows, expected \(expected.count)")
        #expect(answer["different"] as? [String] == [], "\(answer["different"] ?? "")")
        #expect(answer["ops"] as? [String] == ["r"], "shaped like Debezium snapshot reads")
        #expect(answer["without_lsn"] as? Int == 0, "every read carries the WAL position it was read at")
        #expect(outcome.summary.records == expected.count)

        // The same command again resumes after the last committed row: nothing more to stage.
        let again = try await Self.offPool { try Backfill.run(settled, options: request, logger: Self.quiet) }
        #expect(again.complete && again.summary.batches == 0 && again.summary.records == 0)

        // The warehouse, loaded by the loader in both orders. The backfill alone holds exactly
        // the two days' facts with their source values, as the oracle computes them from the
        // generated changes; with the live batches too, every change of the five days once: a
        // backfilled snapshot read and the live change of its key and version are one row.
        let days = (start + day)..<(start + 3 * day)
        let liveRecords = try PipelineFixture.committedRecords(in: URL(fileURLWithPath: live))
        let backfillRecords = try PipelineFixture.committedRecords(in: fixture.output.path("backfill"))
        let backfillFirst = BackfillWarehouse(servers, prefix: "bfpg")
        try await backfillFirst.load(fixture.output.path("backfill").path)
        BackfillWarehouse.expectFacts(try await backfillFirst.oracle(dump: dump, facts: days), count: expected.count, "the backfill alone")
        try await backfillFirst.expectLedger(backfillRecords, "the backfill alone")
        try await backfillFirst.load(live)
        BackfillWarehouse.expectFacts(try await backfillFirst.oracle(dump: dump), count: 1_200, "the backfill, then the live batches")
        try await backfillFirst.expectLedger(backfillRecords + liveRecords, "the backfill, then the live batches")
        let liveFirst = BackfillWarehouse(servers, prefix: "bfpg")
        try await liveFirst.load(live)
        try await liveFirst.load(fixture.output.path("backfill").path)
        BackfillWarehouse.expectFacts(try await liveFirst.oracle(dump: dump), count: 1_200, "the live batches, then the backfill")
        try await liveFirst.expectLedger(backfillRecords + liveRecords, "the live batches, then the backfill")
        #expect(try await backfillFirst.factDigest() == liveFirst.factDigest(), "the load order changed the facts")
    }

    @Test("a transaction open when the backfill starts is waited for: its change is read, and the reads are stamped after it, never after a change they missed")
    func waitsForOpenTransactions() async throws {
        let servers = try TestServers.require()
        let fixture = try PipelineFixture(partitions: 2)
        var (configuration, _, _, relation) = try await Self.source(fixture, servers)
        let range = try BackfillRange(fromMillis: Self.start + Self.day, toMillis: Self.start + 2 * Self.day)
        let probe = PostgresProbe(url: servers.postgresURL, schema: "public")
        let key = try #require(try await probe.rows(
            "SELECT entity_id, version FROM \(relation) WHERE ingested_at >= to_timestamp(\(range.fromMillis) / 1000.0) "
                + "AND ingested_at < to_timestamp(\(range.toMillis) / 1000.0) ORDER BY 1, 2 LIMIT 1").first)
        // A session changes a row of the range and leaves its transaction open: its change's WAL
        // record (the LSN Debezium would stamp it with) lies before anything the backfill reads.
        let session = try OpenTransaction(
            url: servers.postgresURL,
            sql: "BEGIN; UPDATE \(relation) SET value = 'changed in flight' WHERE entity_id = \(key[0]) AND version = \(key[1]); "
                + "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint;")
        defer { session.end() }
        let changedBefore = try #require(Int64(try await Self.offPool { try session.firstLine() }))

        configuration.backfill.chunkRows = 64
        var backfill = Backfill.Options()
        backfill.range = range
        backfill.source = .postgres(url: servers.postgresURL)
        backfill.worker.outputDirectory = fixture.output.path("backfill").path
        backfill.progress = .silent
        let (settled, request) = (configuration, backfill)
        let finished = Flag()
        let running = Task {
            defer { finished.value.store(true, ordering: .relaxed) }
            return try await Self.offPool { try Backfill.run(settled, options: request, logger: Self.quiet) }
        }
        // The backfill waits for the transaction before reading anything: its session is seen
        // polling for the transaction's end (pg_stat_activity keeps an idle session's last
        // query), and it cannot finish first, whatever the machine's speed.
        let deadline = ContinuousClock.now + .seconds(120)
        var waiting = false
        while !waiting && !finished.value.load(ordering: .relaxed) && ContinuousClock.now < deadline {
            waiting = try await probe.value(
                "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%transactionid = ANY($1::xid[])%'") != "0"
            if !waiting { try await Task.sleep(for: .milliseconds(50)) }
        }
        let finishedEarly = finished.value.load(ordering: .relaxed)
        #expect(waiting && !finishedEarly, "the backfill read the table without waiting for a transaction open before it started")
        try session.commit()
        let outcome = try await running.value
        #expect(outcome.complete && outcome.summary.records > 0)

        let staged = try await Subprocess.python("""
            import glob, json, sys, pyarrow.parquet as pq
            rows = []
            for path in glob.glob(sys.argv[1] + "/**/fact_entity_values/**/*.parquet", recursive=True):
                rows += pq.read_table(path, columns=["entity_id", "version", "value", "_lsn"]).to_pylist()
            print(json.dumps([r for r in rows if r["entity_id"] == int(sys.argv[2]) and r["version"] == int(sys.argv[3])]))
            """, arguments: [fixture.output.path("backfill").path, key[0], key[1]])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(staged.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["value"] as? String == "changed in flight", "the read missed a change committed before it")
        let stamped = (rows.first?["_lsn"] as? NSNumber)?.int64Value ?? -1
        #expect(stamped >= changedBefore, "the read (LSN \(stamped)) is stamped before a change it holds (\(changedBefore))")
    }

    /// Runs `body` on its own thread: a backfill blocks while it reads.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}

/// A flag set from another task.
final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}

/// A psql session holding a transaction open: it runs `sql` (ending in a query whose first line
/// the test reads) and commits only when told.
final class OpenTransaction: Sendable {
    private let process: Process
    private let input: Pipe
    private let output: Pipe

    init(url: String, sql: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        input = Pipe()
        output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data((sql + "\n").utf8))
    }

    /// The first line psql prints (blocks until it does).
    func firstLine() throws -> String {
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw CocoaError(.fileReadUnknown) }
            text += String(decoding: chunk, as: UTF8.self)
        }
        return String(text.prefix { $0 != "\n" }).trimmingCharacters(in: .whitespaces)
    }

    /// Commits and ends the session.
    func commit() throws {
        input.fileHandleForWriting.write(Data("COMMIT;\n".utf8))
        end()
    }

    /// Ends the session (an open transaction rolls back).
    func end() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
