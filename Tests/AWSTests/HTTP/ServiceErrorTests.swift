@testable import AWS
import Retry
import Testing

@Suite("Service errors: classification and the retry rule")
struct ServiceErrorTests {
    static func response(_ status: Int, _ body: String, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Array(body.utf8), bodyBytes: Int64(body.utf8.count), bytesSent: 0)
    }

    @Test("S3 and STS error bodies map to codes; retriability follows the code", arguments: [
        (503, "<Error><Code>SlowDown</Code><Message>Reduce</Message></Error>", AWSError.Code.throttled, true),
        (500, "<Error><Code>InternalError</Code></Error>", .serverError, true),
        (403, "<Error><Code>SignatureDoesNotMatch</Code><StringToSign>AWS4…token…</StringToSign></Error>", .authenticationFailed, false),
        (403, "<Error><Code>AccessDenied</Code></Error>", .accessDenied, false),
        (400, "<Error><Code>ExpiredToken</Code></Error>", .credentialsExpired, true),
        (400, "<Error><Code>BadDigest</Code></Error>", .badDigest, true),
        (400, "<Error><Code>RequestTimeout</Code></Error>", .timeout, true),
        (404, "<Error><Code>NoSuchUpload</Code></Error>", .notFound, false),
        (412, "<Error><Code>PreconditionFailed</Code></Error>", .preconditionFailed, false),
        (409, "<Error><Code>ConditionalRequestConflict</Code></Error>", .conflict, true),
        (409, "<Error><Code>OperationAborted</Code></Error>", .conflict, true),
        (409, "<Error><Code>BucketAlreadyExists</Code></Error>", .requestFailed, false),
        (409, "", .requestFailed, false),
        (400, "<Error><Code>XAmzContentSHA256Mismatch</Code></Error>", .badDigest, true),
        (400, "<Error><Code>InvalidDigest</Code></Error>", .requestFailed, false),
        (400, "<Error><Code>RequestTimeTooSkewed</Code></Error>", .authenticationFailed, false),
        (400, "<ErrorResponse><Error><Code>Throttling</Code></Error><RequestId>r</RequestId></ErrorResponse>", .throttled, true),
        (502, "", .serverError, true),
        (503, "", .throttled, true),
        (429, "", .throttled, true),
        (404, "", .notFound, false),
        (400, "<Error><Code>InvalidArgument</Code></Error>", .requestFailed, false),
        (301, "<Error><Code>PermanentRedirect</Code></Error>", .invalidConfiguration, false),
        (200, "not xml at all", .requestFailed, false),
    ])
    func classification(status: Int, body: String, code: AWSError.Code, retriable: Bool) {
        let error = ServiceErrors.error(Self.response(status, body), operation: "Op s3://b/k")
        #expect(error.code == code)
        #expect(error.isRetriable == retriable)
        #expect(error.httpStatus == status)
        #expect(!error.description.contains("StringToSign") && !error.description.contains("token"))
    }

    @Test("the bucket's region from x-amz-bucket-region is named on a redirect")
    func redirectNamesRegion() {
        var headers = HTTPHeaders()
        headers.set("x-amz-bucket-region", "eu-central-1")
        let error = ServiceErrors.error(Self.response(301, "", headers: headers), operation: "GetObject s3://b/k")
        #expect(error.message.contains("eu-central-1"))
    }

    @Test("only idempotent requests are retried after failures that may have reached the server")
    func idempotency() {
        let reset = AWSError(.connectionFailed, "reset")
        let timeout = AWSError(.timeout, "timed out")
        let serverError = AWSError(.serverError, "internal error", httpStatus: 500)
        let throttled = AWSError(.throttled, "slow down", httpStatus: 503)
        let tooMany = AWSError(.throttled, "too many requests", httpStatus: 429)
        let requestTimeout = AWSError(.timeout, "RequestTimeout", httpStatus: 400)
        let auth = AWSError(.authenticationFailed, "bad signature", httpStatus: 403)
        let idempotent = AWSRetryLogic<Int>(isIdempotent: true)
        let once = AWSRetryLogic<Int>(isIdempotent: false)
        for error in [reset, timeout, serverError, throttled, tooMany, requestTimeout] { #expect(idempotent.isRetriable(error)) }
        // The outcome of a reset, a timeout or a 5xx is unknown: a non-idempotent request is not sent again.
        for error in [reset, timeout, serverError] { #expect(!once.isRetriable(error)) }
        // A throttle or a transient 4xx proves S3 refused the request without acting on it.
        for error in [throttled, tooMany, requestTimeout] { #expect(once.isRetriable(error)) }
        #expect(!idempotent.isRetriable(auth))
        #expect(!once.isRetriable(auth))
    }
}
