import CDC
import Catalog
import Engine
import Kafka

/// Follows a changelog dimension's CDC topic (`dim_entities` from `postgres.eav.entities`) for
/// enrichment, outside the consumer group: every worker needs every entity, not just its
/// partitions. It assigns all partitions itself and never commits; its progress is the offsets
/// recorded with each dimension checkpoint.
final class ChangelogFollower {
    /// The dimension it feeds.
    let name: String
    /// Its topic.
    let topic: String
    private let consumer: KafkaConsumer
    private let decoder: ChangeDecoder
    private let dimensions: DimensionSet
    /// The next offset to read per partition (what a checkpoint records).
    private(set) var positions: [Int32: Int64] = [:]

    init(name: String, definition: TableDefinition, consumer: KafkaConsumer, dimensions: DimensionSet) throws {
        guard let topic = definition.source.topic else {
            throw RuntimeError(.configuration, "dimension \(name) has no topic to follow")
        }
        self.name = name
        self.topic = topic
        self.consumer = consumer
        self.dimensions = dimensions
        decoder = try ChangeDecoder(catalog: try Catalog(tables: [TableHistory(definition)]))
    }

    /// Assigns every partition, from `start` (a checkpoint's offsets) or the beginning, and reads
    /// until each partition reaches the high watermark it had when the bootstrap began, so fact
    /// processing starts with the dimension as of now. A partition also counts as read when
    /// librdkafka reports its end (the consumer needs `enable.partition.eof`): a topic whose
    /// last offsets are transaction markers has no message at the high watermark minus one.
    /// Returns false, unfinished, as soon as `shouldStop` returns true.
    @discardableResult
    func bootstrap(from start: [Int32: Int64], calls: StartupCall, shouldStop: () -> Bool = { false }) throws -> Bool {
        guard let partitions = try calls.run("read the partitions of topic \(topic)", shouldStop: shouldStop, { timeout in
            try consumer.partitions(of: topic, timeout: timeout)
        }) else { return false }
        // The watermarks before the assignment: once the consumer fetches, a ListOffsets request
        // waits behind its long-poll fetch of a partition with nothing new (fetch.wait.max.ms),
        // which made an empty topic's bootstrap take half a second per partition.
        guard let marks = try calls.run("read the offsets of topic \(topic)", shouldStop: shouldStop, { timeout in
            try consumer.watermarks(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) }, timeout: timeout)
        }) else { return false }
        positions = [:]
        var targets: [Int32: Int64] = [:]
        for partition in partitions {
            let watermarks = marks[KafkaTopicPartition(topic: topic, partition: partition)] ?? KafkaWatermarks(low: 0, high: 0)
            positions[partition] = max(start[partition] ?? 0, watermarks.low)
            if (positions[partition] ?? 0) < watermarks.high { targets[partition] = watermarks.high }
        }
        try consumer.assign(partitions.map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: positions[$0] ?? KafkaOffset.beginning) })
        let deadline = ContinuousClock.now + calls.limit * 10
        while targets.contains(where: { (positions[$0.key] ?? 0) < $0.value }) {
            if shouldStop() { return false }
            guard ContinuousClock.now < deadline else {
                throw RuntimeError(.dimension, "bootstrapping \(name) from \(topic) did not reach the end of the topic in time")
            }
            for end in try poll(timeout: .milliseconds(200)) where end.topic == topic {
                targets[end.partition] = nil
            }
        }
        return true
    }

    /// Applies whatever arrived since the last call, without waiting. Records that cannot be
    /// decoded are skipped here: the worker's own pipeline reads the same topic and dead-letters
    /// them with their batch.
    func catchUp() throws {
        try poll(timeout: .zero)
    }

    /// Applies what one poll returns; returns the partitions whose end it reached.
    @discardableResult
    private func poll(timeout: Duration) throws -> [KafkaTopicPartitionOffset] {
        let route = decoder.route(forTopic: topic)
        let summary = try consumer.poll(maxMessages: 10_000, timeout: timeout) { message in
            _ = decoder.decode(
                route: route, partition: message.partition, offset: message.offset, timestampMs: message.timestampMs ?? 0,
                key: message.key, value: message.value)
            positions[message.partition] = message.offset + 1
        }
        for table in decoder.tableIDs where decoder.bufferedRowCount(table) > 0 {
            try dimensions.apply(try decoder.takeBatch(table))
        }
        _ = decoder.takeSchemaChanges()
        return summary.partitionsAtEnd
    }

    /// Stops fetching and releases the consumer.
    func close() throws {
        try consumer.close()
    }
}
