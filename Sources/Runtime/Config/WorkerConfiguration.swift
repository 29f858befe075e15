import Kafka
public import Warehouse

/// The worker's whole configuration: one YAML file (`millrace run --config FILE`), every field
/// optional with a documented default, unknown keys refused, environment overrides applied on top
/// (see `ConfigurationLoader`).
public struct WorkerConfiguration: Sendable, Hashable, Codable, StrictlyDecodable {
    /// Batch cutting and limits.
    public var pipeline = PipelineSettings()
    /// The Kafka source.
    public var kafka = KafkaSettings()
    /// Table declarations.
    public var schemas = SchemaSettings()
    /// Snapshot dimensions by name (changelog dimensions are declared in `Schemas/`).
    /// Default: none.
    public var dimensions: [String: SnapshotDimensionSettings] = [:]
    /// The staging store.
    public var staging = StagingSettings()
    /// Dead letters.
    public var deadLetter = DeadLetterSettings()
    /// The warehouse.
    public var warehouse = WarehouseSettings()
    /// Metrics, health and logs.
    public var observability = ObservabilitySettings()
    /// Backfills over date ranges (`millrace backfill`).
    public var backfill = BackfillSettings()

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case pipeline, kafka, schemas, dimensions, staging, deadLetter = "dead_letter", warehouse, observability, backfill
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = WorkerConfiguration()
        pipeline = try c.value(.pipeline, default: d.pipeline)
        kafka = try c.value(.kafka, default: d.kafka)
        schemas = try c.value(.schemas, default: d.schemas)
        dimensions = try c.value(.dimensions, default: d.dimensions)
        staging = try c.value(.staging, default: d.staging)
        deadLetter = try c.value(.deadLetter, default: d.deadLetter)
        warehouse = try c.value(.warehouse, default: d.warehouse)
        observability = try c.value(.observability, default: d.observability)
        backfill = try c.value(.backfill, default: d.backfill)
    }

    /// Checks across fields; throws `RuntimeError` with code `.configuration`.
    public func validate() throws {
        func fail(_ message: String) -> RuntimeError { RuntimeError(.configuration, message) }
        guard pipeline.window.milliseconds >= 100 else { throw fail("pipeline.window must be at least 100ms") }
        guard pipeline.maxBatchRows > 0 else { throw fail("pipeline.max_batch_rows must be positive") }
        guard pipeline.maxBatchBytes.bytes >= 1 << 20 else { throw fail("pipeline.max_batch_bytes must be at least 1MiB") }
        guard pipeline.maxMessageBytes.bytes > 0 else { throw fail("pipeline.max_message_bytes must be positive") }
        guard pipeline.maxFileBytes.bytes >= 1 << 20 else { throw fail("pipeline.max_file_bytes must be at least 1MiB") }
        // A worker stops fencing a batch at sweep_grace minus the commit margin; the group may
        // let it hold a batch for max.poll.interval.ms (and keeps a silent member for
        // session.timeout.ms), which that limit must not cut short.
        let timing = commitTimingLimits
        guard timing.maxBatchAgeMillis >= timing.groupHoldMillis else {
            throw fail(
                "pipeline.sweep_grace must be at least \(timing.groupHoldMillis + timing.marginMillis)ms: the larger of max.poll.interval.ms and session.timeout.ms (\(timing.groupHoldMillis)ms) plus the commit margin (\(timing.marginMillis)ms = max_clock_skew + session.timeout.ms + 3 × socket.timeout.ms + \(timing.rebalanceCommitRetryMillis)ms)")
        }
        guard pipeline.shutdownGrace.milliseconds >= 1000 else { throw fail("pipeline.shutdown_grace must be at least 1s") }
        guard (0...256).contains(pipeline.threads) else {
            throw fail("pipeline.threads must be 0 (every available core) ... 256, not \(pipeline.threads)")
        }
        guard !kafka.groupID.isEmpty else { throw fail("kafka.group_id must not be empty") }
        guard !kafka.topics.isEmpty else { throw fail("kafka.topics must list at least one topic") }
        guard warehouse.loadInterval.milliseconds >= 1000 else { throw fail("warehouse.load_interval must be at least 1s") }
        guard warehouse.leaseTTL.milliseconds >= 10_000 else { throw fail("warehouse.lease_ttl must be at least 10s") }
        guard warehouse.maxBatchesPerLoad > 0, warehouse.maxFilesPerLoad > 0, warehouse.maxRowsPerLoad > 0,
            warehouse.maxBytesPerLoad.bytes > 0
        else { throw fail("warehouse.max_batches_per_load, max_files_per_load, max_bytes_per_load and max_rows_per_load must be positive") }
        if !observability.listen.isEmpty { _ = try ListenAddress(observability.listen) }
        guard backfill.chunkRows > 0 else { throw fail("backfill.chunk_rows must be positive") }
        guard (1...64).contains(backfill.parallelism) else { throw fail("backfill.parallelism must be 1 ... 64") }
        guard backfill.progressInterval.milliseconds >= 100 else { throw fail("backfill.progress_interval must be at least 100ms") }
        for (name, dimension) in dimensions where !["", "csv", "ndjson", "parquet"].contains(dimension.format) {
            throw fail("dimensions.\(name).format must be csv, ndjson or parquet")
        }
        // The consumer's own list (one source of truth), explained in the configuration's terms.
        let worker = [
            "group.id": "set kafka.group_id", "bootstrap.servers": "set kafka.bootstrap_servers",
            "metadata.broker.list": "set kafka.bootstrap_servers", "group.instance.id": "set kafka.group_instance_id",
            "partition.assignment.strategy": "the revoke handling that commits a batch before its partitions move needs cooperative-sticky",
            "auto.offset.reset": "a partition without a committed offset is read from its beginning, so nothing is skipped",
            "isolation.level": "only committed transactional records are read (read_committed)",
            "enable.partition.eof": "end-of-partition events tell which partitions are caught up (freshness, --until-drained)",
        ]
        if let reserved = kafka.properties.keys.sorted().first(where: { KafkaConsumerConfiguration.reservedProperties[$0] != nil }) {
            let reason = worker[reserved] ?? KafkaConsumerConfiguration.reservedProperties[reserved] ?? ""
            throw fail("kafka.properties.\(reserved) is managed by Millrace and cannot be set: \(reason)")
        }
    }
}

extension WorkerConfiguration {
    /// The lease's name: `warehouse.lease_name`, else `kafka.group_id`.
    public var leaseName: String { warehouse.leaseName.isEmpty ? kafka.groupID : warehouse.leaseName }

    /// Where the loader reads staged files and how it names things in the warehouse.
    public var loadSettings: LoadSettings {
        LoadSettings(
            bucket: staging.bucket, prefix: staging.prefix, iamRole: warehouse.iamRole, schema: warehouse.schema, leaseName: leaseName,
            deleteRetention: warehouse.deleteRetention.duration)
    }
}
