@testable import AWS
import Foundation
import MillraceTesting
import Testing

@Suite("Credentials: environment variables and shared files")
struct StaticProviderTests {
    @Test("environment variables: keys and token; a lone key is an error; none is 'not configured'")
    func environment() throws {
        let full = try EnvironmentCredentialsProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret-env", "AWS_SESSION_TOKEN": "token-env",
        ]).load()
        #expect(full == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "secret-env", sessionToken: "token-env", source: "environment"))
        #expect(try EnvironmentCredentialsProvider(environment: [:]).load() == nil)
        let error = #expect(throws: AWSError.self) {
            try EnvironmentCredentialsProvider(environment: ["AWS_ACCESS_KEY_ID": "AKIDENV"]).load()
        }
        #expect(error?.code == .credentialsUnavailable)
        #expect(error?.message.contains("AWS_SECRET_ACCESS_KEY") == true)
    }

    @Test("profiles: AWS_PROFILE picks the section; the credentials file wins over config")
    func profiles() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let credentials = try CredentialTestSupport.write("""
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key = secret-default

            # a comment
            [ci]
            aws_access_key_id=AKIDCI
            aws_secret_access_key = secret-ci ; inline comment
            aws_session_token = token-ci
            """, "credentials", in: home)
        let config = try CredentialTestSupport.write("""
            [default]
            region = eu-west-1

            [profile ci]
            region = us-west-2
            aws_access_key_id = AKIDIGNORED
            s3 =
              addressing_style = path
            """, "config", in: home)
        let files = ["AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_CONFIG_FILE": config]
        let standard = CredentialTestSupport.isolated(files, home: home)
        #expect(try ProfileCredentialsProvider(environment: standard).load()?.accessKeyID == "AKIDDEFAULT")
        #expect(standard.region == "eu-west-1")

        let ci = CredentialTestSupport.isolated(files.merging(["AWS_PROFILE": "ci"]) { $1 }, home: home)
        let loaded = try #require(try ProfileCredentialsProvider(environment: ci).load())
        #expect(loaded.accessKeyID == "AKIDCI")
        #expect(loaded.secretAccessKey == "secret-ci")
        #expect(loaded.sessionToken == "token-ci")
        #expect(loaded.source == "profile")
        let s3 = try S3Configuration(environment: ci)
        #expect(s3.region == "us-west-2")
        #expect(s3.addressing == .pathStyle)

        // Environment variables outrank the profile for the region and endpoint.
        let overridden = CredentialTestSupport.isolated(
            files.merging(["AWS_PROFILE": "ci", "AWS_REGION": "ap-south-1", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000"]) { $1 },
            home: home)
        let configured = try S3Configuration(environment: overridden)
        #expect(configured.region == "ap-south-1")
        #expect(configured.endpoint == Endpoint("http://127.0.0.1:9000"))
    }

    @Test("an explicitly chosen profile that does not exist, or needs an unsupported mechanism, is an error")
    func profileErrors() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let config = try CredentialTestSupport.write("""
            [profile chained]
            role_arn = arn:aws:iam::123456789012:role/x
            source_profile = default
            """, "config", in: home)
        let missing = CredentialTestSupport.isolated(["AWS_CONFIG_FILE": config, "AWS_PROFILE": "nope"], home: home)
        let error = #expect(throws: AWSError.self) { try ProfileCredentialsProvider(environment: missing).load() }
        #expect(error?.code == .credentialsUnavailable)
        #expect(error?.message.contains("\"nope\"") == true)
        let chained = CredentialTestSupport.isolated(["AWS_CONFIG_FILE": config, "AWS_PROFILE": "chained"], home: home)
        let unsupported = #expect(throws: AWSError.self) { try ProfileCredentialsProvider(environment: chained).load() }
        #expect(unsupported?.message.contains("source_profile") == true)
        // No files and no explicit profile: simply not configured.
        #expect(try ProfileCredentialsProvider(environment: CredentialTestSupport.isolated([:], home: home)).load() == nil)
    }

    @Test("the standard chain prefers environment variables over the profile, and says what to set when empty")
    func chainOrder() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let credentials = try CredentialTestSupport.write(
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n", "credentials", in: home)
        let both = CredentialTestSupport.isolated(
            ["AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"], home: home)
        #expect(try CredentialsChain.standard(environment: both).load()?.accessKeyID == "AKIDENV")
        let fileOnly = CredentialTestSupport.isolated(["AWS_SHARED_CREDENTIALS_FILE": credentials], home: home)
        #expect(try CredentialsChain.standard(environment: fileOnly).load()?.accessKeyID == "AKIDFILE")
        let empty = CredentialTestSupport.isolated([:], home: home)
        let error = #expect(throws: AWSError.self) {
            try CachingCredentialsProvider(CredentialsChain.standard(environment: empty)).load()
        }
        #expect(error?.code == .credentialsUnavailable)
        #expect(error?.message.contains("AWS_ACCESS_KEY_ID") == true)
    }
}
