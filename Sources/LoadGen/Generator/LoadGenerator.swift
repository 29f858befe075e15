public import Catalog

/// Counts of what a load produced, for the closing summary and for tests.
public struct LoadSummary: Sendable {
    /// Records produced, every kind.
    public var records = 0
    /// Records per topic.
    public var perTopic: [String: Int] = [:]
    /// Change events.
    public var changes = 0
    /// Tombstones.
    public var tombstones = 0
    /// Redelivered duplicates.
    public var duplicates = 0
    /// Heartbeat records.
    public var heartbeats = 0
    /// `entity_jsonb` updates whose `attributes` carried Debezium's unavailable-value placeholder.
    public var unchangedToasts = 0
    /// Broken records per expected dead-letter reason.
    public var malformed: [String: Int] = [:]
    /// The record index at which `entity_values_ts` gained its new column, if it did.
    public var columnAddedAt: Int?
    /// Key plus value bytes produced.
    public var bytes = 0
}

extension LoadSummary {
    /// The closing summary `millrace loadgen` prints: totals, then per topic and per reason.
    public func report(omittedTombstones: Int = 0) -> String {
        var lines = [
            "loadgen: \(records) records, \(bytes) bytes: \(changes) changes, \(tombstones) tombstones, "
                + "\(duplicates) duplicates, \(heartbeats) heartbeats, \(malformed.values.reduce(0, +)) malformed"
        ]
        for (topic, count) in perTopic.sorted(by: { $0.key < $1.key }) { lines.append("  \(topic): \(count)") }
        for (reason, count) in malformed.sorted(by: { $0.key < $1.key }) { lines.append("  malformed \(reason): \(count)") }
        if let index = columnAddedAt { lines.append("  column `confidence` added at record \(index)") }
        if unchangedToasts > 0 { lines.append("  \(unchangedToasts) entity_jsonb updates with an unchanged TOASTed attributes") }
        if omittedTombstones > 0 { lines.append("  \(omittedTombstones) tombstones not written (the values format has no keys)") }
        return lines.joined(separator: "\n")
    }
}

/// Produces realistic Debezium CDC traffic for the EAV model (`entity_values_ts`, `entities`,
/// `entity_jsonb`, heartbeats), one record per `next()` call, deterministic for a seed.
///
/// Value schemas come from the catalog's declared tables (`fact_entity_values`,
/// `dim_entities`, `entity_attributes_hot`), so what it writes is exactly what the decoder
/// expects, byte for byte as JsonConverter would write it.
public final class LoadGenerator {
    /// The configuration in force.
    public let configuration: LoadGenConfiguration
    /// The attributes of the load (the attributes snapshot).
    public let attributes: [AttributeDefinition]
    /// What has been produced so far.
    public internal(set) var summary = LoadSummary()

    var random: SplitMix64
    var world: WorldState
    let values: MessageEncoder
    let evolvedValues: MessageEncoder
    let incompatibleValues: MessageEncoder
    let entities: MessageEncoder
    let jsonb: MessageEncoder
    let heartbeatTopic: String
    let heartbeatTableTopic: String
    let heartbeatTable: MessageEncoder
    var pending: [LoadRecord] = []
    private var pendingIndex = 0
    var recent: [LoadRecord] = []
    private var nextHeartbeatMs: Int64
    private var elapsedMs = 0.0
    var heartbeatSequence: Int64 = 0

