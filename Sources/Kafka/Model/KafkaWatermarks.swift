/// A partition's retained offset range, as reported by its leader.
public struct KafkaWatermarks: Hashable, Sendable {
    /// The oldest retained offset (older messages were deleted or compacted away).
    public var low: Int64
    /// The high watermark: the offset the next message will get, one past the last readable one.
    public var high: Int64

    /// The range `low ..< high`.
    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }
}

/// How far a consumer group is behind on one partition.
///
/// `lag = highWatermark - committedOffset`; when the group never committed, the lag counts
/// every retained message (`highWatermark - lowWatermark`).
public struct KafkaPartitionLag: Hashable, Sendable, CustomStringConvertible {
    /// The partition.
    public var topicPartition: KafkaTopicPartition
    /// The partition's watermarks when the lag was measured.
    public var watermarks: KafkaWatermarks
    /// The group's committed offset, or nil when it never committed this partition.
    public var committedOffset: Int64?

    /// The lag of `topicPartition` given its `watermarks` and the group's `committedOffset`.
    public init(topicPartition: KafkaTopicPartition, watermarks: KafkaWatermarks, committedOffset: Int64?) {
        self.topicPartition = topicPartition
        self.watermarks = watermarks
        self.committedOffset = committedOffset
    }

    /// Messages the group still has to consume, 0 or more.
    public var lag: Int64 {
        let from = committedOffset.map { max($0, watermarks.low) } ?? watermarks.low
        return max(0, watermarks.high - from)
    }

    public var description: String { "\(topicPartition) lag \(lag)" }
}
