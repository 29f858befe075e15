import CCurl

/// Maps libcurl's result codes to `AWSError`s: which failures are worth retrying, and a message
/// that names the request (method and path, never the query, which may carry a signature).
enum CurlErrors {
    static func error(_ code: CURLcode, detail: String, request: HTTPRequest) -> AWSError {
        let what = "\(request.summary) to \(request.origin)"
        let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return AWSError(.timeout, "\(what) timed out: \(reason)")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
            CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_SSL_CONNECT_ERROR,
            CURLE_SEND_FAIL_REWIND, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return AWSError(.connectionFailed, "\(what) failed: \(reason)")
        case CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING:
            return AWSError(.malformedResponse, "\(what) got a truncated or malformed response: \(reason)")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return AWSError(.tlsFailure, "\(what) failed TLS verification: \(reason)")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return AWSError(.invalidConfiguration, "\(what) has an unusable URL: \(reason)")
        default:
            return AWSError(.connectionFailed, "\(what) failed (curl code \(code.rawValue)): \(reason)", isRetriable: false)
        }
    }
}
