import Foundation

/// The real servers `scripts/test-servers.py` starts on loopback for `make test`.
///
/// Tests that need a server call `try TestServers.require()`. When the variables are missing
/// (the suite was run without the script) the test fails with a message that says how to run
/// it; it never passes by skipping.
public struct TestServers: Sendable {
    /// libpq URL of the private PostgreSQL server, e.g. `postgres://millrace@127.0.0.1:PORT/millrace`.
    public var postgresURL: String
    /// PostgreSQL host.
    public var postgresHost: String
    /// PostgreSQL port.
    public var postgresPort: Int
    /// moto_server's endpoint, e.g. `http://127.0.0.1:PORT`. SigV4 is enforced on every request.
    public var s3Endpoint: String
    /// Access key id of the IAM user created in moto.
    public var accessKeyID: String
    /// Secret key of that user.
    public var secretAccessKey: String
    /// Region the tests sign for.
    public var region: String

    /// The servers' coordinates, or an error saying how to start them.
    public static func require() throws -> TestServers {
        let env = ProcessInfo.processInfo.environment
        func value(_ name: String) throws -> String {
            guard let value = env[name], !value.isEmpty else {
                throw TestServersMissing(variable: name)
            }
            return value
        }
        return TestServers(
            postgresURL: try value("MILLRACE_TEST_PG_URL"),
            postgresHost: try value("MILLRACE_TEST_PG_HOST"),
            postgresPort: Int(try value("MILLRACE_TEST_PG_PORT")) ?? 0,
            s3Endpoint: try value("MILLRACE_TEST_S3_ENDPOINT"),
            accessKeyID: try value("MILLRACE_TEST_AWS_ACCESS_KEY_ID"),
            secretAccessKey: try value("MILLRACE_TEST_AWS_SECRET_ACCESS_KEY"),
            region: try value("MILLRACE_TEST_AWS_REGION")
        )
    }
}

/// Thrown when a test needs a server that was not started.
public struct TestServersMissing: Error, CustomStringConvertible {
    /// The environment variable that was not set.
    public var variable: String

    public var description: String {
        "test server missing: \(variable) is not set. Run the suite with `make test`, or wrap the command: "
            + "`python3 scripts/test-servers.py run -- swift test`"
    }
}
