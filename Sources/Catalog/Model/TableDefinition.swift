public import Parquet

/// Where a table's rows come from.
public enum TableSource: Sendable, Hashable, CustomStringConvertible {
    /// A Debezium topic. `keyColumns` are the columns the Kafka record key carries (the
    /// source primary key), in key order; a tombstone's delete row holds only these.
    case topic(name: String, keyColumns: [String])
    /// A snapshot file (CSV or NDJSON) named `name`, loaded whole; no Kafka topic.
    case snapshot(name: String)
    /// Computed by the loader from the named tables.
    case derived(from: [String])

    /// The topic, or nil when the table is not fed by one.
    public var topic: String? {
        if case .topic(let name, _) = self { return name }
        return nil
    }

    /// `topic NAME`, `snapshot NAME` or `derived from A, B`.
    public var description: String {
        switch self {
        case .topic(let name, _): "topic \(name)"
        case .snapshot(let name): "snapshot \(name)"
        case .derived(let tables): "derived from \(tables.joined(separator: ", "))"
        }
    }

    /// The Kafka key columns, empty when the table is not fed by a topic.
    public var keyColumns: [String] {
        if case .topic(_, let keys) = self { return keys }
        return []
    }
}

/// What a topic-fed table's deletes carry: the source table's PostgreSQL `REPLICA IDENTITY`
/// (postgresql.adoc, "Replica identity"; `ALTER TABLE … REPLICA IDENTITY`).
public struct ReplicaIdentity: Sendable, Hashable, CustomStringConvertible {
    private enum Value: String, Sendable, CaseIterable {
        case `default`, full
    }

    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// `DEFAULT`, PostgreSQL's default: a delete's before-image holds only the key columns.
    /// Debezium fills the others with null, or, for a NOT NULL column, with the column's
    /// default or its type's zero (`JdbcValueConverters.convertValue`'s fallback): values that
    /// say nothing about the deleted row. The decoder stages them as null.
    public static let `default` = ReplicaIdentity(.default)
    /// `FULL`: a delete's before-image holds the whole deleted row, staged as it is.
    public static let full = ReplicaIdentity(.full)

    /// The identity spelled `name` (`default`, `full`), or nil.
    public init?(named name: String) {
        guard let value = Value(rawValue: name.lowercased()) else { return nil }
        self.value = value
    }

    /// The lowercase spelling used in `Schemas/`.
    public var description: String { value.rawValue }
}

/// How rows of a table are identified, deduplicated and merged.
public struct TableKeys: Sendable, Hashable {
    /// The columns the merge matches target rows on (the warehouse primary key).
    public var merge: [String]
    /// The columns that identify one change: two staged rows with equal dedup keys are the
    /// same change delivered twice, and only one survives.
    public var dedup: [String]
    /// The column ordering versions of one merge key (higher wins; ties go to the higher
    /// `_lsn`, then the higher Kafka offset), or nil.
    public var version: String?

    /// Keys with every attribute given.
    public init(merge: [String], dedup: [String], version: String? = nil) {
        self.merge = merge
        self.dedup = dedup
        self.version = version
    }
}

/// Redshift's distribution style (Redshift `CREATE TABLE`, DISTSTYLE).
public struct DistributionStyle: Sendable, Hashable, CustomStringConvertible {
    private enum Value: String, Sendable, CaseIterable {
        case auto, even, key, all
    }

    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// Redshift chooses.
    public static let auto = DistributionStyle(.auto)
    /// Round robin.
    public static let even = DistributionStyle(.even)
    /// By the DISTKEY column.
    public static let key = DistributionStyle(.key)
    /// A full copy on every node (small dimensions).
    public static let all = DistributionStyle(.all)

    /// The style spelled `name` (`auto`, `even`, `key`, `all`), or nil.
    public init?(named name: String) {
        guard let value = Value(rawValue: name.lowercased()) else { return nil }
        self.value = value
    }

    /// The lowercase spelling used in `Schemas/`.
    public var description: String { value.rawValue }
}

/// Redshift physical layout: distribution and sort keys.
public struct Distribution: Sendable, Hashable {
    /// DISTSTYLE.
    public var style: DistributionStyle
    /// The DISTKEY column; required when `style` is `.key`, absent otherwise.
    public var key: String?
    /// The compound SORTKEY columns, possibly empty.
    public var sortKey: [String]

    /// A layout with every attribute given.
    public init(style: DistributionStyle = .auto, key: String? = nil, sortKey: [String] = []) {
        self.style = style
        self.key = key
        self.sortKey = sortKey
    }
}

