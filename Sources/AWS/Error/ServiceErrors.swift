import Foundation

/// Turns an AWS error response (S3's `<Error>` or the query services' `<ErrorResponse><Error>`)
/// into an `AWSError`. Only the `Code`, `Message` and request id are read: S3 echoes the
/// canonical request (session token included) in `SignatureDoesNotMatch` bodies, so the rest
/// of the body is never copied into the error.
enum ServiceErrors {
    /// The error for a non-2xx `response` to `operation` (`PutObject s3://bucket/key`).
    static func error(_ response: HTTPResponse, operation: String, accessKeyID: String? = nil) -> AWSError {
        let root = XMLElement.parse(response.body)
        // S3's <Error>, the query services' <ErrorResponse><Error>, and <ErrorResponse><Errors><Error>.
        let element = root.flatMap { $0.name == "Error" ? $0 : $0.child("Error") ?? $0.child("Errors")?.child("Error") }
        let serviceCode = element?.text(of: "Code").flatMap { $0.isEmpty ? nil : $0 }
        let serviceMessage = element?.text(of: "Message").flatMap { $0.isEmpty ? nil : $0 }
        let requestID = element?.text(of: "RequestId") ?? root?.text(of: "RequestId")
            ?? response.headers["x-amz-request-id"]
        let status = response.status
        let (code, advice) = classify(status: status, serviceCode: serviceCode, response: response, accessKeyID: accessKeyID)
        var message = "\(operation) failed"
        if let serviceMessage { message += ": \(serviceMessage)" }
        if let advice { message += " (\(advice))" }
        if response.body.isEmpty && serviceCode == nil {
            message += "; the response had no error body"
        }
        return AWSError(code, message, httpStatus: status, serviceCode: serviceCode ?? (status == 503 ? "SlowDown" : nil), requestID: requestID)
    }

    /// The error for a non-2xx `response` of a JSON-protocol service (`awsJson1_1`, the Redshift
    /// Data API): `{"__type": "…#Code", "message": "…"}`. Only the type and message are read.
    static func jsonError(_ response: HTTPResponse, operation: String, accessKeyID: String? = nil) -> AWSError {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] else {
            // A front end (or an emulator) may answer in XML whatever the protocol.
            return error(response, operation: operation, accessKeyID: accessKeyID)
        }
        let type = (object["__type"] as? String).map { String($0.split(separator: "#").last ?? Substring($0)) }
            ?? response.headers["x-amzn-ErrorType"].map { String($0.split(separator: ":").first ?? "") }
        let serviceMessage = (object["message"] as? String) ?? (object["Message"] as? String)
        let serviceCode = type.flatMap { $0.isEmpty ? nil : $0 }
        var (code, advice) = classify(status: response.status, serviceCode: serviceCode, response: response, accessKeyID: accessKeyID)
        if serviceCode == "ActiveStatementsExceededException" {
            (code, advice) = (.throttled, "too many statements are running; retried after a pause")
        }
        var message = "\(operation) failed"
        if let serviceMessage { message += ": \(serviceMessage)" }
        if let advice { message += " (\(advice))" }
        return AWSError(code, message, httpStatus: response.status, serviceCode: serviceCode,
            requestID: response.headers["x-amzn-RequestId"])
    }

    private static func classify(status: Int, serviceCode: String?, response: HTTPResponse, accessKeyID: String?)
        -> (AWSError.Code, String?)
    {
        let key = accessKeyID.map { " \($0)" } ?? ""
        switch serviceCode {
        case "SignatureDoesNotMatch", "InvalidSignatureException":
            return (.authenticationFailed, "the signature was rejected: the secret access key for access key\(key) is wrong, or the request was altered on the way; not retried")
        case "InvalidAccessKeyId", "InvalidClientTokenId", "UnrecognizedClientException":
            return (.authenticationFailed, "the access key\(key) is unknown to the service; not retried")
        case "InvalidToken", "InvalidIdentityToken", "IncompleteSignature", "MissingAuthenticationToken",
            "MissingSecurityHeader", "InvalidSecurity":
            return (.authenticationFailed, "the request's credentials or token are invalid; not retried")
        case "RequestTimeTooSkewed", "SignatureExpired":
            return (.authenticationFailed, "this machine's clock is too far from the service's; fix the clock (NTP)")
        case "AuthorizationHeaderMalformed", "PermanentRedirect", "IllegalLocationConstraintException":
            let region = response.headers["x-amz-bucket-region"].map { "; the bucket is in \($0)" } ?? ""
            return (.invalidConfiguration, "the request went to the wrong region or endpoint\(region)")
        case "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired":
            return (.credentialsExpired, "the temporary credentials expired; they are refreshed and the request retried once")
        case "AccessDenied", "AllAccessDisabled", "AccessDeniedException":
            return (.accessDenied, "the credentials are valid but not allowed to do this; check the IAM policy")
        case "NoSuchKey", "NoSuchBucket", "NoSuchUpload", "NotFound", "NoSuchVersion":
            return (.notFound, nil)
        case "PreconditionFailed":
            return (.preconditionFailed, nil)
        case "ConditionalRequestConflict", "OperationAborted":
            return (.conflict, nil)
        case "SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
            "RequestThrottled", "RequestThrottledException", "ProvisionedThroughputExceededException":
            return (.throttled, "the service asked us to slow down")
        case "BadDigest", "XAmzContentSHA256Mismatch":
            return (.badDigest, "the body was corrupted on the way; it is sent again")
        case "RequestTimeout":
            return (.timeout, "the service timed out waiting for the request body")
        case "InternalError", "InternalFailure", "ServiceUnavailable":
            return (status == 503 ? .throttled : .serverError, nil)
        default:
            switch status {
            case 301, 307:
                let region = response.headers["x-amz-bucket-region"].map { "; the bucket is in \($0)" } ?? ""
                return (.invalidConfiguration, "the service redirected the request\(region)")
            case 401: return (.authenticationFailed, "the request was not authenticated; not retried")
            case 403: return (.accessDenied, "HTTP 403: access denied, or a bad signature on a request whose response has no body")
            case 404: return (.notFound, nil)
            case 412: return (.preconditionFailed, nil)
            case 429: return (.throttled, "the service asked us to slow down")
            case 503: return (.throttled, "the service is unavailable or asked us to slow down")
            case 500...599: return (.serverError, nil)
            default: return (.requestFailed, nil)
            }
        }
    }
}
