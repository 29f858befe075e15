import AWS
import Foundation
import MillraceTesting
import Testing

/// One case of the AWS SigV4 test suite (awslabs/aws-c-auth, in `../shared/testdata/sigv4/`).
struct SigV4SuiteCase: Sendable, CustomTestStringConvertible {
    let name: String
    var testDescription: String { name }

    var folder: URL { SharedTestData.root.appendingPathComponent("sigv4/\(name)") }

    func text(_ file: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    }

    /// Every case folder in the suite (empty when the suite is absent).
    static var all: [SigV4SuiteCase] {
        let root = SharedTestData.root.appendingPathComponent("sigv4")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/request.txt").path) }
            .sorted().map(SigV4SuiteCase.init)
    }
}

/// `context.json` of a case.
struct SigV4SuiteContext: Decodable {
    struct Credentials: Decodable {
        var access_key_id: String
        var secret_access_key: String
        var token: String?
    }
    var credentials: Credentials
    var expiration_in_seconds: Int
    var normalize: Bool
    var region: String
    var service: String
    var sign_body: Bool
    var timestamp: String
    var omit_session_token: Bool?
}

/// Parses `request.txt`: request line, headers (folded continuation lines kept), blank line, body.
func parseSuiteRequest(_ text: String) throws -> (SignableRequest, [UInt8]) {
    var lines = text.components(separatedBy: "\n")
    let requestLine = lines.removeFirst().split(separator: " ")
    try #require(requestLine.count >= 3)
    let method = String(requestLine[0])
    // The path may contain spaces (get-space-*): everything between the method and the version.
    let target = requestLine[1..<(requestLine.count - 1)].joined(separator: " ")
    var fields: [(name: String, value: String)] = []
    var bodyStart: Int?
    for (index, line) in lines.enumerated() {
        if line.isEmpty {
            bodyStart = index + 1
            break
        }
        if line.first == " " || line.first == "\t", !fields.isEmpty {
            fields[fields.count - 1].value += "\n" + line  // a folded continuation line
            continue
        }
        let colon = try #require(line.firstIndex(of: ":"))
        fields.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
    }
    var headers = HTTPHeaders()
    for field in fields { headers.add(field.name, field.value) }
    let body = bodyStart.map { Array(lines[$0...].joined(separator: "\n").utf8) } ?? []
    let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    var query: [QueryParameter] = []
    if parts.count == 2 {
        for pair in parts[1].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            query.append(QueryParameter(
                kv[0].removingPercentEncoding ?? String(kv[0]),
                kv.count > 1 ? (kv[1].removingPercentEncoding ?? String(kv[1])) : ""))
        }
    }
    return (SignableRequest(method: method, path: String(parts[0]), query: query, headers: headers), body)
}

@Suite("SigV4: the AWS signing test suite")
struct SigV4SuiteTests {
    private func setUp(_ suiteCase: SigV4SuiteCase) throws
        -> (SigV4Signer, SignableRequest, String, AWSCredentials, Date, SigV4SuiteContext)
    {
        let context = try JSONDecoder().decode(SigV4SuiteContext.self, from: Data(try suiteCase.text("context.json").utf8))
        let (request, body) = try parseSuiteRequest(try suiteCase.text("request.txt"))
        let options = SigV4Options(
            normalizesPath: context.normalize, doubleEncodesPath: true,
            addsContentSHA256Header: context.sign_body, signsSessionToken: !(context.omit_session_token ?? false))
        let signer = SigV4Signer(service: context.service, region: context.region, options: options)
        let credentials = AWSCredentials(
            accessKeyID: context.credentials.access_key_id, secretAccessKey: context.credentials.secret_access_key,
            sessionToken: context.credentials.token)
        let date = try #require(ISO8601DateFormatter().date(from: context.timestamp))
        let hash = try body.withUnsafeBytes { try SigV4Signer.payloadHash($0) }
        return (signer, request, hash, credentials, date, context)
    }

    @Test("header signing: canonical request, string to sign, signature, Authorization",
          .enabled(if: SharedTestData.isAvailable, SharedTestData.absentMessage),
          arguments: SigV4SuiteCase.all)
    func headerSigning(_ suiteCase: SigV4SuiteCase) throws {
        var (signer, request, hash, credentials, date, _) = try setUp(suiteCase)
        let signature = try signer.sign(&request, payloadHash: hash, credentials: credentials, date: date)
        #expect(signature.canonicalRequest == (try suiteCase.text("header-canonical-request.txt")))
        #expect(signature.stringToSign == (try suiteCase.text("header-string-to-sign.txt")))
        #expect(signature.signature == (try suiteCase.text("header-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))
        let expectedAuthorization = try suiteCase.text("header-signed-request.txt")
            .components(separatedBy: "\n").first { $0.hasPrefix("Authorization:") }
        #expect("Authorization:" + (request.headers["Authorization"] ?? "") == expectedAuthorization)
    }

    @Test("query signing (presigned URL): canonical request, string to sign, signature",
          .enabled(if: SharedTestData.isAvailable, SharedTestData.absentMessage),
          arguments: SigV4SuiteCase.all)
    func querySigning(_ suiteCase: SigV4SuiteCase) throws {
        var (signer, request, hash, credentials, date, context) = try setUp(suiteCase)
        signer.options.addsContentSHA256Header = false
        let signature = try signer.presign(
            &request, payloadHash: hash, expires: context.expiration_in_seconds, credentials: credentials, date: date)
        #expect(signature.canonicalRequest == (try suiteCase.text("query-canonical-request.txt")))
        #expect(signature.stringToSign == (try suiteCase.text("query-string-to-sign.txt")))
        let expected = try suiteCase.text("query-signature.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(signature.signature == expected)
        #expect(request.query.last == QueryParameter("X-Amz-Signature", expected))
    }

    @Test("the suite is all there: 38 cases", .enabled(if: SharedTestData.isAvailable, SharedTestData.absentMessage))
    func suiteIsComplete() {
        #expect(SigV4SuiteCase.all.count == 38)
    }
}
