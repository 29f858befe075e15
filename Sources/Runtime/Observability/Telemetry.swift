import Engine
public import Foundation
import Loader
public import Logging
import Prometheus
import Staging
import Synchronization
import Warehouse

/// Counts and logs `TelemetryEvent`s: the single place where metrics are created, each through
/// its `MetricName` (name, type, labels and `# HELP` text come from that catalog).
///
/// Metrics go to a Prometheus registry owned by this instance (so several workers in one test
/// process never share counters); `/metrics` serves `exposition()`, the registry's metrics
/// followed by the process metrics read at that moment.
public final class Telemetry: Sendable {
    private let registry = PrometheusCollectorRegistry()
    /// The logger events are written to.
    public let logger: Logger
    private let ready = Atomic<Bool>(false)
    private let liveness = Mutex(Liveness())
    private let now: @Sendable () -> Date
    private let monotonicMillis: @Sendable () -> Int64

    /// Telemetry logging to `logger`; `now` is the wall clock the timestamp gauges read,
    /// `monotonicMillis` the clock liveness is judged by.
    public init(
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
        monotonicMillis: @escaping @Sendable () -> Int64 = PipelineClock.system.monotonicMillis
    ) {
        self.logger = logger
        self.now = now
        self.monotonicMillis = monotonicMillis
        set(.buildInfo, ["version": Build.version], to: 1)
    }

    /// True once the worker reported itself ready (joined its group and given its assignment,
    /// even an empty one) and until it stops or loses its partitions.
    public var isReady: Bool { ready.load(ordering: .acquiring) }

    /// Whether the worker is alive now, or why not (see `Liveness`).
    public var health: (healthy: Bool, reason: String) {
        liveness.withLock { $0.verdict(nowMillis: monotonicMillis()) }
    }

    /// The Prometheus text exposition of every metric, the process metrics included.
    public func exposition() -> [UInt8] {
        var buffer = registry.emitToBuffer()
        if let process = ProcessMetrics.current() {
            buffer.append(contentsOf: process.exposition().utf8)
        }
        return buffer
    }

