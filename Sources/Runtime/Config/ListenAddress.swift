/// Where the metrics and health endpoints listen (`observability.listen`), as written:
/// `host:port` (`0.0.0.0:9464`, `localhost:9464`), `[ipv6]:port` (`[::1]:9464`), or a port
/// alone (`9464`, `:9464`: every IPv4 interface).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// A host name or address literal (without brackets).
    public var host: String
    /// The port; 0 asks the system for a free one.
    public var port: Int

    /// The address `text` names; throws `.configuration` saying what is accepted.
    public init(_ text: String) throws {
        let invalid = RuntimeError(.configuration,
            "observability.listen must be host:port, [ipv6]:port or a port (0.0.0.0:9464, localhost:9464, [::1]:9464, 9464), not \"\(text)\"")
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { throw invalid }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":") {
            hostPart = text[..<colon]
            guard !hostPart.contains(":") else { throw invalid }  // an IPv6 literal needs brackets
            portPart = text[text.index(after: colon)...]
        } else {
            hostPart = ""
            portPart = text[...]
        }
        guard let port = Int(portPart), (0...65535).contains(port), !hostPart.contains(where: \.isWhitespace) else { throw invalid }
        host = hostPart.isEmpty ? "0.0.0.0" : String(hostPart)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
