@testable import AWS
import Foundation
import MillraceTesting
import Synchronization

/// Helpers for the credential-provider tests: files, a settable clock, form decoding.
enum CredentialTestSupport {
    /// Writes `text` to `name` in `directory` and returns the path.
    static func write(_ text: String, _ name: String, in directory: TemporaryDirectory) throws -> String {
        let url = directory.path(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// An environment that sees no real ~/.aws files and no metadata service.
    static func isolated(_ variables: [String: String], home: TemporaryDirectory) -> AWSEnvironment {
        var all = ["HOME": home.url.path, "AWS_EC2_METADATA_DISABLED": "true"]
        all.merge(variables) { $1 }
        return AWSEnvironment(variables: all)
    }

    /// Decodes an `application/x-www-form-urlencoded` body.
    static func form(_ body: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text) }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    /// The JSON document ECS and IMDS serve.
    static func credentialDocument(id: String, secret: String, token: String, expiration: String) -> String {
        """
        {"Code":"Success","LastUpdated":"2026-11-25T00:00:00Z","Type":"AWS-HMAC","AccessKeyId":"\(id)",
         "SecretAccessKey":"\(secret)","Token":"\(token)","Expiration":"\(expiration)"}
        """
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A provider that counts loads and returns (or throws) whatever the test scripts.
///
/// A test double by necessity: the caching tests must drive refresh and expiry timing (and slow,
/// failing or empty loads) on demand, which no credentials server lets a test control.
final class ScriptedProvider: CredentialsProvider {
    var name: String { "scripted" }
    private let state = Mutex<(loads: Int, next: Result<AWSCredentials?, AWSError>)>((0, .success(nil)))

    func set(_ next: Result<AWSCredentials?, AWSError>) { state.withLock { $0.next = next } }

    var loads: Int { state.withLock { $0.loads } }

    func load() throws(AWSError) -> AWSCredentials? {
        let next = state.withLock { state -> Result<AWSCredentials?, AWSError> in
            state.loads += 1
            return state.next
        }
        usleep(20_000)  // a slow metadata service, so concurrent callers overlap
        return try next.get()
    }
}
