import AWS
import Synchronization

/// The AWS side of one process, built once: the environment (standard variables and profile
/// files), one cached credential chain, the events wired to telemetry, and the clients made
/// from them on first use (S3 for staging and snapshots, the Redshift Data API for the loader).
final class AWSContext: Sendable {
    /// The AWS environment read.
    let environment: AWSEnvironment
    /// The standard chain (environment, profile, web identity, container, IMDS), cached.
    let credentials: CachingCredentialsProvider
    /// AWS events, counted and logged by telemetry.
    let events: AWSEvents
    private let staging: StagingSettings
    private let s3Client = Mutex<S3Client?>(nil)

    /// The context of `environment` (nil: the process's), for `staging`'s S3 settings.
    init(environment variables: [String: String]?, staging: StagingSettings, telemetry: Telemetry) {
        environment = variables.map { AWSEnvironment(variables: $0) } ?? AWSEnvironment()
        self.staging = staging
        events = AWSEvents(logger: telemetry.logger) { event in
            switch event {
            case .requestRetried(let retry):
                telemetry.emit(.retry(component: retry.service, reason: "\(retry.operation): \(retry.errorCode)"))
            case .requestCompleted(let request):
                // Only the S3 client reports completions.
                telemetry.emit(.s3Request(operation: request.operation, duration: request.duration,
                    errorCode: request.errorCode.map { "\($0)" }))
            default:
                break
            }
        }
        credentials = CachingCredentialsProvider(CredentialsChain.standard(environment: environment), events: events)
    }

    /// The region: the first non-empty of `preferred`, the staging region and the environment's.
    func region(_ preferred: String...) -> String? {
        (preferred + [staging.region, environment.region ?? ""]).first { !$0.isEmpty }
    }

    /// The S3 client for the staging settings (region, endpoint, addressing, KMS key).
    func s3() throws -> S3Client {
        try s3Client.withLock { client in
            if let client { return client }
            var s3 = try S3Configuration(environment: environment)
            if !staging.region.isEmpty { s3.region = staging.region }
            if !staging.endpoint.isEmpty {
                guard let endpoint = Endpoint(staging.endpoint) else {
                    throw RuntimeError(.configuration, "staging.endpoint \(staging.endpoint) is not an http(s) URL")
                }
                s3.endpoint = endpoint
            }
            if staging.pathStyle { s3.addressing = .pathStyle }
            if !staging.kmsKeyID.isEmpty { s3.sseKMSKeyID = staging.kmsKeyID }
            let made = try S3Client(configuration: s3, credentials: credentials, events: events)
            client = made
            return made
        }
    }

    /// A Redshift Data API client for `settings`.
    func redshiftData(_ settings: RedshiftDataSettings) throws -> RedshiftDataClient {
        var configuration = try RedshiftDataConfiguration(environment: environment)
        if let region = region(settings.region) { configuration.region = region }
        let target = RedshiftDataTarget(
            database: settings.database, clusterIdentifier: settings.clusterID, workgroupName: settings.workgroup,
            dbUser: settings.dbUser, secretARN: settings.secretARN)
        return try RedshiftDataClient(configuration: configuration, target: target, credentials: credentials, events: events)
    }
}
