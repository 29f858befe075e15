@testable import Kafka
import Testing

/// Waking the fetchers after a poll drained the prefetch queue
/// (`KafkaConsumerConfiguration.fetchWakeIntervalMs`): the decision as a pure schedule with
/// given times, and the waker on the mock cluster, where it must not disturb what is read.
@Suite("Fetch wake-ups", .timeLimit(.minutes(2)))
struct FetchWakeTests {
    @Test("once the queue was seen full, the first poll below half wakes the fetchers: one at a time, at most once per interval, a too early one deferred")
    func schedule() {
        // 100 messages or 10,000 bytes; polls of 10 messages of 100 bytes each.
        var schedule = FetchWakeSchedule(intervalMs: 10, queuedMinMessages: 100, queuedMaxBytes: 10_000)
        func poll(_ queued: Int, at millis: Int64) -> FetchWakeSchedule.Decision {
            schedule.decide(queued: queued, polled: 10, polledBytes: 1_000, nowMillis: millis)
        }
        #expect(poll(40, at: 0) == .none, "never full: the fetchers never stopped")
        #expect(poll(0, at: 1) == .none)
        #expect(poll(75, at: 2) == .none, "full (three quarters of the bytes): fetching is meant to wait")
        #expect(poll(60, at: 3) == .none, "still above half")
        #expect(poll(49, at: 4) == .now, "drained below half: wake")
        #expect(poll(10, at: 5) == .none, "one wake-up per filling")
        schedule.finished()
        #expect(poll(90, at: 8) == .none)
        #expect(poll(20, at: 9) == .after(5), "too early: deferred to the end of the interval, not dropped")
        #expect(poll(95, at: 10) == .none)
        #expect(poll(10, at: 11) == .none, "one scheduled: no second")
        schedule.sending(nowMillis: 14)
        schedule.finished()
        #expect(poll(80, at: 30) == .none)
        #expect(poll(0, at: 31) == .now, "the interval has passed")
        // The message count bounds the queue too: 1-byte messages fill 100 slots long before 10,000 bytes.
        var counted = FetchWakeSchedule(intervalMs: 10, queuedMinMessages: 100, queuedMaxBytes: 10_000)
        #expect(counted.decide(queued: 80, polled: 10, polledBytes: 10, nowMillis: 0) == .none)
        #expect(counted.decide(queued: 30, polled: 10, polledBytes: 10, nowMillis: 1) == .now)
        var disabled = FetchWakeSchedule(intervalMs: 0, queuedMinMessages: 100, queuedMaxBytes: 10_000)
        #expect(disabled.decide(queued: 100, polled: 10, polledBytes: 1_000, nowMillis: 0) == .none)
        #expect(disabled.decide(queued: 0, polled: 10, polledBytes: 1_000, nowMillis: 1) == .none)
    }

    @Test("a consumer whose tiny prefetch queue keeps filling wakes its brokers and still reads every message once, in order")
    func wakesWithoutDisturbingTheRead() async throws {
        let topic = uniqueName("wake")
        let kafka = try KafkaTestCluster(brokers: 3, topics: [topic: 6])
        try await kafka.produce(topic, count: 3_000)
        let consumer = try kafka.consumer(group: uniqueName("g")) { configuration in
            // A threshold a single fetch response exceeds: the queue is full after every fetch.
            configuration.queuedMinMessages = 20
            configuration.fetchWakeIntervalMs = 1
        }
        let plain = try kafka.consumer(group: uniqueName("g"))
        #expect(plain.fetchWaker == nil, "off unless configured")
        try await plain.close()
        let partitions = (0..<Int32(6)).map { KafkaTopicPartition(topic: topic, partition: $0) }
        let read = try await onDedicatedThread { () throws -> [KafkaMessage] in
            try consumer.assign(partitions.map { KafkaTopicPartitionOffset($0, offset: 0) })
            var messages: [KafkaMessage] = []
            let deadline = ContinuousClock.now + .seconds(90)
            while messages.count < 3_000 && ContinuousClock.now < deadline {
                _ = try consumer.poll(maxMessages: 7, timeout: .milliseconds(100)) { messages.append($0.copy()) }
            }
            try consumer.close()
            return messages
        }
        #expect(read.count == 3_000)
        for partition in partitions {
            let offsets = read.filter { $0.partition == partition.partition }.map(\.offset)
            #expect(offsets == Array(0..<Int64(offsets.count)), "partition \(partition.partition): a gap, a repeat or a message out of order")
        }
        #expect(Set(read.map { $0.value ?? [] }).count == 3_000)
        #expect((consumer.fetchWaker?.wakeUps ?? 0) > 0, "the drained queue woke the brokers")
    }

    @Test("watermarks of many partitions at once are each partition's own")
    func batchedWatermarks() async throws {
        let topic = uniqueName("marks")
        let kafka = try KafkaTestCluster(brokers: 3, topics: [topic: 5])
        for partition in Int32(0)..<4 { try await kafka.produce(topic, count: Int(partition) * 7 + 1, partition: partition) }
        let consumer = try kafka.consumer(group: uniqueName("g"))
        let partitions = (0..<Int32(5)).map { KafkaTopicPartition(topic: topic, partition: $0) }
        let together = try await consumer.onExecutor { try consumer.watermarks(partitions, timeout: .seconds(10)) }
        for partition in partitions {
            let alone = try await consumer.watermarks(partition, timeout: .seconds(10))
            #expect(together[partition] == alone, "\(partition)")
        }
        #expect(together.values.map(\.high).sorted() == [0, 1, 8, 15, 22])
        try await consumer.close()
    }
}
