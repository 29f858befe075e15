import Catalog
import Staging

/// "Data as of" per table, as a low watermark over the source partitions that feed it.
///
/// `millrace_partition_freshness` holds, per (table, Kafka partition), the newest source time
/// loaded from that partition: the newest `_source_ts` among a load's staged rows, or, for a
/// partition the worker had read to its end when the batch closed, the newest heartbeat it had
/// seen well before (`CommitRecord.caughtUp`, `BatchStats.heartbeatMillis`): nothing older than
/// that heartbeat can still be on its way from that partition. A table's `data_as_of` is the
/// minimum over its partitions, so one lagging partition holds it back. A partition the records
/// count (`CommitRecord.partitionCounts`) that nothing was loaded from yet is entered at the
/// epoch: what it holds is unknown, so "data as of" stays at the epoch (unknown, as before any
/// load) until every partition has loaded a change or a heartbeat. It is frozen at its
/// value when a batch of the table was quarantined, until no quarantine is left: the data it
/// announces is data the table really holds.
struct Freshness {
    let names: WarehouseNames

    private var dialect: SQLDialect { names.dialect }

    /// `CREATE TABLE IF NOT EXISTS` for both tables, and the banner view over them.
    func createTables(tables: [String]) -> [String] {
        let lag = dialect == .redshift
            ? "DATEDIFF(second, MIN(data_as_of), GETDATE())"
            : "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP - MIN(data_as_of)) AS BIGINT)"
        return [
            "CREATE TABLE IF NOT EXISTS \(names.freshness) (table_name VARCHAR(127) NOT NULL PRIMARY KEY, data_as_of TIMESTAMPTZ, "
                + "frozen_as_of TIMESTAMPTZ, loaded_at TIMESTAMPTZ NOT NULL);",
            "CREATE TABLE IF NOT EXISTS \(names.partitionFreshness) (table_name VARCHAR(127) NOT NULL, kafka_partition INTEGER NOT NULL, "
                + "as_of TIMESTAMPTZ NOT NULL, PRIMARY KEY (table_name, kafka_partition));",
            // The BI banner: the oldest table's "Data as of HH:MM UTC" and its lag in seconds.
            "CREATE OR REPLACE VIEW \(names.qualified("millrace_data_as_of")) AS SELECT MIN(data_as_of) AS data_as_of, "
                + "'Data as of ' || TO_CHAR(MIN(data_as_of) AT TIME ZONE 'UTC', 'HH24:MI') || ' UTC' AS label, \(lag) AS lag_seconds "
                + "FROM \(names.freshness) WHERE table_name IN \(SQLText.inList(tables.isEmpty ? [""] : tables));",
        ]
    }

    /// The temp table of one load's per-partition source times.
    func tempTable(_ table: String) -> String { names.temp("fresh_\(table)") }

