import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state of one libcurl transfer, shared with the C callbacks through `userdata`: the body
/// being sent, the response being received, and why a callback aborted, if it did.
final class CurlTransfer {
    /// Error bodies are kept up to this many bytes for the S3 error parser.
    static let errorBodyLimit = 64 * 1024

    let body: RequestBody
    let sink: ResponseSink
    private(set) var readOffset: Int64 = 0
    private(set) var status = 0
    private(set) var headers = HTTPHeaders()
    private(set) var responseBody: [UInt8] = []
    private(set) var received: Int64 = 0
    /// Why a callback stopped the transfer; reported instead of libcurl's generic code.
    private(set) var failure: AWSError?

    init(body: RequestBody, sink: ResponseSink) {
        self.body = body
        self.sink = sink
    }

    /// The response, once the transfer completed.
    var response: HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: responseBody, bodyBytes: received, bytesSent: readOffset)
    }

    private var isSuccess: Bool { (200..<300).contains(status) }

    // MARK: Callbacks (called by libcurl on the thread running curl_easy_perform)

    fileprivate func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let remaining = body.count - readOffset
        let count = Int(min(Int64(capacity), max(remaining, 0)))
        guard count > 0 else { return 0 }
        switch body {
        case .empty:
            return 0
        case .memory(let bytes):
            guard let base = bytes.baseAddress else { return 0 }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + Int(readOffset), byteCount: count)
        case .file(let descriptor, let offset, _):
            let got = pread(descriptor, buffer, count, off_t(offset + readOffset))
            guard got > 0 else {
                failure = AWSError(.io, "reading the request body from the file failed (\(got == 0 ? "unexpected end of file" : String(cString: strerror(errno))))")
                return Int(CURL_READFUNC_ABORT)
            }
            readOffset += Int64(got)
            return got
        }
        readOffset += Int64(count)
        return count
    }

    fileprivate func seek(to offset: Int64, origin: Int32) -> Int32 {
        guard origin == SEEK_SET, offset >= 0, offset <= body.count else { return CURL_SEEKFUNC_CANTSEEK }
        readOffset = offset
        return CURL_SEEKFUNC_OK
    }

    fileprivate func header(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var end = line.count
        while end > 0, line[end - 1] == UInt8(ascii: "\n") || line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: line[0..<end]), as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            // A new status line: a 100 Continue is over, or this is the final response.
            let parts = text.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = HTTPHeaders()
            return true
        }
        guard let colon = text.firstIndex(of: ":") else { return true }
        let name = String(text[..<colon])
        let value = text[text.index(after: colon)...].trimmingSpaces
        headers.add(name, value)
        if isSuccess, case .memory(let limit) = sink, name.lowercased() == "content-length",
            let length = Int(value), length > limit
        {
            failure = AWSError(.invalidArgument, "the response body of \(length) bytes exceeds the in-memory limit of \(limit) bytes; stream it to a file instead")
            return false
        }
        return true
    }

    fileprivate func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard isSuccess else {
            let room = max(0, Self.errorBodyLimit - responseBody.count)
            responseBody.append(contentsOf: bytes.prefix(room))
            received += Int64(bytes.count)
            return true
        }
        switch sink {
        case .memory(let limit):
            guard responseBody.count + bytes.count <= limit else {
                failure = AWSError(.invalidArgument, "the response body exceeds the in-memory limit of \(limit) bytes; stream it to a file instead")
                return false
            }
            responseBody.append(contentsOf: bytes)
        case .file(let descriptor, let offset):
            var written = 0
            while written < bytes.count {
                guard let base = bytes.baseAddress else { break }
                let result = pwrite(descriptor, base + written, bytes.count - written, off_t(offset + received) + off_t(written))
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else {
                    failure = AWSError(.io, "writing the response body to the file failed (\(String(cString: strerror(errno))))")
                    return false
                }
                written += result
            }
        }
        received += Int64(bytes.count)
        return true
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}

// MARK: C entry points. Each recovers the transfer from `userdata` (an unretained reference the
// client keeps alive for the duration of curl_easy_perform).

let curlReadCallback: millrace_curl_data_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return Int(CURL_READFUNC_ABORT) }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.read(into: buffer, capacity: size * count)
}

let curlSeekCallback: millrace_curl_seek_callback = { userdata, offset, origin in
    guard let userdata else { return CURL_SEEKFUNC_FAIL }
    return Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue().seek(to: Int64(offset), origin: origin)
}

let curlHeaderCallback: millrace_curl_data_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let line = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: size * count)
    return transfer.header(line) ? size * count : 0
}

let curlWriteCallback: millrace_curl_data_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.write(UnsafeRawBufferPointer(start: buffer, count: size * count)) ? size * count : 0
}
