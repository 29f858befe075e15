/// The Redshift Data API target, used when `warehouse.url` is empty and the dialect is Redshift.
public struct RedshiftDataSettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// The provisioned cluster's identifier; empty for Serverless. Default: empty.
    public var clusterID: String = ""
    /// The Serverless workgroup; empty for a provisioned cluster. Default: empty.
    public var workgroup: String = ""
    /// The database. Default: `dev`.
    public var database: String = "dev"
    /// The database user for temporary credentials (provisioned clusters). Default: empty.
    public var dbUser: String = ""
    /// A Secrets Manager secret with the user name and password, instead of `db_user`.
    /// Default: empty.
    public var secretARN: String = ""
    /// The cluster's region; empty means `staging.region`, then `AWS_REGION` / `AWS_DEFAULT_REGION`.
    /// Default: empty.
    public var region: String = ""

    /// The defaults.
    public init() {}

    /// True when neither a cluster nor a workgroup is named.
    public var isEmpty: Bool { clusterID.isEmpty && workgroup.isEmpty }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case clusterID = "cluster_id", workgroup, database, dbUser = "db_user", secretARN = "secret_arn", region
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RedshiftDataSettings()
        clusterID = try c.value(.clusterID, default: d.clusterID)
        workgroup = try c.value(.workgroup, default: d.workgroup)
        database = try c.value(.database, default: d.database)
        dbUser = try c.value(.dbUser, default: d.dbUser)
        secretARN = try c.value(.secretARN, default: d.secretARN)
        region = try c.value(.region, default: d.region)
    }
}
