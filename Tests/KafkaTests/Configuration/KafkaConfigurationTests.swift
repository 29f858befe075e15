@testable import Kafka
import Failures
import Testing

@Suite("Kafka configuration")
struct KafkaConfigurationTests {
    @Test("an unknown librdkafka property is refused with its name")
    func unknownProperty() throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:1")
        configuration.connection.properties["no.such.property"] = "1"
        let error = try #require(throws: KafkaError.self) { try KafkaConsumer(configuration: configuration) }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains("no.such.property"))
    }

    @Test("a rejected sensitive property never shows its value")
    func sensitiveValueWithheld() throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1")
        configuration.connection.properties["sasl.password.typo"] = "hunter2-secret"
        configuration.connection.properties["ssl.keystore.password"] = "keystore-secret"
        configuration.connection.properties["security.protocol"] = "not-a-protocol"
        let error = try #require(throws: KafkaError.self) { try KafkaProducer(configuration: configuration) }
        #expect(error.code == .invalidArgument)
        #expect(!error.description.contains("hunter2-secret"))
        #expect(!error.description.contains("keystore-secret"))
    }

    @Test("an invalid value of an ordinary property is reported with librdkafka's reason")
    func invalidValue() throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:1")
        configuration.connection.properties["session.timeout.ms"] = "not-a-number"
        let error = try #require(throws: KafkaError.self) { try KafkaConsumer(configuration: configuration) }
        #expect(error.message.contains("session.timeout.ms"))
    }

    @Test("the OAUTHBEARER token description hides the token")
    func tokenRedacted() {
        let token = KafkaOAuthBearerToken(value: "eyJsecret", expiresAtMs: 1_800_000_000_000, principal: "arn:aws:iam::1:role/r")
        #expect(!token.description.contains("eyJsecret"))
        #expect(token.description.contains("arn:aws:iam::1:role/r"))
    }

    @Test("lag counts from the committed offset, or from the low watermark when never committed")
    func lagArithmetic() {
        let partition = KafkaTopicPartition(topic: "t", partition: 0)
        #expect(KafkaPartitionLag(topicPartition: partition, watermarks: .init(low: 10, high: 100), committedOffset: 40).lag == 60)
        #expect(KafkaPartitionLag(topicPartition: partition, watermarks: .init(low: 10, high: 100), committedOffset: nil).lag == 90)
        // A committed offset below the retained range counts only what is still retained.
        #expect(KafkaPartitionLag(topicPartition: partition, watermarks: .init(low: 50, high: 100), committedOffset: 5).lag == 50)
        #expect(KafkaPartitionLag(topicPartition: partition, watermarks: .init(low: 0, high: 100), committedOffset: 100).lag == 0)
    }
    @Test("properties the commit fence and the consumer's bookkeeping depend on cannot be overridden", arguments: [
        "enable.auto.commit", "auto.commit.enable", "enable.auto.offset.store", "partition.assignment.strategy", "group.id",
        "group.instance.id", "bootstrap.servers", "metadata.broker.list", "auto.offset.reset", "isolation.level", "enable.partition.eof",
    ])
    func reservedPropertiesRefused(name: String) throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:1")
        configuration.connection.properties[name] = "true"
        let error = try #require(throws: KafkaError.self) { try KafkaConsumer(configuration: configuration) }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains(name) && error.message.contains("cannot be overridden"), "\(error.message)")
        #expect(KafkaConsumerConfiguration.reservedProperties[name] != nil)
    }

    @Test("the defaults librdkafka applies: manual commits with cooperative-sticky, read_committed; an idempotent producer (acks=all)")
    func effectiveDefaults() async throws {
        let kafka = try KafkaTestCluster(brokers: 1)
        let consumer = try kafka.consumer(group: uniqueName("g"))
        for (name, value) in [
            ("enable.auto.commit", "false"), ("enable.auto.offset.store", "false"), ("partition.assignment.strategy", "cooperative-sticky"),
            ("isolation.level", "read_committed"), ("auto.offset.reset", "smallest"),
        ] {
            #expect(consumer.client.effectiveProperty(name) == value, "\(name)")
        }
        try await consumer.close()
        // The producer's configuration as the tests' helper leaves it, and as the bare default.
        for producer in [try kafka.producer(), try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: kafka.bootstrapServers))] {
            #expect(producer.client.effectiveProperty("enable.idempotence") == "true")
            // Idempotence implies acks=all (-1) and at most 5 requests in flight per connection.
            #expect(producer.client.effectiveProperty("acks") == "-1")
            #expect(producer.client.effectiveProperty("max.in.flight.requests.per.connection").flatMap(Int.init).map { $0 <= 5 } == true)
            await producer.close()
        }
        #expect(KafkaProducerConfiguration().enableIdempotence)
    }
}
