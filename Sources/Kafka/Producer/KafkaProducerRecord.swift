/// A message to produce.
public struct KafkaProducerRecord: Sendable, Hashable {
    /// Destination topic.
    public var topic: String
    /// Destination partition, or nil to let the partitioner choose by key
    /// (librdkafka's `consistent_random`: same key, same partition).
    public var partition: Int32?
    /// Key bytes, or nil for no key.
    public var key: [UInt8]?
    /// Value bytes, or nil for a tombstone.
    public var value: [UInt8]?
    /// Headers, in order.
    public var headers: [KafkaHeader]
    /// `CreateTime` timestamp in ms since the Unix epoch (UTC), or nil for "now".
    public var timestampMs: Int64?

    /// A record for `topic` with the given parts.
    public init(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        timestampMs: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMs = timestampMs
    }
}

/// The outcome of producing one record.
public struct KafkaDeliveryReport: Sendable {
    /// The record's topic.
    public var topic: String
    /// The partition it was written to (-1 when it was not).
    public var partition: Int32
    /// Its offset in that partition (-1 when it was not written or the offset is unknown).
    public var offset: Int64
    /// Why delivery failed, or nil when the record is stored (acknowledged by all in-sync
    /// replicas with the default `acks=all`).
    public var error: KafkaError?

    /// A report for one record.
    public init(topic: String, partition: Int32, offset: Int64, error: KafkaError?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.error = error
    }

    /// The stored record's partition and offset, or the delivery error thrown.
    public func get() throws -> (partition: Int32, offset: Int64) {
        if let error { throw error }
        return (partition, offset)
    }
}
