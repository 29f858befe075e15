import CCurl
import Synchronization

/// A blocking HTTP/1.1 client over libcurl easy handles, pooled so connections are reused.
///
/// `perform` blocks the calling thread for the whole transfer: call it only from dedicated
/// threads (the S3 client's worker pool, the engine's pipeline thread), never from Swift's
/// cooperative pool. It does not retry; `AWSRetryLogic` around it decides that.
final class HTTPClient: Sendable {
    let configuration: HTTPClientConfiguration
    private let idle = Mutex<[CurlEasyHandle]>([])

    /// libcurl's global state is set up once per process, before the first handle; the call is
    /// not thread-safe, and a Swift `static let` initialiser runs exactly once.
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    init(configuration: HTTPClientConfiguration) {
        self.configuration = configuration
        _ = Self.globalInit
    }

    /// Sends `request` with `body`, delivering a 2xx body to `sink`, and returns the response
    /// whatever its status. Throws only when no complete response arrived.
    func perform(_ request: HTTPRequest, body: RequestBody = .empty, sink: ResponseSink = .memory(limit: 16 << 20))
        throws(AWSError) -> HTTPResponse
    {
        guard let handle = takeHandle() else {
            throw AWSError(.connectionFailed, "libcurl could not allocate a handle for \(request.summary)", isRetriable: false)
        }
        let transfer = CurlTransfer(body: body, sink: sink)
        var list: UnsafeMutablePointer<curl_slist>?
        defer {
            curl_slist_free_all(list)
            giveBack(handle)
        }
        configure(handle, request: request, body: body)
        for field in request.headers {
            list = curl_slist_append(list, "\(field.name): \(field.value)")
        }
        // No `Expect: 100-continue` round trip; a curl-added Content-Type on POST would be unsigned
        // and S3 would store it as the object's type, so suppress it unless the caller set one.
        list = curl_slist_append(list, "Expect:")
        if request.method == "POST" && !request.headers.contains("Content-Type") {
            list = curl_slist_append(list, "Content-Type:")
        }
        handle.set(CURLOPT_HTTPHEADER, list: list)
        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        handle.set(CURLOPT_HEADERFUNCTION, callback: curlHeaderCallback)
        handle.set(CURLOPT_HEADERDATA, pointer: userdata)
        handle.set(CURLOPT_WRITEFUNCTION, callback: curlWriteCallback)
        handle.set(CURLOPT_WRITEDATA, pointer: userdata)
        handle.set(CURLOPT_READFUNCTION, callback: curlReadCallback)
        handle.set(CURLOPT_READDATA, pointer: userdata)
        handle.setSeekCallback(curlSeekCallback)
        handle.set(CURLOPT_SEEKDATA, pointer: userdata)
        let code = withExtendedLifetime(transfer) { curl_easy_perform(handle.raw) }
        guard code == CURLE_OK else {
            throw transfer.failure ?? CurlErrors.error(code, detail: handle.errorMessage, request: request)
        }
        return transfer.response
    }

    private func configure(_ handle: CurlEasyHandle, request: HTTPRequest, body: RequestBody) {
        handle.set(CURLOPT_NOSIGNAL, 1)
        handle.set(CURLOPT_URL, request.url)
        // S3 keys may contain `./` and `../` segments; libcurl must not squash them (RFC 3986
        // §5.2.4 dot-segment removal), or the path sent would differ from the path signed.
        handle.set(CURLOPT_PATH_AS_IS, 1)
        handle.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(handle.errorBuffer))
        handle.set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.wholeMilliseconds)
        handle.set(CURLOPT_TIMEOUT_MS, configuration.requestTimeout?.wholeMilliseconds ?? 0)
        handle.set(CURLOPT_LOW_SPEED_LIMIT, max(1, configuration.stallBytesPerSecond))
        handle.set(CURLOPT_LOW_SPEED_TIME, max(1, (configuration.stallTimeout.wholeMilliseconds + 999) / 1000))
        handle.set(CURLOPT_SSL_VERIFYPEER, configuration.verifiesTLS ? 1 : 0)
        handle.set(CURLOPT_SSL_VERIFYHOST, configuration.verifiesTLS ? 2 : 0)
        if let caBundle = configuration.caBundlePath { handle.set(CURLOPT_CAINFO, caBundle) }
        handle.set(CURLOPT_USERAGENT, configuration.userAgent)
        handle.set(CURLOPT_TCP_KEEPALIVE, 1)
        handle.set(CURLOPT_FOLLOWLOCATION, 0)
        switch request.method {
        case "GET":
            handle.set(CURLOPT_HTTPGET, 1)
        case "HEAD":
            handle.set(CURLOPT_NOBODY, 1)
        case "PUT":
            handle.set(CURLOPT_UPLOAD, 1)
            handle.set(CURLOPT_INFILESIZE_LARGE, body.count)
        case "POST":
            handle.set(CURLOPT_POST, 1)
            handle.set(CURLOPT_POSTFIELDSIZE_LARGE, body.count)
        default:
            handle.set(CURLOPT_CUSTOMREQUEST, request.method)
            if body.count > 0 {
                handle.set(CURLOPT_UPLOAD, 1)
                handle.set(CURLOPT_INFILESIZE_LARGE, body.count)
            }
        }
    }

    private func takeHandle() -> CurlEasyHandle? {
        if let handle = idle.withLock({ $0.popLast() }) {
            handle.reset()
            return handle
        }
        return CurlEasyHandle()
    }

    private func giveBack(_ handle: CurlEasyHandle) {
        idle.withLock { handles in
            if handles.count < configuration.maxIdleConnections { handles.append(handle) }
        }
    }
}
