import Foundation

/// A `postgresql://user[:password]@host[:port]/database[?sslmode=…&sslrootcert=…]` URL (libpq's
/// connection URI form, PostgreSQL documentation "Connection URIs"), for PostgreSQL or for
/// Redshift over the PostgreSQL wire protocol.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    /// How TLS is used (libpq's `sslmode`).
    public enum SSLMode: String, Sendable, Hashable {
        /// No TLS.
        case disable
        /// TLS when the server offers it, unverified.
        case prefer
        /// TLS, the certificate not verified.
        case require
        /// TLS, the certificate chain verified, the host name not.
        case verifyCA = "verify-ca"
        /// TLS, the certificate chain and the host name verified.
        case verifyFull = "verify-full"
    }

    /// Host name or address.
    public var host: String
    /// Port. Default: 5432.
    public var port: Int
    /// User name.
    public var user: String
    /// Password, when the URL carries one (else `PGPASSWORD` or a password file).
    public var password: String?
    /// Database name. Default: the user name.
    public var database: String
    /// TLS mode. Default: `verify-full`, except `prefer` for a loopback host.
    public var sslMode: SSLMode
    /// A PEM file of trusted certificate authorities (`sslrootcert`); nil uses the system's.
    public var sslRootCert: String?

    /// Parses `text`; throws `.configuration` naming what is wrong (never the password).
    public init(_ text: String) throws(LoaderError) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw LoaderError(.configuration, "warehouse.url must be postgresql://user@host:port/database, not \(Self.redacted(text))")
        }
        guard let host = components.host, !host.isEmpty else {
            throw LoaderError(.configuration, "warehouse.url \(Self.redacted(text)) has no host")
        }
        guard let user = components.user.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw LoaderError(.configuration, "warehouse.url \(Self.redacted(text)) has no user name")
        }
        self.host = host
        port = components.port ?? 5432
        self.user = user
        password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { _, last in last }
        let loopback = ["localhost", "127.0.0.1", "::1"].contains(host)
        if let mode = query["sslmode"] {
            guard let parsed = SSLMode(rawValue: mode) else {
                throw LoaderError(.configuration, "warehouse.url: sslmode must be disable, prefer, require, verify-ca or verify-full, not \(mode)")
            }
            sslMode = parsed
        } else {
            sslMode = loopback ? .prefer : .verifyFull
        }
        sslRootCert = query["sslrootcert"]
    }

    /// `postgresql://user@host:port/database` (no password), for logs and messages.
    public var description: String { "postgresql://\(user)@\(host):\(port)/\(database)" }

    /// `text` with any password replaced by `***`.
    static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let schemeEnd = text.range(of: "://")?.upperBound, schemeEnd < at,
            let colon = text[schemeEnd..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }
}
