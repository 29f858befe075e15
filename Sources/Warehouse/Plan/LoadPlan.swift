public import Catalog
public import Staging

/// A COPY manifest: the exact files to load, each with its size (Redshift requires
/// `meta.content_length` for Parquet).
public struct Manifest: Sendable, Hashable {
    /// Store key the manifest is written under.
    public var key: String
    /// The manifest's JSON.
    public var json: String

    /// A manifest stored under `key`.
    public init(key: String, json: String) {
        self.key = key
        self.json = json
    }
}

/// Staged files going into a load's staging table: `COPY … FORMAT AS PARQUET MANIFEST` on
/// Redshift, rows streamed with `COPY … FROM STDIN` by the PostgreSQL loader.
public struct StagedCopy: Sendable, Hashable {
    /// The temp staging table (unquoted), whose columns are exactly the files'.
    public var stagingTable: String
    /// The table version whose staging layout every file follows.
    public var definition: TableDefinition
    /// The files, sorted by key.
    public var files: [StagedFile]
    /// The manifest of the files (written to the staging store before a Redshift COPY).
    public var manifest: Manifest
    /// The statement: Redshift's COPY, or for PostgreSQL a comment saying what the loader
    /// streams (it is what a dry run prints).
    public var statement: String

    /// A copy with every part given.
    public init(stagingTable: String, definition: TableDefinition, files: [StagedFile], manifest: Manifest, statement: String) {
        self.stagingTable = stagingTable
        self.definition = definition
        self.files = files
        self.manifest = manifest
        self.statement = statement
    }
}

/// One step of a load transaction.
public enum LoadStep: Sendable, Hashable {
    /// A SQL statement.
    case sql(String)
    /// Staged files into a staging table.
    case copy(StagedCopy)

    /// The statement as a script shows it.
    public var text: String {
        switch self {
        case .sql(let statement): statement
        case .copy(let copy): copy.statement
        }
    }
}

/// One load transaction of one table: if it commits, the batches it names are loaded into the
/// table exactly once (their ledger rows say so); if not, nothing changed.
public struct LoadPlan: Sendable, Hashable {
    /// The load's identity (ledger column `load_id`).
    public var loadID: String
    /// The target table.
    public var table: String
    /// The batches the load covers for the table.
    public var batches: [BatchID]
    /// The steps, in order, run inside one transaction (`BEGIN`/`COMMIT` are the executor's).
    public var steps: [LoadStep]

    /// A plan with every part given.
    public init(loadID: String, table: String, batches: [BatchID], steps: [LoadStep]) {
        self.loadID = loadID
        self.table = table
        self.batches = batches
        self.steps = steps
    }

    /// The manifests of the plan's copies.
    public var manifests: [Manifest] {
        steps.compactMap { step in
            if case .copy(let copy) = step { return copy.manifest }
            return nil
        }
    }

    /// Statements the transaction sends (a copy counts as one).
    public var statementCount: Int { steps.count }

    /// The whole plan as one SQL script, manifests as comments.
    public var script: String {
        var lines = ["-- load \(loadID) of \(table): batches \(batches.map(\.rawValue).joined(separator: ", "))"]
        for manifest in manifests {
            lines.append("-- manifest \(manifest.key):")
            lines += manifest.json.split(separator: "\n").map { "--   \($0)" }
        }
        return (lines + ["BEGIN;"] + steps.map(\.text) + ["COMMIT;"]).joined(separator: "\n") + "\n"
    }
}
