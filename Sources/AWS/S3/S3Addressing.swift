/// How a bucket appears in request URLs (S3 user guide, "Virtual hosting of buckets").
public struct S3Addressing: Sendable, Hashable, CustomStringConvertible {
    private enum Style: String, Sendable { case automatic, path, virtual }
    private let style: Style

    /// Virtual-hosted style on AWS; path style for custom endpoints that are IP addresses or
    /// `localhost`, and for bucket names that cannot be a DNS label or contain dots (which
    /// would break TLS wildcard certificates).
    public static let automatic = S3Addressing(style: .automatic)
    /// `https://endpoint/bucket/key`: MinIO, moto and other S3-compatible servers.
    public static let pathStyle = S3Addressing(style: .path)
    /// `https://bucket.endpoint/key`.
    public static let virtualHosted = S3Addressing(style: .virtual)

    /// Parses the shared config file's `addressing_style` (`auto`, `path`, `virtual`).
    public init?(configValue: String) {
        switch configValue.lowercased() {
        case "auto", "automatic": style = .automatic
        case "path": style = .path
        case "virtual": style = .virtual
        default: return nil
        }
    }

    private init(style: Style) { self.style = style }

    /// `automatic`, `path` or `virtual`.
    public var description: String { style.rawValue }

    /// True when `bucket` goes in the path for requests to `endpoint`.
    func usesPathStyle(bucket: String, endpoint: Endpoint, isCustomEndpoint: Bool) -> Bool {
        switch style {
        case .path: return true
        case .virtual: return false
        case .automatic:
            if endpoint.isIPAddress || endpoint.host == "localhost" { return true }
            return !Self.isVirtualHostable(bucket, overTLS: endpoint.scheme == "https") || (isCustomEndpoint && endpoint.isLoopback)
        }
    }

    /// A bucket name usable as a DNS label: 3–63 of `a-z 0-9 - .`, starting and ending
    /// alphanumeric; over TLS it must not contain dots.
    static func isVirtualHostable(_ bucket: String, overTLS: Bool) -> Bool {
        let bytes = Array(bucket.utf8)
        guard (3...63).contains(bytes.count), let first = bytes.first, let last = bytes.last,
            isAlphanumeric(first), isAlphanumeric(last)
        else { return false }
        for byte in bytes where !(isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")) {
            return false
        }
        return !(overTLS && bucket.contains("."))
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
