import CRdKafka

/// A consumed message, read in place from librdkafka's buffer.
///
/// Valid only inside the `poll` body that received it: the key and value buffers point into
/// librdkafka's memory and are released when the body returns. Call `copy()` to keep a
/// message. Reading a field costs a load, no allocation; `headers()` allocates, `header(_:)`
/// does not.
public struct KafkaMessageView {
    /// The librdkafka message; owned by the poll call.
    let message: UnsafeMutablePointer<rd_kafka_message_t>
    /// Topic name (interned per topic: no allocation per message).
    public let topic: String

    init(message: UnsafeMutablePointer<rd_kafka_message_t>, topic: String) {
        self.message = message
        self.topic = topic
    }

    /// Partition number.
    public var partition: Int32 { message.pointee.partition }

    /// The message's offset in its partition.
    public var offset: Int64 { message.pointee.offset }

    /// The partition the message came from.
    public var topicPartition: KafkaTopicPartition {
        KafkaTopicPartition(topic: topic, partition: partition)
    }

    /// Key bytes, or nil for a message without key. Valid only inside the poll body.
    public var key: UnsafeRawBufferPointer? {
        guard let key = message.pointee.key else { return nil }
        return UnsafeRawBufferPointer(start: key, count: message.pointee.key_len)
    }

    /// Value bytes, or nil for a tombstone. Valid only inside the poll body.
    public var value: UnsafeRawBufferPointer? {
        guard let payload = message.pointee.payload else { return nil }
        return UnsafeRawBufferPointer(start: payload, count: message.pointee.len)
    }

    /// Timestamp in ms since the Unix epoch (UTC), or nil when the message has none.
    public var timestampMs: Int64? {
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &type)
        return type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
    }

    /// How the timestamp was set, or nil when the message has none.
    public var timestampType: KafkaTimestampType? {
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        _ = rd_kafka_message_timestamp(message, &type)
        switch type {
        case RD_KAFKA_TIMESTAMP_CREATE_TIME: return .createTime
        case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME: return .logAppendTime
        default: return nil
        }
    }

    /// The value of the last header named `name`: `.some(nil)` for a header without value,
    /// nil when there is no such header. Valid only inside the poll body.
    public func header(_ name: String) -> UnsafeRawBufferPointer?? {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return nil }
        var value: UnsafeRawPointer?
        var size = 0
        guard rd_kafka_header_get_last(headers, name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        guard let value else { return .some(nil) }
        return .some(UnsafeRawBufferPointer(start: value, count: size))
    }

    /// Every header, copied, in produced order.
    public func headers() -> [KafkaHeader] {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            result.append(KafkaHeader(name: name.map { String(cString: $0) } ?? "", value: bytes))
            index += 1
        }
        return result
    }

    /// A copy that outlives the poll call.
    public func copy() -> KafkaMessage {
        KafkaMessage(
            topic: topic,
            partition: partition,
            offset: offset,
            timestampMs: timestampMs,
            timestampType: timestampType,
            key: key.map { Array($0) },
            value: value.map { Array($0) },
            headers: headers()
        )
    }
}
