import Kafka
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
}
