import Catalog
import Engine
import Foundation
import Kafka
import LoadGen
import Logging
import MillraceTesting
@testable import Runtime
import Synchronization
import Testing

/// The changelog dimension follower on librdkafka's mock cluster.
@Suite("Changelog follower")
struct ChangelogFollowerTests {
    /// Debezium with exactly-once delivery writes in transactions, so the follower reads
    /// committed transactional data. librdkafka 2.0.2's mock cluster writes no control records,
    /// so the case of a topic ending in a commit marker (which bootstrap handles through
    /// partition-end events rather than the last message's offset) cannot be staged here.
    @Test("bootstrap applies every entity of a transactionally written topic, then stops at its end")
    func bootstrapPastTransactionMarkers() async throws {
        let cluster = try MockCluster(brokers: 1, logger: Logger(label: "test.mock", factory: { _ in SwiftLogNoOpLogHandler() }))
        let topic = "postgres.eav.entities"
        try cluster.createTopic(topic, partitions: 2)
        let catalog = try Catalog.load(directory: PackagePaths.schemas.path)
        var settings = LoadGenConfiguration()
        settings.count = 600
        settings.partitions = 2
        settings.entities = 50
        settings.duplicateRate = 0
        settings.deleteRate = 0
        settings.malformedRate = 0
        let generator = try LoadGenerator(catalog: catalog, configuration: settings)
        var entities: [KafkaProducerRecord] = []
        while let record = generator.next() {
            guard record.topic == topic, record.value != nil else { continue }
            entities.append(KafkaProducerRecord(topic: topic, partition: record.partition, key: record.key, value: record.value))
        }
        try #require(!entities.isEmpty)

        var producerSettings = KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers)
        producerSettings.transactionalID = "entities-txn"
        let producer = try KafkaProducer(configuration: producerSettings)
        try await producer.initTransactions(timeout: .seconds(10))
        try await producer.beginTransaction()
        for report in try await producer.send(entities) { _ = try report.get() }
        try await producer.commitTransaction(timeout: .seconds(10))
        await producer.close()

        var consumerSettings = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupID: "follower-test")
        consumerSettings.reportsPartitionEOF = true
        let consumer = try KafkaConsumer(configuration: consumerSettings)
        let fact = try #require(catalog.table("fact_entity_values")?.current)
        let dimensions = try DimensionSet(catalog: catalog, tables: [fact])
        let definition = try #require(catalog.table("dim_entities")?.current)
        let follower = try ChangelogFollower(name: "dim_entities", definition: definition, consumer: consumer, dimensions: dimensions)
        // A stop request (SIGTERM during start-up) ends the bootstrap at once, unfinished.
        let stopped = try DimensionSet(catalog: catalog, tables: [fact])
        let early = try ChangelogFollower(
            name: "dim_entities", definition: definition, consumer: try KafkaConsumer(configuration: consumerSettings), dimensions: stopped)
        #expect(try early.bootstrap(from: [:], calls: StartupCall(bootstrapServers: cluster.bootstrapServers), shouldStop: { true }) == false)
        #expect(stopped.count("dim_entities") == 0)
        try early.close()

        #expect(try follower.bootstrap(from: [:], calls: StartupCall(bootstrapServers: cluster.bootstrapServers, limit: .seconds(60))))
        let keys = Set(entities.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } })
        #expect(dimensions.count("dim_entities") == keys.count)
        try follower.close()
    }

    @Test("with no broker reachable, a stop ends the bootstrap at its next attempt; without one the error names the servers and the key")
    func unreachableCluster() throws {
        let catalog = try Catalog.load(directory: PackagePaths.schemas.path)
        let fact = try #require(catalog.table("fact_entity_values")?.current)
        let definition = try #require(catalog.table("dim_entities")?.current)
        // Nothing listens on port 1 of loopback.
        let settings = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:1", groupID: "unreachable")
        let calls = StartupCall(bootstrapServers: "127.0.0.1:1", limit: .seconds(3), attempt: .milliseconds(500))
        let stopping = try ChangelogFollower(
            name: "dim_entities", definition: definition, consumer: try KafkaConsumer(configuration: settings),
            dimensions: try DimensionSet(catalog: catalog, tables: [fact]))
        // The stop arrives after the first attempt failed: the next check honours it.
        let asked = Atomic<Int>(0)
        #expect(try stopping.bootstrap(from: [:], calls: calls, shouldStop: { asked.add(1, ordering: .relaxed).newValue > 1 }) == false)
        try stopping.close()
        let failing = try ChangelogFollower(
            name: "dim_entities", definition: definition, consumer: try KafkaConsumer(configuration: settings),
            dimensions: try DimensionSet(catalog: catalog, tables: [fact]))
        let error = #expect(throws: RuntimeError.self) { try failing.bootstrap(from: [:], calls: calls) }
        #expect(error?.code == .kafka)
        #expect(error?.message == "cannot read the partitions of topic postgres.eav.entities from Kafka at 127.0.0.1:1 (kafka.bootstrap_servers) within 3.0 seconds",
            "\(error?.message ?? "")")
        try failing.close()
    }
}
