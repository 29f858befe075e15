public import Foundation
import Synchronization

/// Caches another provider's credentials and refreshes temporary ones `refreshMargin` before
/// they expire. Thread-safe: readers take a lock only to copy the cached value; refreshes are
/// serialized, so concurrent callers never stampede the metadata service.
///
/// When a refresh fails while the cached credentials are still valid (inside the margin but
/// not yet expired), the cached ones are returned and the refresh is tried again next time.
public final class CachingCredentialsProvider: CredentialsProvider {
    /// The wrapped provider's name.
    public var name: String { base.name }
    /// The provider being cached.
    public let base: any CredentialsProvider
    /// How long before expiry credentials are refreshed. Default: 5 min.
    public let refreshMargin: Duration
    private let now: @Sendable () -> Date
    private let events: AWSEvents
    private let cached = Mutex<AWSCredentials?>(nil)
    private let refreshLock = Mutex<Void>(())

    /// Caches `base`; `now` is the clock (UTC), injectable for tests.
    public init(
        _ base: any CredentialsProvider, refreshMargin: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }, events: AWSEvents = AWSEvents()
    ) {
        self.base = base
        self.refreshMargin = refreshMargin
        self.now = now
        self.events = events
    }

    /// The standard chain, cached: what an application uses by default.
    public static func standard(environment: AWSEnvironment = AWSEnvironment(), events: AWSEvents = AWSEvents())
        -> CachingCredentialsProvider
    {
        CachingCredentialsProvider(CredentialsChain.standard(environment: environment), events: events)
    }

    /// Cached credentials while fresh, otherwise freshly loaded ones; throws
    /// `credentialsUnavailable` when no provider has any.
    public func load() throws(AWSError) -> AWSCredentials? {
        if let fresh = freshCredentials() { return fresh }
        return try refreshLock.withLock { (_: inout Void) throws(AWSError) -> AWSCredentials? in
            if let fresh = freshCredentials() { return fresh }  // another thread refreshed meanwhile
            let previous = cached.withLock { $0 }
            let loaded: AWSCredentials?
            do throws(AWSError) {
                loaded = try base.load()
            } catch {
                let stillValid = previous.map { !$0.expires(within: .zero, of: now()) } ?? false
                events.emit(.credentialsRefreshFailed(.init(
                    provider: base.name, errorCode: error.code, keepsCachedCredentials: stillValid)))
                if stillValid, let previous { return previous }
                throw error
            }
            guard let loaded else {
                throw AWSError(.credentialsUnavailable, base.notFoundMessage)
            }
            cached.withLock { $0 = loaded }
            events.emit(.credentialsRefreshed(.init(
                provider: loaded.source, accessKeyID: loaded.accessKeyID, expiration: loaded.expiration)))
            return loaded
        }
    }

    /// The wrapped provider's.
    public var notFoundMessage: String { base.notFoundMessage }

    /// Drops the cached credentials so the next `load` fetches new ones.
    public func invalidate() {
        cached.withLock { $0 = nil }
        base.invalidate()
    }

    private func freshCredentials() -> AWSCredentials? {
        guard let credentials = cached.withLock({ $0 }), !credentials.expires(within: refreshMargin, of: now()) else {
            return nil
        }
        return credentials
    }
}
