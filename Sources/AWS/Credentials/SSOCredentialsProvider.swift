public import Foundation

/// IAM Identity Center (SSO) profiles: the role credentials the access portal hands out for the
/// token `aws sso login` cached (SDKs and Tools Reference Guide, "IAM Identity Center credential
/// provider", https://docs.aws.amazon.com/sdkref/latest/guide/feature-sso-credentials.html).
///
/// Both profile forms are read:
/// - `sso_session = NAME` with a `[sso-session NAME]` section holding `sso_start_url` and
///   `sso_region` (the token provider configuration);
/// - the legacy form, `sso_start_url` and `sso_region` in the profile itself.
///
/// Either way the profile names `sso_account_id` and `sso_role_name`. The cached token is
/// `~/.aws/sso/cache/<sha1>.json`, the SHA-1 (hex) of the session name, or of the start URL in
/// the legacy form (botocore `utils.SSOTokenLoader`); its `accessToken` goes to the portal's
/// GetRoleCredentials, `GET /federation/credentials?role_name=…&account_id=…` with the header
/// `x-amz-sso_bearer_token`, at `https://portal.sso.{region}.amazonaws.com` (botocore's
/// `data/sso/2019-06-10/service-2.json`; `AWS_ENDPOINT_URL_SSO` overrides the endpoint). The
/// answer's `roleCredentials.expiration` is in milliseconds since the epoch.
///
/// Millrace does not refresh the token itself: an expired or missing one is an error telling the
/// user to run `aws sso login`.
public struct SSOCredentialsProvider: CredentialsProvider {
    /// `sso`.
    public var name: String { "sso" }
    /// The portal's region.
    public let region: String
    /// The account whose role is assumed.
    public let accountID: String
    /// The permission set's role name.
    public let roleName: String
    /// The cached token's file.
    public let tokenFile: String
    /// What to tell the user to run when the token is missing or expired.
    public let loginCommand: String
    private let endpoint: Endpoint
    private let now: @Sendable () -> Date
    let client: MetadataClient

    /// The provider the selected profile of `environment` describes; nil when it is not an SSO
    /// profile. Throws when it is one but incomplete.
    public init?(environment: AWSEnvironment, now: @escaping @Sendable () -> Date = { Date() }) throws(AWSError) {
        try self.init(environment: environment, now: now, client: .default)
    }

    init?(environment: AWSEnvironment, now: @escaping @Sendable () -> Date, client: MetadataClient) throws(AWSError) {
        let profile = environment.profile
        let startURL: String
        let region: String
        let cacheKey: String
        if let session = environment.profileValue("sso_session") {
            guard let settings = environment.ssoSession(session) else {
                throw AWSError(.credentialsUnavailable, "profile \"\(profile)\" names sso_session \(session), but the config file has no [sso-session \(session)] section")
            }
            guard let url = settings["sso_start_url"], let sessionRegion = settings["sso_region"] else {
                throw AWSError(.credentialsUnavailable, "[sso-session \(session)] needs sso_start_url and sso_region")
            }
            (startURL, region, cacheKey) = (url, sessionRegion, session)
            loginCommand = "aws sso login --sso-session \(session)"
        } else if let url = environment.profileValue("sso_start_url") {
            guard let legacyRegion = environment.profileValue("sso_region") else {
                throw AWSError(.credentialsUnavailable, "profile \"\(profile)\" sets sso_start_url without sso_region")
            }
            (startURL, region, cacheKey) = (url, legacyRegion, url)
            loginCommand = "aws sso login --profile \(profile)"
        } else {
            return nil
        }
        guard let account = environment.profileValue("sso_account_id"), let role = environment.profileValue("sso_role_name") else {
            throw AWSError(.credentialsUnavailable, "SSO profile \"\(profile)\" (start URL \(startURL)) needs sso_account_id and sso_role_name")
        }
        self.region = region
        accountID = account
        roleName = role
        tokenFile = "\(environment.home)/.aws/sso/cache/\(Hex.encode(try Digest.sha1(cacheKey))).json"
        endpoint = environment.endpointURL(service: "sso").flatMap(Endpoint.init)
            ?? Endpoint(scheme: "https", host: "portal.sso.\(region).amazonaws.com")
        self.now = now
        self.client = client
    }

    /// Reads the cached token and asks the portal for the role's credentials.
    public func load() throws(AWSError) -> AWSCredentials? {
        let token = try cachedToken()
        let query = "role_name=\(URIEncoding.encode(roleName))&account_id=\(URIEncoding.encode(accountID))"
        let response = try client.send("GET", endpoint, path: "/federation/credentials?\(query)", headers: ["x-amz-sso_bearer_token": token])
        if response.status == 401 || response.status == 403 {
            throw AWSError(.credentialsUnavailable,
                "the SSO portal refused the cached token for \(roleName) in \(accountID) (HTTP \(response.status)); run `\(loginCommand)`",
                httpStatus: response.status)
        }
        guard response.isSuccess else {
            var error = ServiceErrors.error(response, operation: "SSO GetRoleCredentials for \(roleName) in \(accountID)")
            error.code = error.code == .accessDenied ? .credentialsUnavailable : error.code
            throw error
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let credentials = object["roleCredentials"] as? [String: Any],
            let id = credentials["accessKeyId"] as? String, let secret = credentials["secretAccessKey"] as? String
        else {
            throw AWSError(.credentialsUnavailable, "the SSO portal's GetRoleCredentials answer has no roleCredentials", isRetriable: true)
        }
        let expiration = (credentials["expiration"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue / 1000) }
        return AWSCredentials(
            accessKeyID: id, secretAccessKey: secret, sessionToken: credentials["sessionToken"] as? String, expiration: expiration,
            source: name)
    }

    /// The cached access token, refused when missing, unreadable or expired.
    private func cachedToken() throws(AWSError) -> String {
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw AWSError(.credentialsUnavailable, "no cached SSO token at \(tokenFile); run `\(loginCommand)`")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let token = object["accessToken"] as? String, let expiresText = object["expiresAt"] as? String
        else {
            throw AWSError(.credentialsUnavailable, "the cached SSO token \(tokenFile) has no accessToken or expiresAt; run `\(loginCommand)`")
        }
        // Older AWS CLI versions wrote "2019-11-14T04:05:45UTC".
        let normalized = expiresText.hasSuffix("UTC") ? String(expiresText.dropLast(3)) + "Z" : expiresText
        guard let expiresAt = UTCTime.parseISO8601(normalized) else {
            throw AWSError(.credentialsUnavailable, "the cached SSO token \(tokenFile) has an unreadable expiresAt; run `\(loginCommand)`")
        }
        guard expiresAt > now() else {
            throw AWSError(.credentialsUnavailable, "the cached SSO token expired at \(expiresText); run `\(loginCommand)` to sign in again")
        }
        return token
    }
}