    /// A generator for `catalog`'s EAV tables. Throws `invalidConfiguration` when the
    /// configuration is out of range or the catalog lacks the tables or heartbeat topics.
    public init(catalog: Catalog, configuration: LoadGenConfiguration) throws(LoadGenError) {
        try configuration.validate()
        self.configuration = configuration
        random = SplitMix64(seed: configuration.seed)
        world = WorldState(entityCount: configuration.entities)
        attributes = AttributeDefinition.catalog(count: configuration.attributes)
        func encoder(_ table: String) throws(LoadGenError) -> MessageEncoder {
            guard let definition = catalog.table(table)?.versions.first, let topic = definition.source.topic else {
                throw LoadGenError(.invalidConfiguration, "the catalog has no topic-fed table `\(table)`")
            }
            return MessageEncoder(topic: topic, rowFields: definition.connectRowSchema().fields)
        }
        values = try encoder("fact_entity_values")
        entities = try encoder("dim_entities")
        jsonb = try encoder("entity_attributes_hot")
        evolvedValues = MessageEncoder(
            topic: values.topic, rowFields: values.fields + [ConnectField(name: "confidence", schema: ConnectSchema(type: .float64))]
        )
        incompatibleValues = MessageEncoder(
            topic: values.topic,
            rowFields: values.fields.map { field in
                field.name == "value_int" ? ConnectField(name: field.name, schema: ConnectSchema(type: .string)) : field
            }
        )
        guard let debezium = catalog.heartbeats.first(where: { $0.field == "ts_ms" }),
            let table = catalog.heartbeats.first(where: { $0.field != "ts_ms" })
        else {
            throw LoadGenError(.invalidConfiguration, "the catalog needs a `ts_ms` heartbeat topic and a `_heartbeat` table topic")
        }
        heartbeatTopic = debezium.topic
        heartbeatTableTopic = table.topic
        heartbeatTable = MessageEncoder(
            topic: table.topic,
            rowFields: [
                ConnectField(name: "node_id", schema: ConnectSchema(type: .string, isOptional: false)),
                ConnectField(name: "node_type", schema: ConnectSchema(type: .string)),
                ConnectField(name: table.field, schema: ConnectSchema.defaultEncoding(for: .timestamptz, optional: false)),
                ConnectField(name: "write_sequence", schema: ConnectSchema(type: .int64)),
            ]
        )
        nextHeartbeatMs = configuration.startMs
    }

    /// The next record, or nil once `count` records (or `durationSeconds` of event time) were
    /// produced.
    public func next() -> LoadRecord? {
        if let count = configuration.count, summary.records >= count { return nil }
        if let duration = configuration.durationSeconds, elapsedMs >= duration * 1000 { return nil }
        if pendingIndex >= pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            generate()
        }
        let record = pending[pendingIndex]
        pendingIndex += 1
        count(record)
        elapsedMs += 1000 / configuration.rate
        return record
    }

    var nowMs: Int64 { configuration.startMs + Int64(elapsedMs) }

    private func count(_ record: LoadRecord) {
        summary.records += 1
        summary.perTopic[record.topic, default: 0] += 1
        summary.bytes += (record.key?.count ?? 0) + (record.value?.count ?? 0)
        switch record.kind {
        case .change: summary.changes += 1
        case .tombstone: summary.tombstones += 1
        case .duplicate: summary.duplicates += 1
        case .heartbeat: summary.heartbeats += 1
        case .malformed(let reason): summary.malformed[reason, default: 0] += 1
        }
    }

    /// Queues the records of the next event (at least one).
    private func generate() {
        let topics = configuration.topics
        if topics.contains(.heartbeat) && nowMs >= nextHeartbeatMs {
            nextHeartbeatMs += configuration.heartbeatIntervalMs
            emitHeartbeats()
            return
        }
        if !recent.isEmpty && random.chance(configuration.duplicateRate) {
            var duplicate = recent[Int(random.int(0...Int64(recent.count - 1)))]
            duplicate.kind = .duplicate
            pending.append(duplicate)
            return
        }
        if topics.contains(.entityValues) && random.chance(configuration.malformedRate) {
            emitMalformed()
            return
        }
        let deleting = random.chance(configuration.deleteRate)
        var choices: [LoadTopic] = []
        if topics.contains(.entityValues) { choices += Array(repeating: .entityValues, count: 17) }
        if topics.contains(.entityJSONB) { choices += [.entityJSONB, .entityJSONB] }
        if topics.contains(.entities) { choices.append(.entities) }
        if choices.isEmpty {
            // Only heartbeats were asked for: wait for the next one.
            elapsedMs = Double(nextHeartbeatMs - configuration.startMs)
            emitHeartbeats()
            nextHeartbeatMs += configuration.heartbeatIntervalMs
            return
        }
        let topic = choices[Int(random.int(0...Int64(choices.count - 1)))]
        let id = random.int(1...Int64(configuration.entities))
        if deleting {
            if topic == .entityValues, let row = world.takeRecentValue(&random) {
                emitValueDelete(row)
                return
            }
            if topic != .entityValues && world.entities[Int(id - 1)].exists {
                emitEntityDelete(id)
                return
            }
        }
        ensureEntity(id)
        switch topic {
        case .entityValues: emitValue(id)
        case .entityJSONB: emitJSONB(id, operation: "u")
        default: emitEntity(id, operation: "u")
        }
    }
}
