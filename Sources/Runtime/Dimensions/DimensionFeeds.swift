import AWS
import CDC
import Catalog
import Engine
import Kafka
import Logging
import Staging

/// Keeps the worker's dimension state current, on the pipeline thread.
///
/// Snapshot dimensions (`dimensions:` in the configuration, like `dim_attributes`) are loaded
/// before the first record is processed and reloaded every `refresh`; a failed reload keeps the
/// previous state and is retried at the next interval. Changelog dimensions (fed by a CDC topic,
/// like `dim_entities`) are followed by a `ChangelogFollower`: restored from their newest
/// checkpoint, bootstrapped to the topic's high watermark before fact processing starts, kept
/// current on every loop, and checkpointed to the staging store with each commit. A dimension
/// with neither leaves its enrichment columns null (and counts misses).
final class DimensionFeeds {
    private struct Snapshot {
        let name: String
        let source: SnapshotSource
        let format: SnapshotFormat
        let definition: TableDefinition
        let refreshMillis: Int64
        var loadedAtMillis: Int64?
    }

    private let dimensions: DimensionSet
    private let telemetry: Telemetry
    private let checkpoints: DimensionCheckpoints
    /// How the followers' start-up requests reach Kafka (short attempts, a stop honoured).
    private let calls: StartupCall
    private var snapshots: [Snapshot] = []
    private var followers: [ChangelogFollower] = []

    /// Feeds for `dimensions`: the snapshots in `configuration` (`s3` reads `s3://` ones) and,
    /// when `followerConsumer` is given, a follower per changelog dimension without a snapshot.
    init(
        dimensions: DimensionSet, configuration: WorkerConfiguration, s3: () throws -> S3Client?,
        followerConsumer: ((String) throws -> KafkaConsumer)?, checkpoints: DimensionCheckpoints, telemetry: Telemetry
    ) throws {
        self.dimensions = dimensions
        self.telemetry = telemetry
        self.checkpoints = checkpoints
        calls = StartupCall(bootstrapServers: configuration.kafka.bootstrapServers)
        for (name, settings) in configuration.dimensions.sorted(by: { $0.key < $1.key }) {
            guard let definition = dimensions.definition(name) else {
                telemetry.logger.warning("dimensions.\(name) is configured but no staged table joins it; it is not loaded")
                continue
            }
            let format: SnapshotFormat
            do {
                format = try SnapshotFormat(named: settings.format, orPath: settings.snapshot)
            } catch {
                throw RuntimeError(.configuration, "dimensions.\(name): \(error)")
            }
            let client = settings.snapshot.hasPrefix("s3://") ? try s3() : nil
            snapshots.append(Snapshot(
                name: name, source: SnapshotSource(location: settings.snapshot, s3: client), format: format,
                definition: definition, refreshMillis: settings.refresh.milliseconds))
        }
        let fed = Set(snapshots.map(\.name))
        for name in dimensions.names where !fed.contains(name) {
            if dimensions.isChangelog(name), let followerConsumer, let definition = dimensions.definition(name) {
                followers.append(try ChangelogFollower(
                    name: name, definition: definition, consumer: try followerConsumer(name), dimensions: dimensions))
            } else {
                telemetry.logger.warning("dimension \(name) has no feed (configure dimensions.\(name).snapshot); its enrichment columns stay null")
            }
        }
    }

    /// Loads every snapshot and bootstraps every follower; failing to is fatal at start-up.
    /// Returns false when `shouldStop` asked to stop during a bootstrap (nothing is processed yet).
    @discardableResult
    func loadAll(nowMillis: Int64, shouldStop: () -> Bool = { false }) throws -> Bool {
        for index in snapshots.indices {
            try load(index)
            snapshots[index].loadedAtMillis = nowMillis
        }
        for follower in followers {
            var offsets: [Int32: Int64] = [:]
            switch try checkpoints.restore(follower.name, into: dimensions) {
            case .none:
                break
            case .incompatible(let key):
                telemetry.logger.warning(
                    "the dimension checkpoint was written for other columns; following the topic from its beginning",
                    metadata: ["dimension": "\(follower.name)", "checkpoint": "\(key)"])
            case .offsets(let restored):
                offsets = restored
            }
            guard try follower.bootstrap(from: offsets, calls: calls, shouldStop: shouldStop) else { return false }
            telemetry.emit(.dimensionLoaded(name: follower.name, rows: dimensions.count(follower.name)))
        }
        return true
    }

    /// Applies what the followed topics received since the last call (never waits).
    func catchUp() {
        for follower in followers {
            do {
                try follower.catchUp()
            } catch {
                telemetry.logger.warning("dimension follower failed; it retries next loop", metadata: [
                    "dimension": "\(follower.name)", "error": "\(error)"])
            }
        }
    }

    /// Closes the followers' consumers (when the worker stops).
    func close() {
        for follower in followers { try? follower.close() }
    }

    /// Checkpoints every followed dimension that changed, with the offsets it has applied.
    func checkpoint(batch: BatchID) {
        for follower in followers {
            do {
                try checkpoints.save(follower.name, dimensions: dimensions, positions: follower.positions, batch: batch)
            } catch {
                telemetry.logger.warning("dimension checkpoint failed; the next commit writes one", metadata: [
                    "dimension": "\(follower.name)", "error": "\(error)"])
            }
        }
    }

    /// Reloads the snapshots whose refresh interval has passed. Failures keep the previous state.
    func refreshIfDue(nowMillis: Int64) {
        for index in snapshots.indices {
            let snapshot = snapshots[index]
            guard snapshot.loadedAtMillis.map({ nowMillis - $0 >= snapshot.refreshMillis }) ?? true else { continue }
            snapshots[index].loadedAtMillis = nowMillis
            do {
                try load(index)
            } catch {
                telemetry.logger.warning("dimension reload failed; the previous state stays", metadata: [
                    "dimension": "\(snapshot.name)", "snapshot": "\(snapshot.source.location)", "error": "\(error)"])
            }
        }
    }

    private func load(_ index: Int) throws {
        let snapshot = snapshots[index]
        let rows: SnapshotRows
        do {
            rows = try SnapshotReader.read(try snapshot.source.read(), format: snapshot.format, definition: snapshot.definition)
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw RuntimeError(.dimension, "cannot load \(snapshot.name) from \(snapshot.source.location): \(error)")
        }
        let loaded = try dimensions.replace(snapshot.name, with: rows.columns, schema: rows.schema)
        if let first = rows.rejected.first {
            telemetry.logger.warning("snapshot rows rejected", metadata: [
                "dimension": "\(snapshot.name)", "rejected": .stringConvertible(rows.rejected.count),
                "first": "line \(first.line): \(first.reason): \(first.message)"])
        }
        telemetry.emit(.dimensionLoaded(name: snapshot.name, rows: loaded))
    }
}
