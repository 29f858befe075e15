import AWS
import Catalog
import Foundation
import LoadGen
import Loader
import Logging
import MillraceTesting
import Runtime
import Staging
import Testing

/// The whole pipeline on real parts: librdkafka's mock cluster → the worker → S3 (moto, every
/// signature verified) → the loader reading the staged files back from S3 → PostgreSQL. The
/// warehouse is compared with what an independent oracle computes from the produced records,
/// and the facts' enrichment with the attribute snapshot the worker read.
@Suite("End to end: mock Kafka → worker → S3 → loader → PostgreSQL", .serialized)
struct KafkaToWarehouseTests {
    @Test("every change once in the warehouse, deletes applied, enriched from the snapshot, the evolved column added")
    func kafkaToWarehouse() async throws {
        let servers = try TestServers.require()
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 2000, seed: 61) { settings in
            settings.duplicateRate = 0.05
            settings.deleteRate = 0.03
            settings.unchangedToastRate = 0.2
            settings.addColumnAt = 1000
        }
        let run = try await fixture.s3Run(servers, group: "kafka-warehouse")
        var configuration = run.configuration
        configuration.pipeline.maxBatchRows = 500
        configuration.dimensions["dim_attributes"] = SnapshotDimensionSettings(snapshot: fixture.attributesSnapshot.path)
        let quiet = PostgresLoadTests.quiet
        try await Worker.run(configuration, options: run.options, logger: quiet)

        let schema = PostgresProbe.uniqueSchema("e2e")
        configuration.warehouse.dialect = .postgres
        configuration.warehouse.url = servers.postgresURL
        configuration.warehouse.schema = schema
        var options = Loading.Options()
        options.once = true
        options.environment = run.options.environment
        let reports = try await Loading.run(configuration, options: options, logger: quiet)
        #expect(reports.last?.heldLease == true && reports.last?.quarantinedTotal == 0)

        // The produced records as a kcat dump, for the oracle (it reads topics, keys and values).
        let dump = fixture.output.path("produced.kcat.json").path
        let sink = try FileRecordSink(path: dump, format: .kcat)
        for record in fixture.produced { try await sink.write(record) }
        try await sink.finish()
        PostgresLoadTests.expectExact(try await PostgresLoadTests.oracle(servers, schema: schema, dump: dump))

        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        // Enrichment: every fact names its attribute as the snapshot does.
        let snapshot = try await Subprocess.python("""
            import csv, json, sys
            print(json.dumps({row["attribute_id"]: row["name"] for row in csv.DictReader(open(sys.argv[1], newline=""))}))
            """, arguments: [fixture.attributesSnapshot.path])
        let names = try #require(try JSONSerialization.jsonObject(with: Data(snapshot.utf8)) as? [String: String])
        let enriched = try await probe.rows("SELECT DISTINCT attribute_id, attribute_name FROM fact_entity_values")
        #expect(!enriched.isEmpty)
        for row in enriched { #expect(names[row[0]] == row[1], "attribute \(row[0]) is named \(row[1])") }
        #expect(try await probe.value("SELECT count(*) FROM fact_entity_values WHERE confidence IS NOT NULL") != "0",
                "the column added mid-stream carries values")
        #expect(try await probe.value("SELECT count(*) FROM millrace_load_ledger WHERE state <> 'loaded'") == "0")
    }
}

/// `millrace run` hosting the loader as another service (`warehouse.load_in_worker`).
@Suite("The loader inside the worker", .serialized)
struct LoaderInWorkerTests {
    @Test("the worker's own loader loads every committed batch while the worker runs, then stops with it")
    func loaderInWorker() async throws {
        let servers = try TestServers.require()
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 1200, seed: 71) { settings in settings.deleteRate = 0.03 }
        var configuration = fixture.configuration(group: "loader-in-worker")
        configuration.dimensions["dim_attributes"] = SnapshotDimensionSettings(snapshot: fixture.attributesSnapshot.path)
        let schema = PostgresProbe.uniqueSchema("inworker")
        configuration.warehouse.dialect = .postgres
        configuration.warehouse.url = servers.postgresURL
        configuration.warehouse.schema = schema
        configuration.warehouse.loadInWorker = true
        configuration.warehouse.loadInterval = .seconds(1)
        var options = WorkerOptions()
        options.outputDirectory = fixture.output.url.path
        options.servesHealth = false
        let worker = Task { try await Worker.run(configuration, options: options, logger: PostgresLoadTests.quiet) }
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        // Generous: a loaded machine converges slowly, and only convergence is asserted.
        let deadline = ContinuousClock.now + .seconds(180)
        while true {
            let records = (try? PipelineFixture.committedRecords(in: fixture.output.url)) ?? []
            if records.reduce(0, { $0 + $1.stats.recordsIn }) == fixture.produced.count {
                let expected = records.reduce(0) { $0 + Set($1.files.map(\.table)).count }
                if let rows = try? await probe.value("SELECT count(*) FROM millrace_load_ledger"), Int(rows) == expected { break }
            }
            guard ContinuousClock.now < deadline else {
                Issue.record("waited 180 s for the worker's loader to load every committed batch of every produced record")
                break
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        worker.cancel()
        _ = await worker.result
        let dump = fixture.output.path("produced.kcat.json").path
        let sink = try FileRecordSink(path: dump, format: .kcat)
        for record in fixture.produced { try await sink.write(record) }
        try await sink.finish()
        PostgresLoadTests.expectExact(try await PostgresLoadTests.oracle(servers, schema: schema, dump: dump))
        #expect(try await probe.value("SELECT count(*) FROM millrace_lease WHERE expires_at > CURRENT_TIMESTAMP") == "0",
                "the lease is given up when the worker stops")
    }
}
