import AWS
import CDC
import Catalog
import Engine
import Foundation
import Kafka
import Logging
import Parquet
import Staging

/// Builds the worker's parts from its configuration: the catalog (with evolved versions from
/// the staging store), the staging store, the consumer, the decoder, the dimensions, the
/// committer and the flusher.
struct WorkerAssembly: Sendable {
    let configuration: WorkerConfiguration
    let options: WorkerOptions
    let telemetry: Telemetry
    let aws: AWSContext
    let store: any StagingStore
    let catalog: Catalog
    let template: KeyTemplate

    init(configuration: WorkerConfiguration, options: WorkerOptions, telemetry: Telemetry) throws {
        self.configuration = configuration
        self.options = options
        self.telemetry = telemetry
        template = try KeyTemplate(configuration.staging.keyTemplate)
        aws = AWSContext(environment: options.environment, staging: configuration.staging, telemetry: telemetry)
        store = try StagingStores.make(configuration, output: options.outputDirectory, dryRun: options.dryRun, aws: aws)
        catalog = try Self.loadCatalog(configuration, store: store)
        try ConfigurationCheck.names(configuration, catalog: catalog)
    }

    /// `Schemas/`, plus the versions evolution added at run time (kept in the staging store).
    static func loadCatalog(_ configuration: WorkerConfiguration, store: any StagingStore) throws -> Catalog {
        try EvolvedSchemas(store: store, layout: StagingLayout(deadLetterPrefix: configuration.deadLetter.prefix))
            .addingStored(to: Catalog.load(directory: configuration.schemas.dir))
    }

    /// The topic-fed tables this worker stages.
    var stagedTables: [TableDefinition] {
        let wanted = Set(configuration.schemas.tables)
        return catalog.tables.map(\.current).filter { table in
            guard let topic = table.source.topic, configuration.kafka.topics.contains(topic) else { return false }
            return wanted.isEmpty || wanted.contains(table.name)
        }
    }

    /// A consumer (by default in the worker's group), with librdkafka properties passed through;
    /// `tuning` adjusts Millrace's defaults first (a backfill's reading; `kafka.properties`
    /// still have the last word). `reportsLag` publishes the consumer lag from librdkafka's
    /// statistics, every `statistics.interval.ms` (default 15 s): the live worker's consumer.
    func makeConsumer(
        group: String? = nil, reportsLag: Bool = false, tuning: (inout KafkaConsumerConfiguration) -> Void = { _ in }
    ) throws -> KafkaConsumer {
        var logger = telemetry.logger
        logger[metadataKey: "component"] = "kafka"
        var consumer = try consumerConfiguration(group: group)
        tuning(&consumer)
        guard reportsLag else { return try KafkaConsumer(configuration: consumer, logger: logger) }
        consumer.connection.statisticsIntervalMs = configuration.kafka.properties["statistics.interval.ms"].flatMap { Int($0) } ?? 15_000
        let telemetry = telemetry
        return try KafkaConsumer(configuration: consumer, logger: logger) { statistics in
            telemetry.emit(.consumerLag(ConsumerLagReading(statistics)))
        }
    }

    /// The consumer's configuration: Millrace's defaults, the configured properties, and the MSK
    /// IAM token provider when OAUTHBEARER is asked for.
    func consumerConfiguration(group: String? = nil) throws -> KafkaConsumerConfiguration {
        var kafka = KafkaConsumerConfiguration(
            bootstrapServers: configuration.kafka.bootstrapServers, groupID: group ?? configuration.kafka.groupID)
        kafka.connection.properties = configuration.kafka.properties
        if group == nil, !configuration.kafka.groupInstanceID.isEmpty { kafka.groupInstanceID = configuration.kafka.groupInstanceID }
        // End-of-partition events tell which partitions are caught up (freshness, --until-drained).
        kafka.reportsPartitionEOF = true
        kafka.queuedMaxMessagesKbytes = Self.prefetchKbytes
        // A worker catching up reads retained data faster than it processes it: its prefetch
        // queue fills, and librdkafka 2.0.2 would fetch again only a second after it drains
        // (see `fetchWakeIntervalMs`). At the log's end the queue stays short and the wake-ups
        // are ListOffsets requests at most every 10 ms, answered at once.
        kafka.fetchWakeIntervalMs = 10
        if MSKIAMAuthentication.isRequested(by: configuration.kafka.properties) {
            guard let region = aws.region(configuration.kafka.iamRegion) else {
                throw RuntimeError(.configuration, "MSK IAM authentication needs a region: set kafka.iam_region or AWS_REGION")
            }
            kafka.connection.oauthBearerTokenProvider = MSKIAMAuthentication.tokenProvider(region: region, credentials: aws.credentials)
        }
        return kafka
    }

