import AWS
import Catalog
import Engine
import Foundation
import Kafka
import LoadGen
import Logging
import MillraceTesting
import Runtime
import Staging
import Synchronization
import Testing

/// A mock Kafka cluster loaded with generated CDC traffic, and the worker run against it.
///
/// The generated records are kept, so tests compute the expected outcome independently of the
/// engine; staged files are read back with pyarrow (and opened with DuckDB) from the dry-run
/// folder, never with Millrace's own reader.
final class PipelineFixture: Sendable {
    static let topics = ["postgres.eav.entities", "postgres.eav.entity_values_ts", "postgres.eav.entity_jsonb"]
    static let heartbeatTopics = ["__debezium-heartbeat.postgres.eav", "postgres.eav._heartbeat"]

    let cluster: MockCluster
    let partitions: Int
    let output: TemporaryDirectory
    private let producedRecords = Mutex<[LoadRecord]>([])
    /// Every record produced so far, in order.
    var produced: [LoadRecord] { producedRecords.withLock { $0 } }
    /// The `dim_attributes` snapshot matching the generated traffic (CSV, written by `produce`).
    var attributesSnapshot: URL { output.url.appendingPathComponent("dim_attributes.csv") }

    /// A cluster of `brokers` with every topic in `partitions` partitions, staging into
    /// `output` (a new folder when nil; another fixture's to share one staging store).
    init(partitions: Int = 4, brokers: Int = 1, output: TemporaryDirectory? = nil) throws {
        cluster = try MockCluster(brokers: brokers, logger: Logger(label: "test.mock", factory: { _ in SwiftLogNoOpLogHandler() }))
        self.partitions = partitions
        for topic in Self.topics { try cluster.createTopic(topic, partitions: partitions) }
        for topic in Self.heartbeatTopics { try cluster.createTopic(topic, partitions: partitions) }
        self.output = try output ?? TemporaryDirectory(prefix: "millrace-pipeline")
    }

    deinit {
        output.remove()
    }

    /// Generates `count` records with `adjust` applied to the generator settings and produces
    /// them, each as `transform` returns it, at `perSecond` records per second when given
    /// (otherwise as fast as possible), in transactions of `transactionalID` when given.
    func produce(
        count: Int, seed: UInt64 = 7, perSecond: Int? = nil, transactionalID: String? = nil,
        adjust: (inout LoadGenConfiguration) -> Void = { _ in }, transform: (LoadRecord) -> LoadRecord = { $0 }
    ) async throws {
        var settings = LoadGenConfiguration()
        settings.seed = seed
        settings.count = count
        settings.partitions = partitions
        settings.entities = 400
        settings.attributes = 40
        settings.startMs = 1_795_628_520_000
        adjust(&settings)
        let generator = try LoadGenerator(catalog: try Catalog.load(directory: PackagePaths.schemas.path), configuration: settings)
        try Data(AttributeSnapshot.csv(generator.attributes).utf8).write(to: attributesSnapshot)
        let sink = try KafkaRecordSink(bootstrapServers: cluster.bootstrapServers, transactionalID: transactionalID)
        var records: [LoadRecord] = []
        while let generated = generator.next() {
            let record = transform(generated)
            records.append(record)
            try await sink.write(record)
            if let perSecond, records.count % 100 == 0 {
                try await sink.finish()
                producedRecords.withLock { $0 += records }
                records.removeAll()
                try await Task.sleep(for: .milliseconds(100_000 / perSecond))
            }
        }
        try await sink.finish()
        producedRecords.withLock { $0 += records }
    }

