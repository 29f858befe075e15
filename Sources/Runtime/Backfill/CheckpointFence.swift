import Engine
import Foundation
import Staging

/// The fence of a backfill whose source is not Kafka (`--source postgres`): one object in the
/// staging store, `_millrace/backfills/{run}/checkpoint.json`, holding the committed batch's
/// id, the end of its range and the source position after its last row, written in one PUT
/// (atomic in S3 and in the local store). Like a consumer group's offset commit it is the
/// single decision that commits a batch, and the next run resumes from it.
final class CheckpointFence: OffsetFence {
    /// What the checkpoint object holds.
    struct Checkpoint: Codable, Equatable {
        /// Next offset (row ordinal) per source, as `SourceRange` ends.
        var offsets: [String: Int64]
        /// The batch that committed it.
        var batch: String
        /// The keyset position after the batch's last row (text, in the query's cursor order).
        var cursor: [String]
    }

    private let store: any StagingStore
    private let key: String
    /// The keyset position the next commit records; set before each batch is flushed.
    var pendingCursor: [String] = []

    /// A fence for the backfill `run` in `store`.
    init(store: any StagingStore, run: String) {
        self.store = store
        key = "_millrace/backfills/\(run)/checkpoint.json"
    }

    /// The checkpoint, nil before the first commit.
    func load() throws -> Checkpoint? {
        guard let bytes = try store.get(key) else { return nil }
        do {
            return try JSONDecoder().decode(Checkpoint.self, from: Data(bytes))
        } catch {
            throw RuntimeError(.staging, "\(store.location)\(key) is not a backfill checkpoint: \(error)", underlying: error)
        }
    }

    /// Writes the checkpoint naming `metadata`'s batch. A PUT that fails may still have been
    /// stored (a timed-out request): the checkpoint is read back, and the batch is committed if
    /// it names it, else its outcome is unknown (`.commitOutcomeUnknown`: kept for the next
    /// run's recover).
    func commit(_ offsets: [SourcePartition: Int64], metadata: String, while inTime: () -> Bool) throws {
        guard inTime() else { throw EngineError(.expired, "the batch is too old to be committed") }
        var merged = try load()?.offsets ?? [:]
        for (source, offset) in offsets { merged[Self.name(source)] = offset }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try store.put(key, data: Array(try encoder.encode(Checkpoint(offsets: merged, batch: metadata, cursor: pendingCursor))))
        } catch {
            if (try? load())??.batch == metadata { return }
            throw EngineError(.commitOutcomeUnknown, "the backfill checkpoint \(store.location)\(key) may or may not have been written: \(error)",
                underlying: RuntimeError(.staging, "\(error)"))
        }
    }

    func committed(_ partitions: [SourcePartition]) throws -> [SourcePartition: CommittedOffset] {
        guard let checkpoint = try load() else { return [:] }
        var result: [SourcePartition: CommittedOffset] = [:]
        for partition in partitions {
            if let offset = checkpoint.offsets[Self.name(partition)] {
                result[partition] = CommittedOffset(offset: offset, metadata: checkpoint.batch)
            }
        }
        return result
    }

    /// One process reads the source table; see the backfill's documentation on concurrent runs.
    func owns(_ partition: SourcePartition) -> Bool { true }

    private static func name(_ source: SourcePartition) -> String { "\(source.topic)/\(source.partition)" }
}
