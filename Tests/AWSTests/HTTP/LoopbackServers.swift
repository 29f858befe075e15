import Foundation
import MillraceTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback HTTPS server (Python's `http.server` behind `ssl`) with a fresh self-signed
/// certificate for 127.0.0.1. It answers every GET with 200 `ok` and exits by itself after one
/// answered request or 20 s, so it never outlives its test.
struct TLSTestServer {
    /// `https://127.0.0.1:PORT`.
    let endpoint: String
    /// The PEM certificate a client must trust to talk to it.
    let certificate: String
    /// The server process: it serves until it has answered one GET, or until `stop()`.
    let process: Process

    /// Ends the server (when a test did not complete its GET).
    func stop() {
        if process.isRunning { process.terminate() }
    }

    /// Makes the certificate in `directory` and starts the server.
    static func start(in directory: TemporaryDirectory) async throws -> TLSTestServer {
        let certificate = directory.path("cert.pem").path
        let key = directory.path("key.pem").path
        try await Subprocess.run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ])
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-c", """
            import http.server, ssl, sys, time
            served = []
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
                    served.append(1)
                def log_message(self, *args): pass
            httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
            httpd.timeout = 0.5
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain(sys.argv[1], sys.argv[2])
            httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
            print(httpd.server_address[1], flush=True)
            # No deadline of its own: on a loaded machine a test's second request may come late.
            # The test stops it; the parent's exit closes stdin, which ends it too.
            import select
            while not served:
                if select.select([sys.stdin], [], [], 0)[0] and not sys.stdin.read(1):
                    break
                httpd.handle_request()
            """, certificate, key]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        server.standardInput = Pipe()
        try server.run()
        // The port line comes at once; read it on a thread of its own, off the cooperative pool.
        let line = try await S3TestSupport.onThread { String(decoding: output.fileHandleForReading.availableData, as: UTF8.self) }
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw LoopbackServerError("the TLS test server did not report its port (got \"\(line)\")")
        }
        return TLSTestServer(endpoint: "https://127.0.0.1:\(port)", certificate: certificate, process: server)
    }
}

/// A loopback port on which a TCP connect neither succeeds nor fails: the listener's accept
/// queue (backlog 0) is filled by connections nobody accepts, so Linux drops further SYNs and
/// the client waits until its connect timeout.
final class FullBacklogListener {
    /// The port, on 127.0.0.1.
    let port: Int
    private var descriptors: [Int32] = []

    init() throws {
        let listener = Self.socketFD()
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard listener >= 0, bound == 0, listen(listener, 0) == 0 else {
            throw LoopbackServerError("FullBacklogListener: bind/listen: \(String(cString: strerror(errno)))")
        }
        descriptors.append(listener)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        // Non-blocking connects that fill the queue (one fits with backlog 0; a few to be sure).
        for _ in 0..<4 {
            let filler = Self.socketFD()
            _ = fcntl(filler, F_SETFL, fcntl(filler, F_GETFL) | O_NONBLOCK)
            var target = Self.loopback(port: port)
            _ = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            descriptors.append(filler)
        }
        usleep(100_000)  // let the handshakes that fit complete
    }

    deinit { for descriptor in descriptors { close(descriptor) } }

    private static func socketFD() -> Int32 {
        #if canImport(Glibc)
        socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        socket(AF_INET, SOCK_STREAM, 0)
        #endif
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// A loopback test server could not be started.
struct LoopbackServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
