public import Foundation

/// The selected profile of the shared `credentials` and `config` files (`AWS_PROFILE`), in
/// botocore's order: static keys (`aws_access_key_id`, `aws_secret_access_key`,
/// `aws_session_token`), a web identity role (`role_arn` with `web_identity_token_file`), an
/// external process (`credential_process`, see `ProcessCredentialsProvider`), or IAM Identity
/// Center (`sso_session` or the legacy `sso_start_url`, see `SSOCredentialsProvider`).
///
/// Profiles that need role chaining (`source_profile`, `credential_source`) are reported as
/// unsupported rather than silently skipped, so a misconfiguration never falls through to other
/// credentials.
public struct ProfileCredentialsProvider: CredentialsProvider {
    /// `profile`.
    public var name: String { "profile" }
    private let environment: AWSEnvironment
    private let now: @Sendable () -> Date

    /// A provider for `environment.profile`; `now` is the clock SSO token expiry is read against.
    public init(environment: AWSEnvironment, now: @escaping @Sendable () -> Date = { Date() }) {
        self.environment = environment
        self.now = now
    }

    /// The profile's credentials; nil when the default profile is absent; an error when an
    /// explicitly selected profile is absent or incomplete.
    public func load() throws(AWSError) -> AWSCredentials? {
        let profile = environment.profile
        guard environment.credentialsProfile != nil || environment.configProfile != nil else {
            guard environment.profileIsExplicit else { return nil }
            throw AWSError(.credentialsUnavailable,
                "AWS_PROFILE selects profile \"\(profile)\", which neither the credentials nor the config file defines")
        }
        let id = environment.profileValue("aws_access_key_id")
        let secret = environment.profileValue("aws_secret_access_key")
        if let id, let secret {
            return AWSCredentials(
                accessKeyID: id, secretAccessKey: secret, sessionToken: environment.profileValue("aws_session_token"),
                source: name)
        }
        if id != nil || secret != nil {
            throw AWSError(.credentialsUnavailable,
                "profile \"\(profile)\" sets only one of aws_access_key_id and aws_secret_access_key")
        }
        if let role = environment.profileValue("role_arn"), let tokenFile = environment.profileValue("web_identity_token_file") {
            let provider = WebIdentityCredentialsProvider(
                tokenFile: tokenFile, roleARN: role, sessionName: environment.profileValue("role_session_name"),
                stsEndpoint: WebIdentityCredentialsProvider.stsEndpoint(environment))
            return try provider.load()
        }
        if let command = environment.profileValue("credential_process") {
            return try ProcessCredentialsProvider(command: command, environment: environment.variables).load()
        }
        if let sso = try SSOCredentialsProvider(environment: environment, now: now) {
            return try sso.load()
        }
        for key in ["source_profile", "credential_source"] where environment.profileValue(key) != nil {
            throw AWSError(.credentialsUnavailable,
                "profile \"\(profile)\" uses \(key), which Millrace does not support; use static keys, web identity, credential_process, SSO, ECS or instance credentials")
        }
        return nil
    }
}
