import CoreMetrics
import Engine
import Foundation
import Loader
public import Logging
import Prometheus
import Staging
import Synchronization
import Warehouse

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
        case .loadCycle(let report):
            loaded(report)
        case .loadFailed(let error):
            count("millrace_load_cycle_failures_total", ["code": "\(error.code)"])
            logger.error("load cycle failed; retrying after a backoff", metadata: ["error": "\(error)"])
        }
    }

    private func loaded(_ report: CycleReport) {
        guard report.heldLease else {
            if case .heldElsewhere(holder: let holder, until: let until) = report.lease {
                logger.info("another loader holds the lease; waiting", metadata: ["holder": "\(holder)", "until": "\(until)"])
            }
            return
        }
        count("millrace_load_cycles_total", [:])
        Gauge(label: "millrace_load_cycle_duration_seconds", factory: factory).record(report.duration.seconds)
        Gauge(label: "millrace_load_batches_waiting", factory: factory).record(Double(report.waiting))
        Gauge(label: "millrace_load_batches_quarantined", factory: factory).record(Double(report.quarantinedTotal))
        for load in report.loads {
            count("millrace_load_batches_total", ["table": load.table], by: load.batches)
            count("millrace_load_rows_total", ["table": load.table], by: load.rows)
            count("millrace_load_bytes_total", ["table": load.table], by: Int(load.bytes))
            logger.info("table loaded", metadata: [
                "table": "\(load.table)", "batches": "\(load.batches)", "files": "\(load.files)", "rows": "\(load.rows)",
                "seconds": "\(load.duration.seconds)",
            ])
        }
        for quarantine in report.quarantined {
            count("millrace_load_quarantined_total", ["table": quarantine.table])
        }
        let now = Date().timeIntervalSince1970
        for freshness in report.freshness {
            guard let asOf = freshness.epochSeconds else { continue }
            Gauge(label: "millrace_warehouse_data_as_of_timestamp_seconds", dimensions: [("table", freshness.table)], factory: factory)
                .record(asOf)
            Gauge(label: "millrace_warehouse_lag_seconds", dimensions: [("table", freshness.table)], factory: factory).record(max(0, now - asOf))
        }
        if report.quarantinedTotal > 0 {
            logger.warning("quarantined batches wait in the ledger; fix the cause, then run millrace load --retry-quarantined",
                metadata: ["quarantined": "\(report.quarantinedTotal)"])
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
