/// A COPY manifest: the exact files to load, each with its size (Redshift requires
/// `meta.content_length` for Parquet).
public struct Manifest: Sendable, Hashable {
    /// Store key the manifest is written under.
    public var key: String
    /// The manifest's JSON.
    public var json: String
}

/// One load transaction: manifests to write first, then the statements to run in order inside
/// `BEGIN … COMMIT`. If the transaction commits, the batches it names are loaded exactly once
/// (their ids are in the ledger); if not, nothing changed.
public struct LoadPlan: Sendable, Hashable {
    /// The load's identity (ledger column `load_id`).
    public var loadID: String
    /// The batches loaded.
    public var batches: [String]
    /// Manifests to write before running the statements.
    public var manifests: [Manifest]
    /// The statements, `BEGIN` and `COMMIT` included.
    public var statements: [String]

    /// The whole plan as one SQL script (manifests as comments).
    public var script: String {
        var lines = ["-- load \(loadID): batches \(batches.joined(separator: ", "))"]
        for manifest in manifests {
            lines.append("-- manifest \(manifest.key):")
            lines += manifest.json.split(separator: "\n").map { "--   \($0)" }
        }
        return (lines + statements).joined(separator: "\n") + "\n"
    }
}
