import Foundation
import MillraceTesting
import Testing

/// Proves the servers `make test` starts are up and behave as the other suites assume:
/// PostgreSQL answers SQL, moto verifies every SigV4 signature, and the Python oracles import.
@Suite("Test servers")
struct TestServersSmokeTests {
    @Test("PostgreSQL answers queries")
    func postgresAnswers() async throws {
        let servers = try TestServers.require()
        let result = try await Subprocess.run([
            "psql", servers.postgresURL, "-X", "-A", "-t", "-c",
            "CREATE TEMP TABLE t(x int); INSERT INTO t VALUES (41),(1); SELECT sum(x) FROM t",
        ])
        #expect(result.output.split(separator: "\n").last == "42")
    }

    @Test("moto accepts a correct SigV4 signature and rejects a wrong one")
    func motoEnforcesSignatures() async throws {
        let servers = try TestServers.require()
        let script = """
            import sys, boto3, botocore
            endpoint, key, secret, region = sys.argv[1:5]
            def client(secret):
                return boto3.client("s3", endpoint_url=endpoint, region_name=region,
                                    aws_access_key_id=key, aws_secret_access_key=secret)
            good = client(secret)
            good.create_bucket(Bucket="smoke-test-bucket")
            good.put_object(Bucket="smoke-test-bucket", Key="k", Body=b"v")
            try:
                client(secret + "x").get_object(Bucket="smoke-test-bucket", Key="k")
                print("accepted")
            except botocore.exceptions.ClientError as error:
                print(error.response["Error"]["Code"])
            """
        let output = try await Subprocess.python(
            script,
            arguments: [servers.s3Endpoint, servers.accessKeyID, servers.secretAccessKey, servers.region]
        )
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "SignatureDoesNotMatch")
    }

    @Test("pyarrow and duckdb, the independent Parquet readers, are importable")
    func oraclesImport() async throws {
        let output = try await Subprocess.python("import pyarrow, duckdb; print(pyarrow.__version__, duckdb.__version__)")
        #expect(output.split(separator: " ").count == 2)
    }
}
