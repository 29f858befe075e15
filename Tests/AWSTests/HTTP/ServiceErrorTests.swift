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
        let throttled = AWSError(.throttled, "slow down", httpStatus: 503)
        let auth = AWSError(.authenticationFailed, "bad signature", httpStatus: 403)
        #expect(AWSRetryLogic<Int>(isIdempotent: true).isRetriable(reset))
        #expect(!AWSRetryLogic<Int>(isIdempotent: false).isRetriable(reset))
        #expect(AWSRetryLogic<Int>(isIdempotent: false).isRetriable(throttled))
        #expect(!AWSRetryLogic<Int>(isIdempotent: true).isRetriable(auth))
    }
}
