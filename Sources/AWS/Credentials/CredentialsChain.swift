/// Asks providers in order and returns the first credentials found.
///
/// A provider that is not configured returns nil and the chain moves on; one that is configured
/// but fails stops the chain with its error (a broken configuration must not silently fall
/// through to other credentials).
public struct CredentialsChain: CredentialsProvider {
    /// `chain`.
    public var name: String { "chain" }
    /// The providers, in the order they are asked.
    public let providers: [any CredentialsProvider]

    /// A chain of `providers`.
    public init(_ providers: [any CredentialsProvider]) {
        self.providers = providers
    }

    /// The standard AWS order: environment variables, the shared files' profile, web identity
    /// (EKS), container credentials (ECS), then EC2 instance metadata (IMDSv2).
    public static func standard(environment: AWSEnvironment = AWSEnvironment()) -> CredentialsChain {
        var providers: [any CredentialsProvider] = [
            EnvironmentCredentialsProvider(environment: environment.variables),
            ProfileCredentialsProvider(environment: environment),
        ]
        if let webIdentity = WebIdentityCredentialsProvider(environment: environment) { providers.append(webIdentity) }
        providers.append(ContainerCredentialsProvider(environment: environment))
        providers.append(InstanceMetadataCredentialsProvider(environment: environment))
        return CredentialsChain(providers)
    }

    /// The first provider's credentials, or nil when none is configured.
    public func load() throws(AWSError) -> AWSCredentials? {
        for provider in providers {
            if let credentials = try provider.load() { return credentials }
        }
        return nil
    }

    /// "no credentials found in the chain (environment, profile, web identity, container, IMDS)",
    /// naming the providers asked, and how to provide credentials: what a missing identity
    /// reports, instead of the S3 permission error an unsigned request would get.
    public var notFoundMessage: String {
        let asked = providers.map { provider in
            ["web-identity": "web identity", "ecs": "container", "imds": "IMDS"][provider.name] ?? provider.name
        }
        return "no credentials found in the chain (\(asked.joined(separator: ", "))): set AWS_ACCESS_KEY_ID and "
            + "AWS_SECRET_ACCESS_KEY, select a profile with AWS_PROFILE (static keys, credential_process or SSO), "
            + "or run on EKS, ECS or EC2 with a role"
    }

    /// Forgets what every provider cached.
    public func invalidate() {
        for provider in providers { provider.invalidate() }
    }
}
