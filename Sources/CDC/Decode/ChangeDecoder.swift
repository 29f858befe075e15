public import Catalog

/// Turns Debezium records into typed rows in per-table column builders.
///
/// One decoder belongs to one pipeline thread: it is not `Sendable` and must not be shared.
/// It owns the schema cache and the builders. Per record it takes a pre-resolved topic
/// route, the Kafka coordinates and the key and value bytes (borrowed for the call only, never
/// retained) and appends one row, or reports a heartbeat or a dead letter. `takeBatch` moves a
/// table's rows out as a `ColumnBatch` in staging order.
///
/// Schema changes found on the way (added optional fields) extend the table and are reported
/// by `takeSchemaChanges()`; rows of every schema version in one batch are projected onto the
/// newest, so schema churn never splits a batch.
public final class ChangeDecoder {
    /// What a route leads to.
    enum Destination {
        case table(TableState)
        case heartbeat(HeartbeatSource)
        case unknown
    }

    let configuration: DecoderConfiguration
    private(set) var tables: [TableState] = []
    private(set) var routes: [(topic: String, destination: Destination)] = []
    private var routeIndex: [String: Int] = [:]
    private var changes: [SchemaChange] = []
    /// Connect schemas parsed so far: each distinct schema once (again only after the cache
    /// started over). A steady stream parses one schema per table; a climbing count means
    /// schema churn. For metrics.
    public internal(set) var schemasParsed = 0

    /// A decoder for every topic-fed table and heartbeat topic of `catalog`.
    public init(catalog: Catalog, configuration: DecoderConfiguration = DecoderConfiguration()) throws(CDCError) {
        try configuration.validate()
        self.configuration = configuration
        let unavailable = UnavailableValue(placeholder: configuration.unavailableValuePlaceholder)
        for history in catalog.tables {
            guard let topic = history.current.source.topic else { continue }
            let state = TableState(
                id: tables.count, history: history, reserving: configuration.initialRowCapacity,
                maxCachedSchemas: configuration.maxCachedSchemas, unavailable: unavailable
            )
            tables.append(state)
            addRoute(topic, .table(state))
        }
        for heartbeat in catalog.heartbeats {
            addRoute(heartbeat.topic, .heartbeat(heartbeat))
        }
    }

    private func addRoute(_ topic: String, _ destination: Destination) {
        routeIndex[topic] = routes.count
        routes.append((topic, destination))
    }

    /// The route of `topic`, resolved once per topic. An unknown topic gets a route too: its
    /// records become `unknown_topic` dead letters.
    public func route(forTopic topic: String) -> TopicRoute {
        if let index = routeIndex[topic] { return TopicRoute(index: index) }
        addRoute(topic, .unknown)
        return TopicRoute(index: routes.count - 1)
    }

    /// The table `route` feeds, or nil for heartbeat and unknown topics.
    public func table(for route: TopicRoute) -> TableID? {
        guard routes.indices.contains(route.index), case .table(let state) = routes[route.index].destination else { return nil }
        return TableID(index: state.id)
    }

    /// Every table this decoder fills.
    public var tableIDs: [TableID] { tables.map { TableID(index: $0.id) } }

    /// The table named `name`, or nil.
    public func table(named name: String) -> TableID? {
        tables.first { $0.definition.name == name }.map { TableID(index: $0.id) }
    }

    /// The table's newest definition (it grows when evolution adds columns).
    public func definition(of table: TableID) throws(CDCError) -> TableDefinition {
        try state(table).definition
    }

    /// Rows buffered for `table`.
    public func bufferedRowCount(_ table: TableID) -> Int {
        tables.indices.contains(table.index) ? tables[table.index].buffer.rowCount : 0
    }

    /// Rows buffered across every table (cheap enough to check per record).
    public var totalBufferedRows: Int {
        var rows = 0
        for table in tables { rows += table.buffer.rowCount }
        return rows
    }

    /// Bytes buffered across every table (approximate; walks every column).
    public var totalBufferedBytes: Int {
        var bytes = 0
        for table in tables { bytes += table.buffer.byteCount }
        return bytes
    }

    /// Moves `table`'s rows out (system and source columns, staging order) and starts empty.
    public func takeBatch(_ table: TableID) throws(CDCError) -> DecodedBatch {
        let state = try state(table)
        let definition = state.definition
        return DecodedBatch(definition: definition, columns: state.buffer.take(), columnPositions: definition.decodedColumnIndices)
    }

    /// True when `takeSchemaChanges()` has something.
    public var hasSchemaChanges: Bool { !changes.isEmpty }

    /// The schema changes since the last call, oldest first. The engine stores each new
    /// definition (`Catalog.yaml(of:)`) and runs its DDL before loading files of that version.
    public func takeSchemaChanges() -> [SchemaChange] {
        defer { changes = [] }
        return changes
    }

    func record(_ change: SchemaChange) {
        changes.append(change)
    }

    private func state(_ table: TableID) throws(CDCError) -> TableState {
        guard tables.indices.contains(table.index) else {
            throw CDCError(.unknownTable, "table id \(table.index) is not one of this decoder's \(tables.count) tables")
        }
        return tables[table.index]
    }
}
