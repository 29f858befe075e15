public import Foundation

/// An access key, its secret and, for temporary credentials, a session token and expiry.
///
/// `description` and `debugDescription` show the access key id and expiry only: the secret and
/// the token are never printed, logged or put in an error.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The access key id (`AKIA…` or `ASIA…`); not a secret.
    public var accessKeyID: String
    /// The secret access key. Never print it.
    public var secretAccessKey: String
    /// The session token of temporary credentials, or nil. Never print it.
    public var sessionToken: String?
    /// When temporary credentials stop working (UTC), or nil for long-term keys.
    public var expiration: Date?
    /// The provider that produced them (`environment`, `profile`, `web-identity`, `ecs`,
    /// `imds`, `static`), for logs and events.
    public var source: String

    /// Credentials from their parts.
    public init(
        accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil,
        source: String = "static"
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken?.isEmpty == true ? nil : sessionToken
        self.expiration = expiration
        self.source = source
    }

    /// `AWSCredentials(accessKeyID: AKID, secret: <redacted>, …)`.
    public var description: String {
        var text = "AWSCredentials(source: \(source), accessKeyID: \(accessKeyID), secretAccessKey: <redacted>"
        if sessionToken != nil { text += ", sessionToken: <redacted>" }
        if let expiration { text += ", expiration: \(expiration.timeIntervalSince1970)s since 1970 UTC" }
        return text + ")"
    }

    /// The same as `description`, so `debugPrint` stays free of secrets too.
    public var debugDescription: String { description }

    /// What `dump` and other reflection see: the secret and token are redacted.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "accessKeyID": accessKeyID, "secretAccessKey": "<redacted>",
            "sessionToken": sessionToken == nil ? "nil" : "<redacted>",
            "expiration": expiration as Any, "source": source,
        ])
    }

    /// True when the credentials expire within `margin` of `now`.
    public func expires(within margin: Duration, of now: Date) -> Bool {
        guard let expiration else { return false }
        let (seconds, attoseconds) = margin.components
        return expiration.timeIntervalSince(now) <= Double(seconds) + Double(attoseconds) / 1e18
    }
}
