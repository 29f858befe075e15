@testable import AWS
import Foundation
import MillraceTesting
import Testing

/// Each HTTP provider against an `HTTPStub` playing its service on loopback: STS for web
/// identity, the ECS agent, EC2's IMDSv2.
///
/// Stubs, not real servers: no local server provides the ECS container-credentials or IMDSv2
/// endpoints. STS is a stub so the test can check the exact request form the provider sends (an
/// unsigned POST with Action, Version, RoleArn, RoleSessionName and the token re-read per load).
@Suite("Credentials: web identity (STS), ECS container and IMDSv2 against loopback stubs")
struct MetadataProviderTests {
    static let stsResponse = """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <SubjectFromWebIdentityToken>system:serviceaccount:etl:millrace</SubjectFromWebIdentityToken>
            <Credentials>
              <SessionToken>sts-session-token</SessionToken>
              <SecretAccessKey>sts-secret</SecretAccessKey>
              <Expiration>2026-11-25T04:00:00Z</Expiration>
              <AccessKeyId>ASIASTS</AccessKeyId>
            </Credentials>
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>
        """

    @Test("web identity: the token file goes to STS AssumeRoleWithWebIdentity, re-read on every load")
    func webIdentity() throws {
        let stub = try HTTPStub { _ in HTTPStubResponse(headers: [("Content-Type", "text/xml")], body: Self.stsResponse) }
        defer { stub.stop() }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let tokenFile = try CredentialTestSupport.write("eyJ.first-token.sig\n", "token", in: home)
        let environment = CredentialTestSupport.isolated([
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/millrace",
            "AWS_ROLE_SESSION_NAME": "pod-1", "AWS_ENDPOINT_URL_STS": stub.endpoint,
        ], home: home)
        let provider = try #require(WebIdentityCredentialsProvider(environment: environment))
        let credentials = try #require(try provider.load())
        #expect(credentials.accessKeyID == "ASIASTS")
        #expect(credentials.secretAccessKey == "sts-secret")
        #expect(credentials.sessionToken == "sts-session-token")
        #expect(credentials.expiration == UTCTime.parseISO8601("2026-11-25T04:00:00Z"))
        #expect(credentials.source == "web-identity")

        try "eyJ.rotated-token.sig".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        _ = try provider.load()
        let requests = stub.requests
        #expect(requests.count == 2)
        let form = CredentialTestSupport.form(requests[0].body)
        #expect(requests[0].method == "POST")
        #expect(form["Action"] == "AssumeRoleWithWebIdentity")
        #expect(form["Version"] == "2011-06-15")
        #expect(form["RoleArn"] == "arn:aws:iam::123456789012:role/millrace")
        #expect(form["RoleSessionName"] == "pod-1")
        #expect(form["WebIdentityToken"] == "eyJ.first-token.sig")
        #expect(requests[0].header("Authorization") == nil)  // unsigned: the token is the proof
        #expect(CredentialTestSupport.form(requests[1].body)["WebIdentityToken"] == "eyJ.rotated-token.sig")

        // The standard chain reaches web identity when nothing earlier is configured.
        #expect(try CredentialsChain.standard(environment: environment).load()?.source == "web-identity")
    }

    @Test("a profile with role_arn and web_identity_token_file assumes its role through STS")
    func profileWebIdentity() throws {
        let stub = try HTTPStub { _ in HTTPStubResponse(headers: [("Content-Type", "text/xml")], body: Self.stsResponse) }
        defer { stub.stop() }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let tokenFile = try CredentialTestSupport.write("eyJ.profile-token.sig\n", "token", in: home)
        let config = try CredentialTestSupport.write("""
            [default]
            region = eu-west-1

            [profile irsa]
            role_arn = arn:aws:iam::123456789012:role/from-profile
            web_identity_token_file = \(tokenFile)
            role_session_name = profile-session
            """, "config", in: home)
        let environment = CredentialTestSupport.isolated(
            ["AWS_CONFIG_FILE": config, "AWS_PROFILE": "irsa", "AWS_ENDPOINT_URL_STS": stub.endpoint], home: home)
        let credentials = try #require(try ProfileCredentialsProvider(environment: environment).load())
        #expect(credentials.accessKeyID == "ASIASTS")
        #expect(credentials.sessionToken == "sts-session-token")
        #expect(credentials.source == "web-identity")
        // The standard chain takes the profile's role (no AWS_ROLE_ARN is set).
        #expect(try CredentialsChain.standard(environment: environment).load()?.accessKeyID == "ASIASTS")
        let requests = stub.requests
        #expect(requests.count == 2)
        for request in requests {
            let form = CredentialTestSupport.form(request.body)
            #expect(form["Action"] == "AssumeRoleWithWebIdentity")
            #expect(form["RoleArn"] == "arn:aws:iam::123456789012:role/from-profile")
            #expect(form["RoleSessionName"] == "profile-session")
            #expect(form["WebIdentityToken"] == "eyJ.profile-token.sig")
        }
    }