    /// The size of a staged file's row groups: small enough that a reader (the PostgreSQL
    /// loader, a snapshot of the files in pyarrow) holds one in a few MiB per column, large
    /// enough for Redshift's COPY to read in big sequential chunks.
    static let rowGroupBytes = 16 << 20

    /// Memory the Parquet writer's encoding lanes may add to the 200 MB budget: each lane past
    /// the first holds its own page scratch (a page body, past `dataPageSize` by one value at
    /// most, and its Snappy form, at most 32 + n + n/6 bytes for n), about 7/3 of
    /// `dataPageSize`; the row group's pages are bounded by `rowGroupBytes` at any number of
    /// lanes. 16 MiB allows 7 lanes at 1 MiB pages.
    static let laneScratchBytes = 16 << 20

    /// The encoding threads for `threads` hot-path threads at `pageBytes` pages: as many, up to
    /// what `laneScratchBytes` holds.
    static func encodingThreads(threads: Int, pageBytes: Int) -> Int {
        max(1, min(threads, 1 + laneScratchBytes / max(1, pageBytes * 7 / 3)))
    }

    /// The prefetch bound of a consumer (`queued.max.messages.kbytes`, shared by all its
    /// partitions), well inside the 200 MB memory budget at any backlog; `kafka.properties` may
    /// set it.
    static let prefetchKbytes = 32_768

    /// The parts from decoding to committing, over `fence`; owned by the thread that uses them.
    struct FlushPath {
        let decoder: ChangeDecoder
        let committer: StagingCommitter
        let feeds: DimensionFeeds
        let flusher: BatchFlusher
    }

    /// The decoder, dimensions, committer and flusher, committing through `fence`. Changelog
    /// dimensions are followed on Kafka when `followsChangelogs` is true (the worker, a Kafka
    /// backfill; not a file replay). `fenceGroup` names a fence that is not the live group's.
    func makeFlushPath(fence: any OffsetFence, followsChangelogs: Bool, fenceGroup: String? = nil) throws -> FlushPath {
        let decoder = try ChangeDecoder(catalog: catalog, configuration: decoderConfiguration)
        let layout = StagingLayout(deadLetterPrefix: configuration.deadLetter.prefix)
        let committer = StagingCommitter(
            store: store, fence: fence, layout: layout, fenceGroup: fenceGroup, crashHook: options.crashHook,
            timing: CommitTiming(monotonicMillis: options.clock.monotonicMillis, maxBatchAgeMillis: configuration.commitTimingLimits.maxBatchAgeMillis))
        let dimensions = try DimensionSet(catalog: catalog, tables: stagedTables)
        let settings = FlushSettings(
            template: template, layout: layout, writerProperties: stagedFileProperties(), maxFileBytes: configuration.pipeline.maxFileBytes.bytes,
            worker: Self.workerName)
        let flusher = BatchFlusher(store: store, committer: committer, settings: settings, dimensions: dimensions, crashHook: options.crashHook)
        let feeds = try DimensionFeeds(
            dimensions: dimensions, configuration: configuration,
            s3: { try aws.s3() },
            followerConsumer: followsChangelogs ? { name in try makeConsumer(group: "\(configuration.kafka.groupID).dimension.\(name)") } : nil,
            checkpoints: DimensionCheckpoints(store: store, layout: layout), telemetry: telemetry)
        return FlushPath(decoder: decoder, committer: committer, feeds: feeds, flusher: flusher)
    }

