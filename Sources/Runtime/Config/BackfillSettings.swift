/// How `millrace backfill` reads a bounded range beside the live worker.
public struct BackfillSettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// The source database for `--source postgres` (a libpq-style URL,
    /// `postgres://user:password@host:5432/database?sslmode=require`); `--source-url` overrides
    /// it. Never logged with its password. Default: empty.
    public var sourceURL: String = ""
    /// The source table of each warehouse table for `--source postgres`, as `schema.table`, where
    /// it is not `public.` followed by the last segment of the table's topic (the seed's
    /// connector captures `public.entity_values_ts` into `postgres.eav.entity_values_ts`).
    /// Default: none.
    public var sourceTables: [String: String] = [:]
    /// Rows per keyset-paginated chunk read from the source database. Default: `10000`.
    public var chunkRows: Int = 10_000
    /// Partition slices read and processed in parallel, each with its own consumer and batch.
    /// `pipeline.max_batch_bytes` and the consumer's prefetch are divided among them, so memory
    /// stays within the worker's bound. Default: `2`.
    public var parallelism: Int = 2
    /// Without a terminal, a progress line is logged this often. Default: `5s`.
    public var progressInterval: ConfigDuration = .seconds(5)

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sourceURL = "source_url", sourceTables = "source_tables", chunkRows = "chunk_rows", parallelism, progressInterval = "progress_interval"
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BackfillSettings()
        sourceURL = try c.value(.sourceURL, default: d.sourceURL)
        sourceTables = try c.value(.sourceTables, default: d.sourceTables)
        chunkRows = try c.value(.chunkRows, default: d.chunkRows)
        parallelism = try c.value(.parallelism, default: d.parallelism)
        progressInterval = try c.value(.progressInterval, default: d.progressInterval)
    }
}
