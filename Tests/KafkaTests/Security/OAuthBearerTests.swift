import Kafka
import Synchronization
import Testing

/// The OAUTHBEARER refresh hook (MSK IAM plugs in here). The mock cluster has no SASL, so
/// these tests check the hook's contract with librdkafka, not an authenticated session.
@Suite("OAUTHBEARER token refresh", .timeLimit(.minutes(1)))
struct OAuthBearerTests {
    @Test("librdkafka asks the provider for a token on its background thread, passing sasl.oauthbearer.config")
    func providerCalled() async throws {
        let kafka = try KafkaTestCluster(brokers: 1)
        let calls = Mutex<[String?]>([])
        var configuration = kafka.consumerConfiguration(group: uniqueName("g"))
        configuration.connection.properties["security.protocol"] = "SASL_PLAINTEXT"
        configuration.connection.properties["sasl.mechanisms"] = "OAUTHBEARER"
        configuration.connection.properties["sasl.oauthbearer.config"] = "region=eu-west-1"
        configuration.connection.oauthBearerTokenProvider = { config in
            calls.withLock { $0.append(config) }
            return KafkaOAuthBearerToken(
                value: "token-value",
                expiresAtMs: 1_900_000_000_000,
                principal: "arn:aws:iam::123456789012:role/millrace",
                extensions: ["traceId": "abc"]
            )
        }
        // No poll: the refresh is served by librdkafka's background thread.
        let consumer = try KafkaConsumer(configuration: configuration, logger: KafkaTestCluster.logger)
        try await eventually("the provider was called") { !calls.withLock { $0 }.isEmpty }
        #expect(calls.withLock { $0 }.first == "region=eu-west-1")
        _ = consumer
    }

    @Test("a provider that throws is reported to librdkafka as a refresh failure, which asks again later, without crashing")
    func providerFails() async throws {
        struct NoCredentials: Error {}
        let kafka = try KafkaTestCluster(brokers: 1)
        let calls = Mutex(0)
        var configuration = KafkaProducerConfiguration(bootstrapServers: kafka.bootstrapServers)
        configuration.connection.properties["security.protocol"] = "SASL_PLAINTEXT"
        configuration.connection.properties["sasl.mechanisms"] = "OAUTHBEARER"
        configuration.connection.oauthBearerTokenProvider = { _ in
            calls.withLock { $0 += 1 }
            throw NoCredentials()
        }
        let producer = try KafkaProducer(configuration: configuration, logger: KafkaTestCluster.logger)
        try await eventually("the provider was called") { calls.withLock { $0 } > 0 }
        // librdkafka schedules a new refresh about 10 s after a reported failure.
        try await eventually("librdkafka asked again after the failure", timeout: .seconds(30)) { calls.withLock { $0 } >= 2 }
        await producer.close()
    }
}
