@testable import AWS
import Foundation
import MillraceTesting
import Retry
import Testing

/// The Redshift Data API client against moto's `redshift-data` with SigV4 enforced. moto 5.2
/// implements ExecuteStatement, DescribeStatement, GetStatementResult and CancelStatement (its
/// statements stay STARTED until cancelled, and every result is the same canned table); it has
/// no BatchExecuteStatement, whose request is checked as text against the API reference instead.
@Suite("Redshift Data API client")
struct RedshiftDataClientTests {
    private func client(_ servers: TestServers, credentials: AWSCredentials? = nil) throws -> RedshiftDataClient {
        let configuration = RedshiftDataConfiguration(
            region: servers.region, endpoint: Endpoint(servers.s3Endpoint),
            retry: RetryPolicy(maxAttempts: 3, backoff: FullJitterBackoff(initialDelay: .milliseconds(20), maxDelay: .milliseconds(100))))
        return try RedshiftDataClient(
            configuration: configuration,
            target: RedshiftDataTarget(database: "dev", clusterIdentifier: "eav-warehouse", dbUser: "loader"),
            credentials: StaticCredentialsProvider(credentials ?? S3TestSupport.credentials(servers)))
    }

    @Test("ExecuteStatement, DescribeStatement until cancelled, GetStatementResult rows as text, all signed")
    func statementLifecycle() async throws {
        let servers = try TestServers.require()
        let client = try client(servers)
        let id = try await client.executeStatement("SELECT 1", name: "probe")
        #expect(id.count == 36)
        let running = try await client.describeStatement(id)
        #expect(running.status == "STARTED" && !running.isFinal)
        let rows = try await client.statementResult(id)
        #expect(rows == [["10", "Alpha st", "Vancouver"], ["50", "Beta st", "Toronto"], ["100", "Gamma av", "Seattle"]])
        try await client.cancelStatement(id)
        let cancelled = try await client.describeStatement(id)
        #expect(cancelled.status == "ABORTED" && cancelled.isFinal)
    }

    @Test("a wrong secret is refused by the server's signature check and not retried")
    func wrongSecret() throws {
        let servers = try TestServers.require()
        let wrong = AWSCredentials(accessKeyID: servers.accessKeyID, secretAccessKey: servers.secretAccessKey + "x")
        let error = #expect(throws: AWSError.self) { try client(servers, credentials: wrong).executeStatement("SELECT 1") }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.isRetriable == false)
        #expect(!(error.map { "\($0)" } ?? "").contains(servers.secretAccessKey))
    }

    @Test("BatchExecuteStatement's request: the awsJson1_1 target, the statements in order, the target's fields and a client token")
    func batchRequest() throws {
        let stub = try HTTPStub { _ in HTTPStubResponse(body: #"{"Id": "5f2b1c3e-0000-4000-8000-000000000001"}"#) }
        defer { stub.stop() }
        let client = try RedshiftDataClient(
            configuration: RedshiftDataConfiguration(region: "us-west-2", endpoint: Endpoint(stub.endpoint), retry: .never),
            target: RedshiftDataTarget(database: "analytics", workgroupName: "eav", secretARN: "arn:aws:secretsmanager:us-west-2:1:secret:x"),
            credentials: StaticCredentialsProvider(AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret")))
        #expect(try client.batchExecuteStatement(["LOCK t;", "MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN DELETE;"], name: "load-1")
            == "5f2b1c3e-0000-4000-8000-000000000001")
        let request = try #require(stub.requests.first)
        #expect(request.method == "POST" && request.path == "/")
        #expect(request.header("X-Amz-Target") == "RedshiftData.BatchExecuteStatement")
        #expect(request.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(request.header("Authorization")?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") == true)
        #expect(request.header("Authorization")?.contains("/us-west-2/redshift-data/aws4_request") == true)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["Sqls"] as? [String] == ["LOCK t;", "MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN DELETE;"])
        #expect(body["Database"] as? String == "analytics" && body["WorkgroupName"] as? String == "eav")
        #expect(body["SecretArn"] as? String == "arn:aws:secretsmanager:us-west-2:1:secret:x" && body["StatementName"] as? String == "load-1")
        #expect(body["ClusterIdentifier"] == nil && body["DbUser"] == nil)
        #expect((body["ClientToken"] as? String)?.count == 36)
        #expect(throws: AWSError.self) { try client.batchExecuteStatement(Array(repeating: "SELECT 1;", count: 41)) }
    }

    @Test("a target must name exactly one of a cluster and a workgroup, and a cluster needs a user or a secret")
    func targets() {
        #expect(throws: AWSError.self) { try RedshiftDataTarget(database: "d").validate() }
        #expect(throws: AWSError.self) { try RedshiftDataTarget(database: "d", clusterIdentifier: "c", workgroupName: "w").validate() }
        #expect(throws: AWSError.self) { try RedshiftDataTarget(database: "d", clusterIdentifier: "c").validate() }
        #expect(throws: Never.self) { try RedshiftDataTarget(database: "d", workgroupName: "w").validate() }
    }
}
