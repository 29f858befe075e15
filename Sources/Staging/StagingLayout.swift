/// Where a batch's objects live in the staging store, besides its data files (whose keys come
/// from the `KeyTemplate`).
///
/// ```
/// _millrace/pending/{batch}.json                   records of batches not yet committed
/// _millrace/commits/{yyyy}/{MM}/{dd}/{HH}/{batch}.json   committed records, by creation hour
/// {deadLetterPrefix}{yyyy}/{MM}/{dd}/{HH}/{batch}.ndjson dead letters
/// _millrace/state/{dimension}/{batch}.parquet       dimension checkpoints
/// _millrace/schemas/{table}/v{version}.yaml         evolved table schemas, written when committed
/// _millrace/claims/{table}/v{version}.yaml          version numbers claimed before staging
/// ```
public struct StagingLayout: Sendable, Hashable {
    /// Prefix of dead-letter files. Default: `dlq/`.
    public var deadLetterPrefix: String

    /// A layout with the given dead-letter prefix.
    public init(deadLetterPrefix: String = "dlq/") {
        self.deadLetterPrefix = deadLetterPrefix
    }

    /// Prefix of every pending record.
    public static let pendingPrefix = "_millrace/pending/"
    /// Prefix of every committed record.
    public static let commitsPrefix = "_millrace/commits/"

    /// The pending record of `batch`.
    public func pendingKey(_ batch: BatchID) -> String {
        Self.pendingPrefix + batch.rawValue + ".json"
    }

    /// The committed record of `batch`, filed under the hour the batch was created.
    public func commitKey(_ batch: BatchID) -> String {
        Self.commitsPrefix + Self.hourPath(batch.hour) + batch.rawValue + ".json"
    }

    /// The dead-letter file of `batch`.
    public func deadLetterKey(_ batch: BatchID) -> String {
        deadLetterPrefix + Self.hourPath(batch.hour) + batch.rawValue + ".ndjson"
    }

    /// The checkpoint of `dimension` written with `batch`.
    public func checkpointKey(dimension: String, batch: BatchID) -> String {
        "_millrace/state/\(dimension)/\(batch.rawValue).parquet"
    }

    /// The prefix of `dimension`'s checkpoints.
    public func checkpointPrefix(dimension: String) -> String {
        "_millrace/state/\(dimension)/"
    }

    /// The evolved schema of `table` at `version`.
    public func schemaKey(table: String, version: Int) -> String {
        "_millrace/schemas/\(table)/v\(version).yaml"
    }

    /// The claim of `version` of `table`: created once, atomically, by the first batch that
    /// stages files of that version, holding the version's declaration. A batch stages files
    /// of a version only when the claim holds its own declaration, so no two declarations
    /// ever share a number. A claim is not a committed version: a batch that never commits
    /// leaves its claim, which later batches deriving the same version reuse.
    public func schemaClaimKey(table: String, version: Int) -> String {
        "_millrace/claims/\(table)/v\(version).yaml"
    }

    /// The prefix of `table`'s evolved schemas.
    public func schemaPrefix(table: String) -> String {
        "_millrace/schemas/\(table)/"
    }

    private static func hourPath(_ hour: UTCHour) -> String {
        let c = hour.civil
        return "\(UTCHour.pad(c.year, 4))/\(UTCHour.pad(Int64(c.month), 2))/\(UTCHour.pad(Int64(c.day), 2))/\(UTCHour.pad(Int64(c.hour), 2))/"
    }
}
