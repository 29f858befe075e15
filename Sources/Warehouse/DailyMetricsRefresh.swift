import Catalog

/// Recomputes `agg_daily_metrics` for the UTC days a load touches in `fact_entity_values`.
///
/// The days are collected before the merge, from both the loaded changes and the target rows
/// they delete, so a deleted fact leaves its day recomputed too. Each touched day is rebuilt
/// from the merged fact table, which makes the refresh idempotent.
struct DailyMetricsRefresh {
    static let factTable = "fact_entity_values"
    static let aggregateTable = "agg_daily_metrics"

    let dialect: SQLDialect
    let schema: String
    /// The fact table's event-time column, whose UTC day is the metric date: its declared
    /// `event_time`, else `_source_ts` (what staging partitions such a table by).
    let eventTime: String

    /// A refresh in `schema` whose days come from the fact table's event time in `catalog`.
    init(catalog: Catalog, dialect: SQLDialect, schema: String) {
        self.dialect = dialect
        self.schema = schema
        eventTime = catalog.table(Self.factTable)?.current.eventTime ?? "_source_ts"
    }

    private var days: String { dialect.quoted("touched_days") }
    private func table(_ name: String) -> String { "\(dialect.quoted(schema)).\(dialect.quoted(name))" }
    private func day(_ column: String) -> String { "CAST(\(column) AT TIME ZONE 'UTC' AS DATE)" }

    /// True when `catalog` declares the aggregate over the fact table.
    static func applies(to catalog: Catalog) -> Bool {
        guard case .derived(let sources)? = catalog.table(aggregateTable)?.current.source else { return false }
        return sources.contains(factTable)
    }

    /// Before the merge: the days of loaded changes and of the target rows they replace or delete.
    func collectDays(latest: String, keys: [String]) -> [String] {
        let recorded = dialect.quoted(eventTime)
        return [
            "CREATE TEMP TABLE \(days) AS SELECT DISTINCT \(day("l.\(recorded)")) AS \(dialect.quoted("metric_date")) FROM \(latest) l WHERE l.\(recorded) IS NOT NULL;",
            "INSERT INTO \(days) SELECT DISTINCT \(day("t.\(recorded)")) FROM \(table(Self.factTable)) t, \(latest) l WHERE "
                + "\(SQLText.keysMatch(keys, "t", "l", dialect));",
        ]
    }

    /// After the merge: rebuild every touched day.
    func refresh() -> [String] {
        let q = dialect.quoted
        let recorded = q(eventTime)
        let value = q("value_decimal")
        let columns = ["metric_date", "tenant_id", "attribute_id", "sample_count", "value_sum", "value_min", "value_max",
                       "value_avg", "first_ingested_at", "last_ingested_at", "refreshed_at"]
        return [
            "DELETE FROM \(table(Self.aggregateTable)) WHERE \(q("metric_date")) IN (SELECT \(q("metric_date")) FROM \(days));",
            "INSERT INTO \(table(Self.aggregateTable)) (\(SQLText.names(columns, dialect))) SELECT \(day(recorded)), \(q("tenant_id")), "
                + "\(q("attribute_id")), COUNT(*), CAST(SUM(\(value)) AS DECIMAL(38,5)), MIN(\(value)), MAX(\(value)), "
                + "CAST(AVG(\(value)) AS DECIMAL(38,10)), MIN(\(recorded)), MAX(\(recorded)), CURRENT_TIMESTAMP FROM \(table(Self.factTable)) "
                + "WHERE \(day(recorded)) IN (SELECT \(q("metric_date")) FROM \(days)) GROUP BY 1, 2, 3;",
        ]
    }
}
