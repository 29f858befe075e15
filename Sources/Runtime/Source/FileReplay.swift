import CDC
import Catalog
import Engine
import Foundation
public import Logging
public import Staging
import Synchronization

/// Replays Kafka records saved in files through the worker's own path: decode → dedup → enrich
/// → stage → commit. `millrace backfill --input` (and its alias `replay`) and the transform
/// benchmark use it.
///
/// Formats: `values` (one raw message value per line, as `millrace loadgen --format values`
/// writes; the topic is given, offsets are line numbers from 0, keys are absent) and `kcat`
/// (kcat's `-J` envelopes, with topic, partition, offset, timestamp and key). Batches close at
/// the configured row and byte limits. One process owns the replay, so its fence is a
/// `SingleWriterFence`: a replay is not resumable, it is run again whole.
public enum FileReplay {
    /// One input file.
    public struct Input: Sendable, Hashable {
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

    /// Replays `inputs` in order (no progress shown) and returns every committed record.
    public static func run(_ configuration: WorkerConfiguration, inputs: [Input], options: WorkerOptions, logger: Logger) throws
        -> [CommitRecord]
    {
        let records = Mutex<[CommitRecord]>([])
        var backfill = Backfill.Options()
        backfill.source = .files(inputs)
        backfill.progress = .silent
        backfill.worker = options
        backfill.worker.onCommit = { record in
            records.withLock { $0.append(record) }
            options.onCommit?(record)
        }
        _ = try Backfill.run(configuration, options: backfill, label: "replay", logger: logger)
        return records.withLock { $0 }
    }

    /// Replays `inputs` through `assembly`'s flush path; true when every line was read.
    static func replay(
        assembly: WorkerAssembly, inputs: [Input], eventTime: Range<Int64>?, counters: ProgressCounters, collector: BackfillCollector,
        shouldStop: () -> Bool
    ) throws -> Bool {
        let parts = try assembly.makeFlushPath(fence: SingleWriterFence(), followsChangelogs: false)
        try parts.feeds.loadAll(nowMillis: PipelineClock.system.wallMillis())
        let limits = assembly.configuration.pipeline
        let batches = BoundedBatches(
            parts: parts, maxRows: limits.maxBatchRows, maxBytes: limits.maxBatchBytes.bytes, windowMillis: limits.window.milliseconds,
            eventTimeWindow: eventTime, clock: assembly.options.clock, telemetry: assembly.telemetry, onCommit: collector.committed)
        counters.setTotal(inputs.reduce(0) { total, input in
            total + ((try? FileManager.default.attributesOfItem(atPath: input.path)[.size] as? NSNumber)?.int64Value ?? 0)
        })
        var stopped = false
        for input in inputs where !stopped {
            var pending = (records: Int64(0), bytes: Int64(0))
            try LineReader().forEachLine(path: input.path) { line in
                let offset = Int64(line.number - 1)
                if let topic = input.topic {
                    batches.decode(SourcePartition(topic: topic, partition: 0), offset: offset, timestampMs: 0, key: nil, value: line.bytes)
                } else if let envelope = KcatEnvelope.parse(line.bytes) {
                    withBuffers(envelope) { key, value in
                        batches.decode(
                            SourcePartition(topic: envelope.topic, partition: envelope.partition), offset: envelope.offset,
                            timestampMs: envelope.timestampMs, key: key, value: value)
                    }
                } else {
                    throw RuntimeError(.input, "\(input.path):\(line.number) is not a kcat -J envelope (give --format values and --topic for raw values)")
                }
                pending.records += 1
                pending.bytes += Int64(line.bytes.count + 1)
                if pending.records >= 1_024 {
                    counters.add(records: pending.records, bytes: pending.bytes, done: pending.bytes)
                    pending = (0, 0)
                    if shouldStop() {
                        stopped = true
                        return false
                    }
                }
                try batches.flushIfFull()
                return true
            }
            counters.add(records: pending.records, bytes: pending.bytes, done: pending.bytes)
        }
        try batches.finish()
        return !stopped
    }

    private static func withBuffers<T>(_ envelope: KcatEnvelope, _ body: (UnsafeRawBufferPointer?, UnsafeRawBufferPointer?) -> T) -> T {
        func with(_ bytes: [UInt8]?, _ inner: (UnsafeRawBufferPointer?) -> T) -> T {
            guard let bytes else { return inner(nil) }
            return bytes.withUnsafeBytes { inner($0) }
        }
        return with(envelope.key) { key in with(envelope.payload) { value in body(key, value) } }
    }
}
