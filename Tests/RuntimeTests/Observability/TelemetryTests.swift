import Engine
import Logging
import Runtime
import Staging
import Testing

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

    @Test("batches Kafka names with no record raise the unrecorded counter and an error log")
    func unrecordedAlert() {
        let lines = LogLines()
        let telemetry = Telemetry(logger: Logger(label: "test") { _ in LogLines.Handler(lines: lines) })
        let batches = [BatchID(createdAtMillis: 1_795_628_520_000, random: 1), BatchID(createdAtMillis: 1_795_628_520_001, random: 2)]
        telemetry.emit(.unrecordedBatches(batches))
        let text = String(decoding: telemetry.exposition(), as: UTF8.self)
        #expect(text.contains("millrace_unrecorded_batches_total 2"), "\(text)")
        #expect(lines.all.contains { $0.level == .error && $0.text.contains(batches[1].rawValue) })
        telemetry.emit(.batchUncertain(batches[0], committed: false))
        #expect(String(decoding: telemetry.exposition(), as: UTF8.self).contains(#"millrace_batches_uncertain_total{outcome="kept"} 1"#))
    }
}
