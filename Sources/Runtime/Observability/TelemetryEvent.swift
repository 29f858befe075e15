import Engine
public import Loader
public import Staging

/// Everything the worker reports as metrics, as named events. `Telemetry` turns each into its
/// metrics and a log line in one place, so no component creates a metric of its own (components
/// log their own warnings through the telemetry's logger).
public enum TelemetryEvent: Sendable {
    /// A batch was committed (its record lists files, rows, dead letters and counters).
    case batchCommitted(CommitRecord, durationMillis: Int64)
    /// A batch was abandoned before its fence commit; nothing of it is loaded. `fenced` tells a
    /// lost partition (a rebalance) from a failure.
    case batchAbandoned(BatchID, reason: String, fenced: Bool)
    /// Partitions were assigned to this worker.
    case partitionsAssigned([SourcePartition])
    /// Partitions were revoked cleanly (in-flight work committed first).
    case partitionsRevoked([SourcePartition])
    /// Partitions were lost without a clean revoke (in-flight work abandoned).
    case partitionsLost([SourcePartition])
    /// Batches whose worker died after their fence were committed by this worker.
    case recovered([BatchID])
    /// Kafka names these batches as committed, and the staging store holds no record of them:
    /// their rows are not staged (records expired or deleted, or a fault lost them). An alert:
    /// consumption goes on after them, since their offsets are committed.
    case unrecordedBatches([BatchID])
    /// A batch's fence failed after an attempt that may have been applied. Kafka was read:
    /// `committed` when it holds the batch (finished), else the batch stays pending for the
    /// sweep and its partitions resume from Kafka's committed offsets.
    case batchUncertain(BatchID, committed: Bool)
    /// The sweep resolved old pending batches.
    case swept(committed: Int, abandoned: Int)
    /// Consumer lag (messages) per assigned partition, from librdkafka's statistics.
    case consumerLag(ConsumerLagReading)
    /// A transient fault was retried.
    case retry(component: String, reason: String)
    /// An S3 request finished after its retries; `errorCode` is nil when it succeeded.
    case s3Request(operation: String, duration: Duration, errorCode: String?)
    /// A dimension was (re)loaded.
    case dimensionLoaded(name: String, rows: Int)
    /// The worker fetched its first records: how long the dimensions, the group join and the
    /// first fetch took from the start.
    case startedConsuming(StartupTimeline)
    /// The worker's readiness changed.
    case readiness(Bool)
    /// The pipeline loop advanced (monotonic ms), with a batch open since `batchOpenedAtMillis`
    /// (nil: none); the worker is unhealthy past `boundMillis` without either moving on.
    case pipelineProgress(atMillis: Int64, batchOpenedAtMillis: Int64?, boundMillis: Int64)
    /// A load cycle ended (it may have found the lease held elsewhere).
    case loadCycle(CycleReport)
    /// A load cycle failed; the next one retries after a backoff.
    case loadFailed(LoaderError)
}
