@testable import AWS
import Foundation
import MillraceTesting
import Testing

@Suite("S3 authentication failures against moto")
struct S3AuthenticationTests {
    @Test("a wrong secret surfaces at once as a clear, non-retried authentication error")
    func wrongSecret() throws {
        let servers = try TestServers.require()
        let good = try S3TestSupport.client(servers)
        let bucket = try S3TestSupport.bucket(good, "auth")
        let recorder = EventRecorder()
        let wrong = AWSCredentials(accessKeyID: servers.accessKeyID, secretAccessKey: servers.secretAccessKey + "x")
        let client = try S3TestSupport.client(servers, recorder: recorder, credentials: wrong)
        let error = #expect(throws: AWSError.self) { try client.putObject(bucket: bucket, key: "k", bytes: [1, 2, 3]) }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.isRetriable == false)
        #expect(error?.serviceCode == "SignatureDoesNotMatch")
        #expect(error?.httpStatus == 403)
        #expect(error?.message.contains("secret access key") == true)
        #expect(error?.message.contains(servers.accessKeyID) == true)
        #expect(recorder.retries.isEmpty)
        #expect(recorder.completed.map(\.attempts) == [1])
        let text = error.map { "\($0)" } ?? ""
        #expect(!text.contains(servers.secretAccessKey))
        #expect(!text.contains("<StringToSign>") && !text.contains("CanonicalRequest"))
        #expect(try good.listAllObjects(bucket: bucket).isEmpty)
    }

    @Test("an unknown access key id is an authentication error too")
    func unknownAccessKey() throws {
        let servers = try TestServers.require()
        let good = try S3TestSupport.client(servers)
        let bucket = try S3TestSupport.bucket(good, "auth2")
        let client = try S3TestSupport.client(
            servers, credentials: AWSCredentials(accessKeyID: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "whatever"))
        let error = #expect(throws: AWSError.self) { try client.getObject(bucket: bucket, key: "k") }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.serviceCode == "InvalidAccessKeyId")
        #expect(error?.isRetriable == false)
    }

    @Test("temporary credentials with a session token (moto STS AssumeRole) sign accepted requests")
    func sessionToken() async throws {
        let servers = try TestServers.require()
        let temporary = try await S3TestSupport.assumedRoleCredentials(servers)
        #expect(temporary.sessionToken != nil)
        let client = try S3TestSupport.client(servers, credentials: temporary)
        let bucket = try S3TestSupport.bucket(client, "sts")
        _ = try await client.putObject(bucket: bucket, key: "with token", bytes: [7])
        await #expect(try client.getObject(bucket: bucket, key: "with token").bytes == [7])
    }
}
