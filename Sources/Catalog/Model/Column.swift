public import Parquet

/// A column that the decoder fills from the Kafka record rather than from the row, present in
/// every topic-sourced table's staging layout, first, in this order.
public struct SystemColumn: Sendable, Hashable {
    private enum Value: Int, Sendable, CaseIterable {
        case op, deleted, lsn, sourceTimestamp, kafkaPartition, kafkaOffset, unchanged
    }

    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// `_op`: the change kind, one of `c` (insert), `u` (update), `d` (delete), `r` (snapshot read).
    public static let op = SystemColumn(.op)
    /// `_deleted`: true for deletes and tombstones.
    public static let deleted = SystemColumn(.deleted)
    /// `_lsn`: the PostgreSQL log sequence number of the change; null for tombstones.
    public static let lsn = SystemColumn(.lsn)
    /// `_source_ts`: when the change happened at the source, UTC microseconds (Debezium
    /// `__ts_ms`/`source.ts_ms`; the Kafka timestamp for tombstones).
    public static let sourceTimestamp = SystemColumn(.sourceTimestamp)
    /// `_kafka_partition`: the partition the record was read from.
    public static let kafkaPartition = SystemColumn(.kafkaPartition)
    /// `_kafka_offset`: the offset of the record in its partition.
    public static let kafkaOffset = SystemColumn(.kafkaOffset)
    /// `_unchanged`: the columns whose value the change did not carry, because Debezium sent
    /// its unavailable-value placeholder for an unchanged TOASTed value (postgresql.adoc,
    /// "Toasted values"): their names in staging order, joined with `,`; null when every
    /// column carries its value. Such a column's own staged value is null; the load keeps the
    /// target's current value for it.
    public static let unchanged = SystemColumn(.unchanged)

    /// All seven, in staging order.
    public static let all: [SystemColumn] = Value.allCases.map(SystemColumn.init)

    /// The position among the system columns (0 for `_op`).
    public var position: Int { value.rawValue }

    /// The column name, `_`-prefixed so that it never collides with a source column.
    public var name: String {
        switch value {
        case .op: "_op"
        case .deleted: "_deleted"
        case .lsn: "_lsn"
        case .sourceTimestamp: "_source_ts"
        case .kafkaPartition: "_kafka_partition"
        case .kafkaOffset: "_kafka_offset"
        case .unchanged: "_unchanged"
        }
    }

    /// True for the columns that the warehouse target table keeps after the merge
    /// (`_source_ts` and `_lsn`, which order versions and report freshness); the others exist
    /// only in staging.
    public var isKeptInTarget: Bool { value == .sourceTimestamp || value == .lsn }

    /// The staging Parquet field: every system column is required except `_lsn` and `_unchanged`.
    public var parquetField: Field {
        switch value {
        case .op: .string(name, nullable: false)
        case .deleted: .boolean(name, nullable: false)
        case .lsn: .integer(name, bitWidth: 64, nullable: true)
        case .sourceTimestamp: .timestamp(name, unit: .micros, nullable: false)
        case .kafkaPartition: .integer(name, bitWidth: 32, nullable: false)
        case .kafkaOffset: .integer(name, bitWidth: 64, nullable: false)
        case .unchanged: .string(name, nullable: true)
        }
    }

    /// The column's SQL type in `dialect`.
    public func sqlType(_ dialect: SQLDialect) -> String {
        switch value {
        case .op: "CHAR(1)"
        case .deleted: "BOOLEAN"
        case .lsn, .kafkaOffset: "BIGINT"
        case .sourceTimestamp: "TIMESTAMPTZ"
        case .kafkaPartition: "INTEGER"
        case .unchanged: ColumnType.text.sqlType(dialect)
        }
    }
}

/// Where an enrichment column's values come from: a dimension table joined on a key.
/// The engine fills these; the decoder leaves them out of its batches.
public struct Enrichment: Sendable, Hashable {
    /// The dimension table, e.g. `dim_entities`.
    public var dimension: String
    /// The column of this table holding the join key, e.g. `entity_id`.
    public var joinColumn: String
    /// The dimension's column matched against `joinColumn`.
    public var dimensionKey: String
    /// The dimension's column copied into this one.
    public var dimensionColumn: String

    /// An enrichment joining `joinColumn` to `dimension.dimensionKey` and copying `dimensionColumn`.
    public init(dimension: String, joinColumn: String, dimensionKey: String, dimensionColumn: String) {
        self.dimension = dimension
        self.joinColumn = joinColumn
        self.dimensionKey = dimensionKey
        self.dimensionColumn = dimensionColumn
    }
}

/// What fills a column.
public enum ColumnRole: Sendable, Hashable {
    /// The decoder, from the Kafka record (see `SystemColumn`).
    case system(SystemColumn)
    /// The decoder, from the row field `field` arriving with the Connect encoding `connect`
    /// (for snapshot tables: the snapshot file's column `field`).
    case source(field: String, connect: ConnectSchema)
    /// The engine, from a dimension table.
    case enrichment(Enrichment)
    /// The loader, by aggregating other tables (`agg_daily_metrics`).
    case computed
}

/// One column of a table version.
public struct Column: Sendable, Hashable {
    /// The column name: lowercase `[a-z_][a-z0-9_]*`, at most 127 bytes (Redshift's limit).
    public var name: String
    /// Its internal type.
    public var type: ColumnType
    /// What fills it.
    public var role: ColumnRole
    /// Whether the warehouse target column accepts NULL. Staging columns other than the key
    /// are always nullable, because deletes carry only the key.
    public var nullable: Bool
    /// Documentation, written into `Schemas/` files and DDL comments.
    public var description: String?
    /// The table version that introduced the column (1 for declared columns).
    public var addedIn: Int

    /// A column with every attribute given.
    public init(
        name: String, type: ColumnType, role: ColumnRole, nullable: Bool = true, description: String? = nil, addedIn: Int = 1
    ) {
        self.name = name
        self.type = type
        self.role = role
        self.nullable = nullable
        self.description = description
        self.addedIn = addedIn
    }

    /// The system column this is, or nil.
    public var systemColumn: SystemColumn? {
        if case .system(let column) = role { return column }
        return nil
    }

    /// The row field name feeding it, or nil when it is not a source column.
    public var sourceField: String? {
        if case .source(let field, _) = role { return field }
        return nil
    }

    /// The Connect encoding it is declared with, or nil when it is not a source column.
    public var connectEncoding: ConnectSchema? {
        if case .source(_, let connect) = role { return connect }
        return nil
    }

    /// The enrichment filling it, or nil.
    public var enrichment: Enrichment? {
        if case .enrichment(let enrichment) = role { return enrichment }
        return nil
    }

    /// True when the decoder fills it (system and source columns).
    public var isDecoded: Bool {
        switch role {
        case .system, .source: true
        case .enrichment, .computed: false
        }
    }

    /// The column's SQL type in `dialect`.
    public func sqlType(_ dialect: SQLDialect) -> String {
        systemColumn?.sqlType(dialect) ?? type.sqlType(dialect)
    }
}
