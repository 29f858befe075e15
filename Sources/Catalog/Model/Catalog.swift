/// A topic whose records are heartbeats, not rows: their timestamp measures end-to-end lag
/// when no business data changes (seed section 3, "Heartbeat Mechanism").
public struct HeartbeatSource: Sendable, Hashable {
    /// The topic: Debezium's `__debezium-heartbeat.<prefix>`, or the `_heartbeat` table's topic.
    public var topic: String
    /// The payload field holding the source time: int64 epoch milliseconds (`ts_ms`) or a
    /// `ZonedTimestamp` string (`last_heartbeat`).
    public var field: String

    /// A heartbeat topic whose time is in `field`.
    public init(topic: String, field: String) {
        self.topic = topic
        self.field = field
    }
}

/// The table registry: every version of every warehouse table, and the heartbeat topics.
///
/// A catalog is validated when built (`Catalog(tables:heartbeats:)` and `load(directory:)`),
/// so code holding one may rely on its references: keys, enrichments and topics all resolve.
public struct Catalog: Sendable, Hashable {
    /// Every table, sorted by name.
    public private(set) var tables: [TableHistory]
    /// Heartbeat topics.
    public private(set) var heartbeats: [HeartbeatSource]

    /// A catalog of `tables` and `heartbeats`; throws the validator's findings when it is not
    /// consistent (see `CatalogValidator`).
    public init(tables: [TableHistory], heartbeats: [HeartbeatSource] = []) throws(CatalogError) {
        self.tables = tables.sorted { $0.name < $1.name }
        self.heartbeats = heartbeats
        let problems = CatalogValidator.problems(in: self)
        if let first = problems.first {
            throw CatalogError(first.code, problems.map(\.message).joined(separator: "\n"))
        }
    }

    /// The table named `name`, or nil.
    public func table(_ name: String) -> TableHistory? {
        tables.first { $0.name == name }
    }

    /// This catalog with `definition` as the newest version of its table, after checking that
    /// it evolves compatibly from the current one (same columns first, new ones appended).
    public func adding(version definition: TableDefinition) throws(CatalogError) -> Catalog {
        guard let index = tables.firstIndex(where: { $0.name == definition.name }) else {
            throw CatalogError(.unknownTable, "no table `\(definition.name)` to add version \(definition.version) to")
        }
        var newTables = tables
        newTables[index] = tables[index].appending(definition)
        return try Catalog(tables: newTables, heartbeats: heartbeats)
    }

    /// The `Schemas/` text of one table version.
    public static func yaml(of definition: TableDefinition) -> String {
        TableWriter.write(definition)
    }

    /// Parses one table version from `Schemas/` text; `path` names it in errors. The result is
    /// checked on its own (types, keys, columns); references to other tables are checked when
    /// it joins a catalog.
    public static func definition(yaml: String, path: String = "<table>") throws(CatalogError) -> TableDefinition {
        let definition = try TableReader.read(yaml, path: path)
        if let problem = CatalogValidator.problems(in: definition, path: path).first { throw problem }
        return definition
    }
}
