/// A Kafka topic-partition.
public struct SourcePartition: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Topic name.
    public var topic: String
    /// Partition number.
    public var partition: Int32

    /// The partition `partition` of `topic`.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (lhs: SourcePartition, rhs: SourcePartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// The offsets of one partition that a batch consumed: `startOffset ..< endOffset`.
///
/// Ranges of consecutive batches of a partition chain: each batch starts where the previous
/// committed one ended, which is what makes "no gap, no overlap" checkable from the records.
public struct SourceRange: Sendable, Hashable, Codable {
    /// The partition.
    public var source: SourcePartition
    /// First offset consumed.
    public var startOffset: Int64
    /// One past the last offset consumed: the offset committed to Kafka.
    public var endOffset: Int64
    /// Kafka records consumed from the range (fewer than the span when offsets are sparse,
    /// for example after compaction or transaction markers).
    public var records: Int

    /// A range of `records` records from `startOffset` to `endOffset` (exclusive).
    public init(source: SourcePartition, startOffset: Int64, endOffset: Int64, records: Int) {
        self.source = source
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.records = records
    }
}
