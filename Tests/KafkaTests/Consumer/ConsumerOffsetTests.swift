import Foundation
@testable import Kafka
import MillraceTesting
import Testing

/// Offsets on the mock cluster: commit and resume, metadata, lag, seek and pause, offsets
/// by time.
@Suite("Consumer offsets", .timeLimit(.minutes(2)))
struct ConsumerOffsetTests {
    /// Polls `consumer` on the calling thread until `count` messages arrived (or 20 s passed).
    static func read(_ consumer: KafkaConsumer, count: Int) throws -> [KafkaMessage] {
        var messages: [KafkaMessage] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while messages.count < count && ContinuousClock.now < deadline {
            _ = try consumer.poll(maxMessages: count - messages.count, timeout: .milliseconds(100)) { messages.append($0.copy()) }
        }
        return messages
    }

    @Test("after commit and restart, consumption resumes exactly at the committed offsets")
    func commitAndResume() async throws {
        let topic = uniqueName("resume")
        let group = uniqueName("g")
        let kafka = try KafkaTestCluster(topics: [topic: 3])
        try await kafka.produce(topic, count: 90)
        let first = try kafka.consumer(group: group)
        let (before, committed) = try await onDedicatedThread { () throws -> ([KafkaMessage], [KafkaTopicPartitionOffset]) in
            try first.subscribe([topic])
            let messages = try Self.read(first, count: 40)
            let positions = try first.position(first.ownedPartitions.sorted()).filter { $0.offset >= 0 }
            try first.commit(positions)
            try first.close()
            return (messages, positions)
        }
        #expect(before.count == 40)
        let second = try kafka.consumer(group: group)
        let after = try await onDedicatedThread { () throws -> [KafkaMessage] in
            try second.subscribe([topic])
            let messages = try Self.read(second, count: 50)
            try second.close()
            return messages
        }
        #expect(after.count == 50)
        for partition in Int32(0)..<3 {
            let head = before.filter { $0.partition == partition }.map(\.offset)
            let tail = after.filter { $0.partition == partition }.map(\.offset)
            let resumeAt = committed.first { $0.partition == partition }?.offset ?? 0
            // No gap, no repeat: the two runs together read 0, 1, 2, ... once each, and the
            // second starts exactly at the committed offset.
            #expect(head == Array(0..<resumeAt), "partition \(partition) before the commit")
            #expect(tail.first == (tail.isEmpty ? nil : resumeAt), "partition \(partition) resumes at \(resumeAt)")
            #expect(head + tail == Array(0..<Int64(head.count + tail.count)), "partition \(partition)")
        }
        #expect(Set(before.map(\.value) + after.map(\.value)).count == 90)
    }

    @Test("commit metadata round-trips through the coordinator, also to another member")
    func metadataRoundTrip() async throws {
        let topic = uniqueName("meta")
        let group = uniqueName("g")
        let kafka = try KafkaTestCluster(topics: [topic: 2])
        try await kafka.produce(topic, count: 10, partition: 0)
        let consumer = try kafka.consumer(group: group)
        let p0 = KafkaTopicPartition(topic: topic, partition: 0)
        let p1 = KafkaTopicPartition(topic: topic, partition: 1)
        try await consumer.assign([KafkaTopicPartitionOffset(p0, offset: KafkaOffset.beginning), KafkaTopicPartitionOffset(p1, offset: KafkaOffset.beginning)])
        let batchID = "01JD3Z4K8Q-7f3a9c2e-ünïcode"
        try await consumer.commit([KafkaTopicPartitionOffset(p0, offset: 7, metadata: batchID)])
        let mine = try await consumer.committed([p0, p1], timeout: .seconds(60))
        #expect(mine[0] == KafkaTopicPartitionOffset(p0, offset: 7, metadata: batchID))
        #expect(mine[1].offset == KafkaOffset.invalid && mine[1].metadata == nil)
        let other = try kafka.consumer(group: group)
        let theirs = try await other.committed([p0], timeout: .seconds(60))
        #expect(theirs == [KafkaTopicPartitionOffset(p0, offset: 7, metadata: batchID)])
        try await consumer.close()
        try await other.close()
    }

