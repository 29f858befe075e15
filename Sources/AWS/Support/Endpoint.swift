import Foundation

/// A service endpoint: `scheme://host[:port][/base-path]`, as given in configuration
/// (`AWS_ENDPOINT_URL_S3=http://127.0.0.1:9000`) or derived from the region.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public var scheme: String
    /// The host name or IP address; IPv6 addresses without brackets.
    public var host: String
    /// The port, nil for the scheme's default.
    public var port: Int?
    /// A path prefix every request goes under, without a trailing slash; usually empty.
    public var basePath: String

    /// An endpoint from its parts (`host` without brackets, lowercased here).
    public init(scheme: String, host: String, port: Int? = nil, basePath: String = "") {
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
        self.basePath = basePath
    }

    /// Parses an `http(s)://` URL; nil when it is not one.
    public init?(_ text: String) {
        guard let schemeEnd = text.range(of: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = text[schemeEnd.upperBound...]
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        var host = String(rest)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()), (1...65535).contains(number) else { return nil }
                port = number
            } else if !after.isEmpty {
                return nil
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]), (1...65535).contains(number) else { return nil }
            port = number
            host = String(host[..<colon])
        }
        guard !host.isEmpty, !host.contains("@") else { return nil }
        while path.hasSuffix("/") { path.removeLast() }
        self.init(scheme: scheme, host: host, port: port, basePath: path)
    }

    /// `scheme://host[:port]` (IPv6 in brackets).
    public var origin: String { "\(scheme)://\(hostHeader)" }

    /// The `Host` header value: the host, with the port unless it is the scheme's default.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        guard let port, port != (scheme == "https" ? 443 : 80) else { return name }
        return "\(name):\(port)"
    }

    /// True for `localhost` and loopback addresses (127.0.0.0/8, ::1).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// True when the host is an IPv4 or IPv6 literal, which cannot take a bucket sub-domain.
    public var isIPAddress: Bool {
        host.contains(":") || host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
    }

    /// The URL as given, normalized.
    public var description: String { origin + basePath }
}
