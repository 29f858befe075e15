public import Catalog

/// The one owner of the table versions schema evolution adds at run time: their claims, the
/// committed versions in the staging store, reading them back into a catalog (the worker, the
/// loader, a dry run) and mirroring them into a `Schemas/` folder for review.
///
/// A version is claimed before any file is staged under it
/// (`_millrace/claims/{table}/v{n}.yaml`, created once and atomically), and written as
/// committed when the batch that introduced it commits (`_millrace/schemas/{table}/v{n}.yaml`).
/// A claim is not a committed version: a batch that never commits leaves no version behind.
public struct EvolvedSchemas: Sendable {
    /// How a claim of a version number went.
    public enum Claim: Sendable, Equatable {
        /// The number is this declaration's: just claimed, or claimed or committed earlier with
        /// the same declaration.
        case held
        /// Just claimed by this call (a crash point follows in the commit protocol).
        case claimedNow
        /// Another declaration holds the number (its text).
        case lost(holder: String)
    }

    /// The staging store.
    public let store: any StagingStore
    /// Where the versions live in it.
    public let layout: StagingLayout

    /// The versions in `store` under `layout`.
    public init(store: any StagingStore, layout: StagingLayout) {
        self.store = store
        self.layout = layout
    }

    /// The committed declaration of `table` version `version`, if one is committed.
    public func committed(table: String, version: Int) throws -> String? {
        try store.get(layout.schemaKey(table: table, version: version)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Claims `table` version `version` for `definition` (its YAML). A committed version is
    /// checked first (versions committed by builds that did not claim), then the claim is created
    /// with the store's atomic create; an existing claim is read back.
    public func claim(table: String, version: Int, definition: String) throws -> Claim {
        if let committed = try committed(table: table, version: version) {
            return committed == definition ? .held : .lost(holder: committed)
        }
        let key = layout.schemaClaimKey(table: table, version: version)
        if try store.create(key, data: Array(definition.utf8)) { return .claimedNow }
        guard let holder = try store.get(key) else {
            throw StagingError(.store, "the claim of version \(version) of \(table) exists but cannot be read", isRetriable: true)
        }
        let text = String(decoding: holder, as: UTF8.self)
        return text == definition ? .held : .lost(holder: text)
    }

    /// Writes the versions `record` introduced as committed (idempotent: the protocol may repeat
    /// it while finishing a batch).
    public func commit(versionsOf record: CommitRecord) throws {
        for change in record.schemaChanges where !change.definition.isEmpty {
            try store.put(layout.schemaKey(table: change.table, version: change.toVersion), data: Array(change.definition.utf8))
        }
    }

    /// Writes the versions `record` committed into the `Schemas/` folder `directory`
    /// (`{table}/v{n}.yaml`), for review and commit with the code. The staging store's copy is
    /// the one workers read.
    public static func mirror(versionsOf record: CommitRecord, into directory: String) throws {
        for change in record.schemaChanges where !change.definition.isEmpty {
            try Catalog.write(try Catalog.definition(yaml: change.definition), toDirectory: directory)
        }
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
