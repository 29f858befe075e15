import Foundation
import Staging

/// Which staging store a command uses, decided in one place for `run`, `replay`, `backfill` and
/// `load`: `--output DIR` (or a dry run) stages to a local folder; otherwise `staging.bucket`
/// selects S3 and `staging.local_dir` a local folder. A local folder is a first-class store: the
/// whole pipeline runs on a laptop into a local PostgreSQL.
enum StagingStores {
    /// The folder a dry run stages to when neither `--output` nor `staging.local_dir` names one.
    static let dryRunFolder = "out/staging"

    /// The store for `configuration`, with `output` from `--output` and `dryRun` from `--dry-run`.
    static func make(_ configuration: WorkerConfiguration, output: String?, dryRun: Bool, aws: AWSContext) throws -> any StagingStore {
        let staging = configuration.staging
        if let folder = output ?? (dryRun ? (staging.localDir.isEmpty ? dryRunFolder : staging.localDir) : nil) {
            return try LocalStagingStore(root: URL(fileURLWithPath: folder))
        }
        if !staging.bucket.isEmpty {
            return S3StagingStore(client: try aws.s3(), bucket: staging.bucket, prefix: staging.prefix)
        }
        guard !staging.localDir.isEmpty else {
            throw RuntimeError(.configuration, "set staging.bucket (S3) or staging.local_dir (a local folder), or pass --output DIR")
        }
        return try LocalStagingStore(root: URL(fileURLWithPath: staging.localDir))
    }
}
