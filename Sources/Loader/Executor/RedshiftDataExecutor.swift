public import AWS
public import Catalog
import Foundation
public import Staging
public import Warehouse

/// Runs the loader's SQL on Redshift through the Redshift Data API: IAM-signed HTTPS, no
/// passwords, no connection to keep. A load is one `BatchExecuteStatement` (its statements run
/// as one transaction, at most 40 of them); queries are `ExecuteStatement`, polled with
/// `DescribeStatement` until final, then read with `GetStatementResult`.
///
/// The Data API reports errors as text, not SQLSTATEs: the check procedure's errors are told
/// apart by their leading codes (`MR001`, `MR002`), and a failed COPY by the failing
/// sub-statement, whose details come from `sys_load_error_detail`.
public struct RedshiftDataExecutor: WarehouseExecutor {
    /// Always Redshift.
    public var dialect: SQLDialect { .redshift }
    private let client: RedshiftDataClient
    private let poll: Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    private let io = BlockingIO(label: "millrace-loader-manifests")

    /// An executor over `client`, polling every `poll` (doubling up to 5 s) with `sleep`.
    public init(
        client: RedshiftDataClient, poll: Duration = .milliseconds(250),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.client = client
        self.poll = poll
        self.sleep = sleep
    }

    public func execute(_ statements: [String]) async throws(LoaderError) {
        for statement in statements {
            let id = try await call { () async throws(AWSError) in try await client.executeStatement(statement) }
            try await wait(id, statement: statement)
        }
    }

    public func transaction(_ statements: [String]) async throws(LoaderError) {
        try await batch(statements, name: "millrace")
    }

    public func load(_ plan: LoadPlan, store: any StagingStore, crashHook: LoaderCrashHook?) async throws(LoaderError) {
        for manifest in plan.manifests {
            do {
                try await io.run { try store.put(manifest.key, data: Array(manifest.json.utf8)) }
            } catch {
                throw LoaderError(.staging, "cannot write the COPY manifest \(manifest.key): \(error)", underlying: SendableText("\(error)"))
            }
        }
        try trigger(crashHook, at: .beforeCommit)
        try await batch(plan.steps.map(\.text), name: plan.loadID)
        try trigger(crashHook, at: .afterCommit)
    }

    public func query(_ sql: String) async throws(LoaderError) -> [[String?]] {
        let id = try await call { () async throws(AWSError) in try await client.executeStatement(sql) }
        try await wait(id, statement: sql)
        return try await call { () async throws(AWSError) in try await client.statementResult(id) }
    }

    public func close() async {}

    // MARK: Submitting and waiting

    private func batch(_ sqls: [String], name: String) async throws(LoaderError) {
        guard sqls.count <= RedshiftDataClient.maxBatchStatements else {
            throw LoaderError(.configuration, "load \(name) has \(sqls.count) statements; the Redshift Data API runs at most "
                + "\(RedshiftDataClient.maxBatchStatements) in one transaction (load fewer schema versions at once, or use warehouse.url)")
        }
        let id = try await call { () async throws(AWSError) in try await client.batchExecuteStatement(sqls, name: name) }
        try await wait(id, statement: "batch \(name)")
    }

    /// Polls `id` until it is final; throws its failure, classified.
    private func wait(_ id: String, statement: String) async throws(LoaderError) {
        var delay = poll
        while true {
            let status = try await call { () async throws(AWSError) in try await client.describeStatement(id) }
            if status.status == "FINISHED" { return }
            if status.isFinal { throw await failure(status, id: id, statement: statement) }
            do {
                try await sleep(delay)
            } catch {
                _ = try? await client.cancelStatement(id)
                throw LoaderError(.connection, "stopped waiting for statement \(id)")
            }
            delay = min(delay * 2, .seconds(5))
        }
    }

    /// The error of a failed or aborted statement: the check procedure's codes, a COPY's load
    /// errors (with `sys_load_error_detail`'s rows when they can be read), or a warehouse error.
    private func failure(_ status: RedshiftStatementStatus, id: String, statement: String) async -> LoaderError {
        let failed = status.subStatements.first { $0.status == "FAILED" }
        let text = failed?.error ?? status.error ?? "statement \(id) ended \(status.status)"
        if status.status == "ABORTED" { return LoaderError(.connection, "statement \(id) was aborted: \(text)") }
        if text.contains("MR001") { return LoaderError(.leaseLost, text) }
        if text.contains("MR002") { return LoaderError(.alreadyLoaded, text) }
        guard let failed, failed.queryString.hasPrefix("COPY ") else {
            return LoaderError(.warehouse, "\(text) in: \(failed?.queryString.prefix(160) ?? Substring(statement))")
        }
        var details = ""
        if let queryID = failed.redshiftQueryID,
            let rows = try? await query(
                "SELECT file_name, column_name, error_code, error_message FROM sys_load_error_detail WHERE query_id = \(queryID) LIMIT 5")
        {
            details = rows.map { $0.map { $0 ?? "" }.joined(separator: " | ") }.joined(separator: "; ")
        }
        return LoaderError(.data, "COPY failed: \(text)\(details.isEmpty ? "" : "; sys_load_error_detail: \(details)")")
    }

    private func call<T: Sendable>(_ body: () async throws(AWSError) -> T) async throws(LoaderError) -> T {
        do {
            return try await body()
        } catch {
            let code: LoaderError.Code = switch error.code {
            case .invalidConfiguration, .credentialsUnavailable, .authenticationFailed, .accessDenied: .configuration
            case .requestFailed, .invalidArgument: .warehouse
            default: .connection
            }
            throw LoaderError(code, "the Redshift Data API failed: \(error)", underlying: error)
        }
    }

}
