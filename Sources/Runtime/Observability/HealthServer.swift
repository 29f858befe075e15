import Foundation
import Synchronization

/// A minimal HTTP/1.1 server on its own thread: `GET /metrics` (Prometheus text format),
/// `GET /healthz` (the process is alive: its loop advances) and `GET /readyz` (the worker is
/// in its group).
///
/// Deliberately small: one request per connection, no keep-alive, no request body. Scrapes and
/// orchestrator probes are all it serves, so it needs no HTTP framework.
public final class HealthServer: Sendable {
    /// What the server answers with, computed per request.
    public struct Responder: Sendable {
        /// The Prometheus exposition text.
        public var metrics: @Sendable () -> [UInt8]
        /// True when the worker is ready (joined and assigned, or idle by design).
        public var isReady: @Sendable () -> Bool
        /// Whether the process is alive, or why not (`Liveness`).
        public var health: @Sendable () -> (healthy: Bool, reason: String)

        /// A responder from the three closures (`health` defaults to always healthy).
        public init(
            metrics: @escaping @Sendable () -> [UInt8], isReady: @escaping @Sendable () -> Bool,
            health: @escaping @Sendable () -> (healthy: Bool, reason: String) = { (true, "ok") }
        ) {
            self.metrics = metrics
            self.isReady = isReady
            self.health = health
        }
    }

    private let socket: Int32
    private let responder: Responder
    private let stopped = Atomic<Bool>(false)
    /// The port actually bound (useful when asked for port 0).
    public let port: Int

    /// Binds `host:port` (port 0 picks a free one) and starts serving on a dedicated thread.
    /// `host` is an IPv4 or IPv6 address or a name (`localhost`), resolved with getaddrinfo.
    public init(host: String, port: Int, responder: Responder) throws {
        self.responder = responder
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &found)
        guard status == 0, let first = found else {
            throw RuntimeError(.configuration, "observability.listen: cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(found) }
        let fd = Glibc.socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw RuntimeError(.configuration, "cannot create the health socket: \(String(cString: strerror(errno)))") }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw RuntimeError(.configuration, "observability.listen: cannot listen on \(host):\(port): \(reason)")
        }
        var actual = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset, right after the family.
        self.port = withUnsafeBytes(of: &actual) { raw in Int(UInt16(raw[2]) << 8 | UInt16(raw[3])) }
        socket = fd
        let thread = Thread { [self] in serve() }
        thread.name = "millrace-health"
        thread.start()
    }

    /// Stops serving (idempotent). The serving thread closes the socket when it sees the stop,
    /// so its descriptor number cannot be reused by another socket while that thread still
    /// polls and accepts on it.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(socket, Int32(SHUT_RDWR))
    }

    deinit {
        stop()
    }

    private func serve() {
        while !stopped.load(ordering: .acquiring) {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 200) > 0 else { continue }
            let client = accept(socket, nil, nil)
            guard client >= 0 else { continue }
            handle(client)
            close(client)
        }
        close(socket)
    }

    private func handle(_ client: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = [UInt8](repeating: 0, count: 4096)
        let count = recv(client, &request, request.count, 0)
        guard count > 0 else { return }
        let line = String(decoding: request[0..<count].prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = line.split(separator: " ")
        let path = parts.count >= 2 && parts[0] == "GET" ? String(parts[1].split(separator: "?").first ?? "") : ""
        switch path {
        case "/metrics":
            respond(client, status: "200 OK", type: "text/plain; version=0.0.4", body: responder.metrics())
        case "/healthz":
            let health = responder.health()
            respond(client, status: health.healthy ? "200 OK" : "503 Service Unavailable", type: "text/plain",
                    body: Array((health.reason + "\n").utf8))
        case "/readyz":
            let ready = responder.isReady()
            respond(client, status: ready ? "200 OK" : "503 Service Unavailable", type: "text/plain",
                    body: Array((ready ? "ready\n" : "not ready\n").utf8))
        default:
            respond(client, status: "404 Not Found", type: "text/plain", body: Array("not found\n".utf8))
        }
    }

    private func respond(_ client: Int32, status: String, type: String, body: [UInt8]) {
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            sent += written
        }
    }
}
