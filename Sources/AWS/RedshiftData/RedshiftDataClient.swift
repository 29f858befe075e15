import Foundation
public import Retry

/// Which Redshift warehouse the Data API runs statements on, and as whom (Amazon Redshift Data
/// API Reference, `ExecuteStatement`, "Request Parameters"): a provisioned cluster with a database
/// user (temporary credentials) or a Secrets Manager secret, or a Serverless workgroup.
public struct RedshiftDataTarget: Sendable, Hashable {
    /// The database name.
    public var database: String
    /// The provisioned cluster's identifier; empty for Serverless.
    public var clusterIdentifier: String
    /// The Serverless workgroup's name; empty for a provisioned cluster.
    public var workgroupName: String
    /// The database user for temporary credentials (`redshift:GetClusterCredentials`); empty
    /// otherwise.
    public var dbUser: String
    /// The ARN of a Secrets Manager secret holding the user name and password; empty otherwise.
    public var secretARN: String

    /// A target; exactly one of `clusterIdentifier` and `workgroupName` must be set.
    public init(database: String, clusterIdentifier: String = "", workgroupName: String = "", dbUser: String = "", secretARN: String = "") {
        self.database = database
        self.clusterIdentifier = clusterIdentifier
        self.workgroupName = workgroupName
        self.dbUser = dbUser
        self.secretARN = secretARN
    }

    /// Checks that the combination is one the Data API accepts.
    public func validate() throws(AWSError) {
        guard !database.isEmpty else { throw AWSError(.invalidConfiguration, "the Redshift Data API needs a database name") }
        guard clusterIdentifier.isEmpty != workgroupName.isEmpty else {
            throw AWSError(.invalidConfiguration, "the Redshift Data API needs exactly one of a cluster identifier and a Serverless workgroup")
        }
        if !clusterIdentifier.isEmpty && dbUser.isEmpty && secretARN.isEmpty {
            throw AWSError(.invalidConfiguration, "a provisioned cluster needs a database user or a Secrets Manager secret ARN")
        }
    }
}

/// What `DescribeStatement` says of a statement (or of a batch and its sub-statements).
public struct RedshiftStatementStatus: Sendable, Hashable {
    /// `SUBMITTED`, `PICKED`, `STARTED`, `FINISHED`, `ABORTED`, `FAILED` or `ALL`.
    public var status: String
    /// The error Redshift reported, for `FAILED`.
    public var error: String?
    /// Each sub-statement of a batch: its status, error, SQL text and Redshift query id.
    public var subStatements: [SubStatement]

    /// One statement of a batch.
    public struct SubStatement: Sendable, Hashable {
        /// Its status.
        public var status: String
        /// Its error, if it failed.
        public var error: String?
        /// Its SQL text.
        public var queryString: String
        /// The query id Redshift's system tables (`sys_load_error_detail`) know it by.
        public var redshiftQueryID: Int64?
    }

    /// True once the statement can change no more.
    public var isFinal: Bool { ["FINISHED", "FAILED", "ABORTED"].contains(status) }
}

/// Settings of a `RedshiftDataClient`.
public struct RedshiftDataConfiguration: Sendable {
    /// The region. Default: `us-east-1`.
    public var region: String
    /// A custom endpoint (moto, a VPC endpoint); nil means `https://redshift-data.{region}.amazonaws.com`.
    /// Default: nil.
    public var endpoint: Endpoint?
    /// HTTP timeouts and TLS.
    public var http: HTTPClientConfiguration
    /// Retries of each request (every request is idempotent: reads, or carries a `ClientToken`).
    public var retry: RetryPolicy

    /// A configuration with every setting given.
    public init(region: String = "us-east-1", endpoint: Endpoint? = nil, http: HTTPClientConfiguration = HTTPClientConfiguration(),
                retry: RetryPolicy = RetryPolicy(maxAttempts: 6)) {
        self.region = region
        self.endpoint = endpoint
        self.http = http
        self.retry = retry
    }

    /// The defaults, overridden by the standard AWS settings: region (`AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, the profile's `region`), endpoint (`AWS_ENDPOINT_URL_REDSHIFT_DATA`,
    /// `AWS_ENDPOINT_URL`, the profile's `endpoint_url`) and `AWS_CA_BUNDLE`.
    public init(environment: AWSEnvironment) throws(AWSError) {
        self.init()
        if let region = environment.region { self.region = region }
        if let url = environment.endpointURL(service: "redshift_data") {
            guard let endpoint = Endpoint(url) else {
                throw AWSError(.invalidConfiguration, "the Redshift Data API endpoint \(url) is not an http(s) URL")
            }
            self.endpoint = endpoint
        }
        if let bundle = environment["AWS_CA_BUNDLE"] { http.caBundlePath = bundle }
    }

