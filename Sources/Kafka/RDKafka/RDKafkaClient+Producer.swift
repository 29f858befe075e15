import CRdKafka
import Synchronization

/// Producing: messages, polling for delivery reports, flushing and purging.
extension RDKafkaClient {
    /// Serves delivery reports, errors and statistics for up to `timeoutMs` (`rd_kafka_poll`).
    func poll(timeoutMs: Int32) {
        _ = rd_kafka_poll(handle, timeoutMs)
    }

    /// Waits up to `timeoutMs` for every queued message to be delivered or fail
    /// (`rd_kafka_flush`); throws `.timedOut` when some are still outstanding.
    func flush(timeoutMs: Int32) throws(KafkaError) {
        try KafkaError.check(rd_kafka_flush(handle, timeoutMs), while: "flushing the producer")
    }

    /// Fails every queued and in-flight message with `_PURGE_QUEUE` / `_PURGE_INFLIGHT`
    /// delivery reports (`rd_kafka_purge`).
    func purge() {
        _ = rd_kafka_purge(handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
    }
}

/// Produces through cached `rd_kafka_topic_t` handles, one per topic name, so producing does
/// not look the topic up by name per message. The handles are destroyed before the client.
final class RDKafkaProducerTopics: @unchecked Sendable {
    private let client: RDKafkaClient
    private let handles = Mutex<[String: OpaquePointer]>([:])

    init(client: RDKafkaClient) {
        self.client = client
    }

    deinit {
        handles.withLock { $0.values.forEach { rd_kafka_topic_destroy($0) } }
    }

    /// Enqueues one message (copied) for `topic`, partition `partition` (nil: the configured
    /// partitioner picks by key). `opaque` comes back in the delivery report. With
    /// `blockWhenFull` the call waits while the local queue is full instead of throwing
    /// `.queueFull`.
    func produce(
        topic: String,
        partition: Int32?,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?,
        headers: [KafkaHeader],
        timestampMs: Int64?,
        opaque: UnsafeMutableRawPointer?,
        blockWhenFull: Bool
    ) throws(KafkaError) {
        let topicHandle = try handle(for: topic)
        var headerList: OpaquePointer?
        if !headers.isEmpty {
            headerList = rd_kafka_headers_new(headers.count)
            for header in headers {
                let added: rd_kafka_resp_err_t
                if let bytes = header.value {
                    added = bytes.withUnsafeBytes { rd_kafka_header_add(headerList, header.name, -1, $0.baseAddress, $0.count) }
                } else {
                    added = rd_kafka_header_add(headerList, header.name, -1, nil, 0)
                }
                if added != RD_KAFKA_RESP_ERR_NO_ERROR {
                    rd_kafka_headers_destroy(headerList)
                    throw KafkaError(added, while: "adding header \(header.name)")
                }
            }
        }
        var arguments: [rd_kafka_vu_t] = []
        arguments.reserveCapacity(8)
        var argument = rd_kafka_vu_t()
        argument.vtype = RD_KAFKA_VTYPE_RKT
        argument.u.rkt = topicHandle
        arguments.append(argument)
        argument.vtype = RD_KAFKA_VTYPE_PARTITION
        argument.u.i32 = partition ?? RD_KAFKA_PARTITION_UA
        arguments.append(argument)
        argument.vtype = RD_KAFKA_VTYPE_MSGFLAGS
        argument.u.i = RD_KAFKA_MSG_F_COPY | (blockWhenFull ? RD_KAFKA_MSG_F_BLOCK : 0)
        arguments.append(argument)
        if let key {
            argument.vtype = RD_KAFKA_VTYPE_KEY
            argument.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
            argument.u.mem.size = key.count
            arguments.append(argument)
        }
        if let value {
            argument.vtype = RD_KAFKA_VTYPE_VALUE
            argument.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
            argument.u.mem.size = value.count
            arguments.append(argument)
        }
        if let timestampMs {
            argument.vtype = RD_KAFKA_VTYPE_TIMESTAMP
            argument.u.i64 = timestampMs
            arguments.append(argument)
        }
        if let headerList {
            argument.vtype = RD_KAFKA_VTYPE_HEADERS
            argument.u.headers = headerList
            arguments.append(argument)
        }
        argument.vtype = RD_KAFKA_VTYPE_OPAQUE
        argument.u.ptr = opaque
        arguments.append(argument)
        if let failure = rd_kafka_produceva(client.handle, arguments, arguments.count) {
            // On failure the headers stay ours to free.
            if let headerList { rd_kafka_headers_destroy(headerList) }
            let destination = partition.map { "\(KafkaTopicPartition(topic: topic, partition: $0))" } ?? topic
            throw KafkaError(consuming: failure, while: "producing to \(destination)")
        }
    }

    private func handle(for topic: String) throws(KafkaError) -> OpaquePointer {
        let handle = handles.withLock { handles -> OpaquePointer? in
            if let known = handles[topic] { return known }
            let created = rd_kafka_topic_new(client.handle, topic, nil)
            if let created { handles[topic] = created }
            return created
        }
        guard let handle else {
            let code = rd_kafka_last_error()
            throw KafkaError(code, while: "creating the topic handle for \(topic)")
        }
        return handle
    }
}
