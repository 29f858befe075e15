/// The per-service variations of SigV4.
///
/// Most services normalize the path and URI-encode it a second time; S3 does neither, and wants
/// the payload hash in an `x-amz-content-sha256` header (S3 API reference, "Authenticating
/// Requests (AWS Signature Version 4)"). `.standard` and `.s3` are the two presets.
public struct SigV4Options: Sendable, Hashable {
    /// Remove `.` and `..` segments and repeated slashes before signing. Default: true.
    public var normalizesPath: Bool
    /// URI-encode the (already encoded) wire path once more for the canonical request. Default: true.
    public var doubleEncodesPath: Bool
    /// Send the payload hash as a signed `x-amz-content-sha256` header. Default: false.
    public var addsContentSHA256Header: Bool
    /// Sign `X-Amz-Security-Token` (true), or add it after signing (false, as IoT expects).
    /// Default: true.
    public var signsSessionToken: Bool

    /// Options with every field spelled out.
    public init(
        normalizesPath: Bool = true,
        doubleEncodesPath: Bool = true,
        addsContentSHA256Header: Bool = false,
        signsSessionToken: Bool = true
    ) {
        self.normalizesPath = normalizesPath
        self.doubleEncodesPath = doubleEncodesPath
        self.addsContentSHA256Header = addsContentSHA256Header
        self.signsSessionToken = signsSessionToken
    }

    /// Every service but S3: normalized, double-encoded path.
    public static let standard = SigV4Options()

    /// S3: the path is signed as sent (no normalization, single encoding) and
    /// `x-amz-content-sha256` is always sent.
    public static let s3 = SigV4Options(normalizesPath: false, doubleEncodesPath: false, addsContentSHA256Header: true)
}