    /// How staged files are written, by the worker, replay and every backfill alike (each
    /// builds its flusher in `makeFlushPath`): row groups of `rowGroupBytes`, column chunks
    /// encoded on `pipeline.threads` threads within `laneScratchBytes`.
    func stagedFileProperties() -> WriterProperties {
        var writer = WriterProperties()
        writer.createdBy = Build.parquetCreatedBy
        // Every string was validated as UTF-8 by the decoder or the snapshot reader already.
        writer.validatesUTF8 = false
        writer.rowGroupByteLimit = Self.rowGroupBytes
        writer.encodingThreads = Self.encodingThreads(
            threads: configuration.pipeline.threads(availableCores: AvailableCores.current()), pageBytes: writer.dataPageSize)
        return writer
    }

    /// The pipeline; built on the pipeline thread, which owns it.
    func makePipeline() throws -> Pipeline {
        // A run that stops when drained ends on every partition's end: a fetch of partitions at
        // their end long-polls (`fetch.wait.max.ms`, 500 ms by default) for data that will not
        // be this run's, and holds up the next fetch of the broker's other partitions.
        let stopsWhenDrained = options.stopWhenDrained
        let consumer = try makeConsumer(reportsLag: true) { if stopsWhenDrained { $0.fetchWaitMaxMs = 10 } }
        let parts = try makeFlushPath(fence: KafkaOffsetFence(consumer: consumer, telemetry: telemetry), followsChangelogs: true)
        let pipelineOptions = PipelineOptions(configuration, stopWhenDrained: options.stopWhenDrained)
        let decoderConfiguration = decoderConfiguration
        return Pipeline(
            consumer: consumer, decoder: parts.decoder, catalog: catalog,
            makeDecoder: { catalog in try ChangeDecoder(catalog: catalog, configuration: decoderConfiguration) },
            flusher: parts.flusher, committer: parts.committer, feeds: parts.feeds,
            telemetry: telemetry,
            options: pipelineOptions, clock: options.clock, topics: configuration.kafka.topics, onCommit: commitHandler())
    }

    /// What happens after each committed batch, on the thread that committed it: its evolved
    /// versions written into `schemas.dir` (when asked), its SQL printed (dry run), the caller's
    /// callback.
    func commitHandler() -> (CommitRecord) -> Void {
        let dryRunLoader = options.dryRun ? options.sqlOutput.map {
            DryRunLoader(catalog: catalog, store: store, configuration: configuration, output: $0)
        } : nil
        return { record in
            if configuration.schemas.writeEvolved { writeEvolvedVersions(of: record) }
            dryRunLoader?.handle(record)
            options.onCommit?(record)
        }
    }

    /// Writes the schema versions `record` committed into `schemas.dir` (best effort: the
    /// staging store holds the copy workers read).
    func writeEvolvedVersions(of record: CommitRecord) {
        do {
            try EvolvedSchemas.mirror(versionsOf: record, into: configuration.schemas.dir)
            for change in record.schemaChanges where !change.definition.isEmpty {
                telemetry.logger.notice("evolved schema written", metadata: [
                    "table": "\(change.table)", "version": .stringConvertible(change.toVersion), "dir": "\(configuration.schemas.dir)"])
            }
        } catch {
            telemetry.logger.warning("cannot write an evolved schema into schemas.dir; the staging store keeps it", metadata: [
                "batch": "\(record.batchID)", "error": "\(error)"])
        }
    }

    private var decoderConfiguration: DecoderConfiguration {
        var decoder = DecoderConfiguration()
        decoder.maxMessageBytes = configuration.pipeline.maxMessageBytes.bytes
        decoder.unavailableValuePlaceholder = configuration.pipeline.unavailableValuePlaceholder
        return decoder
    }

    /// `host/pid`, recorded in commit records.
    static let workerName = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)"
}
