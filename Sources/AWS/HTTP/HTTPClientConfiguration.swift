/// How the libcurl HTTP client connects and when it gives up on a request.
///
/// Proxies come from the standard environment variables, which libcurl reads itself:
/// `http_proxy`, `https_proxy`/`HTTPS_PROXY`, `all_proxy`/`ALL_PROXY` and `no_proxy`/`NO_PROXY`
/// (upper-case `HTTP_PROXY` is ignored on purpose, as CGI environments may set it).
public struct HTTPClientConfiguration: Sendable, Hashable {
    /// Longest wait for the TCP (and TLS) connection to be set up. Default: 5 s.
    public var connectTimeout: Duration
    /// Longest a whole request may take, body included; nil for no limit. Default: 15 min.
    public var requestTimeout: Duration?
    /// A request whose transfer rate stays below `stallBytesPerSecond` for this long is
    /// abandoned as a timeout (it catches a dead peer without capping large transfers). libcurl
    /// averages the rate over its last 5 s, so a stall right after a fast transfer is noticed up
    /// to 5 s later. Default: 30 s.
    public var stallTimeout: Duration
    /// The rate, in bytes per second, under which a transfer counts as stalled. Default: 1.
    public var stallBytesPerSecond: Int
    /// Verify the server's TLS certificate and host name. Turning this off is for local test
    /// servers only. Default: true.
    public var verifiesTLS: Bool
    /// A PEM file of CA certificates to trust instead of the system store. Default: nil.
    public var caBundlePath: String?
    /// Idle connections (libcurl easy handles) kept for reuse. Default: 16.
    public var maxIdleConnections: Int
    /// The `User-Agent` header. Default: `millrace`.
    public var userAgent: String

    /// A configuration; every argument has the default named in its property's documentation.
    public init(
        connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration? = .seconds(900),
        stallTimeout: Duration = .seconds(30),
        stallBytesPerSecond: Int = 1,
        verifiesTLS: Bool = true,
        caBundlePath: String? = nil,
        maxIdleConnections: Int = 16,
        userAgent: String = "millrace"
    ) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.stallTimeout = stallTimeout
        self.stallBytesPerSecond = stallBytesPerSecond
        self.verifiesTLS = verifiesTLS
        self.caBundlePath = caBundlePath
        self.maxIdleConnections = maxIdleConnections
        self.userAgent = userAgent
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a positive duration never becomes 0 ("no limit").
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        let remainder = attoseconds % 1_000_000_000_000_000
        return Int(milliseconds) + (remainder > 0 ? 1 : 0)
    }
}
