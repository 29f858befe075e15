import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Reads a source database for `--source postgres`, on the calling thread: each call waits for
/// its query on postgres-nio's event loop (one hop per chunk, never per row).
final class PostgresSourceReader {
    /// One row of a chunk: the Debezium value, its event time (ms) and the cursor after it.
    struct Row {
        var value: [UInt8]
        var eventMillis: Int64
        var cursor: [String]
    }

    private let connection: PostgresConnection
    private let logger: Logger

    /// Connects to `url` (`postgres://user:password@host:port/database?sslmode=disable`);
    /// throws `.configuration` for a URL it cannot use and `.source` when the server refuses,
    /// never with the password in the message.
    init(url: String, logger: Logger) throws {
        let configuration = try Self.configuration(url)
        self.logger = logger
        do {
            connection = try Self.wait {
                try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            }
        } catch let error as PSQLError {
            throw RuntimeError(
                .source, "cannot connect to the source database at \(configuration.host ?? "?"):\(configuration.port ?? 5432): \(Self.describe(error))")
        } catch {
            throw RuntimeError(
                .source, "cannot connect to the source database at \(configuration.host ?? "?"):\(configuration.port ?? 5432): \(error)")
        }
        // Text renderings (the cursor, timestamps) are read back by this session only.
        _ = try query("SET TimeZone = 'UTC'", binds: [])
    }

    /// The columns of `relation` (`schema.table`) with their type names, in table order.
    func columns(of relation: String) throws -> [SourceTableQuery.SourceColumn] {
        let parts = relation.split(separator: ".", maxSplits: 1).map(String.init)
        let (schema, table) = parts.count == 2 ? (parts[0], parts[1]) : ("public", parts[0])
        let rows = try query(
            "SELECT column_name::text, udt_name::text FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
            binds: [schema, table])
        guard !rows.isEmpty else { throw RuntimeError(.configuration, "the source database has no table \(relation)") }
        return rows.map { SourceTableQuery.SourceColumn(name: $0[0], type: $0[1]) }
    }

    /// The WAL position the backfill's reads are stamped with (`source.lsn`): one before which
    /// every change is visible to the reads that follow, so that every change those reads miss
    /// comes after it. Returns nil when `shouldStop` says so first.
    ///
    /// Debezium stamps a streamed change with the LSN of its own WAL record (`lastReceivedLsn()`
    /// in `PostgresStreamingChangeEventSource`; PostgreSQL's `change_cb_wrapper` in
    /// `replication/logical/logical.c` reports `change->lsn`), written when the statement runs,
    /// before its transaction commits. The WAL position when a chunk is read is later than the
    /// records of transactions still open then, whose changes the chunk cannot see: a read
    /// stamped so would beat (in the loader's LSN-first `ChangeOrder`) the newer change it
    /// missed, and a key-only delete, which has no version to tell. So the point is the WAL
    /// insert position taken first; then every transaction holding a transaction id at that
    /// moment is waited for. A transaction writes WAL only once it has an id, and holds the
    /// `ExclusiveLock` on its id until it has committed or aborted (visible in `pg_locks`, which
    /// every role may read), so a transaction still open after the wait got its id later and
    /// wrote nothing before the point, and every record before it is committed (or aborted) and
    /// visible. (A snapshot's `xip` would not do: PostgreSQL lists only transactions older than
    /// the newest completed one.) This is the consistent point of a replication slot that
    /// Debezium's own snapshot reads are stamped with, without needing one. A standby has no
    /// locks of the primary's transactions: there the replayed position is used with the
    /// transactions its snapshot lists, which misses one whose id is newer than every completed
    /// one (read from the primary to be exact).
    func consistentPoint(logger: Logger, shouldStop: () -> Bool) throws -> Int64? {
        let position = try query(
            "SELECT ((CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END) - '0/0'::pg_lsn)::bigint::text",
            binds: [])
        let open = try query(
            "SELECT coalesce(array_agg(transactionid)::text, '{}'), pg_snapshot_xmax(pg_current_snapshot())::text FROM pg_locks "
                + "WHERE locktype = 'transactionid' AND mode = 'ExclusiveLock' AND granted",
            binds: [])
        guard let lsn = position.first.flatMap({ Int64($0[0]) }), let held = open.first, held.count == 2 else {
            throw RuntimeError(.source, "the source database did not report its WAL position")
        }
        var waited = 0
        while true {
            let state = try query(
                "SELECT count(*)::text FROM pg_locks WHERE locktype = 'transactionid' AND mode = 'ExclusiveLock' AND transactionid = ANY($1::xid[]) "
                    + "UNION ALL SELECT (pg_snapshot_xmin(pg_current_snapshot()) < $2::xid8)::int::text",
                binds: held)
            let open = state.reduce(0) { $0 + (Int($1[0]) ?? 1) }
            if open == 0 { return lsn }
            if shouldStop() { return nil }
            if waited % 100 == 10 {
                // Every 10 s from the first second: an idle-in-transaction session or a
                // forgotten prepared transaction holds the backfill here until it ends.
                logger.warning("waiting for transactions open when the backfill started to end", metadata: [
                    "open": "\(open)", "waited_s": "\(waited / 10)"])
            }
            waited += 1
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// One chunk of `sql` with `binds` (text parameters).
    func chunk(_ sql: String, binds: [String]) throws -> [Row] {
        try query(sql, binds: binds).map { cells in
            Row(value: Array(cells[0].utf8), eventMillis: Int64(cells[1]) ?? 0, cursor: Array(cells[2...]))
        }
    }

    /// Closes the connection.
    func close() {
        let connection = self.connection
        _ = try? Self.wait { try await connection.close() }
    }

    /// Runs `sql`, every result cell as text (null as empty).
    private func query(_ sql: String, binds: [String]) throws -> [[String]] {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds { bindings.append(bind) }
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        let connection = self.connection
        let logger = self.logger
        do {
            return try Self.wait {
                var rows: [[String]] = []
                for try await row in try await connection.query(query, logger: logger) {
                    let cells = row.makeRandomAccess()
                    rows.append(try (0..<cells.count).map { try cells[$0].decode(String?.self) ?? "" })
                }
                return rows
            }
        } catch let error as PSQLError {
            throw RuntimeError(.source, "the source database refused a query: \(Self.describe(error))", underlying: error)
        }
    }

    /// Waits on this thread for `body`, run as a task.
    private static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    /// The server's own words for a failure (SQLSTATE and message), never the connection's password.
    static func describe(_ error: PSQLError) -> String {
        if let message = error.serverInfo?[.message] {
            return "\(error.serverInfo?[.sqlState] ?? "") \(message)".trimmingCharacters(in: .whitespaces)
        }
        return "\(error.code)"
    }

    /// The connection settings of a `postgres://` URL.
    static func configuration(_ url: String) throws -> PostgresConnection.Configuration {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty
        else {
            throw RuntimeError(.configuration, "the source URL must look like postgres://user:password@host:5432/database")
        }
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard ["disable", "allow", "prefer"].contains(mode) else {
            throw RuntimeError(
                .configuration, "sslmode=\(mode) is not supported by --source postgres yet; use sslmode=disable (or prefer) on a trusted network")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        return PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user?.removingPercentEncoding ?? "postgres",
            password: components.password?.removingPercentEncoding, database: database.isEmpty ? nil : database, tls: .disable)
    }
}
