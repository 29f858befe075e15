import Engine
import Loader
import Logging
import Runtime
import Staging
import Testing
import Warehouse

@Suite("Telemetry")
struct TelemetryTests {
    @Test("a committed batch shows up in the Prometheus exposition with its counts")
    func committedBatch() {
        let telemetry = Telemetry(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        var record = CommitRecord(
            batchID: BatchID(createdAtMillis: 1_795_628_520_000, random: 1), state: .committed, worker: "w",
            sources: [], plannedPrefixes: [])
        record.files = [StagedFile(key: "k", table: "fact_entity_values", schemaVersion: 1, hour: "h", rows: 40, bytes: 1000)]
        record.deadLetters = DeadLetterFile(key: "d", records: 3, reasons: ["malformed_json": 2, "bad_base64": 1], bytes: 10)
        record.stats.duplicatesRemoved = 7
        record.stats.sourceTimeMillis = 1_795_628_519_000
        telemetry.emit(.batchCommitted(record, durationMillis: 1200))
        telemetry.emit(.consumerLag([SourcePartition(topic: "t", partition: 3): 42]))
        let text = String(decoding: telemetry.exposition(), as: UTF8.self)
        #expect(text.contains(#"millrace_rows_staged_total{table="fact_entity_values"} 40"#))
        #expect(text.contains(#"millrace_dead_letters_total{reason="malformed_json"} 2"#))
        #expect(text.contains("millrace_duplicates_removed_total 7"))
        #expect(text.contains(#"millrace_kafka_consumer_lag_messages{topic="t",partition="3"} 42.0"#))
        #expect(text.contains("millrace_data_as_of_seconds 1795628519.0"))
        #expect(!telemetry.isReady)
        telemetry.emit(.readiness(true))
        #expect(telemetry.isReady)
    }

    @Test("a load cycle's report shows up as the loader's metrics; a failure counts by code")
    func loadCycle() throws {
        let telemetry = Telemetry(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        var report = CycleReport(lease: .held(LeaseGrant(name: "n", token: 1)))
        report.loads = [CycleReport.TableLoad(table: "dim_entities", batches: 2, files: 3, rows: 40, bytes: 900, duration: .seconds(2))]
        report.waiting = 5
        report.quarantinedTotal = 1
        report.duration = .milliseconds(2500)
        report.freshness = [CycleReport.Freshness(table: "dim_entities", dataAsOf: "x", frozen: false, epochSeconds: 1_795_628_400)]
        telemetry.emit(.loadCycle(report))
        telemetry.emit(.loadFailed(LoaderError(.connection, "gone")))
        let text = String(decoding: telemetry.exposition(), as: UTF8.self)
        #expect(text.contains(#"millrace_load_rows_total{table="dim_entities"} 40"#))
        #expect(text.contains(#"millrace_load_batches_total{table="dim_entities"} 2"#))
        #expect(text.contains("millrace_load_batches_waiting 5.0"))
        #expect(text.contains("millrace_load_batches_quarantined 1.0"))
        #expect(text.contains("millrace_load_cycle_duration_seconds 2.5"))
        #expect(text.contains(#"millrace_warehouse_data_as_of_timestamp_seconds{table="dim_entities"} 1795628400.0"#))
        #expect(text.contains(#"millrace_warehouse_lag_seconds{table="dim_entities"}"#))
        #expect(text.contains(#"millrace_load_cycle_failures_total{code="connection"} 1"#))
    }
}