    @Test("commits are refused locally for unowned partitions, oversized metadata and negative offsets")
    func commitValidation() async throws {
        let topic = uniqueName("valid")
        let kafka = try KafkaTestCluster(brokers: 1, topics: [topic: 2])
        let consumer = try kafka.consumer(group: uniqueName("g")) { $0.maxOffsetMetadataBytes = 16 }
        let p0 = KafkaTopicPartition(topic: topic, partition: 0)
        try await consumer.assign([KafkaTopicPartitionOffset(p0, offset: 0)])
        let unowned = try await #require(throws: KafkaError.self) {
            try await consumer.commit([KafkaTopicPartitionOffset(topic: topic, partition: 1, offset: 3)])
        }
        #expect(unowned.code == .assignmentLost && unowned.isFencing)
        let tooLong = try await #require(throws: KafkaError.self) {
            try await consumer.commit([KafkaTopicPartitionOffset(p0, offset: 3, metadata: String(repeating: "x", count: 17))])
        }
        #expect(tooLong.code == .offsetMetadataTooLarge)
        let negative = try await #require(throws: KafkaError.self) { try await consumer.commit([KafkaTopicPartitionOffset(p0, offset: -2)]) }
        #expect(negative.code == .invalidArgument)
        try await consumer.close()
        await #expect(throws: KafkaError.self) { try await consumer.commit([KafkaTopicPartitionOffset(p0, offset: 1)]) }
    }

    @Test("lag is the high watermark minus the committed offset")
    func lag() async throws {
        let topic = uniqueName("lag")
        let kafka = try KafkaTestCluster(topics: [topic: 2])
        try await kafka.produce(topic, count: 100, partition: 0)
        try await kafka.produce(topic, count: 5, partition: 1)
        let consumer = try kafka.consumer(group: uniqueName("g"))
        let p0 = KafkaTopicPartition(topic: topic, partition: 0)
        let p1 = KafkaTopicPartition(topic: topic, partition: 1)
        try await consumer.assign([KafkaTopicPartitionOffset(p0, offset: 0), KafkaTopicPartitionOffset(p1, offset: 0)])
        try await consumer.commit([KafkaTopicPartitionOffset(p0, offset: 40)])
        let lags = try await consumer.lag([p0, p1], timeout: .seconds(60))
        #expect(lags.map(\.topicPartition) == [p0, p1])
        #expect(lags[0].watermarks == KafkaWatermarks(low: 0, high: 100))
        #expect(lags[0].committedOffset == 40)
        #expect(lags[0].lag == 60)
        #expect(lags[1].committedOffset == nil)
        #expect(lags[1].lag == 5)
        try await consumer.commit([KafkaTopicPartitionOffset(p0, offset: 100)])
        #expect(try await consumer.lag([p0], timeout: .seconds(60))[0].lag == 0)
        try await consumer.close()
    }

    @Test("seek re-reads, pause stops a partition, resume restarts it")
    func seekPauseResume() async throws {
        let topic = uniqueName("seek")
        let kafka = try KafkaTestCluster(brokers: 1, topics: [topic: 2])
        try await kafka.produce(topic, count: 10, partition: 0)
        try await kafka.produce(topic, count: 10, partition: 1)
        let consumer = try kafka.consumer(group: uniqueName("g"))
        let p0 = KafkaTopicPartition(topic: topic, partition: 0)
        let p1 = KafkaTopicPartition(topic: topic, partition: 1)
        let result = try await onDedicatedThread { () throws -> (paused: [KafkaMessage], idle: Int, resumed: [KafkaMessage], reread: [KafkaMessage]) in
            try consumer.assign([KafkaTopicPartitionOffset(p0, offset: 0), KafkaTopicPartitionOffset(p1, offset: 0)])
            try consumer.pause([p1])
            let paused = try Self.read(consumer, count: 10)
            // Nothing more arrives from the paused partition.
            let idle = try consumer.poll(timeout: .milliseconds(300)) { _ in }.messageCount
            try consumer.resume([p1])
            let resumed = try Self.read(consumer, count: 10)
            try consumer.seek([KafkaTopicPartitionOffset(p0, offset: 6)], timeout: .seconds(60))
            let reread = try Self.read(consumer, count: 4)
            try consumer.close()
            return (paused, idle, resumed, reread)
        }
        #expect(result.paused.allSatisfy { $0.partition == 0 } && result.paused.count == 10)
        #expect(result.idle == 0)
        #expect(result.resumed.map(\.offset) == Array(0..<10) && result.resumed.allSatisfy { $0.partition == 1 })
        #expect(result.reread.map(\.offset) == [6, 7, 8, 9] && result.reread.allSatisfy { $0.partition == 0 })
    }

    @Test("offsetsForTimes falls back to a binary search when the broker answers -1")
    func offsetsForTimesFallback() async throws {
        let topic = uniqueName("times")
        let kafka = try KafkaTestCluster(topics: [topic: 2])
        let start: Int64 = 1_764_000_000_000
        try await kafka.produce(topic, count: 50, partition: 0) { start + Int64($0) * 1_000 }
        try await kafka.produce(topic, count: 30, partition: 1) { start + Int64($0) * 2_000 }
        let consumer = try kafka.consumer(group: uniqueName("g"))
        let p0 = KafkaTopicPartition(topic: topic, partition: 0)
        let p1 = KafkaTopicPartition(topic: topic, partition: 1)
        // The mock cluster cannot look up by time: without the fallback there is no answer.
        let raw = try await consumer.onExecutor {
            try consumer.client.offsetsForTimes([KafkaTopicPartitionOffset(p0, offset: start + 12_500)], timeoutMs: 5_000)
        }
        #expect(raw.first?.0.offset == -1)

        let found = try await consumer.offsetsForTimes([p0: start + 12_500, p1: start + 12_500], timeout: .seconds(60))
        #expect(found == [KafkaTopicPartitionOffset(p0, offset: 13), KafkaTopicPartitionOffset(p1, offset: 7)])
        let edges = try await consumer.offsetsForTimes([p0: start - 1, p1: start + 1_000_000_000], timeout: .seconds(60))
        #expect(edges == [KafkaTopicPartitionOffset(p0, offset: 0), KafkaTopicPartitionOffset(p1, offset: 30)])
        let exact = try await consumer.offsetsForTimes([p0: start + 49_000], timeout: .seconds(60))
        #expect(exact == [KafkaTopicPartitionOffset(p0, offset: 49)])
        try await consumer.close()
    }
    @Test("offsetsForTimes searches across transaction markers, also when the log ends in one")
    func offsetsForTimesAcrossTransactionMarkers() async throws {
        let topic = uniqueName("txn-times")
        let kafka = try KafkaTestCluster(brokers: 1, topics: [topic: 1])
        let start: Int64 = 1_764_000_000_000
        // Three transactions of 10 messages, one second apart, each followed by its commit
        // marker, so the log has gaps inside and one at its end. librdkafka 2.0.2's mock serves
        // transactions but writes no markers; a script writes each one as a transaction
        // coordinator would (a control batch, through the Kafka protocol).
        let marker = PackagePaths.root.appendingPathComponent("scripts/testing/kafka_control_record.py").path
        let producer = try kafka.producer { $0.transactionalID = uniqueName("txn") }
        try await producer.initTransactions(timeout: .seconds(10))
        for transaction in 0..<3 {
            try await producer.beginTransaction()
            let records = (0..<10).map { index in
                KafkaProducerRecord(
                    topic: topic, partition: 0, value: Array("t\(transaction)-\(index)".utf8),
                    timestampMs: start + Int64(transaction * 10 + index) * 1_000)
            }
            for report in try await producer.send(records) { _ = try report.get() }
            try await producer.commitTransaction(timeout: .seconds(10))
            try await Subprocess.run(["python3", marker, kafka.bootstrapServers, topic, "0", "commit"])
        }
        await producer.close()

        // The oracle: offsets and timestamps of the readable messages, as kcat reads them.
        let output = try await Subprocess.run([
            "timeout", "30", "kcat", "-C", "-b", kafka.bootstrapServers, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%o %T\\n",
        ]).output
        let log = output.split(separator: "\n").map { line in line.split(separator: " ").compactMap { Int64($0) } }
        #expect(log.count == 30 && log.allSatisfy { $0.count == 2 }, "\(output)")
        let consumer = try kafka.consumer(group: uniqueName("g"))
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        let watermarks = try await consumer.watermarks(partition, timeout: .seconds(60))
        let last = try #require(log.last?.first)
        // The scenario: markers between the transactions and at the end of the log.
        #expect(watermarks.high > last + 1, "the log should end in a commit marker: \(watermarks), last message \(last)")
        #expect(log.map { $0[0] } != Array(0..<30), "the transactions should be separated by markers")

        func expected(_ target: Int64) -> Int64 { log.first { $0[1] >= target }?[0] ?? last + 1 }
        // Before everything, mid-transaction, the first message after a marker, the last
        // message, after everything (the offset after the last message: nothing later is read).
        for target in [start - 1, start + 12_500, start + 10_000, start + 20_000, start + 29_000, start + 29_001] {
            let found = try await consumer.offsetsForTimes([partition: target], timeout: .seconds(60))
            #expect(found == [KafkaTopicPartitionOffset(partition, offset: expected(target))], "target \(target - start) ms")
        }
        try await consumer.close()
    }
}
