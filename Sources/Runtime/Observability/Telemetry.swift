import CoreMetrics
import Engine
public import Logging
import Prometheus
import Staging
import Synchronization

/// Counts and logs `TelemetryEvent`s: the single place where metrics are named.
///
/// Metrics go to a Prometheus registry owned by this instance (through swift-metrics with an
/// explicit factory, so several workers in one test process never share counters); `/metrics`
/// serves `exposition()`.
public final class Telemetry: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    /// The logger events are written to.
    public let logger: Logger
    private let ready = Atomic<Bool>(false)

    /// Telemetry logging to `logger`.
    public init(logger: Logger) {
        self.logger = logger
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// True once the worker reported itself ready.
    public var isReady: Bool { ready.load(ordering: .acquiring) }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// Records one event.
    public func emit(_ event: TelemetryEvent) {
        switch event {
        case .batchCommitted(let record, let duration):
            committed(record, durationMillis: duration)
        case .batchAbandoned(let batch, let reason, let fenced):
            count("millrace_batches_abandoned_total", ["cause": fenced ? "fenced" : "failed"])
            logger.warning("batch abandoned; its offsets will be consumed again",
                           metadata: ["batch": "\(batch)", "reason": "\(reason)", "fenced": "\(fenced)"])
        case .partitionsAssigned(let partitions):
            count("millrace_rebalances_total", ["event": "assigned"])
            logger.info("partitions assigned", metadata: ["partitions": "\(partitions.sorted())"])
        case .partitionsRevoked(let partitions):
            count("millrace_rebalances_total", ["event": "revoked"])
            logger.info("partitions revoked", metadata: ["partitions": "\(partitions.sorted())"])
        case .partitionsLost(let partitions):
            count("millrace_rebalances_total", ["event": "lost"])
            logger.warning("partitions lost; in-flight work abandoned", metadata: ["partitions": "\(partitions.sorted())"])
        case .recovered(let batches):
            count("millrace_batches_recovered_total", [:], by: batches.count)
            logger.notice("committed batches left behind by a stopped worker", metadata: ["batches": "\(batches)"])
        case .unrecordedBatches(let batches):
            count("millrace_unrecorded_batches_total", [:], by: batches.count)
            logger.error(
                "Kafka names committed batches the staging store has no record of: their rows are not staged; consumption goes on after them",
                metadata: ["batches": "\(batches)"])
        case .batchUncertain(let batch, let committed):
            count("millrace_batches_uncertain_total", ["outcome": committed ? "committed" : "kept"])
            logger.warning(
                committed
                    ? "a batch's offset commit failed after it was applied; Kafka holds it, so it is committed"
                    : "a batch's offset commit may have been applied; it is kept for the sweep, and its partitions resume from Kafka's committed offsets",
                metadata: ["batch": "\(batch)"])
        case .swept(let committedCount, let abandoned):
            count("millrace_sweep_batches_total", ["outcome": "committed"], by: committedCount)
            count("millrace_sweep_batches_total", ["outcome": "abandoned"], by: abandoned)
            if committedCount + abandoned > 0 {
                logger.notice("sweep resolved pending batches", metadata: ["committed": "\(committedCount)", "abandoned": "\(abandoned)"])
            }
        case .consumerLag(let lags):
            for (partition, lag) in lags {
                Gauge(label: "millrace_kafka_consumer_lag_messages",
                      dimensions: [("topic", partition.topic), ("partition", "\(partition.partition)")], factory: factory)
                    .record(Double(lag))
            }
        case .retry(let component, let reason):
            count("millrace_retries_total", ["component": component])
            logger.debug("retrying after a transient fault", metadata: ["component": "\(component)", "reason": "\(reason)"])
        case .dimensionLoaded(let name, let rows):
            Gauge(label: "millrace_dimension_rows", dimensions: [("dimension", name)], factory: factory).record(Double(rows))
            logger.info("dimension loaded", metadata: ["dimension": "\(name)", "rows": "\(rows)"])
        case .readiness(let isReady):
            ready.store(isReady, ordering: .releasing)
            Gauge(label: "millrace_ready", factory: factory).record(isReady ? 1 : 0)
        }
    }

    private func committed(_ record: CommitRecord, durationMillis: Int64) {
        let stats = record.stats
        count("millrace_batches_committed_total", [:])
        count("millrace_records_consumed_total", [:], by: stats.recordsIn)
        count("millrace_duplicates_removed_total", [:], by: stats.duplicatesRemoved)
        count("millrace_heartbeats_total", [:], by: stats.heartbeats)
        for file in record.files {
            count("millrace_rows_staged_total", ["table": file.table], by: file.rows)
            count("millrace_bytes_staged_total", ["table": file.table], by: Int(file.bytes))
            count("millrace_files_staged_total", ["table": file.table])
        }
        for (dimension, misses) in stats.enrichmentMisses {
            count("millrace_enrichment_misses_total", ["dimension": dimension], by: misses)
        }
        for (reason, records) in record.deadLetters?.reasons ?? [:] {
            count("millrace_dead_letters_total", ["reason": reason], by: records)
        }
        for change in record.schemaChanges {
            count("millrace_schema_changes_total", ["table": change.table])
        }
        Timer(label: "millrace_batch_duration", factory: factory).recordMilliseconds(durationMillis)
        if let sourceTime = stats.sourceTimeMillis {
            Gauge(label: "millrace_data_as_of_seconds", factory: factory).record(Double(sourceTime) / 1000)
        }
        logger.info("batch committed", metadata: [
            "batch": "\(record.batchID)", "files": "\(record.files.count)", "rows": "\(stats.rowsOut)",
            "records": "\(stats.recordsIn)", "duplicates": "\(stats.duplicatesRemoved)",
            "dead_letters": "\(record.deadLetters?.records ?? 0)", "ms": "\(durationMillis)",
        ])
    }

    private func count(_ name: String, _ dimensions: [String: String], by amount: Int = 1) {
        guard amount > 0 else { return }
        Counter(label: name, dimensions: dimensions.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, factory: factory)
            .increment(by: amount)
    }
}
