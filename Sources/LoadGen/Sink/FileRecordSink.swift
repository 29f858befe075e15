import Catalog
import Foundation

/// How `FileRecordSink` writes records, one per line.
public struct LoadFileFormat: Sendable, Hashable, CustomStringConvertible {
    private enum Value: String, Sendable {
        case values, kcat
    }

    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// The raw value bytes, exactly what Kafka would carry. Tombstones have no value bytes,
    /// so they are left out (use `kcat` to keep keys and tombstones).
    public static let values = LoadFileFormat(.values)
    /// kcat's `-J` envelope: `{"topic","partition","offset","tstype","ts","broker","key","payload"}`
    /// with key and payload as JSON strings (null when absent); bytes that are not UTF-8 are
    /// written as they are, as kcat does.
    public static let kcat = LoadFileFormat(.kcat)

    /// The format named `name` (`values` or `kcat`), or nil.
    public init?(named name: String) {
        guard let value = Value(rawValue: name) else { return nil }
        self.value = value
    }

    /// `values` or `kcat`.
    public var description: String { value.rawValue }
}

/// Writes records to a file, one per line, buffered (1 MiB writes). Offsets in the `kcat`
/// format count per topic and partition from 0, as a fresh topic would assign them.
public final class FileRecordSink: RecordSink {
    private let handle: FileHandle
    private let format: LoadFileFormat
    private var buffer: [UInt8] = []
    private var offsets: [String: Int64] = [:]
    /// Tombstones left out of a `values` file.
    public private(set) var omittedTombstones = 0

    /// A sink writing `format` to `path` (created or truncated).
    public init(path: String, format: LoadFileFormat) throws(LoadGenError) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw LoadGenError(.io, "cannot create \(path)")
        }
        self.handle = handle
        self.format = format
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends `record` (see `append`).
    public func write(_ record: LoadRecord) async throws {
        try append(record)
    }

    /// Appends `record` (synchronous: file writes do not suspend).
    public func append(_ record: LoadRecord) throws(LoadGenError) {
        if format == .values {
            guard let value = record.value else {
                omittedTombstones += 1
                return
            }
            buffer.append(contentsOf: value)
        } else {
            let slot = "\(record.topic)\u{0}\(record.partition)"
            let offset = offsets[slot, default: 0]
            offsets[slot] = offset + 1
            var writer = JSONWriter(capacity: (record.value?.count ?? 0) + 256)
            writer.raw("{\"topic\":")
            writer.string(record.topic)
            writer.raw(",\"partition\":")
            writer.integer(record.partition)
            writer.raw(",\"offset\":")
            writer.integer(offset)
            writer.raw(",\"tstype\":\"create\",\"ts\":")
            writer.integer(record.timestampMs)
            writer.raw(",\"broker\":-1,\"key\":")
            if let key = record.key { writer.string(utf8: key) } else { writer.null() }
            writer.raw(",\"payload\":")
            if let value = record.value { writer.string(utf8: value) } else { writer.null() }
            writer.byte(UInt8(ascii: "}"))
            buffer.append(contentsOf: writer.bytes)
        }
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(LoadGenError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: Data(buffer))
        } catch {
            throw LoadGenError(.io, "cannot write the output file", underlying: SinkFailure(description: "\(error)"))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered, syncs the file to disk and closes it.
    public func finish() async throws {
        try flush()
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw LoadGenError(.io, "cannot close the output file", underlying: SinkFailure(description: "\(error)"))
        }
    }
}

/// The system's explanation of a failed write, kept as the cause of an `.io` error.
struct SinkFailure: Error, Sendable, CustomStringConvertible {
    var description: String
}
