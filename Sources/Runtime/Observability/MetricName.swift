/// Every metric Millrace exports, the one catalog of them: name, type, labels, unit and meaning.
///
/// `Telemetry` creates metrics only through these cases (its helpers take a `MetricName`, never
/// a string), the process metrics are rendered from them too, and `docs/METRICS.md` is checked
/// against `allCases` by a test, so the code, the exposition and the documentation cannot
/// disagree. Names follow the Prometheus conventions ("Metric and label naming"): a `millrace_`
/// prefix, base units (seconds, bytes) spelled in the name, `_total` on counters,
/// `_timestamp_seconds` on Unix times; the `process_*` names are the ones every Prometheus
/// client library uses for the same values.
public enum MetricName: String, CaseIterable, Sendable {
    // MARK: The worker's batches
    case batchesCommitted = "millrace_batches_committed_total"
    case batchesAbandoned = "millrace_batches_abandoned_total"
    case batchesRecovered = "millrace_batches_recovered_total"
    case unrecordedBatches = "millrace_unrecorded_batches_total"
    case batchesUncertain = "millrace_batches_uncertain_total"
    case sweepBatches = "millrace_sweep_batches_total"
    case batchDuration = "millrace_batch_duration_seconds"
    case lastCommit = "millrace_last_commit_timestamp_seconds"
    case dataAsOf = "millrace_data_as_of_timestamp_seconds"
    case recordsConsumed = "millrace_records_consumed_total"
    case duplicatesRemoved = "millrace_duplicates_removed_total"
    case heartbeats = "millrace_heartbeats_total"
    case stagedRows = "millrace_staged_rows_total"
    case stagedBytes = "millrace_staged_bytes_total"
    case stagedFiles = "millrace_staged_files_total"
    case enrichmentMisses = "millrace_enrichment_misses_total"
    case deadLetters = "millrace_dead_letters_total"
    case schemaChanges = "millrace_schema_changes_total"
    case dimensionRows = "millrace_dimension_rows"

    // MARK: Kafka
    case rebalances = "millrace_rebalances_total"
    case consumerLag = "millrace_consumer_lag_messages"
    case consumerLagLastSuccess = "millrace_consumer_lag_last_success_timestamp_seconds"

    // MARK: Faults and AWS
    case retries = "millrace_retries_total"
    case s3RequestDuration = "millrace_s3_request_duration_seconds"
    case s3RequestErrors = "millrace_s3_request_errors_total"

    // MARK: The loader
    case loadCycles = "millrace_load_cycles_total"
    case loadCycleFailures = "millrace_load_cycle_failures_total"
    case loadCycleDuration = "millrace_load_cycle_duration_seconds"
    case loadBatchesWaiting = "millrace_load_batches_waiting"
    case loadBatchesQuarantined = "millrace_load_batches_quarantined"
    case loadBatches = "millrace_load_batches_total"
    case loadRows = "millrace_load_rows_total"
    case loadBytes = "millrace_load_bytes_total"
    case loadQuarantined = "millrace_load_quarantined_total"
    case warehouseDataAsOf = "millrace_warehouse_data_as_of_timestamp_seconds"
    case unloadedBatchOldestAge = "millrace_unloaded_batch_oldest_age_seconds"

    // MARK: The process
    case ready = "millrace_ready"
    case buildInfo = "millrace_build_info"
    case residentMemory = "process_resident_memory_bytes"
    case virtualMemory = "process_virtual_memory_bytes"
    case cpuSeconds = "process_cpu_seconds_total"
    case startTime = "process_start_time_seconds"
    case openFDs = "process_open_fds"
    case maxFDs = "process_max_fds"

    /// The exposition name.
    public var name: String { rawValue }

