/// An HTTP request for the libcurl client: where it goes and what it carries. The body is
/// described separately (`RequestBody`) so it can stream from a file or borrowed memory.
struct HTTPRequest: Sendable {
    /// `GET`, `PUT`, `POST`, `HEAD`, `DELETE`.
    var method: String
    /// `scheme://host[:port]`, no trailing slash.
    var origin: String
    /// The path and query exactly as sent, e.g. `/bucket/a%20b?uploadId=x`.
    var pathAndQuery: String
    /// Headers to send (already signed when signing applies).
    var headers: HTTPHeaders

    /// `origin` + `pathAndQuery`.
    var url: String { origin + pathAndQuery }

    /// `METHOD /path` without the query (which may hold a presigned signature or token), for
    /// messages and logs.
    var summary: String {
        let path = pathAndQuery.split(separator: "?", maxSplits: 1).first.map(String.init) ?? pathAndQuery
        return "\(method) \(path)"
    }
}

/// Where a request body comes from. Borrowed memory must stay valid until the call returns.
enum RequestBody: @unchecked Sendable {
    /// No body.
    case empty
    /// Bytes in memory owned by the caller.
    case memory(UnsafeRawBufferPointer)
    /// `length` bytes of an open file descriptor starting at `offset` (read with `pread`, so the
    /// descriptor's position is untouched and the body can be re-sent).
    case file(descriptor: Int32, offset: Int64, length: Int64)

    /// The body length in bytes.
    var count: Int64 {
        switch self {
        case .empty: 0
        case .memory(let buffer): Int64(buffer.count)
        case .file(_, _, let length): length
        }
    }
}

/// Where a successful (2xx) response body goes. Error bodies are always captured in memory,
/// up to 64 KiB, for the error parser.
enum ResponseSink: Sendable {
    /// Keep it in memory, failing the request if it exceeds `limit` bytes.
    case memory(limit: Int)
    /// Write it to a file descriptor from `offset` with `pwrite`.
    case file(descriptor: Int32, offset: Int64)
}

/// A response: status, headers and (for in-memory sinks and errors) the body.
struct HTTPResponse: Sendable {
    /// The HTTP status code.
    var status: Int
    /// The response headers of the final response (not of a `100 Continue`).
    var headers: HTTPHeaders
    /// The body for in-memory sinks and for error responses; empty when streamed to a file.
    var body: [UInt8]
    /// Body bytes received (also counted when streamed to a file).
    var bodyBytes: Int64
    /// Request body bytes sent.
    var bytesSent: Int64

    /// True for 2xx.
    var isSuccess: Bool { (200..<300).contains(status) }
}
