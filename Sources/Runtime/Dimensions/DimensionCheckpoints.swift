import Engine
import Parquet
import Staging

/// Dimension checkpoints in the staging store: the keyed state as Parquet, with the follower's
/// next offsets in the footer (`millrace.offsets`, `partition:offset,…`), so a restart resumes
/// the topic from there instead of replaying it whole.
struct DimensionCheckpoints {
    let store: any StagingStore
    let layout: StagingLayout
    /// Checkpoints kept per dimension (older ones are deleted after a new one is written).
    static let kept = 2

    /// Writes the state of `name` with `positions` under `batch` (nothing when unchanged).
    func save(_ name: String, dimensions: DimensionSet, positions: [Int32: Int64], batch: BatchID) throws {
        guard let snapshot = dimensions.takeCheckpoint(name) else { return }
        do {
            let sink = MemorySink()
            let offsets = positions.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
            var properties = WriterProperties()
            properties.createdBy = Build.parquetCreatedBy
            let writer = try ParquetWriter(
                schema: snapshot.schema, sink: sink, properties: properties, keyValueMetadata: [KeyValue(key: "millrace.offsets", value: offsets)])
            try writer.append(snapshot.batch)
            _ = try writer.close()
            try store.put(layout.checkpointKey(dimension: name, batch: batch), data: sink.bytes)
        } catch {
            dimensions.checkpointFailed(name)
            throw error
        }
        let older = try store.list(prefix: layout.checkpointPrefix(dimension: name)).map(\.key).dropLast(Self.kept)
        try store.delete(Array(older))
    }

    /// What `restore` found.
    enum Restored: Equatable {
        /// No checkpoint: follow the topic from its beginning.
        case none
        /// A checkpoint written for other columns (the tables' enrichment changed): it is not
        /// used, and the topic is followed from its beginning.
        case incompatible(key: String)
        /// The state was restored; follow the topic from these next offsets.
        case offsets([Int32: Int64])
    }

    /// Restores the newest checkpoint of `name`.
    func restore(_ name: String, into dimensions: DimensionSet) throws -> Restored {
        guard let newest = try store.list(prefix: layout.checkpointPrefix(dimension: name)).last,
            let bytes = try store.get(newest.key)
        else { return .none }
        let reader = try ParquetReader(source: MemorySource(bytes))
        let signature = { (schema: Schema) in schema.fields.map { "\($0.name):\($0.physicalType)" } }
        guard let expected = dimensions.checkpointSchema(name), signature(reader.schema) == signature(expected) else {
            return .incompatible(key: newest.key)
        }
        try dimensions.restore(name, from: try (0..<reader.metadata.rowGroups.count).map { try reader.readRowGroup($0) })
        let text = reader.metadata.keyValueMetadata.first { $0.key == "millrace.offsets" }?.value ?? ""
        var offsets: [Int32: Int64] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let partition = Int32(parts[0]), let offset = Int64(parts[1]) else {
                throw RuntimeError(.dimension, "the checkpoint \(newest.key) has malformed offsets")
            }
            offsets[partition] = offset
        }
        return .offsets(offsets)
    }
}
