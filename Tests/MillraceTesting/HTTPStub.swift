import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an `HTTPStub` answers.
public struct HTTPStubResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields (Content-Length is added, except that a HEAD answer keeps the one given).
    public var headers: [(String, String)]
    /// The body.
    public var body: [UInt8]

    /// A response with a text body.
    public init(status: Int = 200, headers: [(String, String)] = [], body: String = "") {
        self.status = status
        self.headers = headers
        self.body = Array(body.utf8)
    }
}

/// A loopback HTTP/1.1 server whose answers come from a closure: it plays the metadata
/// services (ECS, IMDS) and STS for the credential-provider tests, and records every request
/// so tests can check what the client sent.
public final class HTTPStub: Sendable {
    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    private let listener: Int32
    private let log = HTTPStubLog()

    /// Starts serving; `handler` is called on a connection thread for each request.
    public init(handler: @escaping @Sendable (HTTPStubMessage) -> HTTPStubResponse) throws {
        let (listener, port) = try HTTPStubWire.listen()
        self.listener = listener
        self.port = port
        let log = self.log
        HTTPStubWire.acceptLoop(listener) { connection in
            log.connections.withLock { $0 += 1 }
            let reader = HTTPStubReader(descriptor: connection)
            while let request = reader.message() {
                log.requests.withLock { $0.append(request) }
                let response = handler(request)
                let message = HTTPStubMessage(
                    startLine: "HTTP/1.1 \(response.status) Stub", headers: response.headers, body: response.body)
                // A HEAD answer has no body but may announce the length of the one a GET would get.
                let keepFraming = request.method == "HEAD" && message.header("Content-Length") != nil
                guard HTTPStubWire.send(connection, message.serialized(keepFraming: keepFraming)) else { break }
                if request.header("Connection")?.lowercased() == "close" { break }
            }
            close(connection)
        }
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far, in arrival order.
    public var requests: [HTTPStubMessage] { log.requests.withLock { $0 } }

    /// TCP connections accepted so far (a client that reuses connections opens few).
    public var connectionCount: Int { log.connections.withLock { $0 } }

    /// Stops accepting connections (open ones finish their current request). Idempotent.
    public func stop() {
        guard log.stopped.withLock({ (stopped: inout Bool) -> Bool in
            defer { stopped = true }
            return !stopped
        }) else { return }
        HTTPStubWire.stopListening(listener)
    }
}

/// The stub's shared mutable state, reachable from its connection threads.
final class HTTPStubLog: Sendable {
    let requests = Mutex<[HTTPStubMessage]>([])
    let stopped = Mutex(false)
    let connections = Mutex(0)
}
