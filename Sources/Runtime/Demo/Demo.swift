import Catalog
import Engine
import Foundation
import Kafka
import LoadGen
import Loader
public import Logging
import Staging
import Synchronization

/// `millrace demo`: the main job on an embedded default, needing nothing external.
///
/// 1. starts a mock Kafka cluster in process;
/// 2. produces a few thousand CDC events with the load generator across the three topics, with
///    redelivered duplicates, a mid-stream added column, deletes and a few malformed records;
/// 3. runs the worker in dry-run with a short window until the input is drained;
/// 4. returns a report (files per table and hour, rows, duplicates, misses, dead letters).
public enum Demo {
    /// Demo settings.
    public struct Options: Sendable {
        /// Where staged files, manifests and the dimension snapshot go. Default: `out/demo`.
        public var output = "out/demo"
        /// The `Schemas/` folder. Default: `Schemas`.
        public var schemas = "Schemas"
        /// Records to generate. Default: 5000.
        public var records = 5_000
        /// Batch window. Default: 2 s.
        public var window: ConfigDuration = .seconds(2)
        /// Partitions per topic. Default: 4.
        public var partitions = 4
        /// Rows after which a batch closes early, so the demo shows several commits. Default: 1500.
        public var maxBatchRows = 1_500
        /// A PostgreSQL URL to load the staged batches into at the end (a throwaway server: the
        /// demo replaces its `millrace_demo` schema); nil prints the SQL only. Default: nil.
        public var warehouseURL: String?

        /// The defaults.
        public init() {}
    }

    /// The file that marks a folder as the demo's own, so a later run may clear it.
    static let marker = ".millrace-demo"
    /// What a demo writes at the top of its folder.
    static let ownEntries: Set<String> = [marker, "_millrace", "dimensions", "staging", "dlq", "load.sql"]

    /// Empties `folder` for a new run: only a folder that is absent, empty, marked by an earlier
    /// demo or holding nothing but what a demo writes is cleared, so a mistyped `--output`
    /// never deletes someone's files.
    static func clearOutput(_ folder: String) throws {
        let files = FileManager.default
        if let contents = try? files.contentsOfDirectory(atPath: folder), !contents.isEmpty {
            guard contents.contains(marker) || ownEntries.isSuperset(of: contents) else {
                throw RuntimeError(
                    .configuration, "\(folder) is not empty and was not written by millrace demo; choose another --output")
            }
            try files.removeItem(atPath: folder)
        }
        try files.createDirectory(atPath: folder + "/dimensions", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: folder + "/" + marker))
    }

    /// Runs the demo; `sqlOutput` receives the SQL the loader would run for each batch.
    public static func run(_ options: Options, logger: Logger, sqlOutput: (@Sendable (String) -> Void)? = nil) async throws -> DemoReport {
        try clearOutput(options.output)
        let cluster = try MockCluster(brokers: 3, logger: logger)
        var configuration = WorkerConfiguration()
        for topic in configuration.kafka.topics {
            try cluster.createTopic(topic, partitions: options.partitions, replicationFactor: 3)
        }
        configuration.kafka.bootstrapServers = cluster.bootstrapServers
        configuration.kafka.groupID = "millrace-demo"
        configuration.schemas.dir = options.schemas
        configuration.pipeline.window = options.window
        configuration.pipeline.maxBatchRows = options.maxBatchRows
        configuration.observability.listen = ""
        let snapshot = options.output + "/dimensions/dim_attributes.csv"
        configuration.dimensions["dim_attributes"] = SnapshotDimensionSettings(snapshot: snapshot)

        var settings = LoadGenConfiguration()
        settings.count = options.records
        settings.partitions = options.partitions
        settings.entities = 500
        settings.attributes = 60
        settings.duplicateRate = 0.03
        settings.deleteRate = 0.01
        settings.malformedRate = 0.005
        settings.addColumnAt = options.records / 2
        settings.startMs = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        let generator = try LoadGenerator(catalog: try Catalog.load(directory: options.schemas), configuration: settings)
        try Data(AttributeSnapshot.csv(generator.attributes).utf8).write(to: URL(fileURLWithPath: snapshot))
        let sink = try KafkaRecordSink(bootstrapServers: cluster.bootstrapServers)
        let summary = try await LoadRunner.run(generator, into: sink)
        logger.info("demo: produced \(summary.records) records to the mock cluster at \(cluster.bootstrapServers)")

        let committed = Mutex<[CommitRecord]>([])
        var workerOptions = WorkerOptions()
        // Without a warehouse the run is a dry run: the SQL is printed instead of run.
        workerOptions.dryRun = options.warehouseURL == nil
        workerOptions.outputDirectory = options.output
        workerOptions.stopWhenDrained = true
        workerOptions.servesHealth = false
        workerOptions.sqlOutput = sqlOutput
        workerOptions.onCommit = { record in committed.withLock { $0.append(record) } }
        try await Worker.run(configuration, options: workerOptions, logger: logger)
        var report = DemoReport(records: committed.withLock { $0 }, produced: summary.records, location: options.output)
        if let url = options.warehouseURL {
            report.warehouse = try await load(configuration, url: url, staging: options.output, logger: logger)
        }
        return report
    }

    /// The schema the demo loads into, replaced on every run.
    static let warehouseSchema = "millrace_demo"

    /// Loads the demo's staged batches into PostgreSQL at `url` with the loader, then reads back
    /// what the report shows.
    static func load(_ worker: WorkerConfiguration, url: String, staging: String, logger: Logger) async throws -> DemoReport.Warehouse {
        var configuration = worker
        configuration.staging.localDir = staging
        configuration.warehouse.dialect = .postgres
        configuration.warehouse.url = url
        configuration.warehouse.schema = warehouseSchema
        let executor = PostgresExecutor(url: try PostgresURL(url), password: nil, dialect: .postgres, logger: logger)
        defer { Task { await executor.close() } }
        try await executor.execute(["DROP SCHEMA IF EXISTS \(warehouseSchema) CASCADE"])
        var options = Loading.Options()
        options.once = true
        let reports = try await Loading.run(configuration, options: options, logger: logger)
        var summary = DemoReport.Warehouse(url: try PostgresURL(url).description, schema: warehouseSchema, cycles: reports.count)
        for table in ["dim_entities", "fact_entity_values", "entity_attributes_hot", "agg_daily_metrics", "millrace_load_ledger"] {
            let rows = try await executor.query("SELECT CAST(count(*) AS TEXT) FROM \(warehouseSchema).\(table)")
            summary.rows.append((table, rows.first?.first.flatMap { $0 } ?? "?"))
        }
        summary.aggregate = try await executor.query("""
            SELECT CAST(metric_date AS TEXT), CAST(tenant_id AS TEXT), CAST(attribute_id AS TEXT), CAST(sample_count AS TEXT), \
            CAST(value_avg AS TEXT) FROM \(warehouseSchema).agg_daily_metrics WHERE value_avg IS NOT NULL \
            ORDER BY sample_count DESC, tenant_id, attribute_id LIMIT 5
            """).map { $0.map { $0 ?? "" } }
        summary.dataAsOf = try await executor.query("SELECT label, CAST(lag_seconds AS TEXT) FROM \(warehouseSchema).millrace_data_as_of")
            .first.map { $0.map { $0 ?? "" }.joined(separator: ", lag ") + " s" }
        await executor.close()
        return summary
    }
}
