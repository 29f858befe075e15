public import Catalog

/// The warehouse the loader fills: where it is, how to reach it, and how loads run.
public struct WarehouseSettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// `redshift` or `postgres` (PostgreSQL 15 or later, for MERGE). Default: `redshift`.
    public var dialect: SQLDialect = .redshift
    /// `postgresql://user[:password]@host[:port]/database[?sslmode=…]`: the PostgreSQL wire
    /// protocol, to PostgreSQL or to Redshift. Empty with Redshift: the Redshift Data API
    /// (`redshift_data`). `sslmode` defaults to `verify-full`, `prefer` on loopback.
    /// Default: empty.
    public var url: String = ""
    /// A file holding the password when the URL has none (else `PGPASSWORD`). Default: empty.
    public var passwordFile: String = ""
    /// The Redshift Data API target.
    public var redshiftData = RedshiftDataSettings()
    /// IAM role Redshift assumes to read the staged files (`COPY … IAM_ROLE`); empty uses the
    /// cluster's default role. Default: empty.
    public var iamRole: String = ""
    /// Schema of the target tables and of the loader's own tables. Default: `public`.
    public var schema: String = "public"
    /// How often the loader loads what was committed; when a cycle leaves work behind, the
    /// next starts at once. Default: `5m`.
    public var loadInterval: ConfigDuration = .minutes(5)
    /// The lease's name: one active loader per name. Empty means `kafka.group_id`.
    /// Default: empty.
    public var leaseName: String = ""
    /// How long a lease grant lasts without renewal; a loader that dies is replaced after it.
    /// Default: `5m`.
    public var leaseTTL: ConfigDuration = .minutes(5)
    /// Run the loader inside `millrace run`, as another service of the worker (the lease keeps
    /// one active loader among every worker and `millrace load`). Default: false.
    public var loadInWorker: Bool = false
    /// Batches one table's load takes at most. Default: `500`.
    public var maxBatchesPerLoad: Int = 500
    /// Staged files one table's load takes at most. Default: `2000`.
    public var maxFilesPerLoad: Int = 2_000
    /// Staged bytes one table's load takes at most. Default: `2GiB`.
    public var maxBytesPerLoad: ByteSize = ByteSize(bytes: 2 << 30)
    /// Staged rows one table's load takes at most. Default: `20000000`.
    public var maxRowsPerLoad: Int = 20_000_000
    /// How long deleted keys are remembered so that an older change of a deleted key loaded
    /// later (redelivered, replayed, backfilled) does not bring it back. Default: `7d`.
    public var deleteRetention: ConfigDuration = .days(7)

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dialect, url, passwordFile = "password_file", redshiftData = "redshift_data", iamRole = "iam_role", schema
        case loadInterval = "load_interval", leaseName = "lease_name", leaseTTL = "lease_ttl", loadInWorker = "load_in_worker"
        case maxBatchesPerLoad = "max_batches_per_load", maxFilesPerLoad = "max_files_per_load"
        case maxBytesPerLoad = "max_bytes_per_load", maxRowsPerLoad = "max_rows_per_load", deleteRetention = "delete_retention"
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = WarehouseSettings()
        dialect = try c.value(.dialect, default: d.dialect)
        url = try c.value(.url, default: d.url)
        passwordFile = try c.value(.passwordFile, default: d.passwordFile)
        redshiftData = try c.value(.redshiftData, default: d.redshiftData)
        iamRole = try c.value(.iamRole, default: d.iamRole)
        schema = try c.value(.schema, default: d.schema)
        loadInterval = try c.value(.loadInterval, default: d.loadInterval)
        leaseName = try c.value(.leaseName, default: d.leaseName)
        leaseTTL = try c.value(.leaseTTL, default: d.leaseTTL)
        loadInWorker = try c.value(.loadInWorker, default: d.loadInWorker)
        maxBatchesPerLoad = try c.value(.maxBatchesPerLoad, default: d.maxBatchesPerLoad)
        maxFilesPerLoad = try c.value(.maxFilesPerLoad, default: d.maxFilesPerLoad)
        maxBytesPerLoad = try c.value(.maxBytesPerLoad, default: d.maxBytesPerLoad)
        maxRowsPerLoad = try c.value(.maxRowsPerLoad, default: d.maxRowsPerLoad)
        deleteRetention = try c.value(.deleteRetention, default: d.deleteRetention)
    }
}
