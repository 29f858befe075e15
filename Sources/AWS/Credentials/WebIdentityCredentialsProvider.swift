import Foundation

/// EKS IAM roles for service accounts: exchanges the projected service-account token in
/// `AWS_WEB_IDENTITY_TOKEN_FILE` for temporary credentials of `AWS_ROLE_ARN` through STS
/// `AssumeRoleWithWebIdentity` (an unsigned request; the token is the proof).
///
/// The token file is re-read on every load, because the kubelet rotates it.
public struct WebIdentityCredentialsProvider: CredentialsProvider {
    /// `web-identity`.
    public var name: String { "web-identity" }
    /// The file holding the OIDC token.
    public let tokenFile: String
    /// The role to assume.
    public let roleARN: String
    /// The session name STS records. Default: `millrace-<unix seconds>`.
    public let sessionName: String
    /// The STS endpoint.
    public let stsEndpoint: Endpoint
    let client: MetadataClient

    /// A provider with every setting given.
    public init(tokenFile: String, roleARN: String, sessionName: String? = nil, stsEndpoint: Endpoint) {
        self.init(tokenFile: tokenFile, roleARN: roleARN, sessionName: sessionName, stsEndpoint: stsEndpoint, client: .default)
    }

    init(tokenFile: String, roleARN: String, sessionName: String?, stsEndpoint: Endpoint, client: MetadataClient) {
        self.tokenFile = tokenFile
        self.roleARN = roleARN
        self.sessionName = sessionName ?? "millrace-\(Int(Date().timeIntervalSince1970))"
        self.stsEndpoint = stsEndpoint
        self.client = client
    }

    /// The provider `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME`
    /// describe, or nil when the first two are not both set.
    public init?(environment: AWSEnvironment) {
        guard let file = environment["AWS_WEB_IDENTITY_TOKEN_FILE"], let role = environment["AWS_ROLE_ARN"] else {
            return nil
        }
        self.init(
            tokenFile: file, roleARN: role, sessionName: environment["AWS_ROLE_SESSION_NAME"],
            stsEndpoint: Self.stsEndpoint(environment))
    }

    /// `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL`, else the regional endpoint, else the global one.
    static func stsEndpoint(_ environment: AWSEnvironment) -> Endpoint {
        if let configured = environment.endpointURL(service: "sts").flatMap(Endpoint.init) { return configured }
        return Endpoint(scheme: "https", host: environment.region.map { "sts.\($0).amazonaws.com" } ?? "sts.amazonaws.com")
    }

    /// Calls STS and returns the role's temporary credentials.
    public func load() throws(AWSError) -> AWSCredentials? {
        let token = try MetadataClient.readTokenFile(tokenFile, what: "web identity token")
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN),
            ("RoleSessionName", sessionName), ("WebIdentityToken", token),
        ].map { URIEncoding.encode($0.0) + "=" + URIEncoding.encode($0.1) }.joined(separator: "&")
        let headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"]
        let response = try client.send("POST", stsEndpoint, path: "/", headers: headers, body: Array(form.utf8))
        guard response.isSuccess else {
            var error = ServiceErrors.error(response, operation: "STS AssumeRoleWithWebIdentity for \(roleARN)")
            error.code = error.code == .authenticationFailed || error.code == .accessDenied ? .credentialsUnavailable : error.code
            throw error
        }
        guard let root = XMLElement.parse(response.body),
            let credentials = root.child("AssumeRoleWithWebIdentityResult")?.child("Credentials"),
            let id = credentials.text(of: "AccessKeyId"), let secret = credentials.text(of: "SecretAccessKey")
        else {
            throw AWSError(.credentialsUnavailable, "STS AssumeRoleWithWebIdentity returned no credentials", isRetriable: true)
        }
        let expiration = credentials.text(of: "Expiration").flatMap(UTCTime.parseISO8601)
        return AWSCredentials(
            accessKeyID: id, secretAccessKey: secret, sessionToken: credentials.text(of: "SessionToken"),
            expiration: expiration, source: name)
    }
}
