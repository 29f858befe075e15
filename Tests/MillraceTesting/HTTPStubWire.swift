import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loopback TCP plumbing shared by `HTTPStub` and `FaultProxy`: a listening socket, blocking
/// reads and writes, and an HTTP/1.1 message reader. Test support only; each connection is
/// served on its own thread.
enum HTTPStubWire {
    /// A listening socket on 127.0.0.1 and the port the kernel chose.
    static func listen() throws -> (descriptor: Int32, port: Int) {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw HTTPStubError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, systemListen(descriptor, 128) == 0 else {
            close(descriptor)
            throw HTTPStubError("bind/listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A connection to 127.0.0.1:`port`.
    static func connect(port: Int) throws -> Int32 {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemConnect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw HTTPStubError("connect to port \(port): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    /// Accepts connections until `stopListening(_:)`, serving each on a new thread; closes the
    /// listener when it ends. Only this thread closes it: were `stop()` to close it, the number
    /// could be reused by the next stub's listener before this thread's next `accept`, and this
    /// loop would then serve the other stub's connections.
    static func acceptLoop(_ listener: Int32, serve: @escaping @Sendable (Int32) -> Void) {
        let thread = Thread {
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 {
                    if errno == EINTR { continue }
                    close(listener)
                    return
                }
                var yes: Int32 = 1
                setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
                Thread { serve(connection) }.start()
            }
        }
        thread.start()
    }

    /// Stops a listener served by `acceptLoop`: new connections are refused at once and the loop
    /// ends (and closes it).
    static func stopListening(_ listener: Int32) {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    /// Writes all of `bytes`; false when the peer is gone.
    @discardableResult
    static func send(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { systemSend(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Closes with a TCP reset instead of an orderly shutdown (SO_LINGER with a zero timeout).
    static func reset(_ descriptor: Int32) {
        var option = SocketLinger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<SocketLinger>.size))
        close(descriptor)
    }
}

// File-scope wrappers: inside `HTTPStubWire` the names `listen`, `connect` and `send` are its own.
private typealias SocketLinger = linger

private func systemListen(_ descriptor: Int32, _ backlog: Int32) -> Int32 { listen(descriptor, backlog) }

private func systemConnect(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(descriptor, address, length)
}

/// `send` without SIGPIPE when the peer is gone (MSG_NOSIGNAL on Linux; Darwin sockets would
/// need SO_NOSIGPIPE instead).
private func systemSend(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    #if os(Linux)
    send(descriptor, bytes, count, Int32(MSG_NOSIGNAL))
    #else
    send(descriptor, bytes, count, 0)
    #endif
}

/// Reads HTTP/1.1 messages from a socket, keeping bytes that arrive past a message for the next.
final class HTTPStubReader {
    let descriptor: Int32
    private var buffer: [UInt8] = []

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// Reads one message (request or response): start line, headers and a Content-Length or
    /// chunked body. `bodyless` skips the body (a response to HEAD). Nil at end of stream.
    func message(bodyless: Bool = false) -> HTTPStubMessage? {
        guard let headEnd = fill(until: { self.find([13, 10, 13, 10]) }) else { return nil }
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let startLine = lines.removeFirst()
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var message = HTTPStubMessage(startLine: startLine, headers: headers, body: [])
        let status = message.status
        if bodyless || status == 204 || status == 304 || (100..<200).contains(status ?? 0) { return message }
        if message.header("Transfer-Encoding")?.lowercased() == "chunked" {
            while true {
                guard let lineEnd = fill(until: { self.find([13, 10]) }) else { return nil }
                let sizeText = String(decoding: buffer[0..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                buffer.removeFirst(lineEnd + 2)
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
                guard fill(until: { self.buffer.count >= size + 2 ? size : nil }) != nil else { return nil }
                message.body += buffer[0..<size]
                buffer.removeFirst(size + 2)
                if size == 0 { return message }
            }
        }
        if let length = message.header("Content-Length").flatMap({ Int($0) }) {
            guard fill(until: { self.buffer.count >= length ? length : nil }) != nil else { return nil }
            message.body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        } else if status != nil {
            // A response without a length runs to the end of the connection.
            _ = fill(until: { nil })
            message.body = buffer
            buffer.removeAll()
        }
        return message
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for start in 0...(buffer.count - pattern.count) where buffer[start..<(start + pattern.count)].elementsEqual(pattern) {
            return start
        }
        return nil
    }

    /// Reads until `done` returns a value or the stream ends.
    private func fill(until done: () -> Int?) -> Int? {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let result = done() { return result }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffer += chunk[0..<count]
        }
    }
}

/// One HTTP/1.1 message as read off the wire.
public struct HTTPStubMessage: Sendable {
    /// `GET /path HTTP/1.1` or `HTTP/1.1 200 OK`.
    public var startLine: String
    /// Header fields in order.
    public var headers: [(String, String)]
    /// The body (de-chunked).
    public var body: [UInt8]

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The method of a request.
    public var method: String { String(startLine.split(separator: " ").first ?? "") }
    /// The request target (path and query) of a request.
    public var target: String { startLine.split(separator: " ").dropFirst().first.map(String.init) ?? "" }
    /// The path of a request, without the query.
    public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
    /// The status of a response, nil for a request.
    public var status: Int? {
        startLine.hasPrefix("HTTP/") ? startLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } : nil
    }

    /// The message serialized for the wire, with `Content-Length` set to the body's length
    /// unless the caller keeps the original framing.
    func serialized(keepFraming: Bool = false) -> [UInt8] {
        var text = startLine + "\r\n"
        for (name, value) in headers {
            let lower = name.lowercased()
            if !keepFraming && (lower == "content-length" || lower == "transfer-encoding") { continue }
            text += "\(name): \(value)\r\n"
        }
        if !keepFraming { text += "Content-Length: \(body.count)\r\n" }
        return Array((text + "\r\n").utf8) + body
    }
}

/// A failure of the test servers themselves.
public struct HTTPStubError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    init(_ description: String) { self.description = description }
}
