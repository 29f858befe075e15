/// Where the loader reads staged files and how it names things in the warehouse.
public struct LoadSettings: Sendable, Hashable {
    /// Bucket of the staged files (COPY reads them from S3); empty for a local staging folder,
    /// which only the PostgreSQL loader can read. Default: empty.
    public var bucket: String
    /// Key prefix of the staging store inside the bucket (empty or ending in `/`). Default: empty.
    public var prefix: String
    /// IAM role Redshift assumes to read the files (`COPY … IAM_ROLE`); empty uses the cluster's
    /// default role. Default: empty.
    public var iamRole: String
    /// Schema of the target tables and of the loader's own tables. Default: `public`.
    public var schema: String
    /// Name of the lease (one active loader per name) and of the pipeline in logs.
    /// Default: `millrace-eav`.
    public var leaseName: String
    /// How long the warehouse remembers deleted keys, so that an older change of a deleted key
    /// arriving in a later load (redelivered, replayed, backfilled) does not bring it back.
    /// Default: 7 days, the staging lifecycle.
    public var deleteRetention: Duration

    /// Settings with every part given.
    public init(
        bucket: String = "", prefix: String = "", iamRole: String = "", schema: String = "public",
        leaseName: String = "millrace-eav", deleteRetention: Duration = .seconds(7 * 86_400)
    ) {
        self.bucket = bucket
        self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        self.iamRole = iamRole
        self.schema = schema
        self.leaseName = leaseName
        self.deleteRetention = deleteRetention
    }

    /// The `s3://` URL of a store key.
    public func url(_ key: String) -> String {
        "s3://\(bucket)/\(prefix)\(key)"
    }
}
