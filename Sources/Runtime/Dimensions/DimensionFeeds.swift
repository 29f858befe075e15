import AWS
import CDC
import Catalog
import Engine
import Logging

/// Keeps the worker's dimension state current, on the pipeline thread.
///
/// Snapshot dimensions (`dimensions:` in the configuration, like `dim_attributes`) are loaded
/// before the first record is processed and reloaded every `refresh`; a failed reload keeps the
/// previous state and is retried at the next interval. A dimension that enrichment reads but that
/// has neither a snapshot nor a changelog follower leaves its columns null (and counts misses).
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
    private var snapshots: [Snapshot] = []

    /// Feeds for `dimensions` from the snapshots in `configuration`; `s3` reads `s3://` snapshots.
    init(dimensions: DimensionSet, configuration: WorkerConfiguration, s3: () throws -> S3Client?, telemetry: Telemetry) throws {
        self.dimensions = dimensions
        self.telemetry = telemetry
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
        for name in dimensions.names where !fed.contains(name) && !dimensions.isChangelog(name) {
            telemetry.logger.warning("dimension \(name) has no snapshot configured (dimensions.\(name).snapshot); its enrichment columns stay null")
        }
    }

    /// Loads every snapshot; a snapshot that cannot be read is a fatal error at start-up.
    func loadAll(nowMillis: Int64) throws {
        for index in snapshots.indices {
            try load(index)
            snapshots[index].loadedAtMillis = nowMillis
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
                "dimension": "\(snapshot.name)", "rejected": "\(rows.rejected.count)",
                "first": "line \(first.line): \(first.reason): \(first.message)"])
        }
        telemetry.emit(.dimensionLoaded(name: snapshot.name, rows: loaded))
    }
}
