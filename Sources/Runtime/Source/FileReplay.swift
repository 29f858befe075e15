import CDC
import Catalog
import Engine
import Foundation
public import Logging
public import Staging

/// Replays Kafka records saved in files through the worker's own path: decode → dedup → enrich
/// → stage → commit. Used to reprocess dumps and by the transform benchmark.
///
/// Formats: `values` (one raw message value per line, as `millrace loadgen --format values`
/// writes; the topic is given, offsets are line numbers from 0, keys are absent) and `kcat`
/// (kcat's `-J` envelopes, with topic, partition, offset, timestamp and key). Batches close at
/// the configured row and byte limits. One process owns the replay, so its fence is a
/// `SingleWriterFence`.
public enum FileReplay {
    /// One input file.
    public struct Input: Sendable {
        /// The file.
        public var path: String
        /// The topic of every line of a `values` file; nil for `kcat` files.
        public var topic: String?

        /// A `values` file whose lines are messages of `topic`, or a kcat `-J` file (`topic` nil).
        public init(path: String, topic: String?) {
            self.path = path
            self.topic = topic
        }
    }

    /// Replays `inputs` in order and returns every committed record.
    public static func run(_ configuration: WorkerConfiguration, inputs: [Input], options: WorkerOptions, logger: Logger) throws
        -> [CommitRecord]
    {
        MemoryTuning.mapLargeAllocations()
        let telemetry = Telemetry(logger: logger)
        let assembly = try WorkerAssembly(configuration: configuration, options: options, telemetry: telemetry)
        let parts = try assembly.makeFlushPath(fence: SingleWriterFence(), followsChangelogs: false)
        try parts.feeds.loadAll(nowMillis: options.clock.wallMillis())
        var records: [CommitRecord] = []
        var batch = OpenBatch()
        var changes: [SchemaChange] = []
        let decoder = parts.decoder
        func flush() throws {
            guard !batch.isEmpty else { return }
            changes += decoder.takeSchemaChanges()
            var tables: [DecodedBatch] = []
            for table in decoder.tableIDs where decoder.bufferedRowCount(table) > 0 { tables.append(try decoder.takeBatch(table)) }
            let started = options.clock.monotonicMillis()
            let record = try parts.flusher.flush(BatchInput(
                batchID: BatchID(createdAtMillis: options.clock.wallMillis(), random: UInt64.random(in: 0...UInt64.max)),
                sources: Array(batch.ranges.values), tables: tables, deadLetters: batch.deadLetters, schemaChanges: changes,
                stats: batch.stats, startedAtMillis: started))
            changes = []
            batch = OpenBatch()
            telemetry.emit(.batchCommitted(record, durationMillis: 0))
            options.onCommit?(record)
            records.append(record)
        }
        let limits = configuration.pipeline
        for input in inputs {
            let valuesRoute = input.topic.map { decoder.route(forTopic: $0) }
            var routes: [String: TopicRoute] = [:]
            try LineReader().forEachLine(path: input.path) { line in
                let offset = Int64(line.number - 1)
                if let topic = input.topic, let route = valuesRoute {
                    let outcome = decoder.decode(route: route, partition: 0, offset: offset, timestampMs: 0, key: nil, value: line.bytes)
                    batch.record(outcome, SourcePartition(topic: topic, partition: 0), offset: offset)
                } else if let envelope = KcatEnvelope.parse(line.bytes) {
                    let route = routes[envelope.topic] ?? decoder.route(forTopic: envelope.topic)
                    routes[envelope.topic] = route
                    let outcome = withBuffers(envelope) { key, value in
                        decoder.decode(route: route, partition: envelope.partition, offset: envelope.offset, timestampMs: envelope.timestampMs, key: key, value: value)
                    }
                    batch.record(outcome, SourcePartition(topic: envelope.topic, partition: envelope.partition), offset: envelope.offset)
                } else {
                    throw RuntimeError(.configuration, "\(input.path):\(line.number) is not a kcat -J envelope")
                }
                // Rows are cheap to count on every record; bytes walk every column, so less often.
                var full = batch.deadLetters.count + decoder.totalBufferedRows >= limits.maxBatchRows
                if !full && batch.stats.recordsIn % 1_024 == 0 {
                    full = batch.deadLetterBytes + decoder.totalBufferedBytes >= limits.maxBatchBytes.bytes
                }
                if full { try flush() }
                return true
            }
        }
        try flush()
        return records
    }

    private static func withBuffers<T>(_ envelope: KcatEnvelope, _ body: (UnsafeRawBufferPointer?, UnsafeRawBufferPointer?) -> T) -> T {
        func with(_ bytes: [UInt8]?, _ inner: (UnsafeRawBufferPointer?) -> T) -> T {
            guard let bytes else { return inner(nil) }
            return bytes.withUnsafeBytes { inner($0) }
        }
        return with(envelope.key) { key in with(envelope.payload) { value in body(key, value) } }
    }
}
