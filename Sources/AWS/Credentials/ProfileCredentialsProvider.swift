/// The selected profile of the shared `credentials` and `config` files (`AWS_PROFILE`):
/// static keys (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`) or a web
/// identity role (`role_arn` with `web_identity_token_file`).
///
/// Profiles that need another mechanism (`source_profile`, `credential_source`,
/// `credential_process`, SSO) are reported as unsupported rather than silently skipped, so a
/// misconfiguration never falls through to other credentials.
public struct ProfileCredentialsProvider: CredentialsProvider {
    /// `profile`.
    public var name: String { "profile" }
    private let environment: AWSEnvironment

    /// A provider for `environment.profile`.
    public init(environment: AWSEnvironment) {
        self.environment = environment
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
        for key in ["source_profile", "credential_source", "credential_process", "sso_session", "sso_start_url"]
        where environment.profileValue(key) != nil {
            throw AWSError(.credentialsUnavailable,
                "profile \"\(profile)\" uses \(key), which Millrace does not support; use static keys, web identity, ECS or instance credentials")
        }
        return nil
    }
}
