/// The Kafka source. librdkafka properties pass through by their own names.
public struct KafkaSettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// `bootstrap.servers`. Default: `localhost:9092`.
    public var bootstrapServers: String = "localhost:9092"
    /// `group.id`: workers sharing it split the partitions. Default: `millrace-eav`.
    public var groupID: String = "millrace-eav"
    /// `group.instance.id` for static membership (a stable name per replica, e.g. a StatefulSet
    /// pod's): a restarted worker keeps its partitions without a rebalance if it is back within
    /// `session.timeout.ms`. Empty: dynamic membership. Default: empty.
    public var groupInstanceID: String = ""
    /// Topics to consume. Default: the seed's three EAV topics, Debezium's heartbeat topic and
    /// the `_heartbeat` table's topic.
    public var topics: [String] = [
        "postgres.eav.entities", "postgres.eav.entity_values_ts", "postgres.eav.entity_jsonb",
        "__debezium-heartbeat.postgres.eav", "postgres.eav._heartbeat",
    ]
    /// Any librdkafka property (`security.protocol`, `sasl.mechanisms`, `ssl.ca.location`, …),
    /// passed through unchanged; they override Millrace's consumer defaults. With
    /// `sasl.mechanisms: OAUTHBEARER` Millrace signs MSK IAM tokens with the AWS credential chain.
    /// Default: none.
    public var properties: [String: String] = [:]
    /// Region of the MSK cluster, for IAM authentication; empty means `staging.region`, then
    /// `AWS_REGION` / `AWS_DEFAULT_REGION`. Default: empty.
    public var iamRegion: String = ""

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case bootstrapServers = "bootstrap_servers", groupID = "group_id", groupInstanceID = "group_instance_id", topics, properties
        case iamRegion = "iam_region"
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = KafkaSettings()
        bootstrapServers = try c.value(.bootstrapServers, default: d.bootstrapServers)
        groupID = try c.value(.groupID, default: d.groupID)
        groupInstanceID = try c.value(.groupInstanceID, default: d.groupInstanceID)
        topics = try c.value(.topics, default: d.topics)
        properties = try c.value(.properties, default: d.properties)
        iamRegion = try c.value(.iamRegion, default: d.iamRegion)
    }
}
