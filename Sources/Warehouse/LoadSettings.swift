/// Where the loader reads staged files and how it names things in the warehouse.
public struct LoadSettings: Sendable, Hashable {
    /// Bucket of the staged files. Default: `eav-olap`.
    public var bucket: String
    /// Key prefix of the staging store inside the bucket (empty or ending in `/`). Default: empty.
    public var prefix: String
    /// IAM role Redshift assumes to read the files (`COPY … IAM_ROLE`). Default: empty.
    public var iamRole: String
    /// Schema of the target tables. Default: `public`.
    public var schema: String
    /// Pipeline name in the freshness table (one row per pipeline). Default: `millrace-eav`.
    public var pipeline: String
    /// How long the warehouse remembers deleted keys, so that an older change of a deleted key
    /// arriving in a later load (redelivered, replayed, backfilled) does not bring it back.
    /// Default: 7 days, the staging lifecycle.
    public var deleteRetention: Duration

    /// Settings with every part given.
    public init(
        bucket: String = "eav-olap", prefix: String = "", iamRole: String = "", schema: String = "public",
        pipeline: String = "millrace-eav", deleteRetention: Duration = .seconds(7 * 86_400)
    ) {
        self.bucket = bucket
        self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        self.iamRole = iamRole
        self.schema = schema
        self.pipeline = pipeline
        self.deleteRetention = deleteRetention
    }

    /// The `s3://` URL of a store key.
    public func url(_ key: String) -> String {
        "s3://\(bucket)/\(prefix)\(key)"
    }
}
