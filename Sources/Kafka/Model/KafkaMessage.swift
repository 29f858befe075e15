/// How a message's timestamp was set (Kafka's `message.timestamp.type`).
public enum KafkaTimestampType: Sendable, Hashable {
    /// The producer set it (`CreateTime`).
    case createTime
    /// The broker set it when appending (`LogAppendTime`).
    case logAppendTime
}

/// A consumed message copied out of librdkafka's buffers, for callers that keep it beyond
/// the poll call that delivered it. Made by `KafkaMessageView.copy()`.
public struct KafkaMessage: Sendable, Hashable {
    /// Topic name.
    public var topic: String
    /// Partition number.
    public var partition: Int32
    /// The message's offset in its partition.
    public var offset: Int64
    /// Timestamp in ms since the Unix epoch (UTC), when the message carries one.
    public var timestampMs: Int64?
    /// How the timestamp was set, when the message carries one.
    public var timestampType: KafkaTimestampType?
    /// Key bytes; nil for a message without key.
    public var key: [UInt8]?
    /// Value bytes; nil for a tombstone.
    public var value: [UInt8]?
    /// Headers in the order they were produced.
    public var headers: [KafkaHeader]

    /// A message with every field given.
    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        timestampMs: Int64?,
        timestampType: KafkaTimestampType?,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [KafkaHeader]
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMs = timestampMs
        self.timestampType = timestampType
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// The partition the message came from.
    public var topicPartition: KafkaTopicPartition {
        KafkaTopicPartition(topic: topic, partition: partition)
    }
}
