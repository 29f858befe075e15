import AWS

/// Errors that retrying cannot fix and that must stop the worker with a clear message
/// (exit status 2) instead of being retried forever: credentials refused or missing, an AWS
/// setting that cannot work.
enum FatalErrors {
    /// The fatal form of `error`, or nil when it is worth retrying.
    static func classify(_ error: any Error) -> RuntimeError? {
        guard let aws = error as? AWSError else { return nil }
        if aws.code == .credentialsUnavailable {
            return RuntimeError(.authentication, "no AWS credentials for the staging store; provide them and restart", underlying: aws)
        }
        if [.authenticationFailed, .accessDenied].contains(aws.code) {
            return RuntimeError(
                .authentication, "S3 refused the worker's credentials or permissions; fix them and restart", underlying: aws)
        }
        if aws.code == .invalidConfiguration {
            return RuntimeError(.configuration, "the AWS settings are invalid", underlying: aws)
        }
        return nil
    }
}
