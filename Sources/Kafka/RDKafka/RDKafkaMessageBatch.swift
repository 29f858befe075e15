import CRdKafka

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The buffer `rd_kafka_consume_batch_queue` fills with message pointers, and the poll-thread
/// state that goes with it: the consumer queue and the topic-name cache.
///
/// Owned by one consumer and only touched by the thread that polls (the consumer's state
/// machine admits one poll at a time).
final class RDKafkaMessageBatch {
    private let client: RDKafkaClient
    private let queue: OpaquePointer
    private var slots: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    private var capacity: Int
    private var count = 0
    /// Topic names, interned per `rd_kafka_topic_t`.
    let topicNames: RDKafkaTopicNames

    /// A batch over `client`'s consumer queue (`rd_kafka_queue_get_consumer`; the main queue
    /// must already be forwarded to it).
    init(client: RDKafkaClient) throws(KafkaError) {
        guard let queue = rd_kafka_queue_get_consumer(client.handle) else {
            throw KafkaError(.unknownGroup, "the consumer has no consumer queue (no group.id)")
        }
        self.client = client
        self.queue = queue
        self.capacity = 0
        self.slots = .allocate(capacity: 1)
        self.topicNames = RDKafkaTopicNames(client: client)
    }

    deinit {
        releaseAll()
        slots.deallocate()
        rd_kafka_queue_destroy(queue)
    }

    /// Takes up to `maxMessages` messages (or errors) already fetched; when there are none,
    /// waits up to `timeoutMs` for the first one and then takes what else is there. Returns
    /// how many. Callbacks (rebalance, errors, statistics) are served on this thread.
    ///
    /// `rd_kafka_consume_batch_queue` on its own waits until the batch is full or the timeout
    /// passes, which would hold fetched messages back for up to a timeout on every partly
    /// filled batch; hence a non-blocking take, a wait for one, and a second take.
    func consume(maxMessages: Int, timeoutMs: Int32) throws(KafkaError) -> Int {
        releaseAll()
        if maxMessages > capacity {
            slots.deallocate()
            slots = .allocate(capacity: maxMessages)
            slots.initialize(repeating: nil, count: maxMessages)
            capacity = maxMessages
        }
        count = try take(into: 0, upTo: maxMessages, timeoutMs: 0)
        if count == 0 && timeoutMs > 0 {
            count = try take(into: 0, upTo: 1, timeoutMs: timeoutMs)
            if count == 1 && maxMessages > 1 {
                count += try take(into: 1, upTo: maxMessages - 1, timeoutMs: 0)
            }
        }
        return count
    }

    /// Messages (and events) waiting in the consumer queue: what librdkafka holds prefetched.
    var queuedMessages: Int {
        Int(rd_kafka_queue_length(queue))
    }

    /// Fills slots `start ..< start + limit` from the consumer queue.
    private func take(into start: Int, upTo limit: Int, timeoutMs: Int32) throws(KafkaError) -> Int {
        let received = rd_kafka_consume_batch_queue(queue, timeoutMs, slots + start, limit)
        guard received >= 0 else {
            throw KafkaError(.failure, "rd_kafka_consume_batch_queue failed (errno \(errno))")
        }
        return received
    }

    /// The message at `index` (< the count `consume` returned), or nil once released.
    func message(at index: Int) -> UnsafeMutablePointer<rd_kafka_message_t>? {
        slots[index]
    }

    /// Gives the message at `index` back to librdkafka.
    func release(at index: Int) {
        if let message = slots[index] {
            rd_kafka_message_destroy(message)
            slots[index] = nil
        }
    }

    /// Gives every message still held back to librdkafka.
    func releaseAll() {
        for index in 0..<count {
            release(at: index)
        }
        count = 0
    }

    /// What `drain` found besides the messages it handed over.
    struct Outcome {
        /// Messages handed to the body.
        var delivered = 0
        /// Messages skipped because their partition moved during the call.
        var discarded = 0
        /// Partitions whose end was reached, at the offset where it was seen.
        var endsReached: [KafkaTopicPartitionOffset] = []
        /// Consumer errors reported in place of messages (non-fatal).
        var errors: [KafkaError] = []
        /// A fatal error, when librdkafka raised one.
        var fatal: KafkaError?
    }

    /// Hands the `count` messages of the last `consume` to `body` in order, as views, and
    /// releases them. Messages of partitions in `skip` are released unseen. Error entries
    /// (end of partition, consumer errors) are collected, not handed over.
    func drain(count: Int, skip: Set<KafkaTopicPartition>, _ body: (KafkaMessageView) throws -> Void) rethrows -> Outcome {
        var outcome = Outcome()
        defer { releaseAll() }
        for index in 0..<count {
            guard let message = slots[index] else { continue }
            let code = message.pointee.err
            if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                record(code, of: message, in: &outcome)
                release(at: index)
                continue
            }
            let view = KafkaMessageView(message: message, topic: topicNames.name(of: message.pointee.rkt))
            if !skip.isEmpty && skip.contains(view.topicPartition) {
                outcome.discarded += 1
            } else {
                try body(view)
                outcome.delivered += 1
            }
            release(at: index)
        }
        return outcome
    }

    private func record(_ code: rd_kafka_resp_err_t, of message: UnsafeMutablePointer<rd_kafka_message_t>, in outcome: inout Outcome) {
        let topic = topicNames.name(of: message.pointee.rkt)
        switch code {
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            outcome.endsReached.append(KafkaTopicPartitionOffset(topic: topic, partition: message.pointee.partition, offset: message.pointee.offset))
        case RD_KAFKA_RESP_ERR__FATAL:
            outcome.fatal = client.fatalError ?? KafkaError(.fatal, "librdkafka raised a fatal error", fatal: true)
        default:
            let reason = rd_kafka_message_errstr(message).map { String(cString: $0) } ?? ""
            let place = topic.isEmpty ? "" : " (\(topic)[\(message.pointee.partition)])"
            outcome.errors.append(KafkaError(KafkaError.Code(rawValue: code.rawValue), "consumer error\(place): \(reason)"))
        }
    }
}

/// Topic names interned per `rd_kafka_topic_t`, so a delivered message costs no String
/// allocation for its topic.
///
/// Each handle seen is pinned with `rd_kafka_topic_new` (a reference librdkafka counts), so it
/// is never freed and its address never reused for another topic while cached.
final class RDKafkaTopicNames {
    private let client: RDKafkaClient
    private var lastHandle: OpaquePointer?
    private var lastName = ""
    private var names: [OpaquePointer: String] = [:]
    private var pinned: [OpaquePointer] = []

    init(client: RDKafkaClient) {
        self.client = client
    }

    deinit {
        pinned.forEach { rd_kafka_topic_destroy($0) }
    }

    /// The name of the topic behind `handle`.
    func name(of handle: OpaquePointer?) -> String {
        guard let handle else { return "" }
        if handle == lastHandle { return lastName }
        let name: String
        if let known = names[handle] {
            name = known
        } else {
            name = String(cString: rd_kafka_topic_name(handle))
            if let pin = rd_kafka_topic_new(client.handle, name, nil) { pinned.append(pin) }
            names[handle] = name
        }
        lastHandle = handle
        lastName = name
        return name
    }
}
