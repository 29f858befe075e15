import Foundation

/// `millrace healthcheck`: one HTTP GET of a health endpoint with a deadline, for container
/// health checks (Docker `HEALTHCHECK`, ECS `healthCheck`) in an image that has no curl and
/// whose `/bin/sh` (dash) has no `/dev/tcp`.
///
/// A plain socket, like `HealthServer` on the other side: `http://` only, one request,
/// `Connection: close`. Healthy means a 2xx status line; anything else (another status, a
/// refused connection, no answer before the deadline, a malformed answer) is unhealthy with a
/// one-line reason.
public enum HealthCheck {
    /// The liveness endpoint at the default `observability.listen` (`0.0.0.0:9464`), seen from
    /// inside the container.
    public static let defaultURL = "http://127.0.0.1:9464/healthz"

    /// Where to send the probe: an `http://host[:port][/path]` URL taken apart.
    public struct Target: Sendable, Equatable {
        /// The host name or address (IPv6 without its brackets).
        public var host: String
        /// The TCP port. Default: 80.
        public var port: Int
        /// The path and query. Default: `/`.
        public var path: String

        /// The parts of `url`; nil unless it is `http://` with a host and a valid port.
        public init?(_ url: String) {
            guard url.lowercased().hasPrefix("http://") else { return nil }
            let rest = url.dropFirst("http://".count)
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            let tail = rest.dropFirst(authority.count)
            path = tail.isEmpty ? "/" : tail.hasPrefix("?") ? "/" + tail : String(tail)
            var hostPart = Substring(authority)
            var portText: Substring?
            if hostPart.hasPrefix("[") {
                // RFC 3986 section 3.2.2: an IPv6 literal in brackets, then an optional port.
                guard let close = hostPart.firstIndex(of: "]") else { return nil }
                let after = hostPart[hostPart.index(after: close)...]
                if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return nil }
                hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
            } else if let colon = hostPart.lastIndex(of: ":") {
                portText = hostPart[hostPart.index(after: colon)...]
                hostPart = hostPart[..<colon]
            }
            guard !hostPart.isEmpty, !hostPart.contains("@") else { return nil }
            host = String(hostPart)
            if let portText {
                guard let number = Int(portText), (1...65535).contains(number) else { return nil }
                port = number
            } else {
                port = 80
            }
        }
    }

    /// What the probe found.
    public struct Outcome: Sendable, Equatable {
        /// True when the endpoint answered with a 2xx status.
        public var isHealthy: Bool
        /// One line: the status, or why there was none.
        public var reason: String
    }

    /// GETs `target` and waits at most `timeout` for the whole exchange.
    public static func probe(_ target: Target, timeout: Duration) -> Outcome {
        let deadline = ContinuousClock.now + timeout
        let socket: Int32
        switch connect(target, deadline: deadline) {
        case .connected(let descriptor): socket = descriptor
        case .failed(let reason): return Outcome(isHealthy: false, reason: reason)
        }
        defer { close(socket) }
        let hostHeader = target.host.contains(":") ? "[\(target.host)]:\(target.port)" : "\(target.host):\(target.port)"
        let request = Array("GET \(target.path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: millrace-healthcheck\r\nConnection: close\r\n\r\n".utf8)
        guard send(request, on: socket, deadline: deadline) else {
            return Outcome(isHealthy: false, reason: "\(hostHeader): the connection closed before the request was sent")
        }
        guard let answer = receive(on: socket, deadline: deadline) else {
            return Outcome(isHealthy: false, reason: "\(hostHeader): no answer within \(timeout.description)")
        }
        let text = String(decoding: answer, as: UTF8.self)
        let statusLine = text.prefix { !$0.isNewline }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            return Outcome(isHealthy: false, reason: "\(hostHeader)\(target.path): not an HTTP answer")
        }
        let body = text.range(of: "\r\n\r\n").map { text[$0.upperBound...] }?.split(whereSeparator: \.isNewline).first
        let detail = body.map { ": \($0.prefix(200))" } ?? ""
        return Outcome(isHealthy: (200..<300).contains(status), reason: "\(hostHeader)\(target.path): HTTP \(statusLine.dropFirst(parts[0].count + 1))\(detail)")
    }

    // MARK: The socket

    private enum Connection {
        case connected(Int32)
        case failed(String)
    }

    /// A connected socket to the first address of `target` that accepts, before `deadline`.
    private static func connect(_ target: Target, deadline: ContinuousClock.Instant) -> Connection {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(target.host, String(target.port), &hints, &list)
        guard resolved == 0, let first = list else {
            return .failed("cannot resolve \(target.host): \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(list) }
        var reason = "cannot connect to \(target.host):\(target.port)"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard descriptor >= 0 else { continue }
            // Non-blocking, so the connect itself is bounded by the deadline.
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                if wait(descriptor, for: Int16(POLLOUT), until: deadline) {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
                    if error == 0 { return .connected(descriptor) }
                    reason = "cannot connect to \(target.host):\(target.port): \(String(cString: strerror(error)))"
                } else {
                    reason = "cannot connect to \(target.host):\(target.port): no answer before the deadline"
                }
            } else {
                reason = "cannot connect to \(target.host):\(target.port): \(String(cString: strerror(errno)))"
            }
            close(descriptor)
        }
        return .failed(reason)
    }

    private static func send(_ bytes: [UInt8], on socket: Int32, deadline: ContinuousClock.Instant) -> Bool {
        var sent = 0
        while sent < bytes.count {
            guard wait(socket, for: Int16(POLLOUT), until: deadline) else { return false }
            let written = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard written > 0 else { return false }
            sent += written
        }
        return true
    }

    /// Everything the server sends until it closes (at most 64 KiB); nil when the deadline
    /// passes first or nothing arrives.
    private static func receive(on socket: Int32, deadline: ContinuousClock.Instant) -> [UInt8]? {
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while answer.count < 65_536 {
            guard wait(socket, for: Int16(POLLIN), until: deadline) else { return nil }
            let count = recv(socket, &chunk, chunk.count, 0)
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            if count <= 0 { break }
            answer.append(contentsOf: chunk[0..<count])
        }
        return answer.isEmpty ? nil : answer
    }

    /// Polls `socket` for `events` until `deadline`; true when ready.
    private static func wait(_ socket: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return false }
            let (seconds, attoseconds) = left.components
            let millis = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, millis)
            if ready > 0 { return true }
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            return false
        }
    }
}
