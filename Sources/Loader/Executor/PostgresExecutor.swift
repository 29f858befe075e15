public import Catalog
public import Logging
import PostgresNIO
public import Staging
public import Warehouse

/// Runs the loader's SQL over the PostgreSQL wire protocol (postgres-nio), on PostgreSQL or on
/// Redshift. One connection, opened on first use and again after it breaks.
///
/// PostgreSQL cannot COPY from Parquet, so a plan's copies stream the staged files through the
/// Parquet reader into `COPY … FROM STDIN`, a slice of rows at a time: memory stays bounded by
/// one row group whatever the files' sizes. Each copy is sent in the binary format when every
/// staging column has a binary form for its staged Parquet type (`CopyBinaryEncoder`), else in
/// the text format (`CopyTextEncoder`). On Redshift the plan's COPY statements run as they are.
public actor PostgresExecutor: WarehouseExecutor {
    /// The dialect of the server behind the URL.
    public nonisolated let dialect: SQLDialect
    private let url: PostgresURL
    private let password: String?
    private let logger: Logger
    private let io = BlockingIO(label: "millrace-loader-io")
    private var connection: PostgresConnection?
    /// True between BEGIN and the transaction's end: a connection lost meanwhile took the
    /// transaction with it, so it must fail, never go on on a new connection.
    private var transactionOpen = false
    private var nextConnectionID = 1
    private var checkedVersion = false
    private let copyFormat: CopyFormat

    /// An executor for the server at `url`, speaking `dialect`; `password` when the URL has none.
    /// `copyFormat` is the format copies prefer: `.binary` sends each copy in binary when its
    /// columns allow it (else text), `.text` always sends text.
    public init(url: PostgresURL, password: String?, dialect: SQLDialect, logger: Logger, copyFormat: CopyFormat = .binary) {
        self.copyFormat = copyFormat
        self.url = url
        self.password = url.password ?? password
        self.dialect = dialect
        var quiet = logger
        quiet[metadataKey: "component"] = "warehouse"
        self.logger = quiet
    }

    // MARK: WarehouseExecutor

    public func execute(_ statements: [String]) async throws(LoaderError) {
        for statement in statements { _ = try await run(statement) }
    }

    public func transaction(_ statements: [String]) async throws(LoaderError) {
        try await inTransaction { () async throws(LoaderError) in
            for statement in statements { _ = try await run(statement) }
        } crashHook: { _ in }
    }

    public func load(_ plan: LoadPlan, store: any StagingStore, crashHook: LoaderCrashHook?) async throws(LoaderError) {
        let copies = plan.steps.filter { if case .copy = $0 { true } else { false } }.count
        var copied = 0
        try await inTransaction { () async throws(LoaderError) in
            for step in plan.steps {
                switch step {
                case .sql(let statement):
                    _ = try await run(statement)
                case .copy(let copy):
                    if copied == 0 { try trigger(crashHook, at: .beforeCopy) }
                    if dialect == .redshift {
                        _ = try await run(copy.statement)
                    } else {
                        try await stream(copy, from: store)
                    }
                    copied += 1
                    if copied == copies { try trigger(crashHook, at: .afterCopy) }
                }
            }
        } crashHook: { point throws(LoaderError) in try trigger(crashHook, at: point) }
    }

    public func query(_ sql: String) async throws(LoaderError) -> [[String?]] {
        try await run(sql)
    }

    public func close() async {
        try? await connection?.close()
        connection = nil
    }

    // MARK: Transactions

    private func inTransaction(
        _ body: () async throws(LoaderError) -> Void, crashHook: (LoaderCrashPoint) throws(LoaderError) -> Void
    ) async throws(LoaderError) {
        _ = try await run("BEGIN")
        transactionOpen = true
        do {
            try await body()
            try crashHook(.beforeCommit)
            _ = try await run("COMMIT")
            transactionOpen = false
        } catch {
            if error.code == .crashed {
                // As a killed process would: the connection drops, the server rolls back.
                await drop()
            } else if let connection, !connection.isClosed {
                _ = try? await run("ROLLBACK")
            } else {
                // The server ended the session, and the transaction with it: nothing to roll back.
                forget()
            }
            transactionOpen = false
            throw error
        }
        do {
            try crashHook(.afterCommit)
        } catch {
            await drop()
            throw error
        }
    }


    /// Streams the rows of `copy`'s files into its staging table with `COPY … FROM STDIN`, in the
    /// format `StagedRows.prepare()` chooses.
    private func stream(_ copy: StagedCopy, from store: any StagingStore) async throws(LoaderError) {
        let staged = copy.definition.stagedColumnIndices.map { copy.definition.columns[$0] }
        let columns = staged.map(\.name)
        var binaryTypes: [CopyBinaryType]? = nil
        var textReason = "text requested"
        if copyFormat == .binary {
            let types = staged.map { CopyBinaryType(sqlType: $0.sqlType(.postgres)) }
            if let index = types.firstIndex(of: nil) {
                textReason = "the column \(staged[index].name) is \(staged[index].sqlType(.postgres)), which has no binary form here"
            } else if ([copy.stagingTable] + columns).contains(where: { $0.contains("\n") || $0.contains("\r") }) {
                textReason = "a name holds a line break (see copyTarget)"
            } else {
                binaryTypes = types.compactMap { $0 }
            }
        }
        let rows = StagedRows(store: store, files: copy.files, expectedColumns: columns, binaryTypes: binaryTypes)
        let io = self.io
        let format: CopyFormat
        let reason: String?
        do {
            (format, reason) = try await io.run { try rows.prepare() }
        } catch let error as LoaderError {
            throw error
        } catch {
            throw LoaderError(.data, "cannot open the staged files of \(copy.stagingTable): \(error)", underlying: SendableText("\(error)"))
        }
        logger.debug("COPY \(copy.stagingTable): \(format) format\(format == .text ? " (\(reason ?? textReason))" : "")")
        let connection = try await connected()
        let target = Self.copyTarget(table: copy.stagingTable, columns: columns, format: format)
        do {
            try await connection.copyFrom(table: target.table, columns: target.columns, format: .text(.init()), logger: logger) { writer in
                // The next chunk is encoded while the server takes the current one.
                var pending = try await io.run { try rows.next() }
                while let chunk = pending {
                    async let next = io.run { try rows.next() }
                    try await writer.write(ByteBuffer(bytes: chunk))
                    pending = try await next
                }
            }
        } catch let error as LoaderError {
            throw error
        } catch {
            throw classify(error, statement: "COPY \(copy.stagingTable) FROM STDIN (\(format), \(copy.files.count) staged files)")
        }
    }

    /// The `table` and `columns` arguments of postgres-nio's `copyFrom` for `format`.
    ///
    /// postgres-nio 1.33 builds `COPY "<table>"("<column>",…) FROM STDIN WITH (FORMAT text)` and
    /// has no binary option (its main branch adds one, `PostgresCopyFromFormat.binary`, not yet
    /// released). For binary, the whole statement goes in the table argument, names quoted here
    /// with embedded quotes doubled, and ends in `--`: the rest postgres-nio appends on the same
    /// line (`" FROM STDIN WITH (FORMAT text)`) is then a comment. A line break in a name would end
    /// that comment, so the caller sends such a copy as text. Once a postgres-nio release has the
    /// option, this becomes `format: .binary(.init())`.
    static func copyTarget(table: String, columns: [String], format: CopyFormat) -> (table: String, columns: [String]) {
        guard format == .binary else { return (table, columns) }
        let quote = SQLDialect.postgres.quoted
        let statement = quote(table) + " (" + columns.map(quote).joined(separator: ", ") + ") FROM STDIN WITH (FORMAT binary) --"
        // postgres-nio writes the opening quote itself.
        return (String(statement.dropFirst()), [])
    }

    // MARK: Statements

    /// Runs one statement and returns its rows as text.
    private func run(_ sql: String) async throws(LoaderError) -> [[String?]] {
        let connection = try await connected()
        do {
            var rows: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                rows.append(try row.map { cell in try cell.decode(String?.self) })
            }
            return rows
        } catch {
            throw classify(error, statement: sql)
        }
    }

    private func connected() async throws(LoaderError) -> PostgresConnection {
        if let connection {
            // postgres-nio never answers a query written to a closed connection (it waits
            // forever), so a closed one is never used: outside a transaction it is replaced.
            guard connection.isClosed else { return connection }
            forget()
            if transactionOpen {
                throw LoaderError(.connection, "the warehouse connection to \(url) closed inside a transaction; the server rolled it back")
            }
        }
        let configuration: PostgresConnection.Configuration
        do {
            configuration = PostgresConnection.Configuration(
                host: url.host, port: url.port, username: url.user, password: password, database: url.database, tls: try tls())
        } catch let error as LoaderError {
            throw error
        } catch {
            throw LoaderError(.configuration, "cannot set up TLS for \(url): \(error)", underlying: error)
        }
        do {
            let opened = try await PostgresConnection.connect(configuration: configuration, id: nextConnectionID, logger: logger)
            nextConnectionID += 1
            connection = opened
        } catch {
            throw LoaderError(.connection, "cannot connect to the warehouse at \(url): \(Self.reason(error))", underlying: SendableText(Self.reason(error)))
        }
        if !checkedVersion && dialect == .postgres { try await checkVersion() }
        return connection!
    }

    /// The load uses MERGE, which PostgreSQL has since version 15.
    private func checkVersion() async throws(LoaderError) {
        checkedVersion = true
        let rows = try await run("SELECT current_setting('server_version_num')")
        guard let text = rows.first?.first ?? nil, let number = Int(text) else { return }
        guard number >= 150_000 else {
            checkedVersion = false
            throw LoaderError(.configuration, "the warehouse at \(url) runs PostgreSQL \(number / 10_000); the load's MERGE needs PostgreSQL 15 or later")
        }
    }

    private func tls() throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let root = url.sslRootCert { configuration.trustRoots = .file(root) }
        switch url.sslMode {
        case .disable:
            return .disable
        case .prefer, .require:
            configuration.certificateVerification = .none
            let context = try NIOSSLContext(configuration: configuration)
            return url.sslMode == .prefer ? .prefer(context) : .require(context)
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
            return .require(try NIOSSLContext(configuration: configuration))
        case .verifyFull:
            return .require(try NIOSSLContext(configuration: configuration))
        }
    }

    private func drop() async {
        let dropped = connection
        connection = nil
        try? await dropped?.close()
    }

    /// Forgets a failed connection at once, so no later statement is written to it, and closes
    /// it in the background.
    private func forget() {
        guard let dropped = connection else { return }
        connection = nil
        Task { try? await dropped.close() }
    }

    // MARK: Errors

    /// The class of a failure (PostgreSQL Appendix A, "Error Codes"): the loader's own codes
    /// from `millrace_check_load`; data exceptions (22) and integrity violations (23) are the
    /// load's data, except a violation in one of the loader's own tables; connection exceptions (08), operator intervention (57: a server shutting
    /// down, a terminated backend), serialization failures and deadlocks (40), and insufficient
    /// resources (53) are retried; anything else is a warehouse error. A failure without a server
    /// answer is a connection failure, and the connection is dropped.
    private func classify(_ error: any Error, statement: String) -> LoaderError {
        let excerpt = statement.count > 160 ? String(statement.prefix(160)) + "…" : statement
        guard let psql = error as? PSQLError else {
            if let loader = error as? LoaderError { return loader }
            return LoaderError(.warehouse, "\(excerpt): \(error)", underlying: SendableText("\(error)"))
        }
        guard psql.code == .server, let info = psql.serverInfo else {
            forget()
            return LoaderError(.connection, "the warehouse connection failed during \(excerpt): \(Self.reason(psql))",
                underlying: SendableText(Self.reason(psql)))
        }
        let state = info[.sqlState] ?? ""
        let message = (info[.message] ?? "") + (info[.detail].map { " (\($0))" } ?? "")
        let text = "\(message) [SQLSTATE \(state)] in: \(excerpt)"
        let code: LoaderError.Code
        switch state {
        case "MR001": code = .leaseLost
        case "MR002": code = .alreadyLoaded
        case let s where s.hasPrefix("23") && (info[.tableName] ?? "").hasPrefix("millrace_"):
            // A constraint of the loader's own tables: not the batch's data.
            code = .warehouse
        case let s where s.hasPrefix("22") || s.hasPrefix("23"): code = .data
        case let s where s.hasPrefix("08") || s.hasPrefix("57") || s.hasPrefix("40") || s.hasPrefix("53"):
            forget()
            code = .connection
        default: code = .warehouse
        }
        return LoaderError(code, text, underlying: SendableText(text))
    }

    private static func reason(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let message = psql.serverInfo?[.message] { return message }
        if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
        return "\(psql.code)"
    }
}

/// An error's text, kept as a `Sendable` cause (postgres-nio's errors are not `Sendable`).
struct SendableText: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}
