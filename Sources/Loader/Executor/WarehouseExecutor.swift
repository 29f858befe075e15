public import Catalog
public import Staging
public import Warehouse

/// Points of a load transaction where tests stop the loader dead, as `kill -9` would: the
/// transaction is neither committed nor rolled back by the loader, its connection just drops.
public enum LoaderCrashPoint: String, Sendable, Hashable, CaseIterable {
    /// The transaction is open; no file is copied yet.
    case beforeCopy
    /// Every file is in the staging tables; nothing is merged.
    case afterCopy
    /// Every statement ran; COMMIT is not sent.
    case beforeCommit
    /// COMMIT returned; the loader has not recorded anything of it.
    case afterCommit
}

/// Throws at a crash point to simulate a killed loader (tests only; nil in production).
public typealias LoaderCrashHook = @Sendable (LoaderCrashPoint) throws -> Void

/// Runs `hook` at `point`; what it throws becomes `LoaderError.crashed`.
func trigger(_ hook: LoaderCrashHook?, at point: LoaderCrashPoint) throws(LoaderError) {
    guard let hook else { return }
    do {
        try hook(point)
    } catch {
        throw LoaderError(.crashed, "crash hook at \(point.rawValue)", underlying: SendableText("\(error)"))
    }
}

/// Runs the loader's SQL on one warehouse: one implementation per transport (the PostgreSQL wire
/// protocol through postgres-nio, the Redshift Data API).
///
/// Errors are `LoaderError`s classified for the cycle: `.connection` (retry later), `.data`
/// (quarantine the batch), `.leaseLost`, `.alreadyLoaded`, `.warehouse`.
public protocol WarehouseExecutor: Sendable {
    /// The SQL dialect the warehouse speaks.
    var dialect: SQLDialect { get }
    /// Runs each statement on its own, outside any transaction (DDL that must not run inside one).
    func execute(_ statements: [String]) async throws(LoaderError)
    /// Runs `statements` as one transaction.
    func transaction(_ statements: [String]) async throws(LoaderError)
    /// Runs a load plan as one transaction, reading the staged files of its copies from `store`.
    func load(_ plan: LoadPlan, store: any StagingStore, crashHook: LoaderCrashHook?) async throws(LoaderError)
    /// The rows of a query, every value as text (nil for NULL); queries cast to text themselves.
    func query(_ sql: String) async throws(LoaderError) -> [[String?]]
    /// Closes the connection (best effort).
    func close() async
}
