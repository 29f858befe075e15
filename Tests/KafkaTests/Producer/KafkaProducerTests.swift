import Kafka
import Testing

@Suite("KafkaProducer", .timeLimit(.minutes(2)))
struct KafkaProducerTests {
    /// Reads `count` messages of `topic` (all partitions, from the beginning) as copies.
    static func readAll(_ kafka: KafkaTestCluster, topic: String, partitions: Int32, count: Int) async throws -> [KafkaMessage] {
        let consumer = try kafka.consumer(group: uniqueName("reader"))
        try await consumer.assign((0..<partitions).map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        var messages: [KafkaMessage] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while messages.count < count && ContinuousClock.now < deadline {
            messages += try await consumer.messages(timeout: .milliseconds(100))
        }
        // A little longer, to catch duplicates arriving late.
        messages += try await consumer.messages(timeout: .milliseconds(300))
        try await consumer.close()
        return messages
    }

    /// Checks that `messages` hold each of the 300 values `v-0 ... v-299` exactly once, in
    /// production order per key (hence per partition).
    static func expectExactlyOnceInOrder(_ messages: [KafkaMessage]) {
        let values = messages.map { String(decoding: $0.value ?? [], as: UTF8.self) }
        #expect(values.count == 300, "each message stored once")
        #expect(Set(values) == Set((0..<300).map { "v-\($0)" }))
        for key in 0..<17 {
            let sequence = messages.filter { $0.key == Array("k\(key)".utf8) }.map { Int(String(decoding: $0.value ?? [], as: UTF8.self).dropFirst(2)) ?? -1 }
            #expect(sequence == sequence.sorted(), "key k\(key) in order")
        }
    }

    /// The 300 records of these tests, keyed over 17 keys.
    static func records(_ topic: String) -> [KafkaProducerRecord] {
        (0..<300).map { KafkaProducerRecord(topic: topic, key: Array("k\($0 % 17)".utf8), value: Array("v-\($0)".utf8)) }
    }

    /// The brokers refuse the first requests (nothing stored), so this shows that retries deliver
    /// each message once and keep order per partition, as idempotence guarantees with several
    /// requests in flight. That sequence numbers drop a batch stored twice is shown by
    /// `deduplicatedThroughTimeouts`; that the default producer is idempotent at all, by
    /// `KafkaConfigurationTests.effectiveDefaults`.
    @Test("the default (idempotent) producer delivers every message exactly once, in order, through retried broker errors")
    func idempotentThroughErrors() async throws {
        let topic = uniqueName("idempotent")
        let kafka = try KafkaTestCluster(brokers: 3, topics: [topic: 3])
        let producer = try kafka.producer { $0.connection.properties["retry.backoff.ms"] = "20" }
        kafka.cluster.pushRequestErrors(.produce, [.notLeaderForPartition, .requestTimedOut, .notEnoughReplicas, .leaderNotAvailable, .notEnoughReplicasAfterAppend])
        let delivered = try await producer.send(Self.records(topic))
        #expect(delivered.allSatisfy { $0.error == nil }, "\(delivered.compactMap(\.error).prefix(3))")
        await producer.close()
        let messages = try await Self.readAll(kafka, topic: topic, partitions: 3, count: 300)
        Self.expectExactlyOnceInOrder(messages)
        // The reports name the offsets the messages were stored at.
        #expect(Set(delivered.map { "\($0.partition)/\($0.offset)" }) == Set(messages.map { "\($0.partition)/\($0.offset)" }))
    }

    /// Sends the 300 records while every broker answers slower than the request timeout, so
    /// librdkafka resends batches the brokers already stored; returns what a reader then
    /// finds. With `transactional`, the default (idempotent) producer inside one transaction:
    /// librdkafka 2.0.2's mock checks producer sequence numbers only for transactional
    /// producers, as a broker does for all idempotent ones. Without, idempotence is switched off.
    static func sendThroughTimeouts(transactional: Bool) async throws -> [KafkaMessage] {
        let topic = uniqueName("timeouts")
        let kafka = try KafkaTestCluster(brokers: 3, topics: [topic: 3])
        let producer = try kafka.producer {
            if !transactional { $0.enableIdempotence = false }
            $0.transactionalID = transactional ? uniqueName("txn") : nil
            // Produce requests time out after socket.timeout.ms (librdkafka checks once a second).
            $0.connection.properties["socket.timeout.ms"] = "300"
            $0.connection.properties["retry.backoff.ms"] = "50"
            if !transactional { $0.connection.properties["acks"] = "all" }
        }
        if transactional {
            try await producer.initTransactions(timeout: .seconds(10))
            try await producer.beginTransaction()
        }
        // Connect to every partition leader first: slow responses must hit produce requests,
        // not the connection handshake.
        let warmUp = (Int32(0)..<3).map { KafkaProducerRecord(topic: topic, partition: $0, value: Array("warm-up".utf8)) }
        for report in try await producer.send(warmUp) { _ = try report.get() }
        for broker in kafka.cluster.brokerIDs { try kafka.cluster.setBrokerRTT(broker, milliseconds: 2_500) }
        async let reports = producer.send(records(topic))
        // Slow long enough for librdkafka's once-a-second timeout scan to fire and resend even
        // on a loaded machine (4 s once left the control test without a resend).
        try await Task.sleep(for: .seconds(8))
        for broker in kafka.cluster.brokerIDs { try kafka.cluster.setBrokerRTT(broker, milliseconds: 0) }
        let delivered = try await reports
        #expect(delivered.allSatisfy { $0.error == nil }, "\(delivered.compactMap(\.error).prefix(3))")
        if transactional {
            try await producer.commitTransaction(timeout: .seconds(10))
        }
        await producer.close()
        let stored = try await readAll(kafka, topic: topic, partitions: 3, count: 303)
        return stored.filter { $0.value != Array("warm-up".utf8) }
    }

    @Test("sequence numbers keep batches resent after a timeout from being stored twice")
    func deduplicatedThroughTimeouts() async throws {
        Self.expectExactlyOnceInOrder(try await Self.sendThroughTimeouts(transactional: true))
    }

    @Test("control: without idempotence the same timeouts store duplicates, so the test above can fail")
    func duplicatesWithoutIdempotence() async throws {
        let values = try await Self.sendThroughTimeouts(transactional: false).map(\.value)
        #expect(values.count > Set(values).count, "the scenario resends stored batches")
    }

    @Test("keys, tombstones, headers and timestamps arrive as produced")
    func recordFields() async throws {
        let topic = uniqueName("fields")
        let kafka = try KafkaTestCluster(brokers: 1, topics: [topic: 1])
        let producer = try kafka.producer()
        let records = [
            KafkaProducerRecord(
                topic: topic, partition: 0, key: Array("key-1".utf8), value: Array("{\"a\":1}".utf8),
                headers: [KafkaHeader(name: "origin", value: Array("dlq".utf8)), KafkaHeader(name: "empty", value: nil)],
                timestampMs: 1_700_000_000_123
            ),
            KafkaProducerRecord(topic: topic, partition: 0, key: Array("key-1".utf8), value: nil),
            KafkaProducerRecord(topic: topic, partition: 0, key: nil, value: []),
        ]
        let reports = try await producer.send(records)
        #expect(reports.map(\.offset) == [0, 1, 2])
        await producer.close()
        let consumer = try kafka.consumer(group: uniqueName("g"))
        try await consumer.assign([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 0)])
        let seen = try await onDedicatedThread { () throws -> [String] in
            var seen: [String] = []
            let deadline = ContinuousClock.now + .seconds(10)
            while seen.count < 3 && ContinuousClock.now < deadline {
                _ = try consumer.poll(timeout: .milliseconds(100)) { view in
                    let origin = view.header("origin").flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) } ?? "-"
                    let empty = view.header("empty").map { $0 == nil ? "nil" : "bytes" } ?? "absent"
                    let value = view.value.map { "\($0.count)" } ?? "tombstone"
                    let key = view.key.map { String(decoding: $0, as: UTF8.self) } ?? "no-key"
                    seen.append("\(view.offset) \(key) \(value) \(origin) \(empty) \(view.timestampMs ?? -1 == 1_700_000_000_123)")
                }
            }
            try consumer.close()
            return seen
        }
        #expect(seen == ["0 key-1 7 dlq nil true", "1 key-1 tombstone - absent false", "2 no-key 0 - absent false"])
    }

    @Test("fire-and-forget records are flushed and counted")
    func enqueueAndFlush() async throws {
        let topic = uniqueName("enqueue")
        let kafka = try KafkaTestCluster(brokers: 1, topics: [topic: 2])
        let producer = try kafka.producer()
        try await onDedicatedThread {
            for index in 0..<1_000 {
                let value = Array("e-\(index)".utf8)
                try value.withUnsafeBytes { try producer.enqueue(topic: topic, key: nil, value: $0) }
            }
            try producer.flush(timeout: .seconds(10))
        }
        #expect(producer.deliveredCount == 1_000)
        await producer.close()
        let messages = try await Self.readAll(kafka, topic: topic, partitions: 2, count: 1_000)
        #expect(messages.count == 1_000)
    }

    @Test("a record larger than the broker accepts fails its own delivery report")
    func oversizedRecord() async throws {
        let topic = uniqueName("big")
        let kafka = try KafkaTestCluster(brokers: 1, topics: [topic: 1])
        let producer = try kafka.producer { $0.connection.properties["message.max.bytes"] = "10000" }
        let reports = try await producer.send([
            KafkaProducerRecord(topic: topic, value: Array(repeating: 1, count: 20_000)),
            KafkaProducerRecord(topic: topic, value: Array("fits".utf8)),
        ])
        #expect(reports[0].error?.code == .messageSizeTooLarge)
        #expect(reports[1].error == nil)
        await producer.close()
        await #expect(throws: KafkaError.self) { try await producer.send(KafkaProducerRecord(topic: topic, value: [1])) }
    }

    @Test("a record for a partition the topic lacks fails naming the topic and partition; partitions(of:) reads the real count")
    func missingPartitionNamed() async throws {
        let topic = uniqueName("narrow")
        let kafka = try KafkaTestCluster(brokers: 1, topics: [topic: 2])
        let producer = try kafka.producer()
        #expect(try await producer.partitions(of: topic, timeout: .seconds(60)) == [0, 1])
        let reports = try await producer.send([
            KafkaProducerRecord(topic: topic, partition: 7, value: Array("nowhere".utf8)),
            KafkaProducerRecord(topic: topic, partition: 1, value: Array("fits".utf8)),
        ])
        let failure = try #require(reports[0].error)
        #expect(failure.code == .unknownPartition)
        #expect(failure.message.contains("\(topic)[7]"), "\(failure)")
        #expect(reports[1].error == nil)
        await producer.close()
    }

    @Test("transactions commit records with consumer offsets, and abort")
    func transactions() async throws {
        let topic = uniqueName("txn")
        let kafka = try KafkaTestCluster(brokers: 3, topics: [topic: 2])
        let transactionalID = uniqueName("dlq")
        let producer = try kafka.producer { $0.transactionalID = transactionalID }
        let consumer = try kafka.consumer(group: uniqueName("g"))
        try await consumer.assign([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 0)])
        try await producer.initTransactions(timeout: .seconds(10))
        try await producer.beginTransaction()
        let stored = try await producer.send(KafkaProducerRecord(topic: topic, partition: 1, value: Array("dead letter".utf8)))
        #expect(stored.partition == 1)
        try await producer.sendOffsetsToTransaction(
            [KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 5)],
            group: try consumer.groupMetadata(),
            timeout: .seconds(10)
        )
        try await producer.commitTransaction(timeout: .seconds(10))

        // An aborted transaction leaves the producer ready for the next one. (librdkafka
        // 2.0.2's mock neither writes abort markers nor fences an older instance of the same
        // transactional.id, so neither is observable here.)
        try await producer.beginTransaction()
        _ = try await producer.send(KafkaProducerRecord(topic: topic, partition: 1, value: Array("aborted".utf8)))
        try await producer.abortTransaction(timeout: .seconds(10))
        try await producer.beginTransaction()
        let third = try await producer.send(KafkaProducerRecord(topic: topic, partition: 1, value: Array("third".utf8)))
        try await producer.commitTransaction(timeout: .seconds(10))
        #expect(third.offset > stored.offset)
        // Outside a transaction a transactional producer refuses to send.
        await #expect(throws: KafkaError.self) { try await producer.send(KafkaProducerRecord(topic: topic, partition: 1, value: [1])) }
        await producer.close()
        try await consumer.close()
    }
}
