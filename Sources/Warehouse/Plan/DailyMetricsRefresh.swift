import Catalog

/// Recomputes `agg_daily_metrics` for the UTC days a load touches in `fact_entity_values`.
///
/// The days are collected before the merge, from both the loaded changes and the target rows
/// they delete, so a deleted fact leaves its day recomputed too. Each touched day is rebuilt
/// from the merged fact table, which makes the refresh idempotent. Days are the UTC days of the
/// fact table's event-time column (`event_time` in `Schemas/`).
struct DailyMetricsRefresh {
    static let factTable = "fact_entity_values"
    static let aggregateTable = "agg_daily_metrics"

    let names: WarehouseNames
    /// The fact table's event-time column.
    let eventTime: String

    private var dialect: SQLDialect { names.dialect }
    private var days: String { names.temp("touched_days") }
    private func day(_ column: String) -> String { "CAST(\(column) AT TIME ZONE 'UTC' AS DATE)" }

    /// The refresh for `catalog`, when it declares the aggregate over the fact table and the
    /// fact table has an event time.
    static func of(_ catalog: Catalog, names: WarehouseNames) -> DailyMetricsRefresh? {
        guard case .derived(let sources)? = catalog.table(aggregateTable)?.current.source, sources.contains(factTable),
            let eventTime = catalog.table(factTable)?.current.eventTime
        else { return nil }
        return DailyMetricsRefresh(names: names, eventTime: eventTime)
    }

    /// The temp table the refresh creates (dropped with the load's others).
    var tempTables: [String] { [days] }

    /// Before the merge: the days of loaded changes and of the target rows they replace or delete.
    func collectDays(latest: String, keys: [String]) -> [String] {
        let time = dialect.quoted(eventTime)
        return [
            "CREATE TEMP TABLE \(days) AS SELECT DISTINCT \(day("l.\(time)")) AS \(dialect.quoted("metric_date")) FROM \(latest) l WHERE l.\(time) IS NOT NULL;",
            "INSERT INTO \(days) SELECT DISTINCT \(day("t.\(time)")) FROM \(names.target(Self.factTable)) t, \(latest) l WHERE "
                + "\(SQLText.keysMatch(keys, "t", "l", dialect));",
        ]
    }

    /// After the merge: rebuild every touched day.
    func refresh() -> [String] {
        let q = dialect.quoted
        let time = q(eventTime)
        let value = q("value_decimal")
        let columns = ["metric_date", "tenant_id", "attribute_id", "sample_count", "value_sum", "value_min", "value_max",
                       "value_avg", "first_\(eventTime)", "last_\(eventTime)", "refreshed_at"]
        let aggregate = names.target(Self.aggregateTable)
        return [
            "DELETE FROM \(aggregate) WHERE \(q("metric_date")) IN (SELECT \(q("metric_date")) FROM \(days));",
            "INSERT INTO \(aggregate) (\(SQLText.names(columns, dialect))) SELECT \(day(time)), \(q("tenant_id")), "
                + "\(q("attribute_id")), COUNT(*), CAST(SUM(\(value)) AS DECIMAL(38,5)), MIN(\(value)), MAX(\(value)), "
                + "CAST(AVG(\(value)) AS DECIMAL(38,10)), MIN(\(time)), MAX(\(time)), CURRENT_TIMESTAMP FROM \(names.target(Self.factTable)) "
                + "WHERE \(day(time)) IN (SELECT \(q("metric_date")) FROM \(days)) GROUP BY 1, 2, 3;",
        ]
    }
}
