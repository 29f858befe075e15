import Engine
import Foundation
import Staging
import Synchronization

/// What the commit protocol tests share: staging one batch, reading an error's code, and the
/// doubles for the two seams no server here can fail on demand (the fence and the store).
enum CommitFixtures {
    static let partition = SourcePartition(topic: "t", partition: 0)

    /// Begins a batch over `partition`'s offsets `start..<start + 10` and writes one data file,
    /// as `BatchFlusher` does; returns the record to commit.
    static func stageOneFile(
        _ committer: StagingCommitter, _ store: any StagingStore, createdAt: Int64 = 1_795_132_800_000, start: Int64 = 0
    ) throws -> CommitRecord {
        let batch = BatchID(createdAtMillis: createdAt, random: UInt64.random(in: 0...UInt64.max))
        var record = CommitRecord(
            batchID: batch, state: .writing, worker: "test",
            sources: [SourceRange(source: partition, startOffset: start, endOffset: start + 10, records: 10)],
            plannedPrefixes: ["staging/t/\(batch.rawValue)-"])
        try committer.begin(record)
        let key = "staging/t/\(batch.rawValue)-0.parquet"
        try store.put(key, data: Array("rows".utf8))
        record.files = [StagedFile(key: key, table: "t", schemaVersion: 1, hour: "2026-11-21T00", rows: 10, bytes: 4)]
        return record
    }

    /// The `EngineError` code `body` throws, or nil when it throws nothing (or another error).
    static func code(of body: () throws -> Void) -> EngineError.Code? {
        do {
            try body()
            return nil
        } catch {
            return (error as? EngineError)?.code
        }
    }
}

/// A fence whose group has moved on: every commit is refused before it is sent.
final class RefusingFence: OffsetFence {
    func commit(_ offsets: [SourcePartition: Int64], metadata: String, while inTime: () -> Bool) throws {
        throw EngineError(.fenced, "refused")
    }

    func committed(_ partitions: [SourcePartition]) throws -> [SourcePartition: CommittedOffset] { [:] }

    func owns(_ partition: SourcePartition) -> Bool { true }
}

/// A fence that commits, then loses the answer and cannot read the offsets back.
final class LostAnswerFence: OffsetFence {
    private let inner = SingleWriterFence()

    func commit(_ offsets: [SourcePartition: Int64], metadata: String, while inTime: () -> Bool) throws {
        try inner.commit(offsets, metadata: metadata, while: inTime)
        throw EngineError(.commitOutcomeUnknown, "the answer was lost")
    }

    func committed(_ partitions: [SourcePartition]) throws -> [SourcePartition: CommittedOffset] {
        try inner.committed(partitions)
    }

    func owns(_ partition: SourcePartition) -> Bool { true }
}

/// `SingleWriterFence` with a hook that runs once, the first time the committed offsets are
/// read: another worker acting between two reads of the sweep. It counts commit calls and the
/// `inTime` answers they saw.
final class HookedFence: OffsetFence, @unchecked Sendable {
    let inner = SingleWriterFence()
    private var hook: (() throws -> Void)?
    private(set) var commits = 0

    /// Runs `hook` at the next read of committed offsets, before answering it.
    func onNextRead(_ hook: @escaping () throws -> Void) {
        self.hook = hook
    }

    func commit(_ offsets: [SourcePartition: Int64], metadata: String, while inTime: () -> Bool) throws {
        commits += 1
        try inner.commit(offsets, metadata: metadata, while: inTime)
    }

    func committed(_ partitions: [SourcePartition]) throws -> [SourcePartition: CommittedOffset] {
        if let hook {
            self.hook = nil
            try hook()
        }
        return try inner.committed(partitions)
    }

    func owns(_ partition: SourcePartition) -> Bool { true }
}

/// The real local store, refusing puts or deletes of keys under a prefix until healed, and
/// running a hook once when a prefix is listed.
final class FaultyStore: StagingStore, @unchecked Sendable {
    private let inner: LocalStagingStore
    private let failingPuts: String?
    private let failingDeletes: String?
    private let healed = Atomic<Bool>(false)
    /// Set and run on the test's one thread.
    private var listHook: (prefix: String, run: () throws -> Void)?

    init(_ inner: LocalStagingStore, failingPutsUnder puts: String? = nil, failingDeletesUnder deletes: String? = nil) {
        self.inner = inner
        failingPuts = puts
        failingDeletes = deletes
    }

    func heal() { healed.store(true, ordering: .relaxed) }

    /// Runs `hook` the next time a prefix starting with `prefix` is listed, before listing it.
    func onNextList(under prefix: String, _ hook: @escaping () throws -> Void) {
        listHook = (prefix, hook)
    }

    private func refuse(_ key: String, under prefix: String?) throws {
        guard let prefix, key.hasPrefix(prefix), !healed.load(ordering: .relaxed) else { return }
        throw EngineError(.staging, "injected failure for \(key)")
    }

    var location: String { inner.location }

    func put(_ key: String, data: [UInt8]) throws {
        try refuse(key, under: failingPuts)
        try inner.put(key, data: data)
    }

    func create(_ key: String, data: [UInt8]) throws -> Bool {
        try refuse(key, under: failingPuts)
        return try inner.create(key, data: data)
    }

    func openWriter(_ key: String) throws -> any StagedObjectWriter { try inner.openWriter(key) }

    func get(_ key: String) throws -> [UInt8]? { try inner.get(key) }

    func read(_ key: String, offset: Int64, count: Int) throws -> [UInt8] { try inner.read(key, offset: offset, count: count) }

    func list(prefix: String) throws -> [StagedObject] {
        if let armed = listHook, prefix.hasPrefix(armed.prefix) {
            listHook = nil
            try armed.run()
        }
        return try inner.list(prefix: prefix)
    }

    func delete(_ keys: [String]) throws {
        for key in keys { try refuse(key, under: failingDeletes) }
        try inner.delete(keys)
    }
}
