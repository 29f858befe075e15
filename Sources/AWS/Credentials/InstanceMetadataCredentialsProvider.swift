/// EC2 instance-profile credentials through IMDSv2: a `PUT /latest/api/token` for a session
/// token, then `GET /latest/meta-data/iam/security-credentials/` for the role name and
/// `GET …/<role>` for the credentials, each with `X-aws-ec2-metadata-token`.
///
/// The endpoint is `AWS_EC2_METADATA_SERVICE_ENDPOINT` or `http://169.254.169.254`;
/// `AWS_EC2_METADATA_DISABLED=true` turns the provider off. Off EC2 the service is unreachable
/// and the provider reports "not configured" after a 1 s connect timeout.
public struct InstanceMetadataCredentialsProvider: CredentialsProvider {
    /// `imds`.
    public var name: String { "imds" }
    private let endpoint: Endpoint?
    private let client: MetadataClient

    /// A provider configured from `environment`.
    public init(environment: AWSEnvironment) {
        self.init(environment: environment, client: .default)
    }

    init(environment: AWSEnvironment, client: MetadataClient) {
        let disabled = environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true"
        endpoint = disabled ? nil : Endpoint(environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? "http://169.254.169.254")
        self.client = client
    }

    /// The instance role's credentials; nil when IMDS is disabled, unreachable or has no role.
    public func load() throws(AWSError) -> AWSCredentials? {
        guard let endpoint else { return nil }
        let tokenResponse: HTTPResponse
        do {
            tokenResponse = try client.send(
                "PUT", endpoint, path: "/latest/api/token", headers: ["X-aws-ec2-metadata-token-ttl-seconds": "21600"],
                attempts: 2)
        } catch where error.code == .connectionFailed || error.code == .timeout {
            return nil  // not on EC2 (or IMDS blocked): the chain ends here
        }
        guard tokenResponse.isSuccess else {
            throw AWSError(.credentialsUnavailable, "IMDSv2 refused a session token (HTTP \(tokenResponse.status))",
                httpStatus: tokenResponse.status)
        }
        let headers: HTTPHeaders = ["X-aws-ec2-metadata-token": String(decoding: tokenResponse.body, as: UTF8.self)]
        let listing = try client.send("GET", endpoint, path: "/latest/meta-data/iam/security-credentials/", headers: headers)
        if listing.status == 404 { return nil }  // no instance profile attached
        guard listing.isSuccess,
            let role = String(decoding: listing.body, as: UTF8.self).split(whereSeparator: \.isNewline).first
        else {
            throw AWSError(.credentialsUnavailable, "IMDS listed no instance role (HTTP \(listing.status))", httpStatus: listing.status)
        }
        let path = "/latest/meta-data/iam/security-credentials/" + URIEncoding.encode(role)
        let document = try client.send("GET", endpoint, path: path, headers: headers)
        guard document.isSuccess else {
            throw AWSError(.credentialsUnavailable, "IMDS returned HTTP \(document.status) for the role's credentials",
                isRetriable: document.status >= 500, httpStatus: document.status)
        }
        return try MetadataClient.parseCredentialDocument(document.body, source: name)
    }
}
