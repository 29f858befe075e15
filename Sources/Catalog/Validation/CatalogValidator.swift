/// The consistency rules of the registry, checked by `millrace schemas check` and whenever a
/// catalog is built. Each problem names the table (and version) and the rule.
enum CatalogValidator {
    /// Every problem in `catalog`: each table version on its own, then the references between
    /// tables, then the evolution from each version to the next.
    static func problems(in catalog: Catalog) -> [CatalogError] {
        var problems: [CatalogError] = []
        var seenNames: Set<String> = []
        var seenTopics: [String: String] = [:]
        for history in catalog.tables {
            if !seenNames.insert(history.name).inserted {
                problems.append(CatalogError(.duplicate, "table `\(history.name)` is declared twice"))
            }
            for (index, definition) in history.versions.enumerated() {
                let path = "\(definition.name) v\(definition.version)"
                if definition.version != index + 1 {
                    problems.append(CatalogError(.invalidDeclaration, "\(path): versions must be numbered 1, 2, … without gaps"))
                }
                problems += self.problems(in: definition, path: path)
                problems += references(of: definition, in: catalog, path: path)
                if index > 0 {
                    problems += evolution(from: history.versions[index - 1], to: definition)
                }
            }
            if let topic = history.current.source.topic {
                if let other = seenTopics[topic] {
                    problems.append(CatalogError(.duplicate, "topic `\(topic)` feeds both `\(other)` and `\(history.name)`"))
                }
                seenTopics[topic] = history.name
            }
        }
        var heartbeatTopics: Set<String> = []
        for heartbeat in catalog.heartbeats {
            if !heartbeatTopics.insert(heartbeat.topic).inserted || seenTopics[heartbeat.topic] != nil {
                problems.append(CatalogError(.duplicate, "heartbeat topic `\(heartbeat.topic)` is declared twice"))
            }
        }
        return problems
    }

    /// The problems of one table version on its own.
    static func problems(in table: TableDefinition, path: String) -> [CatalogError] {
        var problems: [String] = []
        if !isIdentifier(table.name) { problems.append("the table name `\(table.name)` is not a lowercase identifier") }
        var names: Set<String> = []
        var fields: Set<String> = []
        var sawEnrichment = false
        var sawEvolved = false
        for column in table.columns {
            if !names.insert(column.name).inserted { problems.append("column `\(column.name)` appears twice") }
            if column.systemColumn == nil {
                if !isIdentifier(column.name) || column.name.hasPrefix("_") {
                    problems.append("column name `\(column.name)` must match [a-z][a-z0-9_]* (a leading `_` is reserved)")
                }
                if column.addedIn > 1 {
                    sawEvolved = true
                } else if sawEvolved {
                    problems.append("column `\(column.name)` (version 1) follows columns added by evolution")
                }
                if column.addedIn < 1 || column.addedIn > table.version {
                    problems.append("column `\(column.name)`: added_in must be 1...\(table.version)")
                }
            }
            switch column.role {
            case .source(let field, let connect):
                if sawEnrichment && column.addedIn == 1 {
                    problems.append("source column `\(column.name)` must come before the enrichment columns")
                }
                if !fields.insert(field).inserted { problems.append("two columns read source field `\(field)`") }
                if case .failure(let why) = ValueConversion.resolve(field: connect, column: column.type) {
                    problems.append("column `\(column.name)`: \(why)")
                }
            case .enrichment(let enrichment):
                sawEnrichment = true
                if table.column(enrichment.joinColumn) == nil {
                    problems.append("enrichment `\(column.name)` joins on `\(enrichment.joinColumn)`, which is not a column")
                }
            case .system, .computed:
                break
            }
        }
        for key in table.source.keyColumns {
            guard let column = table.column(key) else {
                problems.append("source key `\(key)` is not a column")
                continue
            }
            if column.sourceField == nil || column.nullable {
                problems.append("source key `\(key)` must be a source column with nullable: false")
            }
        }
        if table.source.topic != nil && table.source.keyColumns.isEmpty {
            problems.append("a topic-fed table needs `source.key` (the Kafka key columns)")
        }
        for key in table.keys.merge + table.keys.dedup where table.column(key) == nil {
            problems.append("key column `\(key)` is not a column")
        }
        if let version = table.keys.version {
            if let column = table.column(version) {
                if ![.bigint, .timestamp, .timestamptz].contains(column.type) {
                    problems.append("version column `\(version)` must be bigint, timestamp or timestamptz")
                }
            } else {
                problems.append("version column `\(version)` is not a column")
            }
        }
        if let eventTime = table.eventTime {
            if let column = table.column(eventTime) {
                if ![.timestamp, .timestamptz, .date].contains(column.type) {
                    problems.append("event_time column `\(eventTime)` must be timestamp, timestamptz or date")
                }
            } else {
                problems.append("event_time column `\(eventTime)` is not a column")
            }
        }
        problems += distributionProblems(table)
        return problems.map { CatalogError(.invalidDeclaration, "\(path): \($0)") }
    }