    var resolvedEndpoint: Endpoint {
        endpoint ?? Endpoint(scheme: "https", host: "redshift-data.\(region).amazonaws.com")
    }
}

/// The Amazon Redshift Data API over libcurl, signed with SigV4 (service `redshift-data`, the
/// `awsJson1_1` protocol: `POST /` with `X-Amz-Target: RedshiftData.<Operation>`), retrying
/// transient failures with full-jitter backoff. Blocking calls run on the calling thread; the
/// `async` forms run them on the client's worker threads.
///
/// `BatchExecuteStatement` runs its statements as one transaction (at most 40 of them); every
/// submission carries a `ClientToken`, so a retried submission never runs twice.
public final class RedshiftDataClient: Sendable {
    /// The settings.
    public let configuration: RedshiftDataConfiguration
    /// Where statements run.
    public let target: RedshiftDataTarget
    let credentials: any CredentialsProvider
    let events: AWSEvents
    let http: HTTPClient
    let pool: WorkerPool
    let signer: SigV4Signer

    /// The most statements one `BatchExecuteStatement` takes (API reference, `Sqls`).
    public static let maxBatchStatements = 40

    /// A client for `target`.
    public init(configuration: RedshiftDataConfiguration, target: RedshiftDataTarget, credentials: any CredentialsProvider,
                events: AWSEvents = AWSEvents()) throws(AWSError) {
        try target.validate()
        guard !configuration.region.isEmpty else { throw AWSError(.invalidConfiguration, "the Redshift Data API region is empty") }
        self.configuration = configuration
        self.target = target
        self.credentials = credentials
        self.events = events
        http = HTTPClient(configuration: configuration.http)
        pool = WorkerPool(threads: 2, name: "millrace-redshift-data")
        signer = SigV4Signer(service: "redshift-data", region: configuration.region, options: .standard)
    }

    deinit {
        pool.shutdown()
    }

    // MARK: Requests

    /// The JSON body of a statement submission: the target's fields, then `fields`.
    public func submissionBody(_ fields: [String: any Sendable]) -> [String: any Sendable] {
        var body: [String: any Sendable] = ["Database": target.database, "ClientToken": UUID().uuidString.lowercased()]
        if !target.clusterIdentifier.isEmpty { body["ClusterIdentifier"] = target.clusterIdentifier }
        if !target.workgroupName.isEmpty { body["WorkgroupName"] = target.workgroupName }
        if !target.dbUser.isEmpty { body["DbUser"] = target.dbUser }
        if !target.secretARN.isEmpty { body["SecretArn"] = target.secretARN }
        return body.merging(fields) { _, new in new }
    }

    /// Submits one statement; returns its id.
    public func executeStatement(_ sql: String, name: String? = nil) throws(AWSError) -> String {
        var fields: [String: any Sendable] = ["Sql": sql]
        if let name { fields["StatementName"] = name }
        return try statementID(send("ExecuteStatement", submissionBody(fields)))
    }

    /// Submits up to 40 statements run in order as one transaction; returns the batch's id.
    public func batchExecuteStatement(_ sqls: [String], name: String? = nil) throws(AWSError) -> String {
        guard (1...Self.maxBatchStatements).contains(sqls.count) else {
            throw AWSError(.invalidArgument, "BatchExecuteStatement takes 1 to \(Self.maxBatchStatements) statements, not \(sqls.count)")
        }
        var fields: [String: any Sendable] = ["Sqls": sqls]
        if let name { fields["StatementName"] = name }
        return try statementID(send("BatchExecuteStatement", submissionBody(fields)))
    }

    /// The status of a statement or batch.
    public func describeStatement(_ id: String) throws(AWSError) -> RedshiftStatementStatus {
        let object = try send("DescribeStatement", ["Id": id])
        let subs = (object["SubStatements"] as? [[String: Any]] ?? []).map { sub in
            RedshiftStatementStatus.SubStatement(
                status: sub["Status"] as? String ?? "", error: sub["Error"] as? String, queryString: sub["QueryString"] as? String ?? "",
                redshiftQueryID: (sub["RedshiftQueryId"] as? NSNumber)?.int64Value)
        }
        guard let status = object["Status"] as? String else {
            throw AWSError(.malformedResponse, "DescribeStatement \(id) answered without a Status")
        }
        return RedshiftStatementStatus(status: status, error: object["Error"] as? String, subStatements: subs)
    }

    /// Every row of a finished statement's result, each value as text (nil for NULL), reading
    /// every page.
    public func statementResult(_ id: String) throws(AWSError) -> [[String?]] {
        var rows: [[String?]] = []
        var token: String?
        repeat {
            var body: [String: any Sendable] = ["Id": id]
            if let token { body["NextToken"] = token }
            let object = try send("GetStatementResult", body)
            for record in object["Records"] as? [[[String: Any]]] ?? [] {
                rows.append(record.map(Self.text))
            }
            token = object["NextToken"] as? String
        } while token != nil
        return rows
    }

