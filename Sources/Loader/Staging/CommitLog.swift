import Staging
import Warehouse

/// The committed batches the loader has not finished, read from the staging store's commit log.
///
/// Every cycle lists `_millrace/commits/` whole (not by hour folder: a batch finalized late, by
/// `recover`, the sweep or a deferred commit, is filed under the hour it was created in, which
/// may be long past) and reads only the records it does not hold yet, skipping the batches the
/// ledger says are complete. Records are small; only unfinished ones stay in memory.
struct CommitLog {
    private let store: any StagingStore
    private let io: BlockingIO
    /// Batches every table of which is loaded.
    private var complete: Set<String> = []
    /// Records read and not complete yet, by batch id.
    private var pending: [String: CommitRecord] = [:]

    init(store: any StagingStore, io: BlockingIO) {
        self.store = store
        self.io = io
    }

    /// Forgets what the ledger said (another loader may have loaded since).
    mutating func reset() {
        complete = []
        pending = [:]
    }

    /// The batch ids of the commit log, sorted (oldest first), with their record keys.
    func list() async throws(LoaderError) -> [(batch: BatchID, key: String)] {
        let store = self.store
        let objects: [StagedObject]
        do {
            objects = try await io.run { try store.list(prefix: StagingLayout.commitsPrefix) }
        } catch {
            throw LoaderError(.staging, "cannot list the commit log \(store.location)\(StagingLayout.commitsPrefix): \(error)",
                underlying: SendableText("\(error)"))
        }
        return objects.compactMap { object in
            guard object.key.hasSuffix(".json") else { return nil }
            let name = object.key.split(separator: "/").last.map { String($0.dropLast(5)) } ?? ""
            return BatchID(name).map { ($0, object.key) }
        }.sorted { $0.batch < $1.batch }
    }

    /// The oldest listed batch not known complete (the ledger rows a cycle needs start there).
    func oldestUnfinished(_ listed: [(batch: BatchID, key: String)]) -> BatchID? {
        listed.first { !complete.contains($0.batch.rawValue) }?.batch
    }

    /// Takes in what the ledger says of `listed` batches: complete ones are forgotten.
    mutating func absorb(_ listed: [(batch: BatchID, key: String)], ledger: LedgerState) {
        complete.formUnion(ledger.complete)
        let present = Set(listed.map(\.batch.rawValue))
        complete.formIntersection(present)
        pending = pending.filter { present.contains($0.key) && !complete.contains($0.key) }
    }

    /// The listed batches not complete whose records are not held yet.
    func unread(_ listed: [(batch: BatchID, key: String)]) -> [(batch: BatchID, key: String)] {
        listed.filter { !complete.contains($0.batch.rawValue) && pending[$0.batch.rawValue] == nil }
    }

    /// Reads the record under `key`.
    func read(_ batch: BatchID, key: String) async throws(LoaderError) -> CommitRecord? {
        let store = self.store
        do {
            return try await io.run { try store.record(key) }
        } catch let error as StagingError where error.code == .corruptRecord {
            throw LoaderError(.staging, "the commit record \(key) cannot be read, so batch \(batch) cannot be loaded: \(error); "
                + "restore or remove the record", underlying: error)
        } catch {
            throw LoaderError(.staging, "cannot read the commit record \(key): \(error)", underlying: SendableText("\(error)"))
        }
    }

    /// Holds a record read.
    mutating func hold(_ record: CommitRecord) {
        pending[record.batchID.rawValue] = record
    }

    /// The records of unfinished batches, oldest first.
    var unfinished: [CommitRecord] { pending.values.sorted { $0.batchID < $1.batchID } }
}
