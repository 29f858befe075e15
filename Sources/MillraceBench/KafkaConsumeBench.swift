import ArgumentParser
import Foundation
import Kafka
import Logging

/// `millrace-bench kafka-consume`: drains a topic with Millrace's consumer, touching every
/// payload byte, and prints one JSON line of figures. With `--fill` it instead produces the
/// benchmark's input (Debezium-shaped JSON values) and exits.
///
/// `scripts/bench/bench_kafka_consume.py` runs it against `kcat -C -e -o beginning` on the same
/// mock-cluster topic in the same run.
struct KafkaConsumeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-consume",
        abstract: "Drain a Kafka topic with Millrace's consumer (or --fill it) and print msg/s as JSON."
    )

    @Option(help: "Bootstrap servers.")
    var bootstrap: String

    @Option(help: "Topic to drain or fill.")
    var topic: String

    @Option(help: "Partitions of the topic (drained from the beginning, without a group).")
    var partitions: Int32

    @Option(help: "Produce this many messages instead of draining.")
    var fill: Int?

    @Option(help: "Approximate value size of produced messages, in bytes.")
    var valueBytes: Int = 1_100

    @Option(help: "Messages per poll call.")
    var batch: Int = 5_000

    @Option(help: "Extra librdkafka property name=value for the consumer (repeatable).")
    var property: [String] = []

    func validate() throws {
        guard partitions > 0 else { throw ValidationError("--partitions must be positive") }
        guard (100...1_000_000).contains(valueBytes) else { throw ValidationError("--value-bytes must be 100 ... 1000000") }
        guard property.allSatisfy({ $0.contains("=") }) else { throw ValidationError("--property takes name=value") }
    }

    func run() throws {
        var logger = Logger(label: "millrace.bench.kafka", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = ProcessInfo.processInfo.environment["MILLRACE_BENCH_DEBUG"] == nil ? .warning : .debug
        if let fill {
            try BenchFill(bootstrap: bootstrap, topic: topic, valueBytes: valueBytes, logger: logger).produce(count: fill)
        } else {
            try drain(logger: logger)
        }
    }

    /// Reads every partition from the beginning to its end, as `kcat -C -e -o beginning` does:
    /// the end of a partition is librdkafka's end-of-partition event.
    private func drain(logger: Logger) throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrap, groupID: "millrace-bench")
        configuration.reportsPartitionEOF = true
        for entry in property {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            configuration.connection.properties[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        let started = ContinuousClock.now
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        try consumer.assign((0..<partitions).map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        var ended = Set<Int32>()
        var messages = 0
        var bytes = 0
        var checksum: UInt64 = 0
        var firstMessage: ContinuousClock.Instant?
        while ended.count < partitions {
            let summary = try consumer.poll(maxMessages: batch, timeout: .seconds(1)) { message in
                if firstMessage == nil { firstMessage = .now }
                if let value = message.value {
                    checksum &+= Self.touch(value)
                    bytes += value.count
                }
                messages += 1
            }
            for end in summary.partitionsAtEnd where end.topic == topic {
                ended.insert(end.partition)
            }
        }
        let seconds = (ContinuousClock.now - started).seconds
        try consumer.close()
        let rate = Double(messages) / max(seconds, 1e-9)
        let startup = ((firstMessage ?? .now) - started).seconds
        print(#"{"messages": \#(messages), "bytes": \#(bytes), "seconds": \#(seconds), "firstMessageSeconds": \#(startup), "msgPerSec": \#(rate), "checksum": \#(checksum)}"#)
    }

    /// Reads every byte of `bytes` (8 at a time) into a cheap checksum, so the payload is
    /// really fetched from memory, as a decoder would.
    @inline(__always)
    static func touch(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var sum: UInt64 = 0
        let words = bytes.count / 8
        for index in 0..<words {
            sum &+= bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
        }
        for index in (words * 8)..<bytes.count {
            sum &+= UInt64(bytes[index])
        }
        return sum
    }
}

extension Duration {
    /// The duration in seconds.
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// Fills the benchmark topic with Debezium-shaped JSON values (schema-enabled, unwrapped,
/// about `valueBytes` each), spread over partitions by key.
struct BenchFill {
    var bootstrap: String
    var topic: String
    var valueBytes: Int
    var logger: Logger

    func produce(count: Int) throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrap)
        configuration.lingerMs = 20
        configuration.connection.properties["batch.size"] = "262144"
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let schema = #"{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"entity_id"},{"type":"int32","optional":false,"field":"attribute_id"},{"type":"int64","optional":false,"field":"version"},{"type":"double","optional":true,"field":"value_num"},{"type":"string","optional":true,"field":"value_text"},{"type":"int64","optional":false,"name":"io.debezium.time.MicroTimestamp","version":1,"field":"ts"},{"type":"string","optional":true,"field":"__op"},{"type":"int64","optional":true,"field":"__ts_ms"},{"type":"int64","optional":true,"field":"__lsn"}],"optional":false,"name":"postgres.eav.entity_values_ts.Value"},"payload":"#
        for index in 0..<count {
            let entity = 1_000_000 + index % 50_000
            var value = schema
            value += #"{"entity_id":\#(entity),"attribute_id":\#(index % 40),"version":\#(index),"value_num":\#(Double(index) * 0.25),"#
            let padding = max(0, valueBytes - value.utf8.count - 120)
            value += #""value_text":"\#(String(repeating: "abcdefghij"[index % 10], count: padding))","ts":\#(1_764_000_000_000_000 + index),"__op":"c","__ts_ms":\#(1_764_000_000_000 + index / 10),"__lsn":\#(40_000_000 + index)}}"#
            var key = #"{"entity_id":\#(entity),"attribute_id":\#(index % 40)}"#
            try key.withUTF8 { keyBytes in
                try value.withUTF8 { valueBytes in
                    try producer.enqueue(topic: topic, key: UnsafeRawBufferPointer(keyBytes), value: UnsafeRawBufferPointer(valueBytes))
                }
            }
        }
        try producer.flush(timeout: .seconds(120))
        print(#"{"produced": \#(count)}"#)
    }
}

extension String {
    /// The character at `offset`.
    fileprivate subscript(offset: Int) -> Character {
        self[index(startIndex, offsetBy: offset)]
    }
}
