@testable import AWS
import Foundation
import MillraceTesting
import Testing

/// IAM Identity Center profiles against an `HTTPStub` playing the access portal on loopback.
///
/// A stub, not a server: moto (5.2.1 here) has no `sso` portal backend (`import moto.sso` fails;
/// only `ssoadmin` exists), and no other local server implements GetRoleCredentials. The stub
/// answers as the API model says (botocore `data/sso/2019-06-10/service-2.json`:
/// `GET /federation/credentials`, `role_name` and `account_id` in the query, the token in
/// `x-amz-sso_bearer_token`, `roleCredentials.expiration` in epoch milliseconds) and records the
/// request so the test checks what the provider sent. The token cache's file name is computed by
/// Python's hashlib as botocore's `SSOTokenLoader` does, independently of the provider's SHA-1.
@Suite("Credentials: SSO (IAM Identity Center) profiles")
struct SSOProviderTests {
    static let portalAnswer = #"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"sso-secret","sessionToken":"sso-session-token","expiration":1795629600000}}"#

    /// `~/.aws/sso/cache/<sha1(key)>.json` holding a token that expires at `expiresAt`.
    static func cacheToken(_ key: String, expiresAt: String, in home: TemporaryDirectory) async throws {
        let name = try await Subprocess.python("import hashlib, sys; print(hashlib.sha1(sys.argv[1].encode('utf-8')).hexdigest())",
            arguments: [key]).trimmingCharacters(in: .whitespacesAndNewlines)
        let folder = home.path(".aws/sso/cache")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try #"{"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1", "accessToken": "cached-bearer-token", "expiresAt": "\#(expiresAt)"}"#
            .write(to: folder.appendingPathComponent("\(name).json"), atomically: true, encoding: .utf8)
    }

    static let sessionConfig = """
        [profile dev]
        sso_session = corp
        sso_account_id = 123456789012
        sso_role_name = ReadOnly
        region = us-west-2

        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = us-east-1
        sso_registration_scopes = sso:account:access
        """

    static let legacyConfig = """
        [profile legacy]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = us-east-1
        sso_account_id = 123456789012
        sso_role_name = ReadOnly
        """

    static let now = UTCTime.parseISO8601("2026-11-25T03:00:00Z")!

    static func provider(_ config: String, profile: String, stub: HTTPStub, home: TemporaryDirectory) throws -> ProfileCredentialsProvider {
        let file = try CredentialTestSupport.write(config, "config", in: home)
        let environment = CredentialTestSupport.isolated(
            ["AWS_CONFIG_FILE": file, "AWS_PROFILE": profile, "AWS_ENDPOINT_URL_SSO": stub.endpoint], home: home)
        return ProfileCredentialsProvider(environment: environment, now: { Self.now })
    }

    @Test("sso_session: the session's cached token buys the role's credentials from GetRoleCredentials", arguments: [
        ("dev", "corp"), ("legacy", "https://corp.awsapps.com/start"),
    ])
    func roleCredentials(_ profile: String, _ cacheKey: String) async throws {
        let stub = try HTTPStub { _ in HTTPStubResponse(headers: [("Content-Type", "application/json")], body: Self.portalAnswer) }
        defer { stub.stop() }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        try await Self.cacheToken(cacheKey, expiresAt: "2026-11-25T08:00:00Z", in: home)
        let provider = try Self.provider(profile == "dev" ? Self.sessionConfig : Self.legacyConfig, profile: profile, stub: stub, home: home)
        let credentials = try #require(try provider.load())
        #expect(credentials.accessKeyID == "ASIASSO" && credentials.secretAccessKey == "sso-secret")
        #expect(credentials.sessionToken == "sso-session-token" && credentials.source == "sso")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_795_629_600))
        let request = try #require(stub.requests.first)
        #expect(request.method == "GET")
        #expect(request.target == "/federation/credentials?role_name=ReadOnly&account_id=123456789012")
        #expect(request.header("x-amz-sso_bearer_token") == "cached-bearer-token")
        #expect(request.header("Authorization") == nil)  // unsigned: the bearer token is the proof
    }

