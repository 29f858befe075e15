@testable import Kafka
import Testing

/// Waking the fetchers after a poll drained the prefetch queue
/// (`KafkaConsumerConfiguration.fetchWakeIntervalMs`): the decision as a pure schedule with
/// given times, and the waker on the mock cluster, where it must not disturb what is read.
@Suite("Fetch wake-ups", .timeLimit(.minutes(2)))
struct FetchWakeTests {
    @Test("behind and below the queue's threshold a wake-up goes at once, one at a time, at most once per interval, a too early one deferred")
    func schedule() {
        var schedule = FetchWakeSchedule(intervalMs: 10, queuedMinMessages: 100)
        #expect(schedule.decide(queued: 100, behind: true, nowMillis: 0) == .none, "a full queue is meant to wait")
        #expect(schedule.decide(queued: 99, behind: true, nowMillis: 0) == .now)
        #expect(schedule.decide(queued: 0, behind: true, nowMillis: 50) == .none, "one under way: no second")
        schedule.finished()
        #expect(schedule.decide(queued: 0, behind: true, nowMillis: 54) == .now, "the interval has passed")
        schedule.finished()
        #expect(schedule.decide(queued: 0, behind: true, nowMillis: 57) == .after(7), "too early: deferred to the end of the interval, not dropped")
        #expect(schedule.decide(queued: 0, behind: true, nowMillis: 58) == .none, "one scheduled: no second")
        schedule.sending(nowMillis: 64)
        #expect(schedule.decide(queued: 0, behind: true, nowMillis: 66) == .none)
        schedule.finished()
        #expect(schedule.decide(queued: 0, behind: true, nowMillis: 70) == .after(4), "the deferred one counts from when it was sent")
        var disabled = FetchWakeSchedule(intervalMs: 0, queuedMinMessages: 100)
        #expect(disabled.decide(queued: 0, behind: true, nowMillis: 0) == .none)
        var atTheEnd = FetchWakeSchedule(intervalMs: 10, queuedMinMessages: 100)
        #expect(atTheEnd.decide(queued: 0, behind: false, nowMillis: 0) == .none, "a short batch: at the log's end, nothing is stalled")
        #expect(atTheEnd.decide(queued: 0, behind: true, nowMillis: 100) == .now)
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
