import ArgumentParser
import CDC
import Catalog
import Foundation
import LoadGen
import Runtime

/// `millrace loadgen`: realistic Debezium CDC traffic for the EAV topics, to a Kafka cluster
/// (idempotent producer, every delivery awaited) or to a file.
struct LoadGenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "Generate Debezium CDC traffic (JsonConverter, schemas.enable=true, ExtractNewRecordState).",
        discussion: """
            Writes inserts, updates, deletes with tombstones, redelivered duplicates and heartbeats for \
            postgres.eav.entity_values_ts, .entities and .entity_jsonb. Options add a mid-stream column and \
            deliberately broken records, each of which names the dead-letter reason it must get.
            """
    )

    @Option(help: "Kafka bootstrap servers to produce to (each topic's own partition count is used).") var bootstrap: String?
    @Option(
        name: [.customShort("X"), .customLong("property")],
        help: "A librdkafka producer property, name=value (security.protocol, sasl.mechanisms, ssl.ca.location, ...); repeatable.")
    var property: [String] = []
    @Option(name: .customLong("transactional-id"),
        help: "Produce every batch of records in a transaction of this id, as Kafka Connect does with exactly-once source support (KIP-618).")
    var transactionalID: String?
    @Option(help: "Write to this file instead of producing.") var output: String?
    @Option(help: "File format with --output: values (raw value bytes per line, the default) or kcat (kcat -J envelopes).")
    var format: String?
    @Option(help: "Records to produce (default 10000 unless --duration is given).") var count: Int?
    @Option(help: "Event-time seconds to cover.") var duration: Double?
    @Option(help: "Records per second of event time.") var rate: Double = 10_000
    @Flag(help: "Pace real time to --rate (producing to Kafka always does).") var pace = false
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(name: .customLong("duplicate-rate"), help: "Share of redelivered duplicates, 0...1.") var duplicateRate: Double = 0.01
    @Option(name: .customLong("malformed-rate"), help: "Share of deliberately broken records, 0...1.") var malformedRate: Double = 0
    @Option(name: .customLong("delete-rate"), help: "Share of deletes (each followed by a tombstone), 0...1.") var deleteRate: Double = 0.002
    @Option(
        name: .customLong("replica-identity"),
        help: "The source tables' REPLICA IDENTITY: default (a delete carries the key) or full (the deleted row).")
    var replicaIdentity: String = "default"
    @Option(
        name: .customLong("unchanged-toast-rate"),
        help: "Share of entity_jsonb updates whose TOASTed attributes are unchanged (sent as Debezium's placeholder), 0...1.")
    var unchangedToastRate: Double = 0
    @Option(name: .customLong("add-column-at"), help: "Add the column `confidence` to entity_values_ts after this many records.")
    var addColumnAt: Int?
    @Option(help: "Entities.") var entities: Int = 10_000
    @Option(help: "Tenants.") var tenants: Int = 50
    @Option(help: "Attributes.") var attributes: Int = 200
    @Option(help: "Partitions per topic in --output files (producing uses each topic's real count).") var partitions: Int = 12
    @Option(help: "Comma-separated streams: entity_values_ts, entities, entity_jsonb, heartbeat.")
    var topics: String = "entity_values_ts,entities,entity_jsonb,heartbeat"
    @Option(help: "Event time of the first record (ISO-8601; default: now).") var start: String?
    @Option(name: .customLong("attributes-out"), help: "Also write the attributes snapshot (.csv or .ndjson); repeatable.")
    var attributesOut: [String] = []
    @OptionGroup var registry: SchemasOption

    /// The registry folder in force.
    func validate() throws {
        guard (bootstrap == nil) != (output == nil) || (bootstrap == nil && output == nil && !attributesOut.isEmpty) else {
            throw ValidationError("give exactly one of --bootstrap and --output")
        }
        if let format {
            guard bootstrap == nil else { throw ValidationError("--format applies to --output files; Kafka gets the records themselves") }
            guard LoadFileFormat(named: format) != nil else { throw ValidationError("--format must be values or kcat") }
        }
        if !property.isEmpty && bootstrap == nil { throw ValidationError("-X/--property applies to --bootstrap only") }
        if transactionalID != nil && bootstrap == nil { throw ValidationError("--transactional-id applies to --bootstrap only") }
        for entry in property {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw ValidationError("-X/--property takes name=value, not `\(entry)`")
            }
        }
        for name in topics.split(separator: ",") where LoadTopic(named: String(name)) == nil {
            throw ValidationError("unknown topic `\(name)` in --topics")
        }
        guard ReplicaIdentity(named: replicaIdentity) != nil else { throw ValidationError("--replica-identity must be default or full") }
        if let start, ISOTimestamp.micros(start) == nil { throw ValidationError("--start must be ISO-8601 with an offset") }
        for path in attributesOut where !(path.hasSuffix(".csv") || path.hasSuffix(".ndjson") || path.hasSuffix(".jsonl")) {
            throw ValidationError("--attributes-out files end in .csv, .ndjson or .jsonl")
        }
    }

    /// The `-X` properties by name (a later repetition wins).
    private var properties: [String: String] {
        var properties: [String: String] = [:]
        for entry in property {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            properties[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return properties
    }

    func run() async throws {
        var settings = LoadGenConfiguration()
        settings.seed = seed
        settings.count = count ?? (duration == nil ? 10_000 : nil)
        settings.durationSeconds = duration
        settings.rate = rate
        settings.startMs = start.flatMap(ISOTimestamp.micros).map { $0 / 1000 } ?? Int64(Date().timeIntervalSince1970 * 1000)
        settings.entities = entities
        settings.tenants = tenants
        settings.attributes = attributes
        settings.partitions = partitions
        settings.duplicateRate = duplicateRate
        settings.malformedRate = malformedRate
        settings.deleteRate = deleteRate
        settings.replicaIdentity = ReplicaIdentity(named: replicaIdentity) ?? .default
        settings.unchangedToastRate = unchangedToastRate
        settings.addColumnAt = addColumnAt
        settings.topics = Set(topics.split(separator: ",").compactMap { LoadTopic(named: String($0)) })
        let catalog: Catalog
        do {
            catalog = try Catalog.load(directory: try registry.folder())
        } catch {
            throw CommandFailure.exit(for: error)
        }
        let generator = try LoadGenerator(catalog: catalog, configuration: settings)
        for path in attributesOut {
            let text = path.hasSuffix(".csv") ? AttributeSnapshot.csv(generator.attributes) : AttributeSnapshot.ndjson(generator.attributes)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        // The same progress as a backfill: a bar on a terminal, a line every few seconds otherwise.
        let counters = ProgressCounters()
        if let total = settings.count { counters.setTotal(Int64(total)) }
        let reporter = ProgressReporter(label: "loadgen", counters: counters, totalText: { "\(ProgressFormat.count($0)) records" })
        let progress: (Int, Int) -> Void = { records, bytes in counters.add(records: Int64(records), bytes: Int64(bytes), done: Int64(records)) }
        reporter.start()
        defer { reporter.finish() }
        if let bootstrap {
            let sink = try KafkaRecordSink(bootstrapServers: bootstrap, properties: properties, transactionalID: transactionalID)
            let summary = try await LoadRunner.run(generator, into: sink, paced: true, progress: progress)
            reporter.finish()
            CDCCommandIO.printError(summary.report(omittedTombstones: 0))
            return
        }
        guard let output else { return }
        let sink = try FileRecordSink(path: output, format: format.flatMap(LoadFileFormat.init(named:)) ?? .values)
        let summary = try await LoadRunner.run(generator, into: sink, paced: pace, progress: progress)
        reporter.finish()
        CDCCommandIO.printError(summary.report(omittedTombstones: sink.omittedTombstones))
    }
}
