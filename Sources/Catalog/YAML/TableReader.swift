/// Reads one `Schemas/<table>/v<N>.yaml` declaration (format: `Schemas/README.md`).
enum TableReader {
    static func read(_ text: String, path: String) throws(CatalogError) -> TableDefinition {
        let root = try YAMLMap.document(text, path: path)
        let name = try root.requiredString("table")
        guard let version = try root.int("version"), version >= 1 else {
            throw CatalogError(.invalidDeclaration, "\(path): `version` must be an integer ≥ 1")
        }
        let description = try root.string("description")
        let (source, replicaIdentity) = try readSource(root)
        let keys = try readKeys(root)
        let eventTime = try root.string("event_time")
        let distribution = try readDistribution(root)
        guard let columnMaps = try root.list("columns"), !columnMaps.isEmpty else {
            throw CatalogError(.invalidDeclaration, "\(path): `columns` must list at least one column")
        }
        var columns: [Column] = []
        for map in columnMaps {
            columns.append(try readColumn(map, source: source))
        }
        try root.finish()
        return TableDefinition(
            name: name, version: version, description: description, source: source,
            columns: TableDefinition.withSystemColumns(columns, source: source),
            keys: keys, eventTime: eventTime, distribution: distribution, replicaIdentity: replicaIdentity
        )
    }

    private static func readSource(_ root: YAMLMap) throws(CatalogError) -> (TableSource, ReplicaIdentity) {
        guard let map = try root.map("source") else {
            throw CatalogError(.invalidDeclaration, "\(root.path): `source` is required (topic, snapshot or derived_from)")
        }
        let source: TableSource
        var identity = ReplicaIdentity.default
        if let topic = try map.string("topic") {
            source = .topic(name: topic, keyColumns: try map.stringList("key") ?? [])
            if let name = try map.string("replica_identity") {
                guard let parsed = ReplicaIdentity(named: name) else {
                    throw CatalogError(.invalidDeclaration, "\(map.path).replica_identity: `\(name)` is not default or full")
                }
                identity = parsed
            }
        } else if let snapshot = try map.string("snapshot") {
            source = .snapshot(name: snapshot)
        } else if let tables = try map.stringList("derived_from") {
            source = .derived(from: tables)
        } else {
            throw CatalogError(.invalidDeclaration, "\(map.path): give one of `topic`, `snapshot` or `derived_from`")
        }
        try map.finish()
        return (source, identity)
    }

    private static func readKeys(_ root: YAMLMap) throws(CatalogError) -> TableKeys {
        guard let map = try root.map("keys") else {
            throw CatalogError(.invalidDeclaration, "\(root.path): `keys` is required (merge, dedup, version)")
        }
        guard let merge = try map.stringList("merge"), !merge.isEmpty else {
            throw CatalogError(.invalidDeclaration, "\(map.path): `merge` must list at least one column")
        }
        let keys = TableKeys(merge: merge, dedup: try map.stringList("dedup") ?? merge, version: try map.string("version"))
        try map.finish()
        return keys
    }

    private static func readDistribution(_ root: YAMLMap) throws(CatalogError) -> Distribution {
        guard let map = try root.map("redshift") else { return Distribution() }
        var distribution = Distribution()
        if let style = try map.string("diststyle") {
            guard let parsed = DistributionStyle(named: style) else {
                throw CatalogError(.invalidDeclaration, "\(map.path).diststyle: `\(style)` is not auto, even, key or all")
            }
            distribution.style = parsed
        }
        distribution.key = try map.string("distkey")
        distribution.sortKey = try map.stringList("sortkey") ?? []
        try map.finish()
        return distribution
    }

    private static func readColumn(_ map: YAMLMap, source: TableSource) throws(CatalogError) -> Column {
        let name = try map.requiredString("name")
        let type = try ColumnType(parsing: try map.requiredString("type"))
        let nullable = try map.bool("nullable") ?? true
        let description = try map.string("description")
        let addedIn = try map.int("added_in") ?? 1
        let role: ColumnRole
        if let enrich = try map.map("enrich") {
            let joinColumn = try enrich.requiredString("on")
            role = .enrichment(
                Enrichment(
                    dimension: try enrich.requiredString("dimension"),
                    joinColumn: joinColumn,
                    dimensionKey: try enrich.string("key") ?? joinColumn,
                    dimensionColumn: try enrich.requiredString("column")
                )
            )
            try enrich.finish()
        } else if case .derived = source {
            role = .computed
        } else {
            let field = try map.string("source") ?? name
            let connect = try map.map("connect").map { (connectMap) throws(CatalogError) in
                try readConnect(connectMap, optional: nullable)
            }
            role = .source(field: field, connect: connect ?? ConnectSchema.defaultEncoding(for: type, optional: nullable))
        }
        try map.finish()
        return Column(name: name, type: type, role: role, nullable: nullable, description: description, addedIn: addedIn)
    }

    /// A Connect schema in the JsonConverter vocabulary (`type`, `name`, `version`,
    /// `parameters`, `optional`, `items`, `keys`, `values`, `fields`).
    static func readConnect(_ map: YAMLMap, optional: Bool) throws(CatalogError) -> ConnectSchema {
        let typeName = try map.requiredString("type")
        guard let type = ConnectType(jsonName: typeName) else {
            throw CatalogError(.invalidType, "\(map.path).type: `\(typeName)` is not a Kafka Connect type")
        }
        var schema = ConnectSchema(
            type: type,
            name: try map.string("name"),
            version: try map.int("version"),
            parameters: try map.stringMap("parameters") ?? [:],
            isOptional: try map.bool("optional") ?? optional
        )
        switch type {
        case .array:
            guard let items = try map.map("items") else {
                throw CatalogError(.invalidType, "\(map.path): an array needs `items`")
            }
            let itemSchema = try readConnect(items, optional: true)
            schema.elementSchemas = [itemSchema]
        case .map:
            guard let keys = try map.map("keys"), let values = try map.map("values") else {
                throw CatalogError(.invalidType, "\(map.path): a map needs `keys` and `values`")
            }
            let keySchema = try readConnect(keys, optional: false)
            let valueSchema = try readConnect(values, optional: true)
            schema.elementSchemas = [keySchema, valueSchema]
        case .struct:
            for field in try map.list("fields") ?? [] {
                let fieldName = try field.requiredString("field")
                schema.fields.append(ConnectField(name: fieldName, schema: try readConnect(field, optional: true)))
            }
        default:
            break
        }
        try map.finish()
        return schema
    }
}