    /// A load's freshness steps for `table`: the newest source time per partition of `stage`
    /// (nil when the load has no files for the table), moved forward by the heartbeats of
    /// `records` for their caught-up partitions of `topic`; then the table's watermark.
    func update(table: String, topic: String?, stage: String?, records: [CommitRecord]) -> [String] {
        let fresh = tempTable(table)
        let tableName = SQLText.literal(table)
        var statements: [String] = []
        if let stage {
            statements.append("CREATE TEMP TABLE \(fresh) AS SELECT CAST(\(dialect.quoted("_kafka_partition")) AS INTEGER) AS kafka_partition, "
                + "MAX(\(dialect.quoted("_source_ts"))) AS as_of FROM \(stage) GROUP BY 1;")
        } else {
            statements.append("CREATE TEMP TABLE \(fresh) (kafka_partition INTEGER, as_of TIMESTAMPTZ);")
        }
        let heartbeats = Self.heartbeats(topic: topic, records: records)
        if !heartbeats.isEmpty {
            let rows = heartbeats.sorted { $0.key < $1.key }.map { "(\($0.key), \(SQLText.timestamp(millis: $0.value)))" }
            statements.append("INSERT INTO \(fresh) (kafka_partition, as_of) VALUES \(rows.joined(separator: ", "));")
        }
        let partitions = topic.map { topic in records.compactMap { $0.partitionCounts[topic] }.max() ?? 0 } ?? 0
        if partitions > 0 {
            // Every partition of the topic has a row; one nothing was loaded from sits at the epoch.
            let all = (0..<partitions).map { "SELECT \($0) AS p" }.joined(separator: " UNION ALL ")
            statements.append("INSERT INTO \(names.partitionFreshness) (table_name, kafka_partition, as_of) SELECT \(tableName), a.p, "
                + "\(SQLText.timestamp(millis: 0)) FROM (\(all)) a WHERE NOT EXISTS (SELECT 1 FROM \(names.partitionFreshness) x "
                + "WHERE x.table_name = \(tableName) AND x.kafka_partition = a.p);")
        }
        let newest = "(SELECT kafka_partition AS p, MAX(as_of) AS t FROM \(fresh) GROUP BY kafka_partition) f"
        let watermark = "(SELECT MIN(as_of) AS t FROM \(names.partitionFreshness) WHERE table_name = \(tableName)) w"
        statements += [
            "UPDATE \(names.partitionFreshness) SET as_of = f.t FROM \(newest) WHERE table_name = \(tableName) AND kafka_partition = f.p "
                + "AND f.t > as_of;",
            "INSERT INTO \(names.partitionFreshness) (table_name, kafka_partition, as_of) SELECT \(tableName), f.p, f.t FROM \(newest) "
                + "WHERE f.t IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \(names.partitionFreshness) x WHERE x.table_name = \(tableName) "
                + "AND x.kafka_partition = f.p);",
            "UPDATE \(names.freshness) SET data_as_of = CASE WHEN frozen_as_of IS NOT NULL AND frozen_as_of < w.t THEN frozen_as_of ELSE w.t END, "
                + "loaded_at = CURRENT_TIMESTAMP FROM \(watermark) WHERE table_name = \(tableName);",
            "INSERT INTO \(names.freshness) (table_name, data_as_of, frozen_as_of, loaded_at) SELECT \(tableName), w.t, NULL, "
                + "CURRENT_TIMESTAMP FROM \(watermark) WHERE NOT EXISTS (SELECT 1 FROM \(names.freshness) WHERE table_name = \(tableName));",
        ]
        return statements
    }

    /// The newest heartbeat per caught-up partition of `topic` among `records`.
    static func heartbeats(topic: String?, records: [CommitRecord]) -> [Int32: Int64] {
        guard let topic else { return [:] }
        var newest: [Int32: Int64] = [:]
        for record in records {
            guard let heartbeat = record.stats.heartbeatMillis else { continue }
            for partition in record.caughtUp where partition.topic == topic {
                newest[partition.partition] = max(newest[partition.partition] ?? .min, heartbeat)
            }
        }
        return newest
    }

    /// Unfreezes `table` once no quarantined batch of it is left (run before `update`).
    func thawIfClear(_ table: String) -> String {
        "UPDATE \(names.freshness) SET frozen_as_of = NULL WHERE table_name = \(SQLText.literal(table)) AND frozen_as_of IS NOT NULL "
            + "AND NOT EXISTS (SELECT 1 FROM \(names.ledger) WHERE table_name = \(SQLText.literal(table)) AND state = "
            + "\(SQLText.literal(LoadLedger.quarantined)));"
    }

    /// Freezes `table`'s "data as of" where it stands (the epoch when it has none yet): a batch
    /// of it was quarantined, so what follows it is not all there.
    func freeze(_ table: String) -> [String] {
        let tableName = SQLText.literal(table)
        let epoch = SQLText.timestamp(millis: 0)
        return [
            "UPDATE \(names.freshness) SET frozen_as_of = COALESCE(frozen_as_of, data_as_of, \(epoch)), data_as_of = "
                + "COALESCE(frozen_as_of, data_as_of, \(epoch)) WHERE table_name = \(tableName);",
            "INSERT INTO \(names.freshness) (table_name, data_as_of, frozen_as_of, loaded_at) SELECT \(tableName), \(epoch), \(epoch), "
                + "CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM \(names.freshness) WHERE table_name = \(tableName));",
        ]
    }

    /// Each table's "data as of" as text: table, data_as_of, frozen, data_as_of in seconds since
    /// the epoch.
    func rows() -> String {
        "SELECT table_name, CAST(data_as_of AS VARCHAR(64)), CASE WHEN frozen_as_of IS NULL THEN 'false' ELSE 'true' END, "
            + "CAST(EXTRACT(EPOCH FROM data_as_of) AS VARCHAR(32)) FROM \(names.freshness) ORDER BY table_name;"
    }
}
