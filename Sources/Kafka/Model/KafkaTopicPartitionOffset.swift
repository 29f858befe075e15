/// A partition with an offset and optional commit metadata: what `commit` stores and
/// `committed` returns.
///
/// `offset` is the next offset to read (the last processed offset + 1), as Kafka commits it.
public struct KafkaTopicPartitionOffset: Hashable, Sendable, CustomStringConvertible {
    /// Topic name.
    public var topic: String
    /// Partition number, from 0.
    public var partition: Int32
    /// The offset: a real offset (0 or more) or one of `KafkaOffset`'s logical values.
    public var offset: Int64
    /// Commit metadata stored beside the offset (Millrace stores the batch id), UTF-8.
    /// `nil` when none was stored. At most `KafkaConsumerConfiguration.maxOffsetMetadataBytes`
    /// bytes on commit.
    public var metadata: String?

    /// `offset` (with `metadata`) of partition `partition` of `topic`.
    public init(topic: String, partition: Int32, offset: Int64, metadata: String? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.metadata = metadata
    }

    /// `offset` (with `metadata`) of `topicPartition`.
    public init(_ topicPartition: KafkaTopicPartition, offset: Int64, metadata: String? = nil) {
        self.init(topic: topicPartition.topic, partition: topicPartition.partition, offset: offset, metadata: metadata)
    }

    /// The partition, without offset and metadata.
    public var topicPartition: KafkaTopicPartition {
        KafkaTopicPartition(topic: topic, partition: partition)
    }

    public var description: String {
        let base = "\(topic)[\(partition)]@\(offset)"
        return metadata.map { "\(base) (\($0))" } ?? base
    }
}
