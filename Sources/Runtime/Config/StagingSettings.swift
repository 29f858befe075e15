/// Where batches are staged: an S3 bucket, or a local folder (`local_dir`), which the
/// PostgreSQL loader reads too. `--output DIR` and `--dry-run` stage to a local folder.
public struct StagingSettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// S3 bucket, in the warehouse's region (the seed's is `eav-olap`); empty stages to
    /// `local_dir`. One of the two is required. Default: empty.
    public var bucket: String = ""
    /// Key prefix inside the bucket, before every key. Default: empty.
    public var prefix: String = ""
    /// AWS region; empty means `AWS_REGION` / `AWS_DEFAULT_REGION`. Default: empty.
    public var region: String = ""
    /// Custom S3 endpoint (MinIO, moto); empty means AWS (or `AWS_ENDPOINT_URL_S3`). Default: empty.
    public var endpoint: String = ""
    /// Path-style addressing (`endpoint/bucket/key`), needed by most S3 look-alikes. Default: `false`.
    public var pathStyle: Bool = false
    /// Staged file keys; placeholders `{table}`, `{yyyy}`, `{MM}`, `{dd}`, `{HH}`, `{file}`.
    /// Default: `staging/{table}/{yyyy}/{MM}/{dd}/{HH}/{file}.parquet`.
    public var keyTemplate: String = "staging/{table}/{yyyy}/{MM}/{dd}/{HH}/{file}.parquet"
    /// KMS key id for SSE-KMS; empty means the bucket's default encryption. Default: empty.
    public var kmsKeyID: String = ""
    /// A local folder to stage to when `bucket` is empty; `--dry-run` stages here too (to
    /// `out/staging` when empty). Default: empty.
    public var localDir: String = ""

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case bucket, prefix, region, endpoint, pathStyle = "path_style", keyTemplate = "key_template"
        case kmsKeyID = "kms_key_id", localDir = "local_dir"
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = StagingSettings()
        bucket = try c.value(.bucket, default: d.bucket)
        prefix = try c.value(.prefix, default: d.prefix)
        region = try c.value(.region, default: d.region)
        endpoint = try c.value(.endpoint, default: d.endpoint)
        pathStyle = try c.value(.pathStyle, default: d.pathStyle)
        keyTemplate = try c.value(.keyTemplate, default: d.keyTemplate)
        kmsKeyID = try c.value(.kmsKeyID, default: d.kmsKeyID)
        localDir = try c.value(.localDir, default: d.localDir)
    }
}
