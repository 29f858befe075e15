/// ECS (and EKS Pod Identity) container credentials: a GET to the agent's endpoint,
/// `http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with the `Authorization` header from
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read each time) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
///
/// A full URI must use HTTPS or point at a loopback address or the ECS/EKS agent addresses,
/// as the AWS SDKs require, so a tampered variable cannot send the token elsewhere.
public struct ContainerCredentialsProvider: CredentialsProvider {
    /// `ecs`.
    public var name: String { "ecs" }
    private let environment: AWSEnvironment
    private let relativeBase: String
    private let client: MetadataClient

    /// The agent hosts a plain-HTTP full URI may name (ECS, EKS Pod Identity IPv4 and IPv6).
    static let agentHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"]

    /// A provider reading the container variables from `environment`.
    public init(environment: AWSEnvironment) {
        self.init(environment: environment, relativeBase: "http://169.254.170.2", client: .default)
    }

    init(environment: AWSEnvironment, relativeBase: String, client: MetadataClient) {
        self.environment = environment
        self.relativeBase = relativeBase
        self.client = client
    }

    /// The container's credentials, or nil outside a container (neither URI variable set).
    public func load() throws(AWSError) -> AWSCredentials? {
        let url: String
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            url = relativeBase + relative
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
            url = full
        } else {
            return nil
        }
        guard let endpoint = Endpoint(url) else {
            throw AWSError(.invalidConfiguration, "the container credentials URI is not an http(s) URL")
        }
        if environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] == nil, endpoint.scheme != "https",
            !endpoint.isLoopback, !Self.agentHosts.contains(endpoint.host)
        {
            throw AWSError(.invalidConfiguration,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https or a loopback or ECS/EKS agent address, not \(endpoint.host)")
        }
        var headers = HTTPHeaders()
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
            headers.set("Authorization", try MetadataClient.readTokenFile(file, what: "container authorization token"))
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] {
            headers.set("Authorization", token)
        }
        let pathAndQuery = String(url.dropFirst(endpoint.origin.count))
        let plain = Endpoint(endpoint.origin) ?? endpoint
        let response = try client.send("GET", plain, path: pathAndQuery.isEmpty ? "/" : pathAndQuery, headers: headers)
        guard response.isSuccess else {
            throw AWSError(.credentialsUnavailable, "the container credentials endpoint answered HTTP \(response.status)",
                isRetriable: response.status >= 500, httpStatus: response.status)
        }
        return try MetadataClient.parseCredentialDocument(response.body, source: name)
    }
}
