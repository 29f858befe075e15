public import Foundation

/// Signs requests with AWS Signature Version 4, in the `Authorization` header or in the query
/// string (presigned URLs), for any service: S3, STS, the Redshift Data API, the MSK IAM token.
///
/// The signer is a pure value: the clock and credentials are arguments, so every signature is
/// reproducible in tests (the AWS signing suite and botocore fixtures check it byte for byte).
public struct SigV4Signer: Sendable {
    /// `AWS4-HMAC-SHA256`.
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash S3 accepts for a body that is not hashed (`UNSIGNED-PAYLOAD`).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The SHA-256 of the empty string, lowercase hex.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The signing name of the service (`s3`, `sts`, `redshift-data`, `kafka-cluster`).
    public var service: String
    /// The region the request is for, e.g. `eu-west-1`.
    public var region: String
    /// The per-service rules. Default: `.standard`, or `.s3` when `service` is `s3`.
    public var options: SigV4Options

    /// A signer for `service` in `region`.
    public init(service: String, region: String, options: SigV4Options? = nil) {
        self.service = service
        self.region = region
        self.options = options ?? (service == "s3" ? .s3 : .standard)
    }

    /// The lowercase hex SHA-256 of `body`, for `payloadHash`.
    public static func payloadHash(_ body: UnsafeRawBufferPointer) throws(AWSError) -> String {
        Hex.encode(try Digest.sha256(body))
    }

    /// Signs `request` in place with an `Authorization` header, adding `X-Amz-Date`,
    /// `X-Amz-Security-Token` (temporary credentials) and, for S3, `x-amz-content-sha256`.
    /// `payloadHash` is the hex SHA-256 of the body, or `unsignedPayload`; `date` is UTC.
    @discardableResult
    public func sign(
        _ request: inout SignableRequest, payloadHash: String, credentials: AWSCredentials, date: Date
    ) throws(AWSError) -> SigV4Signature {
        try requireHost(request)
        let scope = credentialScope(date)
        request.headers.set("X-Amz-Date", UTCTime.amzDate(date))
        if options.addsContentSHA256Header { request.headers.set("x-amz-content-sha256", payloadHash) }
        if options.signsSessionToken, let token = credentials.sessionToken {
            request.headers.set("X-Amz-Security-Token", token)
        }
        let signature = try compute(request, payloadHash: payloadHash, credentials: credentials, date: date, scope: scope)
        request.headers.set(
            "Authorization",
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signature.signedHeaders), Signature=\(signature.signature)"
        )
        if !options.signsSessionToken, let token = credentials.sessionToken {
            request.headers.set("X-Amz-Security-Token", token)
        }
        return signature
    }

    /// Presigns `request` in place: appends the `X-Amz-*` query parameters (in botocore's order,
    /// then `X-Amz-Signature`), signing every header present. `expires` is in seconds (1…604800).
    @discardableResult
    public func presign(
        _ request: inout SignableRequest, payloadHash: String, expires: Int, credentials: AWSCredentials, date: Date
    ) throws(AWSError) -> SigV4Signature {
        try requireHost(request)
        guard (1...604_800).contains(expires) else {
            throw AWSError(.invalidArgument, "a presigned URL must expire within 1 s to 7 days, not \(expires) s")
        }
        let scope = credentialScope(date)
        let (_, signedHeaders) = CanonicalRequest.headers(request.headers)
        request.query.append(QueryParameter("X-Amz-Algorithm", Self.algorithm))
        request.query.append(QueryParameter("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"))
        request.query.append(QueryParameter("X-Amz-Date", UTCTime.amzDate(date)))
        request.query.append(QueryParameter("X-Amz-Expires", String(expires)))
        request.query.append(QueryParameter("X-Amz-SignedHeaders", signedHeaders))
        if options.signsSessionToken, let token = credentials.sessionToken {
            request.query.append(QueryParameter("X-Amz-Security-Token", token))
        }
        let signature = try compute(request, payloadHash: payloadHash, credentials: credentials, date: date, scope: scope)
        if !options.signsSessionToken, let token = credentials.sessionToken {
            request.query.append(QueryParameter("X-Amz-Security-Token", token))
        }
        request.query.append(QueryParameter("X-Amz-Signature", signature.signature))
        return signature
    }

    /// `YYYYMMDD/region/service/aws4_request` for `date` (UTC).
    public func credentialScope(_ date: Date) -> String {
        "\(UTCTime.scopeDate(date))/\(region)/\(service)/aws4_request"
    }

    private func requireHost(_ request: SignableRequest) throws(AWSError) {
        guard request.headers.contains("host") else {
            throw AWSError(.invalidArgument, "a request to sign needs a Host header")
        }
    }

    private func compute(
        _ request: SignableRequest, payloadHash: String, credentials: AWSCredentials, date: Date, scope: String
    ) throws(AWSError) -> SigV4Signature {
        let (headerBlock, signedHeaders) = CanonicalRequest.headers(request.headers)
        let canonical = [
            request.method,
            CanonicalRequest.path(request.path, options: options),
            CanonicalRequest.query(request.query),
            headerBlock,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let stringToSign = [Self.algorithm, UTCTime.amzDate(date), scope, Hex.encode(try Digest.sha256(canonical))]
            .joined(separator: "\n")
        let key = try signingKey(secret: credentials.secretAccessKey, scopeDate: UTCTime.scopeDate(date))
        let signature = Hex.encode(try Digest.hmacSHA256(key: key, message: Array(stringToSign.utf8)))
        return SigV4Signature(
            canonicalRequest: canonical, stringToSign: stringToSign, signature: signature,
            signedHeaders: signedHeaders, credentialScope: scope
        )
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    private func signingKey(secret: String, scopeDate: String) throws(AWSError) -> [UInt8] {
        var key = try Digest.hmacSHA256(key: Array(("AWS4" + secret).utf8), message: Array(scopeDate.utf8))
        for part in [region, service, "aws4_request"] {
            key = try Digest.hmacSHA256(key: key, message: Array(part.utf8))
        }
        return key
    }
}