    private static func distributionProblems(_ table: TableDefinition) -> [String] {
        var problems: [String] = []
        let distribution = table.distribution
        if distribution.style == .key {
            if let key = distribution.key {
                if table.column(key) == nil { problems.append("distkey `\(key)` is not a column") }
            } else {
                problems.append("diststyle key needs a distkey")
            }
        } else if distribution.key != nil {
            problems.append("distkey is only allowed with diststyle key")
        }
        for column in distribution.sortKey where table.column(column) == nil {
            problems.append("sortkey column `\(column)` is not a column")
        }
        return problems
    }

    /// Problems with what `table` refers to in other tables: dimensions and derived sources.
    private static func references(of table: TableDefinition, in catalog: Catalog, path: String) -> [CatalogError] {
        var problems: [CatalogError] = []
        for column in table.columns {
            guard let enrichment = column.enrichment else { continue }
            guard let dimension = catalog.table(enrichment.dimension)?.current else {
                problems.append(CatalogError(.unknownTable, "\(path): enrichment `\(column.name)` names unknown table `\(enrichment.dimension)`"))
                continue
            }
            guard let key = dimension.column(enrichment.dimensionKey), let source = dimension.column(enrichment.dimensionColumn) else {
                problems.append(
                    CatalogError(
                        .invalidDeclaration,
                        "\(path): enrichment `\(column.name)` needs columns `\(enrichment.dimensionKey)` and `\(enrichment.dimensionColumn)` in `\(dimension.name)`"
                    )
                )
                continue
            }
            if let join = table.column(enrichment.joinColumn), join.type != key.type {
                problems.append(
                    CatalogError(.invalidType, "\(path): enrichment `\(column.name)` joins \(join.type) to \(key.type)")
                )
            }
            if !source.type.canWiden(to: column.type) {
                problems.append(
                    CatalogError(.invalidType, "\(path): enrichment `\(column.name)` is \(column.type) but `\(dimension.name).\(source.name)` is \(source.type)")
                )
            }
        }
        if case .derived(let sources) = table.source {
            for name in sources where catalog.table(name) == nil {
                problems.append(CatalogError(.unknownTable, "\(path): derived from unknown table `\(name)`"))
            }
        }
        return problems
    }

    /// Problems in the step from `old` to `new`: the evolution policy of docs/CDC.md.
    static func evolution(from old: TableDefinition, to new: TableDefinition) -> [CatalogError] {
        let path = "\(new.name) v\(new.version)"
        var problems: [String] = []
        if old.source != new.source { problems.append("the source changed from v\(old.version)") }
        if old.keys != new.keys { problems.append("the keys changed from v\(old.version)") }
        if old.eventTime != new.eventTime { problems.append("event_time changed from v\(old.version)") }
        if old.distribution != new.distribution { problems.append("the Redshift layout changed from v\(old.version)") }
        if new.columns.count < old.columns.count {
            problems.append("columns were removed (a removed field keeps its column and is written as null)")
        }
        for (before, after) in zip(old.columns, new.columns) {
            if before.name != after.name {
                problems.append("column \(before.name) was renamed or reordered to \(after.name); columns are only appended")
            } else if !before.type.canWiden(to: after.type) {
                problems.append("column \(before.name) changed type from \(before.type) to \(after.type)")
            } else if before.addedIn != after.addedIn || before.nullable != after.nullable {
                problems.append("column \(before.name) changed nullability or added_in")
            }
        }
        for added in new.columns.dropFirst(old.columns.count) {
            if added.addedIn != new.version { problems.append("added column \(added.name) must have added_in: \(new.version)") }
            if !added.nullable { problems.append("added column \(added.name) must be nullable") }
        }
        return problems.map { CatalogError(.incompatibleVersion, "\(path): \($0)") }
    }

    /// Lowercase `[a-z_][a-z0-9_]*`, at most 127 bytes (Redshift identifiers).
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 127 else { return false }
        let isLower = { (byte: UInt8) in byte >= 0x61 && byte <= 0x7A }
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        return (isLower(first) || first == UInt8(ascii: "_"))
            && name.utf8.allSatisfy { isLower($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }
}
