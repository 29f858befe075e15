import Foundation
import Kafka
import Logging

/// A mock cluster with fast consumer-group timeouts, and helpers to fill it.
///
/// librdkafka's mock waits 3 s before the first rebalance of a group and
/// `session.timeout.ms - 1000` before later ones, so the shortest session timeout that
/// survives the first wait keeps group tests to seconds.
struct KafkaTestCluster {
    let cluster: MockCluster

    /// The logger of every client the tests create: librdkafka's connection errors after a
    /// test's cluster is gone would drown the output, so only criticals show, unless
    /// `MILLRACE_TEST_KAFKA_LOG` names a level (e.g. `debug`).
    static let logger: Logger = {
        var logger = Logger(label: "millrace.kafka.test")
        let level = ProcessInfo.processInfo.environment["MILLRACE_TEST_KAFKA_LOG"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = level ?? .critical
        return logger
    }()

    /// A cluster of `brokers` brokers with `topics` (name → partition count).
    init(brokers: Int = 3, topics: [String: Int] = [:]) throws {
        cluster = try MockCluster(brokers: brokers, logger: Self.logger)
        for (name, partitions) in topics {
            try cluster.createTopic(name, partitions: partitions)
        }
    }

    /// `host:port,...` of the brokers.
    var bootstrapServers: String { cluster.bootstrapServers }

    /// A consumer configuration for `group` with timeouts short enough for tests.
    func consumerConfiguration(group: String) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: group)
        // The mock answers a group's first JoinGroup after 3 s and evicts members silent for
        // a session timeout, so the session must outlast that first wait.
        configuration.sessionTimeoutMs = 3_500
        configuration.heartbeatIntervalMs = 250
        configuration.maxPollIntervalMs = 10_000
        configuration.fetchWaitMaxMs = 50
        configuration.connection.properties["topic.metadata.refresh.interval.ms"] = "500"
        // librdkafka debug contexts for diagnosing a test, e.g. MILLRACE_TEST_KAFKA_DEBUG=cgrp
        // (with MILLRACE_TEST_KAFKA_LOG=debug to see them).
        if let contexts = ProcessInfo.processInfo.environment["MILLRACE_TEST_KAFKA_DEBUG"] {
            configuration.connection.properties["debug"] = contexts
        }
        return configuration
    }

    /// A consumer for `group`, with optional changes to its configuration.
    func consumer(group: String, configure: (inout KafkaConsumerConfiguration) -> Void = { _ in }) throws -> KafkaConsumer {
        var configuration = consumerConfiguration(group: group)
        configure(&configuration)
        return try KafkaConsumer(configuration: configuration, logger: Self.logger)
    }

    /// An idempotent producer, with optional changes to its configuration.
    func producer(configure: (inout KafkaProducerConfiguration) -> Void = { _ in }) throws -> KafkaProducer {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        configuration.lingerMs = 1
        if let contexts = ProcessInfo.processInfo.environment["MILLRACE_TEST_KAFKA_DEBUG"] {
            configuration.connection.properties["debug"] = contexts
        }
        configure(&configuration)
        return try KafkaProducer(configuration: configuration, logger: Self.logger)
    }

    /// Produces `count` records `"<prefix>-<i>"` to `topic` (to `partition`, or spread by key
    /// `"k<i>"`), waits for all of them, and fails when one was not stored.
    @discardableResult
    func produce(
        _ topic: String,
        count: Int,
        partition: Int32? = nil,
        prefix: String = "m",
        timestampMs: (Int) -> Int64? = { _ in nil }
    ) async throws -> [KafkaDeliveryReport] {
        let producer = try producer()
        let records = (0..<count).map { index in
            KafkaProducerRecord(
                topic: topic,
                partition: partition,
                key: Array("k\(index)".utf8),
                value: Array("\(prefix)-\(index)".utf8),
                timestampMs: timestampMs(index)
            )
        }
        let reports = try await producer.send(records)
        await producer.close()
        for report in reports {
            _ = try report.get()
        }
        return reports
    }
}

/// A name no other test uses, so tests sharing nothing can run in parallel.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// Waits until `condition` holds, checking every 50 ms; throws after `timeout`. The default is
/// generous: what the callers assert is convergence, and a loaded 2-core CI machine running the
/// rest of the suite beside them is many times slower than an idle one.
func eventually(
    _ description: String,
    timeout: Duration = .seconds(45),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TimedOut(description: description)
}

/// `eventually` gave up.
struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Runs `body` on a new dedicated thread (as the engine runs its pipeline) and returns its
/// result, without blocking the cooperative pool.
func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
