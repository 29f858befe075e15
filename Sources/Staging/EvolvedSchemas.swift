public import Catalog

/// The table versions schema evolution added at run time, as the staging store keeps them
/// (`_millrace/schemas/{table}/v{n}.yaml`, written when the batch that introduced them commits).
/// The worker and the loader both read their catalog through it.
public struct EvolvedSchemas: Sendable {
    /// The staging store.
    public let store: any StagingStore
    /// Where the versions live in it.
    public let layout: StagingLayout

    /// The versions in `store` under `layout`.
    public init(store: any StagingStore, layout: StagingLayout) {
        self.store = store
        self.layout = layout
    }

    /// `catalog` with every stored version newer than its tables' current ones.
    public func addingStored(to catalog: Catalog) throws -> Catalog {
        var catalog = catalog
        for history in catalog.tables {
            let objects = try store.list(prefix: layout.schemaPrefix(table: history.name))
            var definitions: [TableDefinition] = []
            for object in objects {
                guard let bytes = try store.get(object.key) else { continue }
                definitions.append(try Catalog.definition(yaml: String(decoding: bytes, as: UTF8.self), path: "\(store.location)\(object.key)"))
            }
            for definition in definitions.sorted(by: { $0.version < $1.version }) where definition.version > history.current.version {
                catalog = try catalog.adding(version: definition)
            }
        }
        return catalog
    }

    /// `catalog` with the versions `records` stage files under or announce that it lacks: from
    /// the records' own schema changes, else from the store. Throws when neither has one.
    public func addingVersions(usedBy records: [CommitRecord], to catalog: Catalog) throws -> Catalog {
        var catalog = catalog
        let announced = Dictionary(records.flatMap(\.schemaChanges).map { ("\($0.table)/\($0.toVersion)", $0.definition) }) { first, _ in first }
        let used = records.flatMap { record in
            record.files.map { ($0.table, $0.schemaVersion) } + record.schemaChanges.map { ($0.table, $0.toVersion) }
        }
        for (table, version) in Set(used.map { "\($0.0)/\($0.1)" }).sorted().compactMap(Self.split) {
            guard catalog.table(table) != nil, catalog.table(table)?.version(version) == nil else { continue }
            // Versions are added in order: fill any gap below this one first.
            let current = catalog.table(table)?.current.version ?? 0
            for missing in (current + 1)...max(current + 1, version) where catalog.table(table)?.version(missing) == nil {
                var yaml = announced["\(table)/\(missing)"] ?? ""
                if yaml.isEmpty, let stored = try store.get(layout.schemaKey(table: table, version: missing)) {
                    yaml = String(decoding: stored, as: UTF8.self)
                }
                guard !yaml.isEmpty else {
                    throw StagingError(.corruptRecord, "\(table) version \(missing) is used by a committed batch but neither its record nor "
                        + "\(store.location)\(layout.schemaKey(table: table, version: missing)) declares it")
                }
                catalog = try catalog.adding(version: Catalog.definition(yaml: yaml, path: layout.schemaKey(table: table, version: missing)))
            }
        }
        return catalog
    }

    private static func split(_ text: String) -> (String, Int)? {
        guard let slash = text.lastIndex(of: "/"), let version = Int(text[text.index(after: slash)...]) else { return nil }
        return (String(text[..<slash]), version)
    }
}
