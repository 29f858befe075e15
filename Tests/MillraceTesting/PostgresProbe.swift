import Foundation

/// Reads the test PostgreSQL server with `psql`, independently of Millrace's own client: the
/// warehouse a test checks is read by another program than the one that wrote it.
public struct PostgresProbe: Sendable {
    /// libpq URL of the server.
    public let url: String
    /// The schema the statements run in (`search_path`).
    public let schema: String

    /// A probe of `schema` on the server at `url`.
    public init(url: String, schema: String) {
        self.url = url
        self.schema = schema
    }

    /// A fresh schema name for one test, so tests sharing the server never meet.
    public static func uniqueSchema(_ prefix: String) -> String {
        "\(prefix)_\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
    }

    /// The rows of `sql`, each a list of text fields (NULL as the empty string).
    public func rows(_ sql: String) async throws -> [[String]] {
        let scoped = url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
        let result = try await Subprocess.run(["psql", scoped, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        return result.output.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The single value of `sql`.
    public func value(_ sql: String) async throws -> String {
        try await rows(sql).first?.first ?? ""
    }

    /// Runs `sql` (statements separated by `;`).
    public func execute(_ sql: String) async throws {
        _ = try await rows(sql)
    }

    /// A digest of every row of `table`, to tell whether anything changed.
    public func digest(_ table: String) async throws -> String {
        try await value("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \(table) t")
    }
}
