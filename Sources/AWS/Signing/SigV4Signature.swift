/// What signing produced, kept for tests and diagnostics.
///
/// The canonical request contains the session token when there is one, so `description` shows
/// only the scope and the signed header names.
public struct SigV4Signature: Sendable, CustomStringConvertible {
    /// The canonical request (step 1 of the signing process).
    public var canonicalRequest: String
    /// The string to sign (step 2).
    public var stringToSign: String
    /// The signature, lowercase hex (step 4).
    public var signature: String
    /// The signed header names, lowercase, `;`-separated.
    public var signedHeaders: String
    /// `YYYYMMDD/region/service/aws4_request`.
    public var credentialScope: String

    /// `SigV4Signature(scope: …, signedHeaders: …)`.
    public var description: String {
        "SigV4Signature(scope: \(credentialScope), signedHeaders: \(signedHeaders))"
    }
}
