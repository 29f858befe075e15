/// Which tables run, and where their declarations live.
public struct SchemaSettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// The `Schemas/` folder, relative to the working directory. Default: `Schemas`.
    public var dir: String = "Schemas"
    /// Warehouse tables to produce; empty means every table fed by a configured topic.
    /// Default: empty.
    public var tables: [String] = []
    /// Also write each evolved version this worker commits into `dir` (`{table}/v{n}.yaml`), for
    /// review and commit with the code (a batch another worker started and this one recovered
    /// is not written here). The staging store's copy (`_millrace/schemas/`) is the one workers
    /// read; a failure to write here is logged, never fatal. Default: false.
    public var writeEvolved = false

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dir, tables, writeEvolved = "write_evolved"
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dir = try c.value(.dir, default: SchemaSettings().dir)
        tables = try c.value(.tables, default: SchemaSettings().tables)
        writeEvolved = try c.value(.writeEvolved, default: SchemaSettings().writeEvolved)
    }
}

/// A dimension loaded from a snapshot file rather than a CDC topic (`dim_attributes`).
/// Which columns it holds and how facts join it is declared in `Schemas/`.
public struct SnapshotDimensionSettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// A local path or an `s3://bucket/key` URL. Required.
    public var snapshot: String
    /// `csv`, `ndjson` or `parquet`; empty means from the file extension. Default: empty.
    public var format: String = ""
    /// How often the snapshot is reloaded. Default: `5m`.
    public var refresh: ConfigDuration = .minutes(5)

    /// A snapshot dimension read from `snapshot`.
    public init(snapshot: String) {
        self.snapshot = snapshot
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case snapshot, format, refresh
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        snapshot = try c.decode(String.self, forKey: .snapshot)
        format = try c.value(.format, default: "")
        refresh = try c.value(.refresh, default: .minutes(5))
    }
}

/// The warehouse the loader targets; the worker uses it to print SQL in dry-run.
public struct WarehouseSettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// `redshift` or `postgres`. Default: `redshift`.
    public var dialect: String = "redshift"
    /// IAM role Redshift assumes to read the staged files (`COPY … IAM_ROLE`). Default: empty.
    public var iamRole: String = ""
    /// Schema holding the target tables. Default: `public`.
    public var schema: String = "public"
    /// How often the scheduled loader (planned) will load staged batches; the worker does not
    /// read it yet. Default: `5m`.
    public var loadInterval: ConfigDuration = .minutes(5)
    /// How long deleted keys are remembered so that an older change of a deleted key loaded
    /// later (redelivered, replayed, backfilled) does not bring it back. Default: `7d`.
    public var deleteRetention: ConfigDuration = .days(7)

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dialect, iamRole = "iam_role", schema, loadInterval = "load_interval", deleteRetention = "delete_retention"
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = WarehouseSettings()
        dialect = try c.value(.dialect, default: d.dialect)
        iamRole = try c.value(.iamRole, default: d.iamRole)
        schema = try c.value(.schema, default: d.schema)
        loadInterval = try c.value(.loadInterval, default: d.loadInterval)
        deleteRetention = try c.value(.deleteRetention, default: d.deleteRetention)
    }
}
