/// How a client reaches the cluster: brokers, identity, security and pass-through properties.
/// Shared by `KafkaConsumerConfiguration` and `KafkaProducerConfiguration`.
public struct KafkaConnectionConfiguration: Sendable {
    /// Comma-separated `host:port` list of bootstrap brokers (librdkafka's `bootstrap.servers`).
    /// Default: `"localhost:9092"`.
    public var bootstrapServers: String = "localhost:9092"
    /// Client identifier sent to brokers (`client.id`), visible in broker logs and quotas.
    /// Default: `"millrace"`.
    public var clientID: String = "millrace"
    /// How often librdkafka emits statistics to the statistics handler, in ms
    /// (`statistics.interval.ms`); 0 disables them. librdkafka's granularity is 1000 ms.
    /// Default: 0.
    public var statisticsIntervalMs: Int = 0
    /// Called for a SASL/OAUTHBEARER token when `sasl.mechanisms=OAUTHBEARER` (MSK IAM plugs in
    /// here). Served on librdkafka's background thread. Default: nil (no OAUTHBEARER refresh).
    public var oauthBearerTokenProvider: KafkaOAuthBearerTokenProvider? = nil
    /// Any librdkafka property by its own name (`security.protocol`, `sasl.mechanisms`,
    /// `ssl.ca.location`, `debug`, ...). Applied last, so they override the typed fields above
    /// and the client defaults. Values of sensitive properties (passwords, keys) never appear
    /// in errors or logs. Default: `[:]`.
    public var properties: [String: String] = [:]

    /// The defaults, for brokers at `bootstrapServers`.
    public init(bootstrapServers: String = "localhost:9092") {
        self.bootstrapServers = bootstrapServers
    }

    /// The librdkafka properties these fields set, before client-specific ones.
    var baseProperties: KafkaPropertyList {
        var list = KafkaPropertyList()
        list["bootstrap.servers"] = bootstrapServers
        list["client.id"] = clientID
        list["statistics.interval.ms"] = String(statisticsIntervalMs)
        return list
    }
}
