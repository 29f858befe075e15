import AWS
import Catalog
import Foundation
public import Logging
import Staging

/// `millrace backfill`: a bounded run through the worker's own path (decode → dedup → enrich →
/// stage → commit), safe beside the live worker, visible while it runs and resumable.
///
/// Sources: Kafka records whose timestamps lie in the range (the default), the source database
/// (`--source postgres`), or dump files (`--input`, what `replay` does).
public enum Backfill {
    /// Where a backfill reads from.
    public enum Source: Sendable, Hashable {
        /// The configured Kafka topics, by record timestamp.
        case kafka
        /// The source database's tables, by event time.
        case postgres(url: String)
        /// kcat `-J` or values dump files, whole (the range filters nothing).
        case files([FileReplay.Input])
    }

    /// One backfill's settings, as the command line gives them.
    public struct Options: Sendable {
        /// The range; nil only for `files` (a dump is replayed whole).
        public var range: BackfillRange?
        /// Where to read.
        public var source: Source = .kafka
        /// Topics to read; empty: the configured topics (or those of `tables`).
        public var topics: [String] = []
        /// Tables to produce; empty: every table the topics feed.
        public var tables: [String] = []
        /// Also drop decoded rows whose event time lies outside the range.
        public var eventTime = false
        /// Staging and dry-run settings shared with the worker (output folder, SQL output, hooks).
        public var worker = WorkerOptions()
        /// Asked between polls and chunks; true stops after committing the open batch.
        public var shouldStop: @Sendable () -> Bool = { false }
        /// How progress is shown; nil picks a bar on a terminal and lines otherwise.
        public var progress: ProgressReporter.Mode?

        /// Options for a Kafka backfill of nothing yet.
        public init() {}
    }

    /// What a backfill did.
    public struct Outcome: Sendable {
        /// Totals of the committed batches.
        public var summary: RunSummary
        /// True when the whole range was read (false when stopped early).
        public var complete: Bool
        /// The consumer group (or checkpoint name) holding the backfill's progress.
        public var group: String
        /// Time taken, ms.
        public var elapsedMillis: Int64
    }

    /// Runs a backfill to its end, or until `options.shouldStop`; the open batch is committed
    /// either way. Throws `RuntimeError` (`.configuration` for settings that need a fix).
    public static func run(_ base: WorkerConfiguration, options: Options, label: String = "backfill", logger: Logger) throws -> Outcome {
        let started = PipelineClock.system.monotonicMillis()
        MemoryTuning.mapLargeAllocations()
        var configuration = base
        let topics = try selectTopics(configuration, options: options)
        configuration.kafka.topics = topics
        if !options.tables.isEmpty { configuration.schemas.tables = options.tables }
        let telemetry = Telemetry(logger: logger)
        let assembly = try assemble(configuration, options: options.worker, telemetry: telemetry)
        let collector = BackfillCollector(handler: assembly.commitHandler())
        let counters = ProgressCounters()
        let reporter = ProgressReporter(
            label: label, counters: counters, mode: options.progress,
            lineIntervalMillis: configuration.backfill.progressInterval.milliseconds,
            totalText: { total in
                switch options.source {
                case .kafka: "\(ProgressFormat.count(total)) offsets"
                case .postgres: "the range"
                case .files: ProgressFormat.size(total)
                }
            })
        let source: String
        switch options.source {
        case .kafka: source = "kafka"
        case .postgres: source = "postgres"
        case .files(let inputs): source = "files:" + inputs.map(\.path).joined(separator: ",")
        }
        let range = options.range
        let group = range.map {
            BackfillGroup.name(
                live: configuration.kafka.groupID, range: $0, source: source, topics: topics, tables: options.tables, eventTime: options.eventTime)
        } ?? "\(configuration.kafka.groupID).replay"
        logger.info("backfill starting", metadata: [
            "group": "\(group)", "range": "\(range.map(\.description) ?? "whole input")", "source": "\(source)",
            "topics": "\(topics)", "staging": "\(assembly.store.location)",
        ])
        reporter.start()
        defer { reporter.finish() }
        let complete: Bool
        switch options.source {
        case .kafka:
            guard let range else { throw RuntimeError(.configuration, "a Kafka backfill needs --from and --to") }
            let timeout = Duration.seconds(30)
            let plan = try KafkaBackfill.plan(assembly: assembly, group: group, range: range, topics: topics, timeout: timeout)
            let resume = try KafkaBackfill.resumePoints(assembly: assembly, plan: plan, timeout: timeout)
            counters.setTotal(plan.span)
            counters.add(records: 0, bytes: 0, done: plan.span - resume.reduce(0) { $0 + $1.span })
            complete = try KafkaBackfill.read(
                assembly: assembly, group: group, partitions: resume, range: range, eventTime: options.eventTime,
                parallelism: configuration.backfill.parallelism, counters: counters, collector: collector, shouldStop: options.shouldStop)
        case .postgres(let url):
            guard let range else { throw RuntimeError(.configuration, "a database backfill needs --from and --to") }
            let tables = assembly.stagedTables.filter { $0.eventTime != nil }
            guard !tables.isEmpty else { throw RuntimeError(.configuration, "no selected table has an event_time column to read by") }
            complete = try PostgresBackfill.run(
                assembly: assembly, group: group, tables: tables, range: range, url: url, eventTime: options.eventTime, counters: counters,
                collector: collector, shouldStop: options.shouldStop)
        case .files(let inputs):
            complete = try FileReplay.replay(
                assembly: assembly, inputs: inputs, eventTime: options.eventTime ? range?.micros : nil, counters: counters,
                collector: collector, shouldStop: options.shouldStop)
        }
        return Outcome(
            summary: collector.summary, complete: complete, group: group, elapsedMillis: PipelineClock.system.monotonicMillis() - started)
    }

    /// The topics to read: `--topics`, else those feeding `--tables`, else the configured ones.
    static func selectTopics(_ configuration: WorkerConfiguration, options: Options) throws -> [String] {
        if !options.topics.isEmpty { return options.topics }
        guard !options.tables.isEmpty else { return configuration.kafka.topics }
        let catalog = try Catalog.load(directory: configuration.schemas.dir)
        return try options.tables.map { name in
            guard let topic = catalog.table(name)?.current.source.topic else {
                throw RuntimeError(.configuration, "--tables names \(name), which no topic feeds in \(configuration.schemas.dir)")
            }
            return topic
        }
    }

    /// The worker's parts for this run, with setup failures classified as for the worker.
    static func assemble(_ configuration: WorkerConfiguration, options: WorkerOptions, telemetry: Telemetry) throws -> WorkerAssembly {
        do {
            return try WorkerAssembly(configuration: configuration, options: options, telemetry: telemetry)
        } catch let error as RuntimeError {
            throw error
        } catch let error as AWSError {
            throw FatalErrors.classify(error)
                ?? RuntimeError(.staging, "cannot read the staging store at startup: \(error)", underlying: error)
        } catch {
            throw RuntimeError(.configuration, "cannot set up the backfill: \(error)", underlying: error)
        }
    }
}
