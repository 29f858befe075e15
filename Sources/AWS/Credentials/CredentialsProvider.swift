/// A source of AWS credentials.
///
/// `load` blocks (a provider may read a file or call a metadata service): call it from a
/// dedicated thread. The S3 client calls it on its own worker threads; wrap slow providers in
/// `CachingCredentialsProvider` so that only a refresh ever blocks.
public protocol CredentialsProvider: Sendable {
    /// A short name for logs and events: `environment`, `profile`, `web-identity`, `ecs`, `imds`.
    var name: String { get }

    /// Credentials, or nil when this provider is not configured here (a chain then asks the
    /// next one). Throws when it is configured but fails; the error never carries a secret.
    func load() throws(AWSError) -> AWSCredentials?

    /// Forgets anything cached, so the next `load` fetches fresh credentials (called after the
    /// service reports `ExpiredToken`).
    func invalidate()

    /// What to tell the user when `load` found nothing.
    var notFoundMessage: String { get }
}

extension CredentialsProvider {
    /// Stateless providers have nothing to forget.
    public func invalidate() {}

    /// "no AWS credentials: the NAME provider is not configured".
    public var notFoundMessage: String { "no AWS credentials: the \(name) provider is not configured" }

    /// Credentials, or `credentialsUnavailable` when the provider is not configured.
    public func require() throws(AWSError) -> AWSCredentials {
        guard let credentials = try load() else {
            throw AWSError(.credentialsUnavailable, notFoundMessage)
        }
        return credentials
    }
}

/// Fixed credentials, e.g. from the application's own configuration or a test.
public struct StaticCredentialsProvider: CredentialsProvider {
    /// `static`.
    public var name: String { "static" }
    private let credentials: AWSCredentials

    /// A provider that always returns `credentials`.
    public init(_ credentials: AWSCredentials) {
        self.credentials = credentials
    }

    /// The fixed credentials.
    public func load() throws(AWSError) -> AWSCredentials? { credentials }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`.
public struct EnvironmentCredentialsProvider: CredentialsProvider {
    /// `environment`.
    public var name: String { "environment" }
    private let environment: [String: String]

    /// Reads the given variables (normally `ProcessInfo.processInfo.environment`).
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The credentials when both key variables are set; an error when only one is.
    public func load() throws(AWSError) -> AWSCredentials? {
        let id = environment["AWS_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["AWS_SECRET_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (id, secret) {
        case (nil, nil):
            return nil
        case (let id?, let secret?):
            return AWSCredentials(
                accessKeyID: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"], source: name)
        default:
            throw AWSError(.credentialsUnavailable,
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together; only \(id == nil ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") is")
        }
    }
}