    /// Records one event.
    public func emit(_ event: TelemetryEvent) {
        switch event {
        case .batchCommitted(let record, let duration):
            committed(record, durationMillis: duration)
        case .batchAbandoned(let batch, let reason, let fenced):
            count(.batchesAbandoned, ["cause": fenced ? "fenced" : "failed"])
            logger.warning("batch abandoned; its offsets will be consumed again",
                           metadata: ["batch": "\(batch)", "reason": "\(reason)", "fenced": .stringConvertible(fenced)])
        case .partitionsAssigned(let partitions):
            count(.rebalances, ["event": "assigned"])
            logger.info("partitions assigned", metadata: ["partitions": "\(partitions.sorted())"])
        case .partitionsRevoked(let partitions):
            count(.rebalances, ["event": "revoked"])
            removeLag(of: partitions)
            logger.info("partitions revoked", metadata: ["partitions": "\(partitions.sorted())"])
        case .partitionsLost(let partitions):
            count(.rebalances, ["event": "lost"])
            removeLag(of: partitions)
            logger.warning("partitions lost; in-flight work abandoned", metadata: ["partitions": "\(partitions.sorted())"])
        case .recovered(let batches):
            count(.batchesRecovered, by: batches.count)
            logger.notice("committed batches left behind by a stopped worker", metadata: ["batches": "\(batches)"])
        case .unrecordedBatches(let batches):
            count(.unrecordedBatches, by: batches.count)
            logger.error(
                "Kafka names committed batches the staging store has no record of: their rows are not staged; consumption goes on after them",
                metadata: ["batches": "\(batches)"])
        case .batchUncertain(let batch, let committed):
            count(.batchesUncertain, ["outcome": committed ? "committed" : "kept"])
            logger.warning(
                committed
                    ? "a batch's offset commit failed after it was applied; Kafka holds it, so it is committed"
                    : "a batch's offset commit may have been applied; it is kept for the sweep, and its partitions resume from Kafka's committed offsets",
                metadata: ["batch": "\(batch)"])
        case .swept(let committedCount, let abandoned):
            count(.sweepBatches, ["outcome": "committed"], by: committedCount)
            count(.sweepBatches, ["outcome": "abandoned"], by: abandoned)
            if committedCount + abandoned > 0 {
                logger.notice("sweep resolved pending batches",
                    metadata: ["committed": .stringConvertible(committedCount), "abandoned": .stringConvertible(abandoned)])
            }
        case .consumerLag(let reading):
            for (partition, lag) in reading.lags {
                set(.consumerLag, ["topic": partition.topic, "partition": "\(partition.partition)"], to: Double(lag))
            }
            if reading.isComplete { set(.consumerLagLastSuccess, to: now().timeIntervalSince1970) }
        case .retry(let component, let reason):
            count(.retries, ["component": component])
            logger.debug("retrying after a transient fault", metadata: ["component": "\(component)", "reason": "\(reason)"])
        case .s3Request(let operation, let duration, let errorCode):
            observe(.s3RequestDuration, ["operation": operation], value: duration.seconds)
            if let errorCode { count(.s3RequestErrors, ["operation": operation, "code": errorCode]) }
        case .dimensionLoaded(let name, let rows):
            set(.dimensionRows, ["dimension": name], to: Double(rows))
            logger.info("dimension loaded", metadata: ["dimension": "\(name)", "rows": .stringConvertible(rows)])
        case .startedConsuming(let startup):
            var metadata: Logger.Metadata = ["first_records_ms": "\(startup.elapsed(startup.firstRecordsAtMillis) ?? 0)"]
            if let loaded = startup.elapsed(startup.dimensionsLoadedAtMillis) { metadata["dimensions_loaded_ms"] = "\(loaded)" }
            if let joined = startup.elapsed(startup.joinedAtMillis) { metadata["group_joined_ms"] = "\(joined)" }
            if let beyond = startup.beyondJoinMillis { metadata["beyond_join_ms"] = "\(beyond)" }
            logger.info("first records fetched", metadata: metadata)
        case .pipelineProgress(let at, let opened, let bound):
            liveness.withLock { $0.progressed(atMillis: at, batchOpenedAtMillis: opened, boundMillis: bound) }
        case .readiness(let isReady):
            ready.store(isReady, ordering: .releasing)
            set(.ready, to: isReady ? 1 : 0)
        case .loadCycle(let report):
            loaded(report)
        case .loadFailed(let error):
            count(.loadCycleFailures, ["code": "\(error.code)"])
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
        count(.loadCycles)
        observe(.loadCycleDuration, value: report.duration.seconds)
        set(.loadBatchesWaiting, to: Double(report.waiting))
        set(.loadBatchesQuarantined, to: Double(report.quarantinedTotal))
        for load in report.loads {
            count(.loadBatches, ["table": load.table], by: load.batches)
            count(.loadRows, ["table": load.table], by: load.rows)
            count(.loadBytes, ["table": load.table], by: Int(load.bytes))
            logger.info("table loaded", metadata: [
                "table": "\(load.table)", "batches": .stringConvertible(load.batches), "files": .stringConvertible(load.files),
                "rows": .stringConvertible(load.rows), "seconds": .stringConvertible(load.duration.seconds),
            ])
        }
        for quarantine in report.quarantined {
            count(.loadQuarantined, ["table": quarantine.table])
        }
        let oldest = report.oldestUnloaded.map { now().timeIntervalSince1970 - Double($0.createdAtMillis) / 1000 }
        set(.unloadedBatchOldestAge, to: max(0, oldest ?? 0))
        for freshness in report.freshness {
            guard let asOf = freshness.epochSeconds else { continue }
            set(.warehouseDataAsOf, ["table": freshness.table], to: asOf)
        }
        if report.quarantinedTotal > 0 {
            logger.warning("quarantined batches wait in the ledger; fix the cause, then run millrace load --retry-quarantined",
                metadata: ["quarantined": .stringConvertible(report.quarantinedTotal)])
        }
    }

    private func committed(_ record: CommitRecord, durationMillis: Int64) {
        let stats = record.stats
        count(.batchesCommitted)
        count(.recordsConsumed, by: stats.recordsIn)
        count(.duplicatesRemoved, by: stats.duplicatesRemoved)
        count(.heartbeats, by: stats.heartbeats)
        for file in record.files {
            count(.stagedRows, ["table": file.table], by: file.rows)
            count(.stagedBytes, ["table": file.table], by: Int(file.bytes))
            count(.stagedFiles, ["table": file.table])
        }
        for (dimension, misses) in stats.enrichmentMisses {
            count(.enrichmentMisses, ["dimension": dimension], by: misses)
        }
        for (reason, records) in record.deadLetters?.reasons ?? [:] {
            count(.deadLetters, ["reason": reason], by: records)
        }
        for change in record.schemaChanges {
            count(.schemaChanges, ["table": change.table])
        }
        let seconds = Double(durationMillis) / 1000
        observe(.batchDuration, value: seconds)
        set(.lastCommit, to: now().timeIntervalSince1970)
        if let sourceTime = stats.sourceTimeMillis {
            set(.dataAsOf, to: Double(sourceTime) / 1000)
        }
        logger.info("batch committed", metadata: [
            "batch": "\(record.batchID)", "files": .stringConvertible(record.files.count), "rows": .stringConvertible(stats.rowsOut),
            "records": .stringConvertible(stats.recordsIn), "duplicates": .stringConvertible(stats.duplicatesRemoved),
            "dead_letters": .stringConvertible(record.deadLetters?.records ?? 0), "seconds": .stringConvertible(seconds),
        ])
    }

    // MARK: Creating metrics, only from the catalog

    private func count(_ metric: MetricName, _ labels: [String: String] = [:], by amount: Int = 1) {
        guard amount > 0 else { return }
        registry.makeCounter(descriptor: prometheusName(metric), labels: ordered(metric, labels)).increment(by: Int64(amount))
    }

    private func set(_ metric: MetricName, _ labels: [String: String] = [:], to value: Double) {
        registry.makeGauge(descriptor: prometheusName(metric), labels: ordered(metric, labels)).set(value)
    }

    /// Removes the lag series of partitions this worker no longer owns: another worker reports
    /// them now, and a left-over series would count them twice in a `sum()`.
    private func removeLag(of partitions: [SourcePartition]) {
        for partition in partitions {
            registry.unregisterGauge(registry.makeGauge(
                descriptor: prometheusName(.consumerLag), labels: ordered(.consumerLag, ["topic": partition.topic, "partition": "\(partition.partition)"])))
        }
    }

    private func observe(_ metric: MetricName, _ labels: [String: String] = [:], value: Double) {
        registry.makeValueHistogram(descriptor: prometheusName(metric), labels: ordered(metric, labels),
            buckets: metric.descriptor.buckets).record(value)
    }

    private func prometheusName(_ metric: MetricName) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: metric.name, unitName: "", helpText: metric.descriptor.help)
    }

    /// The label pairs in the catalog's order (a family's series must all carry the same names).
    private func ordered(_ metric: MetricName, _ labels: [String: String]) -> [(String, String)] {
        assert(Set(labels.keys) == Set(metric.descriptor.labels), "\(metric.name) takes the labels \(metric.descriptor.labels)")
        return metric.descriptor.labels.map { ($0, labels[$0] ?? "") }
    }
}