    /// A worker configuration for this cluster, staging into `output` (dry-run).
    func configuration(group: String = "millrace-test", window: ConfigDuration = .seconds(1)) -> WorkerConfiguration {
        var configuration = WorkerConfiguration()
        configuration.kafka.bootstrapServers = cluster.bootstrapServers
        configuration.kafka.groupID = group
        configuration.kafka.topics = Self.topics + Self.heartbeatTopics
        configuration.kafka.properties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]
        configuration.schemas.dir = PackagePaths.schemas.path
        configuration.pipeline.window = window
        configuration.observability.listen = ""
        return configuration
    }

    /// Runs a dry-run worker until the input is drained, on `clock`.
    func runUntilDrained(_ configuration: WorkerConfiguration? = nil, crashHook: CrashHook? = nil, clock: PipelineClock = .system)
        async throws
    {
        var options = options(untilDrained: true, crashHook: crashHook)
        options.clock = clock
        try await Worker.run(
            configuration ?? self.configuration(), options: options,
            logger: Logger(label: "test.worker", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Runs a worker an hour later by its wall clock, once every record is committed: its first
    /// sweep resolves what the earlier workers left pending for the sweep. A batch whose offset
    /// commit was refused during a rebalance, after an attempt that may have reached the
    /// coordinator, is never deleted by its worker (issue 12); the sweep decides it from Kafka
    /// once the grace has passed.
    func sweepLeftovers(_ configuration: WorkerConfiguration) async throws {
        try await runUntilDrained(configuration, clock: Self.wallClockAhead(hours: 1))
    }

    /// The system clocks with the wall clock `hours` ahead: a restarted worker on it sweeps
    /// every pending batch an earlier run left (older than the default 15-minute grace by its
    /// wall clock), while its own batches are timed on the unchanged monotonic clock.
    static func wallClockAhead(hours: Int64) -> PipelineClock {
        PipelineClock(
            monotonicMillis: PipelineClock.system.monotonicMillis,
            wallMillis: { PipelineClock.system.wallMillis() + hours * 3_600_000 })
    }

    /// Starts a dry-run worker in a task; cancelling the task stops it gracefully.
    func start(
        _ configuration: WorkerConfiguration, untilDrained: Bool, crashHook: CrashHook? = nil,
        onCommit: (@Sendable (CommitRecord) -> Void)? = nil, telemetry: Telemetry? = nil
    ) -> Task<Void, any Error> {
        var options = options(untilDrained: untilDrained, crashHook: crashHook)
        options.onCommit = onCommit
        options.telemetry = telemetry
        let worker = options
        return Task {
            let logger = ProcessInfo.processInfo.environment["MILLRACE_TEST_LOGS"] != nil
                ? Logger(label: "test.worker") : Logger(label: "test.worker", factory: { _ in SwiftLogNoOpLogHandler() })
            try await Worker.run(configuration, options: worker, logger: logger)
        }
    }

    private func options(untilDrained: Bool, crashHook: CrashHook?) -> WorkerOptions {
        var options = WorkerOptions()
        options.dryRun = true
        options.outputDirectory = output.url.path
        options.stopWhenDrained = untilDrained
        options.servesHealth = false
        options.crashHook = crashHook
        return options
    }

    /// A fresh bucket in moto (signatures enforced), the client to inspect it, and a worker
    /// configuration and options staging to it through `endpoint` (moto itself, or a proxy).
    func s3Run(_ servers: TestServers, group: String, endpoint: String? = nil) async throws
        -> (client: S3Client, bucket: String, configuration: WorkerConfiguration, options: WorkerOptions)
    {
        let environment = [
            "AWS_ACCESS_KEY_ID": servers.accessKeyID, "AWS_SECRET_ACCESS_KEY": servers.secretAccessKey, "AWS_REGION": servers.region,
        ]
        let client = try S3Client(
            configuration: S3Configuration(region: servers.region, endpoint: Endpoint(servers.s3Endpoint), addressing: .pathStyle),
            credentials: CredentialsChain.standard(environment: AWSEnvironment(variables: environment)))
        let bucket = "millrace-\(group)-\(UInt32.random(in: 0...UInt32.max))"
        try await client.createBucket(bucket)
        var configuration = self.configuration(group: group)
        configuration.staging.bucket = bucket
        configuration.staging.endpoint = endpoint ?? servers.s3Endpoint
        configuration.staging.region = servers.region
        configuration.staging.pathStyle = true
        var options = WorkerOptions()
        options.stopWhenDrained = true
        options.servesHealth = false
        options.environment = environment
        return (client, bucket, configuration, options)
    }

    /// Copies every object under `prefix` of `bucket` into the fixture's folder (prefix removed),
    /// so the folder checks (`exactlyOnceViolations`, `orphans`) apply to what S3 holds.
    func mirror(_ client: S3Client, bucket: String, prefix: String = "") async throws {
        for object in try await client.listAllObjects(bucket: bucket, prefix: prefix) {
            let local = output.path(String(object.key.dropFirst(prefix.count)))
            try FileManager.default.createDirectory(at: local.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(try await client.getObject(bucket: bucket, key: object.key).bytes).write(to: local)
        }
    }

    /// Checks the exactly-once invariants over everything committed: per partition the ranges
    /// chain from 0 to the number of records produced with no gap or overlap, and no source
    /// record is staged twice. Returns the problems found (empty when all hold).
    func exactlyOnceViolations() async throws -> [String] {
        var problems: [String] = []
        var producedPerPartition: [SourcePartition: Int] = [:]
        for record in produced { producedPerPartition[SourcePartition(topic: record.topic, partition: record.partition), default: 0] += 1 }
        let ranges = Dictionary(grouping: try committedRecords().flatMap(\.sources), by: \.source)
        if Set(ranges.keys) != Set(producedPerPartition.keys) { problems.append("committed partitions differ from produced ones") }
        for (partition, count) in producedPerPartition {
            let chain = (ranges[partition] ?? []).sorted { $0.startOffset < $1.startOffset }
            if chain.first?.startOffset != 0 { problems.append("\(partition) does not start at 0") }
            if chain.last?.endOffset != Int64(count) { problems.append("\(partition) ends at \(chain.last?.endOffset ?? -1), not \(count)") }
            for (previous, next) in zip(chain, chain.dropFirst()) where previous.endOffset != next.startOffset {
                problems.append("\(partition): \(previous.startOffset)..<\(previous.endOffset) then \(next.startOffset)..<\(next.endOffset)")
            }
        }
        for (table, rows) in try await stagedRows(keys: [:]) {
            let positions = rows.map { [$0[0], $0[1]] }
            if Set(positions).count != positions.count { problems.append("\(table): a source record is staged twice") }
        }
        return problems
    }

    /// What `scripts/testing/staged_oracle.py` finds comparing the committed files with the rows
    /// it computes itself from the produced records (decoded, deduplicated per batch, enriched
    /// from the entities topic and `attributes`): rows checked per table, and the problems.
    /// `hourInKey` is how a file's UTC hour appears in its key (a `strftime` pattern), for the
    /// check that every row lies in its file's hour; `ignoring` names columns not compared
    /// (`table.column`).
    func oracle(tables: [String], attributes: URL? = nil, hourInKey: String = "/%Y/%m/%d/%H/", ignoring: [String] = []) async throws
        -> (checked: [String: Int], problems: [String])
    {
        var offsets: [SourcePartition: Int] = [:]
        let produced = self.produced.map { record -> [String: Any] in
            let partition = SourcePartition(topic: record.topic, partition: record.partition)
            let offset = offsets[partition, default: 0]
            offsets[partition] = offset + 1
            let kind: String
            switch record.kind {
            case .change: kind = "change"
            case .duplicate: kind = "duplicate"
            case .tombstone: kind = "tombstone"
            case .heartbeat: kind = "heartbeat"
            case .malformed: kind = "malformed"
            }
            return [
                "topic": record.topic, "partition": Int(record.partition), "offset": offset, "kind": kind,
                "key": record.key.map { Data($0).base64EncodedString() } ?? NSNull(),
                "value": record.value.map { Data($0).base64EncodedString() } ?? NSNull(),
            ]
        }
        let request: [String: Any] = [
            "root": output.url.path, "schemas": PackagePaths.schemas.path, "produced": produced, "tables": tables,
            "attributes": attributes?.path ?? NSNull(), "hour_in_key": hourInKey,
            "ignore": ignoring,
        ]
        let path = output.path("oracle-request.json")
        try JSONSerialization.data(withJSONObject: request).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let answer = try await Subprocess.run([
            "python3", PackagePaths.root.appendingPathComponent("scripts/testing/staged_oracle.py").path, path.path,
        ]).output
        let decoded = try #require(
            try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], "the oracle's answer: \(answer.prefix(500))")
        return (decoded["checked"] as? [String: Int] ?? [:], decoded["problems"] as? [String] ?? ["the oracle reported no problems list"])
    }

    /// True once the committed ranges reach the end of every produced partition.
    func isFullyCommitted() -> Bool {
        var produced: [SourcePartition: Int64] = [:]
        for record in self.produced { produced[SourcePartition(topic: record.topic, partition: record.partition), default: 0] += 1 }
        guard let records = try? committedRecords() else { return false }
        var ends: [SourcePartition: Int64] = [:]
        for range in records.flatMap(\.sources) { ends[range.source] = max(ends[range.source] ?? 0, range.endOffset) }
        return produced.allSatisfy { ends[$0.key] == $0.value }
    }

    /// Objects in the dry-run folder that no committed record accounts for: data or dead-letter
    /// files of uncommitted batches, pending records, and evolved schema versions no committed
    /// batch introduced.
    func orphans() throws -> [String] {
        let store = try LocalStagingStore(root: output.url)
        let records = try committedRecords()
        let layout = StagingLayout()
        let referenced = Set(
            records.flatMap(\.files).map(\.key) + records.compactMap(\.deadLetters?.key)
                + records.flatMap(\.schemaChanges).map { layout.schemaKey(table: $0.table, version: $0.toVersion) })
        let data = try store.list(prefix: "staging/") + store.list(prefix: "dlq/") + store.list(prefix: StagingLayout.pendingPrefix)
            + store.list(prefix: "_millrace/schemas/")
        return data.map(\.key).filter { !referenced.contains($0) }
    }

    /// Schema version claims whose version was not committed with the same declaration. Once
    /// every record is committed, a claim a crashed or abandoned batch left is matched by the
    /// version the batch that staged those records again committed.
    func strayClaims() throws -> [String] {
        let store = try LocalStagingStore(root: output.url)
        return try store.list(prefix: "_millrace/claims/").map(\.key).filter { key in
            let committed = "_millrace/schemas/" + key.dropFirst("_millrace/claims/".count)
            return try store.get(committed) != store.get(key)
        }
    }

    /// Every committed record in the dry-run folder.
    func committedRecords() throws -> [CommitRecord] {
        try Self.committedRecords(in: output.url)
    }

    /// Every committed record in the staging folder `root`.
    static func committedRecords(in root: URL) throws -> [CommitRecord] {
        let store = try LocalStagingStore(root: root)
        return try store.list(prefix: StagingLayout.commitsPrefix).map { object in
            try JSONDecoder().decode(CommitRecord.self, from: Data(try store.get(object.key) ?? []))
        }
    }

    /// Rows of every committed file, read by pyarrow: per table, [partition, offset, op, key...].
    /// DuckDB opens every file too (its row count must agree with pyarrow's).
    func stagedRows(keys: [String: [String]]) async throws -> [String: [[Int64]]] {
        let files = try committedRecords().flatMap(\.files)
        let request = files.map { ["path": output.path($0.key).path, "table": $0.table, "rows": String($0.rows)] }
        let script = """
            import json, sys, pyarrow.parquet as pq, duckdb
            request = json.loads(sys.stdin.read()); keys = json.loads(sys.argv[1]); out = {}
            for f in request:
                t = pq.read_table(f["path"])
                assert t.num_rows == int(f["rows"]), (f, t.num_rows)
                n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{f['path']}')").fetchall()[0][0]
                assert n == t.num_rows, (f, n)
                cols = ["_kafka_partition", "_kafka_offset"] + keys.get(f["table"], [])
                data = t.select(cols).to_pylist()
                ops = t.column("_op").to_pylist()
                out.setdefault(f["table"], []).extend(
                    [[r["_kafka_partition"], r["_kafka_offset"], ord(op)] + [r[k] if r[k] is not None else -1 for k in cols[2:]]
                     for r, op in zip(data, ops)])
            print(json.dumps(out))
            """
        let keysJSON = String(decoding: try JSONSerialization.data(withJSONObject: keys), as: UTF8.self)
        let answer = try await Subprocess.python(script, arguments: [keysJSON], input: try JSONSerialization.data(withJSONObject: request))
        let decoded = try #require(
            try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: [[NSNumber]]],
            "pyarrow's answer is not a map of table to rows: \(answer.prefix(500))")
        return decoded.mapValues { rows in rows.map { row in row.map { $0.int64Value } } }
    }
}
