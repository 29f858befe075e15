@testable import AWS
import Foundation
import Synchronization
import Testing

@Suite("Credentials: caching and refresh before expiry")
struct CachingProviderTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    static func temporary(_ id: String, expiresIn seconds: TimeInterval) -> AWSCredentials {
        AWSCredentials(accessKeyID: id, secretAccessKey: "s-\(id)", sessionToken: "t-\(id)",
            expiration: start.addingTimeInterval(seconds), source: "scripted")
    }

    @Test("cached until the refresh margin, then refreshed; events report each refresh")
    func refreshBeforeExpiry() throws {
        let clock = TestClock(Self.start)
        let base = ScriptedProvider()
        let events = Mutex<[AWSEvent]>([])
        let cache = CachingCredentialsProvider(
            base, refreshMargin: .seconds(300), now: { clock.now },
            events: AWSEvents(handler: { event in events.withLock { $0.append(event) } }))
        base.set(.success(Self.temporary("A", expiresIn: 3600)))
        #expect(try cache.load()?.accessKeyID == "A")
        clock.advance(3000)  // 10 min before expiry: still outside the 5 min margin
        #expect(try cache.load()?.accessKeyID == "A")
        #expect(base.loads == 1)
        base.set(.success(Self.temporary("B", expiresIn: 7200)))
        clock.advance(400)  // inside the margin
        #expect(try cache.load()?.accessKeyID == "B")
        #expect(base.loads == 2)
        let refreshed = events.withLock { $0 }.compactMap { if case .credentialsRefreshed(let e) = $0 { e.accessKeyID } else { nil } }
        #expect(refreshed == ["A", "B"])
    }

    @Test("a failed refresh keeps still-valid credentials, and fails once they expire")
    func failedRefresh() throws {
        let clock = TestClock(Self.start)
        let base = ScriptedProvider()
        let cache = CachingCredentialsProvider(base, refreshMargin: .seconds(300), now: { clock.now })
        base.set(.success(Self.temporary("A", expiresIn: 600)))
        _ = try cache.load()
        base.set(.failure(AWSError(.credentialsUnavailable, "metadata service down", isRetriable: true)))
        clock.advance(400)  // in the margin, not expired
        #expect(try cache.load()?.accessKeyID == "A")
        clock.advance(400)  // expired
        let error = #expect(throws: AWSError.self) { try cache.load() }
        #expect(error?.code == .credentialsUnavailable)
    }

    @Test("invalidate forces a fresh load; long-term keys are never refreshed")
    func invalidate() throws {
        let base = ScriptedProvider()
        let cache = CachingCredentialsProvider(base, now: { Self.start })
        base.set(.success(AWSCredentials(accessKeyID: "LONG", secretAccessKey: "s")))
        for _ in 0..<5 { _ = try cache.load() }
        #expect(base.loads == 1)
        cache.invalidate()
        _ = try cache.load()
        #expect(base.loads == 2)
    }

    @Test("concurrent callers share one refresh")
    func singleFlight() async throws {
        let base = ScriptedProvider()
        base.set(.success(Self.temporary("A", expiresIn: 3600)))
        let cache = CachingCredentialsProvider(base, now: { Self.start })
        let ids = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask { try await Task.detached { try cache.load()?.accessKeyID }.value }
            }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(ids == Array(repeating: "A", count: 8))
        #expect(base.loads == 1)
    }
}
