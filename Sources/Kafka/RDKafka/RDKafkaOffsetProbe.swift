import CRdKafka
import Logging

/// Reads single messages at chosen offsets with a private, group-less consumer, for the
/// `offsetsForTimes` fallback. It never commits and never joins a group.
final class RDKafkaOffsetProbe {
    private let client: RDKafkaClient
    private let timeoutMs: Int32

    /// A probe using `connection` (brokers, security) and waiting at most `timeoutMs` per read.
    init(connection: KafkaConnectionConfiguration, isolationLevel: KafkaIsolationLevel, timeoutMs: Int32, logger: Logger) throws(KafkaError) {
        var properties = connection.baseProperties
        properties["statistics.interval.ms"] = "0"
        properties.merge(connection.properties)
        // After the pass-through properties: these make it a probe, whatever the caller set.
        properties["group.id"] = "millrace-offset-probe"
        properties["enable.auto.commit"] = "false"
        properties["enable.auto.offset.store"] = "false"
        properties["enable.partition.eof"] = "true"
        properties["auto.offset.reset"] = "earliest"
        properties["isolation.level"] = isolationLevel.propertyValue
        properties["fetch.wait.max.ms"] = "10"
        // One message per partition is wanted: the broker still returns a first batch larger
        // than this (KIP-74), and a round over many partitions stays small.
        properties["max.partition.fetch.bytes"] = "65536"
        // queued.min.messages stays at its default: at 1, the message a probe left fetched
        // filled the queue, and librdkafka 2.0.2 re-checks a full queue only once a second, so
        // most probes after the first waited a second for their fetch (a backfill's plan took
        // 30 s on the mock cluster instead of one).
        let callbacks = RDKafkaCallbacks(
            logger: logger,
            statistics: nil,
            oauthBearerTokenProvider: connection.oauthBearerTokenProvider,
            clientError: { logger.debug("offset probe: \($0)") }
        )
        self.client = try RDKafkaClient(kind: .consumer, properties: properties, callbacks: callbacks)
        self.timeoutMs = timeoutMs
        try client.forwardMainQueueToConsumer()
    }

    deinit {
        _ = rd_kafka_assign(client.handle, nil)
        _ = rd_kafka_consumer_close(client.handle)
    }

    /// For each partition, the first message at or after its offset: its offset and
    /// timestamp, or nil when the partition ends before that offset. All partitions are read at
    /// once (one fetch per leader broker carries them all), so a round of probes costs about
    /// one round trip however many partitions it covers.
    func firstMessages(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) -> [KafkaTopicPartition: OffsetTimestampSearch.Probe?] {
        guard !offsets.isEmpty else { return [:] }
        try client.assign(offsets.map { KafkaTopicPartitionOffset($0.key, offset: $0.value) })
        var found: [KafkaTopicPartition: OffsetTimestampSearch.Probe?] = [:]
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(timeoutMs)))
        while found.count < offsets.count && ContinuousClock.now < deadline {
            let remaining = (deadline - ContinuousClock.now).clampedMilliseconds
            guard let message = rd_kafka_consumer_poll(client.handle, max(1, remaining)) else { continue }
            defer { rd_kafka_message_destroy(message) }
            guard let topic = message.pointee.rkt.map({ String(cString: rd_kafka_topic_name($0)) }) else { continue }
            let partition = KafkaTopicPartition(topic: topic, partition: message.pointee.partition)
            // The first answer per partition counts (later messages are read-ahead of the same
            // fetch); a message before the probed offset is not this round's.
            guard let offset = offsets[partition], found[partition] == nil else { continue }
            switch message.pointee.err {
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                guard message.pointee.offset >= offset else { continue }
                var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
                let timestamp = rd_kafka_message_timestamp(message, &type)
                found[partition] = OffsetTimestampSearch.Probe(
                    offset: message.pointee.offset, timestampMs: type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp)
            case RD_KAFKA_RESP_ERR__PARTITION_EOF:
                // librdkafka reports the end at the offset it reached; past `offset` there is nothing.
                found[partition] = .some(nil)
            default:
                throw KafkaError(message.pointee.err, while: "probing \(partition) at offset \(offset)")
            }
        }
        guard found.count == offsets.count else {
            let missing = offsets.keys.filter { found[$0] == nil }.sorted().prefix(3).map { "\($0) at \(offsets[$0] ?? -1)" }
            throw KafkaError(.timedOut, "probing \(missing.joined(separator: ", ")): no answer within \(timeoutMs) ms")
        }
        return found
    }
}
