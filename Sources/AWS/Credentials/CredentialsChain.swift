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

    /// Forgets what every provider cached.
    public func invalidate() {
        for provider in providers { provider.invalidate() }
    }
}
