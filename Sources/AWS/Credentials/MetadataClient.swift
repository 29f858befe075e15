import Foundation
import Retry

/// The small HTTP client the credential providers share for metadata services and STS: short
/// timeouts (a missing metadata service must not stall start-up), a few quick retries, and
/// responses held in memory up to 1 MiB.
struct MetadataClient: Sendable {
    let http: HTTPClient
    let retry: RetryPolicy

    /// Timeouts: connect 1 s, total 5 s; 3 attempts 50 ms apart at most (jittered).
    static let `default` = MetadataClient(
        http: HTTPClient(configuration: HTTPClientConfiguration(
            connectTimeout: .seconds(1), requestTimeout: .seconds(5), stallTimeout: .seconds(5), maxIdleConnections: 2)),
        retry: RetryPolicy(maxAttempts: 3, backoff: FullJitterBackoff(initialDelay: .milliseconds(50), maxDelay: .milliseconds(500))))

    /// Sends a request and returns the response, retrying transient failures (connection errors,
    /// 5xx, throttling). A non-2xx final response is returned, not thrown.
    func send(
        _ method: String, _ endpoint: Endpoint, path: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        attempts: Int? = nil
    ) throws(AWSError) -> HTTPResponse {
        var allHeaders = headers
        allHeaders.set("Host", endpoint.hostHeader)
        let request = HTTPRequest(
            method: method, origin: endpoint.origin, pathAndQuery: endpoint.basePath + path, headers: allHeaders)
        var policy = retry
        if let attempts { policy.maxAttempts = attempts }
        return try body.withUnsafeBytes { buffer in
            Result { () throws(AWSError) in
                try policy.run(MetadataRetryLogic()) { (_: Int) throws(AWSError) -> HTTPResponse in
                    try http.perform(request, body: buffer.isEmpty ? .empty : .memory(buffer), sink: .memory(limit: 1 << 20))
                }
            }
        }.get()
    }

    /// Parses the JSON credential document ECS and IMDS return (`AccessKeyId`,
    /// `SecretAccessKey`, `Token`, `Expiration`). Errors name the missing field, never a value.
    static func parseCredentialDocument(_ body: [UInt8], source: String) throws(AWSError) -> AWSCredentials {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw AWSError(.credentialsUnavailable, "the \(source) credentials response is not a JSON object", isRetriable: true)
        }
        if let code = object["Code"] as? String, code != "Success" {
            throw AWSError(.credentialsUnavailable, "the \(source) credentials service answered Code=\(code)")
        }
        guard let id = object["AccessKeyId"] as? String, !id.isEmpty else {
            throw AWSError(.credentialsUnavailable, "the \(source) credentials response has no AccessKeyId")
        }
        guard let secret = object["SecretAccessKey"] as? String, !secret.isEmpty else {
            throw AWSError(.credentialsUnavailable, "the \(source) credentials response has no SecretAccessKey")
        }
        let expiration = (object["Expiration"] as? String).flatMap(UTCTime.parseISO8601)
        if object["Expiration"] != nil && expiration == nil {
            throw AWSError(.credentialsUnavailable, "the \(source) credentials response has an unreadable Expiration")
        }
        return AWSCredentials(
            accessKeyID: id, secretAccessKey: secret, sessionToken: object["Token"] as? String, expiration: expiration,
            source: source)
    }

    /// Reads a small token file (at most 64 KiB), trimmed of surrounding whitespace.
    static func readTokenFile(_ path: String, what: String) throws(AWSError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AWSError(.credentialsUnavailable, "cannot read the \(what) file \(path)")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 64 * 1024)) ?? Data()
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw AWSError(.credentialsUnavailable, "the \(what) file \(path) is empty") }
        return token
    }
}

/// Retries what the metadata services and STS document as transient.
private struct MetadataRetryLogic: RetryLogic {
    func isRetriable(_ error: AWSError) -> Bool { error.isRetriable }

    func shouldRetry(_ response: HTTPResponse) -> RetryAction {
        switch response.status {
        case 429, 500...599: .retry(reason: "HTTP \(response.status)")
        default: .successful
        }
    }
}
