@testable import AWS
import Foundation
import Logging
import MillraceTesting
import Synchronization
import Testing

/// A swift-log handler that keeps every line (message, metadata, source) for inspection.
struct CapturingLogHandler: LogHandler {
    let lines: CapturedLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.append("\(event.level) \(event.message) \(merged) \(event.source) \(event.error.map { "\($0)" } ?? "")")
    }
}

final class CapturedLines: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var all: [String] { storage.withLock { $0 } }
}

/// Real S3 (moto) and a `FaultProxy` carry the S3 traffic. The ECS container-credentials
/// endpoint and STS are `HTTPStub`s: no local server provides the first, and moto's STS refuses
/// the unsigned AssumeRoleWithWebIdentity call that real STS accepts.
@Suite("Secrets never reach logs, errors or descriptions")
struct SecretsInOutputTests {
    @Test("a session with successes, auth failures, injected faults, refreshes and aborts leaks no secret")
    func grepEverything() async throws {
        let servers = try TestServers.require()
        let captured = CapturedLines()
        var logger = Logger(label: "millrace.aws.secrets") { _ in CapturingLogHandler(lines: captured) }
        logger.logLevel = .trace
        var texts: [String] = []
        let temporary = try await S3TestSupport.assumedRoleCredentials(servers)
        let secrets = [servers.secretAccessKey, temporary.secretAccessKey, try #require(temporary.sessionToken),
            "wrong-secret-\(servers.secretAccessKey)", "eyJ.web-identity-token.sig", "ecs-authorization-token"]

        texts += try await Task.detached { () throws -> [String] in
            var texts: [String] = []
            // Successes and a multipart abort with temporary credentials, logging at trace level.
            let client = try S3TestSupport.client(servers, credentials: temporary, logger: logger)
            let bucket = try S3TestSupport.bucket(client, "secrets")
            _ = try client.putObject(bucket: bucket, key: "k", bytes: [1])
            let writer = client.makeWriter(bucket: bucket, key: "aborted")
            try writer.write(S3TestSupport.bytes(6 * 1024 * 1024, seed: 1))
            try writer.abort()

            // The same token with a wrong secret: SignatureDoesNotMatch, whose body echoes the
            // canonical request (token included).
            var wrong = temporary
            wrong.secretAccessKey = secrets[3]
            let failing = try S3TestSupport.client(servers, credentials: wrong, logger: logger)
            do {
                _ = try failing.putObject(bucket: bucket, key: "k2", bytes: [2])
                Issue.record("a wrong secret was accepted")
            } catch let error as AWSError {
                #expect(error.serviceCode == "SignatureDoesNotMatch")
                texts += ["\(error)", String(reflecting: error), error.message]
            }

            // Faults through the proxy: retries, throttles, timeouts are all logged.
            let proxy = try FaultProxy(FaultProxy.Configuration(upstream: servers.s3Endpoint, faultRate: 0.5, seed: 7, stall: .seconds(2)))
            defer { proxy.stop() }
            let flaky = try S3TestSupport.client(servers, endpoint: proxy.endpoint, attempts: 10, credentials: temporary, logger: logger)
            for index in 0..<10 { _ = try flaky.putObject(bucket: bucket, key: "f\(index)", bytes: [UInt8(index)]) }
            return texts
        }.value

        // Credential providers with secrets in their responses, cached with events logged.
        let stub = try HTTPStub { request in
            request.header("Authorization") == secrets[5]
                ? HTTPStubResponse(body: CredentialTestSupport.credentialDocument(
                    id: "ASIAECS", secret: secrets[1], token: secrets[2], expiration: "2026-11-25T05:00:00Z"))
                : HTTPStubResponse(status: 401, body: "{\"message\":\"bad token\"}")
        }
        defer { stub.stop() }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let good = CredentialTestSupport.isolated([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": stub.endpoint + "/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": secrets[5],
        ], home: home)
        let cache = CachingCredentialsProvider(CredentialsChain.standard(environment: good), events: AWSEvents(logger: logger))
        let credentials = try #require(try cache.load())
        texts += ["\(credentials)", String(reflecting: credentials)]
        var dumped = ""
        dump(credentials, to: &dumped)
        texts.append(dumped)
        #expect(credentials.sessionToken == secrets[2])
        let refused = CredentialTestSupport.isolated([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": stub.endpoint + "/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "not-the-token",
        ], home: home)
        do {
            _ = try CachingCredentialsProvider(CredentialsChain.standard(environment: refused), events: AWSEvents(logger: logger)).load()
            Issue.record("a wrong container authorization token was accepted")
        } catch {
            texts.append("\(error)")
        }
        // Web identity: the token file goes to STS, whose answer carries the secrets; a token
        // STS rejects fails the load.
        let sts = try HTTPStub { request in
            CredentialTestSupport.form(request.body)["WebIdentityToken"] == secrets[4]
                ? HTTPStubResponse(body: """
                    <AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>
                    <AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>\(secrets[1])</SecretAccessKey>
                    <SessionToken>\(secrets[2])</SessionToken><Expiration>2026-11-25T05:00:00Z</Expiration>
                    </Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>
                    """)
                : HTTPStubResponse(status: 400, body: "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>rejected</Message></Error></ErrorResponse>")
        }
        defer { sts.stop() }
        let tokenFile = try CredentialTestSupport.write(secrets[4] + "\n", "web-identity-token", in: home)
        let webIdentity = CredentialTestSupport.isolated([
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/millrace",
            "AWS_ENDPOINT_URL_STS": sts.endpoint,
        ], home: home)
        let assumed = try #require(
            try CachingCredentialsProvider(CredentialsChain.standard(environment: webIdentity), events: AWSEvents(logger: logger)).load())
        #expect(assumed.source == "web-identity")
        #expect(assumed.secretAccessKey == secrets[1])
        texts += ["\(assumed)", String(reflecting: assumed)]
        let staleFile = try CredentialTestSupport.write("eyJ.stale-" + secrets[4], "stale-token", in: home)
        let stale = CredentialTestSupport.isolated([
            "AWS_WEB_IDENTITY_TOKEN_FILE": staleFile, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/millrace",
            "AWS_ENDPOINT_URL_STS": sts.endpoint,
        ], home: home)
        do {
            _ = try CachingCredentialsProvider(CredentialsChain.standard(environment: stale), events: AWSEvents(logger: logger)).load()
            Issue.record("a web identity token STS rejects was accepted")
        } catch {
            texts += ["\(error)", String(reflecting: error)]
        }
        // The tokens really went to STS, so the grep below could find them if they leaked.
        #expect(sts.requests.map { CredentialTestSupport.form($0.body)["WebIdentityToken"] } == [secrets[4], "eyJ.stale-" + secrets[4]])

        let token = try MSKAuthToken(region: "us-east-1", credentials: credentials, date: Date())
        texts += ["\(token)", String(reflecting: token)]
        var request = SignableRequest(method: "GET", path: "/", headers: ["Host": "example.com"])
        texts.append("\(try SigV4Signer(service: "s3", region: "us-east-1").sign(&request, payloadHash: SigV4Signer.emptyPayloadHash, credentials: credentials, date: Date()))")

        let lines = captured.all
        #expect(lines.count > 20)  // the run really logged retries, completions, refreshes, aborts
        #expect(lines.contains { $0.contains("request retried") })
        #expect(lines.contains { $0.contains("multipart upload aborted") })
        #expect(lines.contains { $0.contains("credentials refreshed") })
        #expect(lines.contains { $0.contains("web-identity") })
        for text in texts + lines {
            for secret in secrets {
                #expect(!text.contains(secret), "a secret leaked into: \(text.prefix(200))")
            }
        }
    }
}
