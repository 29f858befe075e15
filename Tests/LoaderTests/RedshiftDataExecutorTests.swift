import AWS
import Catalog
import Foundation
import Loader
import MillraceTesting
import Retry
import Staging
import Synchronization
import Testing
import Warehouse

/// The Data API executor's polling and error classification against a scripted loopback stub:
/// the one seam no server here provides is Redshift itself running a batch (moto's statements
/// never finish on their own and it has no BatchExecuteStatement; the client's requests are
/// checked against moto with signatures enforced in AWSTests). The stub answers as the API
/// reference documents: DescribeStatement's Status, Error and SubStatements.
@Suite("Redshift Data API executor")
struct RedshiftDataExecutorTests {
    /// A stub that answers DescribeStatement from `statuses` in turn (the last repeats), records
    /// every target, and serves `rows` to GetStatementResult.
    private func stub(_ statuses: [String], rows: String = #"{"Records": []}"#) throws -> (HTTPStub, CallLog) {
        let calls = CallLog()
        let describes = Mutex(0)
        let stub = try HTTPStub { request in
            let target = request.header("X-Amz-Target")?.replacingOccurrences(of: "RedshiftData.", with: "") ?? ""
            calls.names.withLock { $0.append(target) }
            switch target {
            case "DescribeStatement":
                let index = describes.withLock { count -> Int in
                    defer { count += 1 }
                    return min(count, statuses.count - 1)
                }
                return HTTPStubResponse(body: statuses[index])
            case "GetStatementResult": return HTTPStubResponse(body: rows)
            default: return HTTPStubResponse(body: #"{"Id": "00000000-0000-4000-8000-000000000001"}"#)
            }
        }
        return (stub, calls)
    }

    private func executor(_ stub: HTTPStub) throws -> RedshiftDataExecutor {
        let client = try RedshiftDataClient(
            configuration: RedshiftDataConfiguration(region: "us-east-1", endpoint: Endpoint(stub.endpoint), retry: .never),
            target: RedshiftDataTarget(database: "dev", clusterIdentifier: "c", dbUser: "loader"),
            credentials: StaticCredentialsProvider(AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s")))
        return RedshiftDataExecutor(client: client, poll: .milliseconds(1), sleep: { _ in })
    }

    @Test("a query polls until FINISHED, then reads every row as text")
    func query() async throws {
        let (stub, calls) = try stub(
            [#"{"Status": "SUBMITTED"}"#, #"{"Status": "STARTED"}"#, #"{"Status": "FINISHED"}"#],
            rows: #"{"Records": [[{"stringValue": "me"}, {"longValue": 7}, {"isNull": true}]]}"#)
        defer { stub.stop() }
        let rows = try await executor(stub).query("SELECT holder, token, expires_at FROM millrace_lease")
        #expect(rows == [["me", "7", nil]])
        #expect(calls.names.withLock { $0 } == ["ExecuteStatement", "DescribeStatement", "DescribeStatement", "DescribeStatement", "GetStatementResult"])
    }

    @Test("a load is one batch; the check procedure's codes become lease-lost and already-loaded")
    func checkCodes() async throws {
        for (code, expected) in [("MR001 lease lost: lease n has token 3, not 2", LoaderError.Code.leaseLost),
                                 ("MR002 already loaded: 1 of the batches", .alreadyLoaded)] {
            let failed = #"{"Status": "FAILED", "Error": "ERROR: \#(code)", "SubStatements": [{"Status": "FAILED", "Error": "ERROR: \#(code)", "QueryString": "CALL s.millrace_check_load(…)"}]}"#
            let (stub, calls) = try stub([failed])
            defer { stub.stop() }
            do {
                try await executor(stub).transaction(["LOCK t;", "CALL s.millrace_check_load('n', 2, 't', ',b,');"])
                Issue.record("a failed batch succeeded")
            } catch let error as LoaderError {
                #expect(error.code == expected, "\(error)")
            }
            #expect(calls.names.withLock { $0 }.first == "BatchExecuteStatement")
        }
    }

    @Test("a failed COPY is the batch's data, with sys_load_error_detail's rows in the message; the manifests are written first")
    func copyFailure() async throws {
        let failed = #"{"Status": "FAILED", "Error": "ERROR: Spectrum Scan Error", "SubStatements": [{"Status": "FINISHED", "QueryString": "LOCK t;"}, {"Status": "FAILED", "Error": "ERROR: Spectrum Scan Error", "QueryString": "COPY \"stage_t_v1\" FROM 's3://b/m' IAM_ROLE default FORMAT AS PARQUET MANIFEST;", "RedshiftQueryId": 4242}]}"#
        let (stub, calls) = try stub([failed, #"{"Status": "FINISHED"}"#],
            rows: #"{"Records": [[{"stringValue": "s3://b/f.parquet"}, {"stringValue": "value"}, {"longValue": 15001}, {"stringValue": "Invalid digit"}]]}"#)
        defer { stub.stop() }
        let folder = try TemporaryDirectory(prefix: "millrace-rd-executor")
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let catalog = try Catalog.load(directory: PackagePaths.schemas.path)
        var record = CommitRecord(batchID: BatchID(createdAtMillis: 1, random: 1), state: .committed, worker: "w", sources: [], plannedPrefixes: [])
        record.files = [StagedFile(key: "f.parquet", table: "dim_entities", schemaVersion: 1, hour: "h", rows: 1, bytes: 10)]
        let plan = try LoadPlanner(catalog: catalog, dialect: .redshift, settings: LoadSettings(bucket: "b"))
            .plan(table: "dim_entities", records: [record], loadID: "load-1", lease: LeaseGrant(name: "n", token: 1))
        do {
            try await executor(stub).load(plan, store: store, crashHook: nil)
            Issue.record("a failed COPY succeeded")
        } catch let error as LoaderError {
            #expect(error.code == .data)
            #expect(error.message.contains("Spectrum Scan Error") && error.message.contains("Invalid digit") && error.message.contains("15001"))
        }
        #expect(try store.get(plan.manifests[0].key) == Array(plan.manifests[0].json.utf8))
        #expect(calls.names.withLock { $0 } == ["BatchExecuteStatement", "DescribeStatement", "ExecuteStatement", "DescribeStatement", "GetStatementResult"])
    }
}

/// The operations a stub was asked for, in order.
private final class CallLog: Sendable {
    let names = Mutex<[String]>([])
}
