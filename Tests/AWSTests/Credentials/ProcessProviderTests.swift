@testable import AWS
import Foundation
import MillraceTesting
import Testing

/// `credential_process` with real programs: shell scripts in a temporary folder print the JSON
/// the AWS CLI documents (Version 1; "Sourcing credentials with an external process",
/// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html).
@Suite("Credentials: credential_process")
struct ProcessProviderTests {
    /// Writes an executable shell script and returns its path.
    static func script(_ body: String, _ name: String, in folder: TemporaryDirectory) throws -> String {
        let path = try CredentialTestSupport.write("#!/bin/sh\n" + body, name, in: folder)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    @Test("a profile's credential_process runs with its quoted arguments; its Expiration makes the credentials temporary and refreshed")
    func temporaryCredentials() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        // The script counts its runs in a file and echoes its arguments into the session token,
        // so the test sees both the quoting and each refresh.
        let counter = home.path("runs").path
        let program = try Self.script("""
            echo run >> "\(counter)"
            runs=$(wc -l < "\(counter)" | tr -d ' ')
            cat <<JSON
            {"Version": 1, "AccessKeyId": "ASIAPROCESS$runs", "SecretAccessKey": "process-secret",
             "SessionToken": "args:$1|$2", "Expiration": "2026-11-25T04:00:00Z"}
            JSON
            """, "creds helper.sh", in: home)
        let config = try CredentialTestSupport.write("""
            [profile dev]
            credential_process = "\(program)" --user 'helen smith'
            """, "config", in: home)
        let environment = CredentialTestSupport.isolated(
            ["AWS_CONFIG_FILE": config, "AWS_PROFILE": "dev", "PATH": "/usr/bin:/bin"], home: home)
        let clock = TestClock(UTCTime.parseISO8601("2026-11-25T03:00:00Z")!)
        let cache = CachingCredentialsProvider(CredentialsChain.standard(environment: environment), now: { clock.now })
        let first = try #require(try cache.load())
        #expect(first.accessKeyID == "ASIAPROCESS1" && first.secretAccessKey == "process-secret")
        #expect(first.sessionToken == "args:--user|helen smith")
        #expect(first.expiration == UTCTime.parseISO8601("2026-11-25T04:00:00Z"))
        #expect(first.source == "process")
        // Cached while fresh; run again within the refresh margin before the Expiration.
        #expect(try cache.load()?.accessKeyID == "ASIAPROCESS1")
        clock.advance(56 * 60)
        #expect(try cache.load()?.accessKeyID == "ASIAPROCESS2")
    }

    @Test("long-term keys without an Expiration; a bare program name is found on PATH")
    func longTermOnPath() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        _ = try Self.script(#"echo '{"Version": 1, "AccessKeyId": "AKIALONG", "SecretAccessKey": "long-secret"}'"#, "my-creds", in: home)
        let config = try CredentialTestSupport.write("[default]\ncredential_process = my-creds\n", "config", in: home)
        let environment = CredentialTestSupport.isolated(["AWS_CONFIG_FILE": config, "PATH": "\(home.url.path):/usr/bin:/bin"], home: home)
        let credentials = try #require(try ProfileCredentialsProvider(environment: environment).load())
        #expect(credentials.accessKeyID == "AKIALONG" && credentials.expiration == nil && credentials.sessionToken == nil)
    }

    @Test("a failing program, another Version, a missing key or no JSON: a clear error that never quotes the output", arguments: [
        ("echo 'token expired; run login' >&2; exit 3", "exited with status 3: token expired; run login"),
        (#"echo '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "hidden-secret"}'"#, "only Version 1 is supported"),
        (#"echo '{"Version": 1, "AccessKeyId": "A"}'"#, "printed no SecretAccessKey"),
        (#"echo '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "hidden-secret", "Expiration": "soon"}'"#, "not ISO 8601"),
        ("echo hidden-secret", "did not print a JSON object"),
    ])
    func failures(_ body: String, _ message: String) throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let program = try Self.script(body, "creds", in: home)
        let provider = ProcessCredentialsProvider(command: program, environment: ["PATH": "/usr/bin:/bin"])
        let error = #expect(throws: AWSError.self) { try provider.load() }
        #expect(error?.code == .credentialsUnavailable)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("hidden-secret") == false)
    }

    @Test("a program that does not finish is stopped after the timeout")
    func hangingProgram() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let program = try Self.script("exec sleep 60", "slow", in: home)
        let provider = ProcessCredentialsProvider(command: program, environment: ["PATH": "/usr/bin:/bin"], timeout: .milliseconds(300))
        let error = #expect(throws: AWSError.self) { try provider.load() }
        #expect(error?.message.contains("was stopped") == true, "\(error?.message ?? "")")
    }

    @Test("command lines split as a shell splits them")
    func splitting() {
        #expect(ProcessCredentialsProvider.split(#"/opt/bin/awscreds-custom --username helen"#) == ["/opt/bin/awscreds-custom", "--username", "helen"])
        #expect(ProcessCredentialsProvider.split(#""/opt/my tools/creds" --name "a b" 'c d' e\ f"#) == ["/opt/my tools/creds", "--name", "a b", "c d", "e f"])
        #expect(ProcessCredentialsProvider.split(#"creds --empty """#) == ["creds", "--empty", ""])
    }
}