    @Test("an expired or missing cached token, or a refused one, tells the user to run aws sso login")
    func signInAgain() async throws {
        let stub = try HTTPStub { _ in HTTPStubResponse(status: 401, body: #"{"message":"Session token not found or invalid"}"#) }
        defer { stub.stop() }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let provider = try Self.provider(Self.sessionConfig, profile: "dev", stub: stub, home: home)
        let missing = #expect(throws: AWSError.self) { try provider.load() }
        #expect(missing?.message.contains("no cached SSO token") == true && missing?.message.contains("aws sso login --sso-session corp") == true,
            "\(missing?.message ?? "")")

        // The format older AWS CLI versions wrote, an hour in the past.
        try await Self.cacheToken("corp", expiresAt: "2026-11-25T02:00:00UTC", in: home)
        let expired = #expect(throws: AWSError.self) { try provider.load() }
        #expect(expired?.code == .credentialsUnavailable)
        #expect(expired?.message.contains("expired") == true && expired?.message.contains("run `aws sso login --sso-session corp`") == true,
            "\(expired?.message ?? "")")
        #expect(stub.requests.isEmpty, "an expired token is not sent")

        try await Self.cacheToken("corp", expiresAt: "2026-11-25T08:00:00Z", in: home)
        let refused = #expect(throws: AWSError.self) { try provider.load() }
        #expect(refused?.message.contains("HTTP 401") == true && refused?.message.contains("aws sso login") == true, "\(refused?.message ?? "")")
        #expect(refused?.message.contains("cached-bearer-token") == false)
    }

    @Test("an incomplete SSO profile is an error, not a fall-through to other credentials")
    func incomplete() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let stub = try HTTPStub { _ in HTTPStubResponse(status: 500) }
        defer { stub.stop() }
        let noSection = try Self.provider("[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n", profile: "dev",
            stub: stub, home: home)
        #expect(throws: AWSError.self) { try noSection.load() }
        let noRole = try Self.provider(Self.legacyConfig.replacingOccurrences(of: "sso_role_name = ReadOnly", with: ""), profile: "legacy",
            stub: stub, home: home)
        let error = #expect(throws: AWSError.self) { try noRole.load() }
        #expect(error?.message.contains("needs sso_account_id and sso_role_name") == true)
    }
}

/// No credentials anywhere: the chain says so, naming where it looked, instead of letting an
/// unsigned request come back from S3 as a permission error.
@Suite("Credentials: none found")
struct MissingCredentialsTests {
    static let message = "no credentials found in the chain (environment, profile, web identity, container, IMDS)"

    @Test("an empty environment, no profile files, IMDS disabled: the chain's message")
    func chainMessage() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        // Web identity joins the chain only when its variables are set; name it anyway so the
        // message lists all five sources.
        let environment = CredentialTestSupport.isolated(
            ["AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/x", "AWS_WEB_IDENTITY_TOKEN_FILE": home.path("absent").path], home: home)
        let chain = CredentialsChain(CredentialsChain.standard(environment: environment).providers.filter { $0.name != "web-identity" })
        #expect(try chain.load() == nil)
        let named = CredentialsChain.standard(environment: environment).notFoundMessage
        #expect(named.hasPrefix(Self.message), "\(named)")
        let error = #expect(throws: AWSError.self) { try CachingCredentialsProvider(chain).load() }
        #expect(error?.code == .credentialsUnavailable)
        #expect(error?.message.hasPrefix("no credentials found in the chain (environment, profile, container, IMDS)") == true)
    }

    @Test("an S3 request without credentials fails with credentialsUnavailable and the chain's message, before reaching S3")
    func s3Request() async throws {
        let servers = try TestServers.require()
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let environment = CredentialTestSupport.isolated(["AWS_ROLE_ARN": "r", "AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent"], home: home)
        let standard = CredentialsChain.standard(environment: environment)
        // The same chain without web identity, whose token file is absent here: environment, profile, container, IMDS.
        let chain = CachingCredentialsProvider(CredentialsChain(standard.providers.filter { $0.name != "web-identity" }))
        let client = try S3Client(
            configuration: S3TestSupport.configuration(endpoint: servers.s3Endpoint, servers: servers), credentials: chain,
            events: AWSEvents(logger: S3TestSupport.quietLogger))
        let error = await #expect(throws: AWSError.self) {
            try await S3TestSupport.onThread { _ = try client.putObject(bucket: "millrace-no-credentials", key: "k", bytes: [1, 2, 3]) }
        }
        #expect(error?.code == .credentialsUnavailable, "\(String(describing: error))")
        #expect(error?.message.contains("no credentials found in the chain") == true)
        #expect(error?.httpStatus == nil, "S3 was never asked")
    }
}