/// One version of one warehouse table: its columns in staging order and its keys.
///
/// Staging order (what the engine writes to Parquet and COPY matches by position): the seven
/// system columns for topic-fed tables, then the declared source columns, then the enrichment
/// columns, then columns added by evolution in the order they were added.
public struct TableDefinition: Sendable, Hashable {
    /// The table name.
    public var name: String
    /// The version, from 1; each evolution adds one.
    public var version: Int
    /// Documentation.
    public var description: String?
    /// Where the rows come from.
    public var source: TableSource
    /// Every column in staging order, system columns included.
    public var columns: [Column]
    /// Merge, dedup and version columns.
    public var keys: TableKeys
    /// The column whose UTC hour partitions staged files, or nil (then `_source_ts` is used).
    public var eventTime: String?
    /// Redshift distribution and sort keys.
    public var distribution: Distribution
    /// What the source's deletes carry (topic-fed tables; `.default` for the others).
    public var replicaIdentity: ReplicaIdentity

    /// A table version with every attribute given. `columns` must already include the system
    /// columns for topic-fed tables (see `withSystemColumns`).
    public init(
        name: String,
        version: Int,
        description: String? = nil,
        source: TableSource,
        columns: [Column],
        keys: TableKeys,
        eventTime: String? = nil,
        distribution: Distribution = Distribution(),
        replicaIdentity: ReplicaIdentity = .default
    ) {
        self.name = name
        self.version = version
        self.description = description
        self.source = source
        self.columns = columns
        self.keys = keys
        self.eventTime = eventTime
        self.distribution = distribution
        self.replicaIdentity = replicaIdentity
    }

    /// `declared` preceded by the system columns when the table is fed by a topic.
    public static func withSystemColumns(_ declared: [Column], source: TableSource) -> [Column] {
        guard source.topic != nil else { return declared }
        let system = SystemColumn.all.map { column in
            Column(
                name: column.name, type: column == .unchanged ? .text : .bigint, role: .system(column),
                nullable: column.parquetField.isNullable
            )
        }
        return system + declared
    }

    /// The index of the column named `name`, or nil.
    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// The column named `name`, or nil.
    public func column(_ name: String) -> Column? {
        columnIndex(name).map { columns[$0] }
    }

    /// The columns that the declaration lists (everything but the system columns).
    public var declaredColumns: [Column] {
        columns.filter { $0.systemColumn == nil }
    }

    /// Positions (in `columns`) of the columns the decoder fills: system and source columns,
    /// in staging order. A decoded batch has exactly these columns, in this order.
    public var decodedColumnIndices: [Int] {
        columns.indices.filter { columns[$0].isDecoded }
    }

    /// The staged columns: everything but computed columns.
    public var stagedColumnIndices: [Int] {
        columns.indices.filter { columns[$0].role != .computed }
    }

    /// True when the staging field of the column at `index` is required: system columns
    /// (except `_lsn` and `_unchanged`) and Kafka key columns. Every other staged column is nullable because a
    /// delete carries only the key, and an enrichment may find no dimension row.
    public func isRequiredInStaging(_ index: Int) -> Bool {
        let column = columns[index]
        if let system = column.systemColumn { return !system.parquetField.isNullable }
        return source.keyColumns.contains(column.name)
    }

    /// The staging Parquet field of the column at `index`.
    public func stagingField(_ index: Int) -> Field {
        let column = columns[index]
        if let system = column.systemColumn { return system.parquetField }
        return column.type.parquetField(name: column.name, nullable: !isRequiredInStaging(index))
    }

    /// The Parquet schema of the staged file: every staged column, in staging order.
    public var stagingSchema: Schema {
        Schema(stagedColumnIndices.map(stagingField))
    }

    /// The Parquet schema of the decoder's batches: the decoded columns, in staging order.
    public var decodedSchema: Schema {
        Schema(decodedColumnIndices.map(stagingField))
    }

    /// The columns of the warehouse target table, in order: staging order without the
    /// staging-only system columns (`_op`, `_deleted`, `_kafka_*`, `_unchanged`).
    public var targetColumns: [Column] {
        columns.filter { column in
            guard let system = column.systemColumn else { return true }
            return system.isKeptInTarget
        }
    }
}

/// Every version of one table, oldest first. Files staged under an older version are loaded
/// with that version's layout, so all versions stay available.
public struct TableHistory: Sendable, Hashable {
    /// The newest version.
    public private(set) var current: TableDefinition
    /// The versions before `current`, oldest first.
    public private(set) var older: [TableDefinition]

    /// A history holding only `first`.
    public init(_ first: TableDefinition) {
        current = first
        older = []
    }

    /// Every version, oldest first.
    public var versions: [TableDefinition] { older + [current] }

    /// The table name.
    public var name: String { current.name }

    /// The definition at `version`, or nil.
    public func version(_ version: Int) -> TableDefinition? {
        version == current.version ? current : older.first { $0.version == version }
    }

    /// This history with `definition` as the newest version.
    public func appending(_ definition: TableDefinition) -> TableHistory {
        var history = self
        history.older.append(current)
        history.current = definition
        return history
    }
}
