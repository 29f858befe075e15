public import Catalog
import Foundation

/// The SQL a `--source postgres` backfill reads one table with: keyset-paginated chunks in
/// (event time, key) order, each row already rendered by PostgreSQL as the Debezium change the
/// connector's snapshot would have produced for it, so it goes through the worker's own decoder.
///
/// The value is JsonConverter's envelope with `schemas.enable=false` (the table's declared
/// Connect encodings apply): `{"before":null,"after":{…},"source":{…},"op":"r","ts_ms":…}`.
/// Debezium's PostgreSQL snapshot sets `op` to `r` and `source.lsn` to the WAL position of the
/// snapshot (debezium/debezium, `PostgresSnapshotChangeEventSource`: the replication slot's
/// consistent point, or `currentXLogLocation()` when the snapshot starts); here `source.lsn` is
/// the backfill's consistent point (`PostgresSourceReader.consistentPoint`: every change before
/// it is visible to the reads, every change they miss comes after it, so the loader's LSN order
/// never lets a read beat a change it missed), and `source.ts_ms` the statement time. Values follow each column's Connect encoding (Debezium's PostgreSQL type
/// mapping, docs "PostgreSQL connector: data type mappings"): ZonedTimestamp strings for
/// `timestamptz`, MicroTimestamp / MicroTime numbers, Date days, base64 bytes, decimals as JSON
/// numbers (JsonConverter's `decimal.format=NUMERIC`), text for the rest.
public struct SourceTableQuery: Sendable, Hashable {
    /// A column of the source table as the database declares it.
    public struct SourceColumn: Sendable, Hashable {
        /// Its name.
        public var name: String
        /// Its type name (`udt_name` in `information_schema.columns`, e.g. `int8`, `timestamptz`).
        public var type: String

        /// A column named `name` of type `type`.
        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    /// The SQL of the first chunk: `$1` and `$2` are the range's bounds (ISO-8601 text). Each
    /// row holds the value (JSON text), the event time in ms (text), then the cursor's values
    /// (text) in `cursorColumns` order; `nextSQL` takes those as `$3 …`.
    public let firstSQL: String
    /// The SQL of every chunk after the first (the keyset condition added).
    public let nextSQL: String
    /// The columns the chunk is ordered by (event time, then the key); the query returns their
    /// values as text after the value, to continue from.
    public let cursorColumns: [SourceColumn]
    /// Source fields the table declares that the database table lacks (left null, as in a
    /// change made before the column existed).
    public let missingFields: [String]

    /// The query reading `table` from `relation` (`schema.table`) whose columns are `columns`,
    /// stamping every row with `lsn` (the consistent point, as a WAL byte position). Throws
    /// `.configuration` when the table has no event-time column, or the database table lacks it
    /// or a key column.
    public init(table: TableDefinition, relation: String, columns: [SourceColumn], chunkRows: Int, lsn: Int64) throws {
        let byName = Dictionary(columns.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        guard let eventTime = table.eventTime else {
            throw RuntimeError(.configuration, "\(table.name) declares no event_time column, which --source postgres pages by")
        }
        let eventField = table.column(eventTime)?.sourceField ?? eventTime
        var cursor: [SourceColumn] = []
        for field in [eventField] + table.source.keyColumns.map({ table.column($0)?.sourceField ?? $0 }) where !cursor.contains(where: { $0.name == field }) {
            guard let column = byName[field] else {
                throw RuntimeError(.configuration, "the source table \(relation) has no column \(field), which \(table.name) pages by")
            }
            cursor.append(column)
        }
        var pairs: [String] = []
        var missing: [String] = []
        for column in table.columns {
            guard let field = column.sourceField else { continue }
            guard let present = byName[field] else {
                missing.append(field)
                continue
            }
            pairs.append("\(Self.literal(field)), \(Self.render(Self.identifier(present.name), connect: column.connectEncoding, type: column.type))")
        }
        // json_build_object takes at most 100 arguments: wider rows are joined from jsonb parts.
        let after = stride(from: 0, to: pairs.count, by: 50).map { start in
            "jsonb_build_object(" + pairs[start..<min(pairs.count, start + 50)].joined(separator: ", ") + ")"
        }.joined(separator: " || ")
        let names = relation.split(separator: ".", maxSplits: 1).map(String.init)
        let millis = "(extract(epoch FROM statement_timestamp()) * 1000)::bigint"
        let source = "json_build_object('version', 'millrace-backfill', 'connector', 'postgresql', 'name', 'millrace', 'ts_ms', \(millis), "
            + "'snapshot', 'true', 'db', current_database(), 'schema', \(Self.literal(names.first ?? "public")), "
            + "'table', \(Self.literal(names.last ?? relation)), 'lsn', \(lsn)::bigint)"
        let value = "json_build_object('before', NULL, 'after', \(after.isEmpty ? "'{}'::jsonb" : after), 'source', \(source), "
            + "'op', 'r', 'ts_ms', \(millis))::text"
        let time = Self.identifier(eventField)
        let select = "SELECT \(value), (extract(epoch FROM \(time)) * 1000)::bigint::text, "
            + cursor.map { "\(Self.identifier($0.name))::text" }.joined(separator: ", ")
            + " FROM \(relation.split(separator: ".").map { Self.identifier(String($0)) }.joined(separator: "."))"
        let range = "\(time) >= $1::timestamptz AND \(time) < $2::timestamptz"
        let order = " ORDER BY " + cursor.map { Self.identifier($0.name) }.joined(separator: ", ") + " LIMIT \(max(1, chunkRows))"
        let keyset = "(" + cursor.map { Self.identifier($0.name) }.joined(separator: ", ") + ") > ("
            + cursor.enumerated().map { "$\($0.offset + 3)::\($0.element.type)" }.joined(separator: ", ") + ")"
        firstSQL = select + " WHERE " + range + order
        nextSQL = select + " WHERE " + range + " AND " + keyset + order
        cursorColumns = cursor
        missingFields = missing
    }

    /// The column `name` in the JSON form its Connect encoding reads.
    static func render(_ name: String, connect: ConnectSchema?, type: ColumnType) -> String {
        switch connect?.name {
        case "io.debezium.time.ZonedTimestamp":
            return "to_char(\(name) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
        case "io.debezium.time.MicroTimestamp", "io.debezium.time.MicroTime":
            return "(extract(epoch FROM \(name)) * 1000000)::bigint"
        case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp":
            return "(extract(epoch FROM \(name)) * 1000)::bigint"
        case "io.debezium.time.NanoTimestamp":
            return "(extract(epoch FROM \(name)) * 1000000000)::bigint"
        case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date":
            return "(\(name) - DATE '1970-01-01')"
        case "io.debezium.time.ZonedTime":
            return "to_char(DATE '1970-01-01' + (\(name) AT TIME ZONE 'UTC')::time, 'HH24:MI:SS.US\"Z\"')"
        case "io.debezium.data.Json", "io.debezium.data.Uuid", "io.debezium.data.Enum":
            return "\(name)::text"
        default:
            break
        }
        switch type {
        case .bytes: return "translate(encode(\(name), 'base64'), E'\\n', '')"
        case .varchar, .json, .uuid: return "\(name)::text"
        default: return name
        }
    }

    /// A double-quoted SQL identifier.
    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A single-quoted SQL string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
