import Foundation
import Kafka
import Logging
import MillraceTesting
@testable import Runtime
import Testing

/// The worker's MSK IAM wiring: with OAUTHBEARER asked for, the consumer gets a token provider
/// whose tokens are presigned `kafka-cluster:Connect` URLs (the token itself is checked against
/// aws-msk-iam-sasl-signer-python in AWSTests; the mock cluster has no SASL to log in to).
@Suite("MSK IAM authentication")
struct MSKIAMAuthenticationTests {
    private let environment = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"]

    private func assembly(properties: [String: String], region: String) throws -> (WorkerAssembly, TemporaryDirectory) {
        let folder = try TemporaryDirectory()
        var configuration = WorkerConfiguration()
        configuration.schemas.dir = PackagePaths.schemas.path
        configuration.kafka.properties = properties
        configuration.kafka.iamRegion = region
        var options = WorkerOptions()
        options.dryRun = true
        options.outputDirectory = folder.url.path
        options.environment = environment
        let telemetry = Telemetry(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        return (try WorkerAssembly(configuration: configuration, options: options, telemetry: telemetry), folder)
    }

    @Test("OAUTHBEARER gets a signed kafka-cluster:Connect token for the cluster's region, valid 15 minutes, secret-free")
    func tokenProvider() throws {
        let (assembly, folder) = try assembly(
            properties: ["security.protocol": "SASL_SSL", "sasl.mechanisms": "OAUTHBEARER"], region: "eu-central-1")
        defer { folder.remove() }
        let provider = try #require(try assembly.consumerConfiguration().connection.oauthBearerTokenProvider)
        let token = try provider(nil)
        var base64 = token.value.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let url = String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
        #expect(url.hasPrefix("https://kafka.eu-central-1.amazonaws.com/?Action=kafka-cluster%3AConnect"))
        #expect(url.contains("X-Amz-Credential=AKIDEXAMPLE%2F"))
        #expect(url.contains("X-Amz-Expires=900"))
        #expect(!url.contains(environment["AWS_SECRET_ACCESS_KEY"] ?? "?"))
        let lifetime = Double(token.expiresAtMs) / 1000 - Date().timeIntervalSince1970
        #expect(lifetime > 880 && lifetime <= 900)
    }

    @Test("no provider without OAUTHBEARER, and a clear error when no region is known")
    func notRequested() throws {
        let (plain, folder) = try assembly(properties: ["security.protocol": "SSL"], region: "")
        defer { folder.remove() }
        #expect(try plain.consumerConfiguration().connection.oauthBearerTokenProvider == nil)
        let (regionless, other) = try assembly(properties: ["sasl.mechanisms": "OAUTHBEARER"], region: "")
        defer { other.remove() }
        let error = #expect(throws: RuntimeError.self) { try regionless.consumerConfiguration() }
        #expect(error?.message.contains("kafka.iam_region") == true)
    }
}