    /// Cancels a running statement.
    public func cancelStatement(_ id: String) throws(AWSError) {
        _ = try send("CancelStatement", ["Id": id])
    }

    /// A result field (`{"stringValue": …}`, `{"longValue": …}`, `{"isNull": true}`, …) as text.
    static func text(_ field: [String: Any]) -> String? {
        if field["isNull"] as? Bool == true { return nil }
        if let value = field["stringValue"] as? String { return value }
        if let value = field["booleanValue"] as? Bool { return value ? "true" : "false" }
        if let value = field["longValue"] as? NSNumber { return value.stringValue }
        if let value = field["doubleValue"] as? NSNumber { return value.stringValue }
        if let value = field["blobValue"] as? String { return value }
        return nil
    }

    private func statementID(_ object: [String: Any]) throws(AWSError) -> String {
        guard let id = object["Id"] as? String, !id.isEmpty else {
            throw AWSError(.malformedResponse, "the Redshift Data API answered a submission without an Id")
        }
        return id
    }

    /// Sends `operation` with `body`, signed afresh on each attempt, retrying transient failures
    /// (every request is idempotent), and returns the decoded JSON object of a 2xx answer.
    func send(_ operation: String, _ body: [String: any Sendable]) throws(AWSError) -> [String: Any] {
        let payload: [UInt8]
        do {
            payload = [UInt8](try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        } catch {
            throw AWSError(.invalidArgument, "cannot encode the \(operation) request", underlying: error)
        }
        let endpoint = configuration.resolvedEndpoint
        let logic = AWSRetryLogic<HTTPResponse>(isIdempotent: true)
        let response = try configuration.retry.run(logic, onRetry: { retry in
            guard case .error(let error) = retry.cause else { return }
            if error.code == .credentialsExpired { credentials.invalidate() }
            events.emit(.requestRetried(.init(service: "redshift-data", operation: operation, attempt: retry.attempt, delay: retry.delay, errorCode: error.code,
                status: error.httpStatus)))
        }) { (_: Int) throws(AWSError) -> HTTPResponse in
            let credentials = try credentials.require()
            var signable = SignableRequest(method: "POST", path: endpoint.basePath.isEmpty ? "/" : endpoint.basePath)
            signable.headers.set("Host", endpoint.hostHeader)
            signable.headers.set("Content-Type", "application/x-amz-json-1.1")
            signable.headers.set("X-Amz-Target", "RedshiftData.\(operation)")
            let hash = try payload.withUnsafeBytes { buffer in Result { () throws(AWSError) in try SigV4Signer.payloadHash(buffer) } }.get()
            try signer.sign(&signable, payloadHash: hash, credentials: credentials, date: Date())
            let request = HTTPRequest(method: "POST", origin: endpoint.origin, pathAndQuery: signable.pathAndQuery, headers: signable.headers)
            let response = try payload.withUnsafeBytes { buffer in
                Result { () throws(AWSError) in try http.perform(request, body: .memory(buffer)) }
            }.get()
            guard response.isSuccess else {
                throw ServiceErrors.jsonError(response, operation: operation, accessKeyID: credentials.accessKeyID)
            }
            return response
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] else {
            throw AWSError(.malformedResponse, "\(operation) answered with a body that is not a JSON object")
        }
        return object
    }
}

extension RedshiftDataClient {
    /// `executeStatement` on a worker thread.
    public func executeStatement(_ sql: String, name: String? = nil) async throws(AWSError) -> String {
        try await pool.run { () throws(AWSError) in try self.executeStatement(sql, name: name) }
    }

    /// `batchExecuteStatement` on a worker thread.
    public func batchExecuteStatement(_ sqls: [String], name: String? = nil) async throws(AWSError) -> String {
        try await pool.run { () throws(AWSError) in try self.batchExecuteStatement(sqls, name: name) }
    }

    /// `describeStatement` on a worker thread.
    public func describeStatement(_ id: String) async throws(AWSError) -> RedshiftStatementStatus {
        try await pool.run { () throws(AWSError) in try self.describeStatement(id) }
    }

    /// `statementResult` on a worker thread.
    public func statementResult(_ id: String) async throws(AWSError) -> [[String?]] {
        try await pool.run { () throws(AWSError) in try self.statementResult(id) }
    }

    /// `cancelStatement` on a worker thread.
    public func cancelStatement(_ id: String) async throws(AWSError) {
        try await pool.run { () throws(AWSError) in try self.cancelStatement(id) }
    }
}