    /// The metric's type, labels, unit and help text.
    public var descriptor: MetricDescriptor {
        switch self {
        case .batchesCommitted:
            .counter("Batches committed: their files staged, their commit record written and their Kafka offsets fenced.")
        case .batchesAbandoned:
            .counter("Batches abandoned before their fence commit; their records are consumed again. cause: fenced (a rebalance) or failed.",
                labels: ["cause"])
        case .batchesRecovered:
            .counter("Committed batches left behind by a stopped worker and finished by this one.")
        case .unrecordedBatches:
            .counter("Batches Kafka's committed offsets name that have no record in the staging store: their rows are not staged (alert).")
        case .batchesUncertain:
            .counter("Batches whose offset commit failed after it may have reached the coordinator. outcome: committed (Kafka holds it) or kept (for recover and the sweep).",
                labels: ["outcome"])
        case .sweepBatches:
            .counter("Old pending batches the sweep resolved. outcome: committed or abandoned.", labels: ["outcome"])
        case .batchDuration:
            .histogram("Time to flush and commit one batch: encode Parquet, upload, write the commit record, fence the offsets.",
                unit: "seconds", buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120])
        case .lastCommit:
            .gauge("When this worker last committed a batch (Unix time).", unit: "seconds")
        case .dataAsOf:
            .gauge("Source time of the newest record in the last committed batch (Unix time): how current the staged data is.",
                unit: "seconds")
        case .recordsConsumed:
            .counter("Kafka records consumed into committed batches (heartbeats and dead letters included).", unit: "records")
        case .duplicatesRemoved:
            .counter("Rows dropped within a batch because a newer version of the same key was in it.", unit: "rows")
        case .heartbeats:
            .counter("Debezium heartbeat records consumed.", unit: "records")
        case .stagedRows:
            .counter("Rows written to staged Parquet files, by target table.", labels: ["table"], unit: "rows")
        case .stagedBytes:
            .counter("Bytes of staged Parquet files, by target table.", labels: ["table"], unit: "bytes")
        case .stagedFiles:
            .counter("Staged Parquet files, by target table.", labels: ["table"], unit: "files")
        case .enrichmentMisses:
            .counter("Rows whose dimension lookup found no entry, by dimension.", labels: ["dimension"], unit: "rows")
        case .deadLetters:
            .counter("Records sent to the dead-letter queue, by reason.", labels: ["reason"], unit: "records")
        case .schemaChanges:
            .counter("Schema changes applied to a table's staged schema.", labels: ["table"])
        case .dimensionRows:
            .gauge("Rows held in memory for a dimension after its last (re)load.", labels: ["dimension"], unit: "rows")
        case .rebalances:
            .counter("Consumer-group rebalance events seen by this worker. event: assigned, revoked or lost.", labels: ["event"])
        case .consumerLag:
            .gauge("Messages between the partition's high watermark and this group's committed offset, per owned partition.",
                labels: ["topic", "partition"], unit: "messages")
        case .consumerLagLastSuccess:
            .gauge("When the consumer lag was last read successfully (Unix time): the age of the last successful lag reading.",
                unit: "seconds")
        case .retries:
            .counter("Transient faults retried. component: s3, redshift-data or kafka-commit.", labels: ["component"])
        case .s3RequestDuration:
            .histogram("S3 request time by operation, every attempt and backoff delay included.", labels: ["operation"],
                unit: "seconds", buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
        case .s3RequestErrors:
            .counter("S3 requests that failed after their retries, by operation and error code.", labels: ["operation", "code"])
        case .loadCycles:
            .counter("Load cycles run while holding the loader lease.")
        case .loadCycleFailures:
            .counter("Load cycles that failed (retried after a backoff), by error code.", labels: ["code"])
        case .loadCycleDuration:
            .histogram("Time of one load cycle: lease, commit log, every table's COPY and merge, freshness.", unit: "seconds",
                buckets: [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800])
        case .loadBatchesWaiting:
            .gauge("(batch, table) pairs a load limit left for the next cycle: the loader is behind.", unit: "pairs")
        case .loadBatchesQuarantined:
            .gauge("(batch, table) pairs quarantined in the ledger: refused by the warehouse, waiting for a fix and --retry-quarantined.",
                unit: "pairs")
        case .loadBatches:
            .counter("Batches loaded into the warehouse, by target table.", labels: ["table"], unit: "batches")
        case .loadRows:
            .counter("Staged rows copied into the warehouse, by target table.", labels: ["table"], unit: "rows")
        case .loadBytes:
            .counter("Staged bytes copied into the warehouse, by target table.", labels: ["table"], unit: "bytes")
        case .loadQuarantined:
            .counter("(batch, table) pairs quarantined by a load cycle, by target table.", labels: ["table"], unit: "pairs")
        case .warehouseDataAsOf:
            .gauge("The warehouse table's \"data as of\" (Unix time): its freshness low watermark after the last load.",
                labels: ["table"], unit: "seconds")
        case .unloadedBatchOldestAge:
            .gauge("Age of the oldest committed batch not loaded into every table it touches after the last load cycle (0: none); "
                + "its staged files expire with the staging lifecycle rule, loaded or not.", unit: "seconds")
        case .ready:
            .gauge("1 while the process is ready (the worker joined and assigned, or the loader serving), else 0.")
        case .buildInfo:
            .gauge("Always 1; the version label says which Millrace build is running.", labels: ["version"])
        case .residentMemory:
            .gauge("Resident memory size.", unit: "bytes")
        case .virtualMemory:
            .gauge("Virtual memory size.", unit: "bytes")
        case .cpuSeconds:
            .counter("User and system CPU time spent.", unit: "seconds")
        case .startTime:
            .gauge("Start time of the process (Unix time).", unit: "seconds")
        case .openFDs:
            .gauge("Open file descriptors.", unit: "descriptors")
        case .maxFDs:
            .gauge("Maximum number of open file descriptors (the soft limit).", unit: "descriptors")
        }
    }
}

/// A metric's type, labels, unit and help text (the `# HELP` line).
public struct MetricDescriptor: Sendable, Hashable {
    /// The Prometheus metric types Millrace uses.
    public enum Kind: String, Sendable {
        /// Only goes up (restarts at 0 with the process).
        case counter
        /// Goes up and down.
        case gauge
        /// Observations counted in cumulative buckets (`_bucket`, `_sum`, `_count` series).
        case histogram
    }

    /// The type.
    public var kind: Kind
    /// The label names, in the order the series carry them.
    public var labels: [String]
    /// The unit of the value (`seconds`, `bytes`, `rows`…), empty for plain counts and flags.
    public var unit: String
    /// What the metric means, for `# HELP` and the docs.
    public var help: String
    /// A histogram's bucket upper bounds, in `unit`; empty for other kinds.
    public var buckets: [Double]

    static func counter(_ help: String, labels: [String] = [], unit: String = "") -> MetricDescriptor {
        MetricDescriptor(kind: .counter, labels: labels, unit: unit, help: help, buckets: [])
    }

    static func gauge(_ help: String, labels: [String] = [], unit: String = "") -> MetricDescriptor {
        MetricDescriptor(kind: .gauge, labels: labels, unit: unit, help: help, buckets: [])
    }

    static func histogram(_ help: String, labels: [String] = [], unit: String, buckets: [Double]) -> MetricDescriptor {
        MetricDescriptor(kind: .histogram, labels: labels, unit: unit, help: help, buckets: buckets)
    }
}
