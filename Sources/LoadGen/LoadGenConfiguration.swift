public import Catalog

/// A stream of the EAV model the load generator can produce.
public struct LoadTopic: Sendable, Hashable, CustomStringConvertible {
    private enum Value: String, Sendable, CaseIterable {
        case entityValues = "entity_values_ts"
        case entities
        case entityJSONB = "entity_jsonb"
        case heartbeat
    }

    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// `postgres.eav.entity_values_ts`: the time series (table `fact_entity_values`).
    public static let entityValues = LoadTopic(.entityValues)
    /// `postgres.eav.entities`: base records (table `dim_entities`).
    public static let entities = LoadTopic(.entities)
    /// `postgres.eav.entity_jsonb`: the hot projection (table `entity_attributes_hot`).
    public static let entityJSONB = LoadTopic(.entityJSONB)
    /// Debezium's heartbeat topic and the `_heartbeat` table's topic.
    public static let heartbeat = LoadTopic(.heartbeat)

    /// All four.
    public static let all: Set<LoadTopic> = Set(Value.allCases.map(LoadTopic.init))

    /// The stream named `name` (`entity_values_ts`, `entities`, `entity_jsonb`, `heartbeat`), or nil.
    public init?(named name: String) {
        guard let value = Value(rawValue: name) else { return nil }
        self.value = value
    }

    /// The name accepted by `init(named:)`.
    public var description: String { value.rawValue }
}

/// What the load generator produces: how much, how fast, and how dirty.
public struct LoadGenConfiguration: Sendable {
    /// Seed of the pseudo-random generator; a seed and a configuration reproduce a load byte
    /// for byte. Default: 1.
    public var seed: UInt64 = 1
    /// Records to produce (every kind counts), or nil to stop on `durationSeconds` only.
    /// Default: 10 000.
    public var count: Int? = 10_000
    /// Stop once this much event time (seconds) has passed, or nil. Default: nil.
    public var durationSeconds: Double?
    /// Records per second of event time (the simulated source clock; the seed's write rate is
    /// 10 000/s). The runner also paces real time to it when asked. Default: 10 000.
    public var rate: Double = 10_000
    /// Event time of the first record, milliseconds since the epoch (UTC).
    /// Default: 1 795 132 800 000 (2026-11-20T00:00:00Z).
    public var startMs: Int64 = 1_795_132_800_000
    /// Distinct entities. Default: 10 000.
    public var entities: Int = 10_000
    /// Distinct tenants. Default: 50.
    public var tenants: Int = 50
    /// Distinct attributes (also the rows of the attributes snapshot). Default: 200.
    public var attributes: Int = 200
    /// Partitions per topic, for the partition the default partitioner would pick
    /// (`LoadRecord.partition`, written by file sinks; producing to Kafka uses each topic's
    /// real count instead). Default: 12.
    public var partitions: Int = 12
    /// Share of records that redeliver an earlier record byte for byte, 0...1. Default: 0.01.
    public var duplicateRate: Double = 0.01
    /// Share of records deliberately broken (each names the dead-letter reason it must get),
    /// 0...1. Default: 0.
    public var malformedRate: Double = 0
    /// Share of business events that delete (an entity, or one time-series row), each followed
    /// by its tombstone, 0...1. Default: 0.002.
    public var deleteRate: Double = 0.002
    /// The source tables' REPLICA IDENTITY, which decides what a delete carries: `.default` the
    /// key columns (Debezium fills the other fields with null, or a NOT NULL one with its type's
    /// zero), `.full` the deleted row as it last was. Default: `.default` (PostgreSQL's).
    public var replicaIdentity: ReplicaIdentity = .default
    /// Share of `entity_jsonb` updates that leave `attributes` unchanged, a TOASTed jsonb, so
    /// Debezium sends its unavailable-value placeholder (`__debezium_unavailable_value`) in its
    /// place, 0...1. Only under REPLICA IDENTITY DEFAULT: with FULL the value is sent.
    /// Default: 0.
    public var unchangedToastRate: Double = 0
    /// After this many records, `entity_values_ts` gains the optional column `confidence`
    /// (float8) mid-stream, or nil for no schema change. Default: nil.
    public var addColumnAt: Int?
    /// After the column is added, old-schema records keep interleaving with new ones for this
    /// many records (a connector rollout), at 30 %. Default: 1 000.
    public var rolloutWindow: Int = 1_000
    /// Event time between heartbeats, ms (Debezium `heartbeat.interval.ms` in the seed).
    /// Default: 10 000.
    public var heartbeatIntervalMs: Int64 = 10_000
    /// The streams to produce. Default: all four.
    public var topics: Set<LoadTopic> = LoadTopic.all

    /// The defaults.
    public init() {}

    /// Throws `invalidConfiguration` for out-of-range values.
    public func validate() throws(LoadGenError) {
        func check(_ condition: Bool, _ message: String) throws(LoadGenError) {
            if !condition { throw LoadGenError(.invalidConfiguration, message) }
        }
        try check(count.map { $0 >= 0 } ?? true, "count must not be negative")
        try check(count != nil || durationSeconds != nil, "give a count or a duration")
        try check(durationSeconds.map { $0 > 0 } ?? true, "duration must be positive")
        try check(rate > 0 && rate.isFinite, "rate must be positive")
        try check(entities > 0 && tenants > 0 && attributes > 0, "entities, tenants and attributes must be positive")
        try check(partitions > 0, "partitions must be positive")
        for (name, share) in [
            ("duplicate", duplicateRate), ("malformed", malformedRate), ("delete", deleteRate), ("unchanged TOAST", unchangedToastRate),
        ] {
            try check((0...1).contains(share), "\(name) rate must be within 0...1")
        }
        try check(addColumnAt.map { $0 >= 0 } ?? true, "add-column-at must not be negative")
        try check(rolloutWindow >= 0, "rollout window must not be negative")
        try check(heartbeatIntervalMs > 0, "heartbeat interval must be positive")
        try check(!topics.isEmpty, "choose at least one topic")
    }
}
