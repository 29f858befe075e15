import CCurl

/// One libcurl easy handle and its error buffer. A handle keeps its connection open between
/// requests, so the client pools handles to reuse connections. A handle is used by one thread
/// at a time (the pool hands it out exclusively).
final class CurlEasyHandle: @unchecked Sendable {
    /// libcurl's `CURL *`.
    let raw: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER storage (CURL_ERROR_SIZE bytes), owned by the handle.
    let errorBuffer: UnsafeMutablePointer<CChar>

    /// A new handle, or nil when libcurl cannot allocate one.
    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Clears every option for the next request; open connections and caches survive.
    func reset() {
        curl_easy_reset(raw)
        errorBuffer[0] = 0
    }

    /// libcurl's message for the last failure, or empty.
    var errorMessage: String { String(cString: errorBuffer) }

    func set(_ option: CURLoption, _ value: Int) {
        _ = millrace_curl_setopt_long(raw, option, value)
    }

    func set(_ option: CURLoption, _ value: Int64) {
        _ = millrace_curl_setopt_off(raw, option, curl_off_t(value))
    }

    /// libcurl copies string options (since 7.17), so the Swift string need not outlive the call.
    func set(_ option: CURLoption, _ value: String) {
        _ = millrace_curl_setopt_string(raw, option, value)
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) {
        _ = millrace_curl_setopt_pointer(raw, option, pointer)
    }

    func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?) {
        _ = millrace_curl_setopt_slist(raw, option, list)
    }

    func set(_ option: CURLoption, callback: millrace_curl_data_callback) {
        _ = millrace_curl_setopt_data_callback(raw, option, callback)
    }

    func setSeekCallback(_ callback: millrace_curl_seek_callback) {
        _ = millrace_curl_setopt_seek_callback(raw, callback)
    }
}
