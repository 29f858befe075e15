/// One query parameter, decoded (not percent-encoded).
public struct QueryParameter: Sendable, Equatable {
    /// The name, decoded.
    public var name: String
    /// The value, decoded; empty for a bare key (written `key=` when signed).
    public var value: String

    /// A parameter from decoded parts.
    public init(_ name: String, _ value: String = "") {
        self.name = name
        self.value = value
    }
}

/// An HTTP request as SigV4 sees it: method, path, query, headers. The body enters signing only
/// through its hash, which the caller supplies, so bodies can be streamed from files.
public struct SignableRequest: Sendable, Equatable {
    /// The method, e.g. `GET`, `PUT`.
    public var method: String
    /// The path exactly as it goes on the wire. For S3 it is already percent-encoded
    /// (`S3Addressing` does that); other services' signers encode it once more
    /// (`SigV4Options.doubleEncodesPath`).
    public var path: String
    /// The query parameters, decoded, in wire order.
    public var query: [QueryParameter]
    /// The headers; must include `Host`.
    public var headers: HTTPHeaders

    /// A request from its parts.
    public init(method: String, path: String, query: [QueryParameter] = [], headers: HTTPHeaders = HTTPHeaders()) {
        self.method = method
        self.path = path.isEmpty ? "/" : path
        self.query = query
        self.headers = headers
    }

    /// The query string to send: every parameter percent-encoded as SigV4 encodes it, in list
    /// order, joined with `&`; empty when there are no parameters.
    public var encodedQuery: String {
        query.map { URIEncoding.encode($0.name) + "=" + URIEncoding.encode($0.value) }.joined(separator: "&")
    }

    /// `path` followed by `?encodedQuery` when there is a query.
    public var pathAndQuery: String {
        query.isEmpty ? path : path + "?" + encodedQuery
    }
}