    @Test("web identity: an STS rejection is a clear credentials error")
    func webIdentityRejected() throws {
        let stub = try HTTPStub { _ in
            HTTPStubResponse(status: 400, body: """
                <ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>
                <Message>Couldn't retrieve verification key from your identity provider</Message></Error>
                <RequestId>r-2</RequestId></ErrorResponse>
                """)
        }
        defer { stub.stop() }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let provider = WebIdentityCredentialsProvider(
            tokenFile: try CredentialTestSupport.write("t", "token", in: home), roleARN: "arn:aws:iam::1:role/r",
            stsEndpoint: try #require(Endpoint(stub.endpoint)))
        let error = #expect(throws: AWSError.self) { try provider.load() }
        #expect(error?.code == .credentialsUnavailable)
        #expect(error?.serviceCode == "InvalidIdentityToken")
        #expect(error?.requestID == "r-2")
        #expect(stub.requests.count == 1)  // a 400 is not retried
    }

    @Test("ECS: the full URI with the authorization token from its file")
    func containerFullURI() throws {
        let stub = try HTTPStub { request in
            guard request.header("Authorization") == "ecs-auth-token", request.target == "/v2/credentials/abc" else {
                return HTTPStubResponse(status: 401)
            }
            return HTTPStubResponse(body: CredentialTestSupport.credentialDocument(
                id: "ASIAECS", secret: "ecs-secret", token: "ecs-token", expiration: "2026-11-25T05:00:00Z"))
        }
        defer { stub.stop() }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let environment = CredentialTestSupport.isolated([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(stub.endpoint)/v2/credentials/abc",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": try CredentialTestSupport.write("ecs-auth-token\n", "auth", in: home),
        ], home: home)
        let credentials = try #require(try ContainerCredentialsProvider(environment: environment).load())
        #expect(credentials == AWSCredentials(
            accessKeyID: "ASIAECS", secretAccessKey: "ecs-secret", sessionToken: "ecs-token",
            expiration: UTCTime.parseISO8601("2026-11-25T05:00:00Z"), source: "ecs"))
        #expect(try CredentialsChain.standard(environment: environment).load()?.source == "ecs")
    }

    @Test("ECS: the relative URI goes to the agent address; a full URI elsewhere over HTTP is refused")
    func containerRelativeURIAndHostCheck() throws {
        let stub = try HTTPStub { request in
            request.target == "/v2/credentials/rel" && request.header("Authorization") == "inline-token"
                ? HTTPStubResponse(body: CredentialTestSupport.credentialDocument(id: "ASIAREL", secret: "s", token: "t", expiration: "2026-11-25T05:00:00Z"))
                : HTTPStubResponse(status: 404)
        }
        defer { stub.stop() }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let relative = CredentialTestSupport.isolated([
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/rel", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "inline-token",
        ], home: home)
        // The agent address 169.254.170.2 is replaced by the stub (a seam no local server can provide).
        let provider = ContainerCredentialsProvider(environment: relative, relativeBase: stub.endpoint, client: .default)
        #expect(try provider.load()?.accessKeyID == "ASIAREL")

        let remote = CredentialTestSupport.isolated(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://198.51.100.7/creds"], home: home)
        let error = #expect(throws: AWSError.self) { try ContainerCredentialsProvider(environment: remote).load() }
        #expect(error?.code == .invalidConfiguration)
        #expect(try ContainerCredentialsProvider(environment: CredentialTestSupport.isolated([:], home: home)).load() == nil)
    }

    @Test("IMDSv2: token PUT, role listing and credentials, each request carrying the session token")
    func instanceMetadata() throws {
        let stub = try HTTPStub { request in
            switch (request.method, request.target) {
            case ("PUT", "/latest/api/token"):
                return request.header("X-aws-ec2-metadata-token-ttl-seconds") == "21600"
                    ? HTTPStubResponse(body: "imds-session") : HTTPStubResponse(status: 400)
            case (_, _) where request.header("X-aws-ec2-metadata-token") != "imds-session":
                return HTTPStubResponse(status: 401)  // IMDSv1-style requests are refused
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                return HTTPStubResponse(body: "millrace-role\n")
            case ("GET", "/latest/meta-data/iam/security-credentials/millrace-role"):
                return HTTPStubResponse(body: CredentialTestSupport.credentialDocument(
                    id: "ASIAIMDS", secret: "imds-secret", token: "imds-token", expiration: "2026-11-25T06:00:00Z"))
            default:
                return HTTPStubResponse(status: 404)
            }
        }
        defer { stub.stop() }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let environment = CredentialTestSupport.isolated(
            ["AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": stub.endpoint], home: home)
        let credentials = try #require(try InstanceMetadataCredentialsProvider(environment: environment).load())
        #expect(credentials.accessKeyID == "ASIAIMDS")
        #expect(credentials.sessionToken == "imds-token")
        #expect(credentials.source == "imds")
        #expect(stub.requests.map(\.method) == ["PUT", "GET", "GET"])
        #expect(try CredentialsChain.standard(environment: environment).load()?.source == "imds")
    }

    @Test("IMDS disabled, or unreachable, means 'not configured', quickly")
    func instanceMetadataAbsent() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        #expect(try InstanceMetadataCredentialsProvider(environment: CredentialTestSupport.isolated([:], home: home)).load() == nil)
        // A port nobody listens on: the connection is refused at once.
        let closed = try HTTPStub { _ in HTTPStubResponse() }
        let endpoint = closed.endpoint
        closed.stop()
        let environment = CredentialTestSupport.isolated(
            ["AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint], home: home)
        #expect(try InstanceMetadataCredentialsProvider(environment: environment).load() == nil)
    }
}
