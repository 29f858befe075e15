/// The file format of a snapshot dimension (`source: snapshot` in `Schemas/`).
public struct SnapshotFormat: Sendable, Hashable, CustomStringConvertible {
    private enum Value: String, Sendable, CaseIterable {
        case csv, ndjson, parquet
    }

    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// RFC 4180 CSV with a header row naming the columns.
    public static let csv = SnapshotFormat(.csv)
    /// Newline-delimited JSON: one flat object per line, keys naming the columns.
    public static let ndjson = SnapshotFormat(.ndjson)
    /// A flat Parquet file, columns matched by name.
    public static let parquet = SnapshotFormat(.parquet)

    /// Every format.
    public static let all: [SnapshotFormat] = Value.allCases.map(SnapshotFormat.init)

    /// The format named `name`, case-insensitive: `csv`, `ndjson` (also `jsonl`) or `parquet`.
    /// Throws `unsupportedFormat` for anything else.
    public init(named name: String) throws(CDCError) {
        switch name.lowercased() {
        case "csv": value = .csv
        case "ndjson", "jsonl": value = .ndjson
        case "parquet": value = .parquet
        default:
            throw CDCError(.unsupportedFormat, "`\(name)` is not a snapshot format (csv, ndjson or parquet)")
        }
    }

    /// The format of the file at `path` (a local path or an `s3://` URL) by its extension:
    /// `.csv`; `.ndjson`, `.jsonl` or `.json`; `.parquet` or `.parq`. Throws `unsupportedFormat`
    /// for any other extension.
    public init(path: String) throws(CDCError) {
        let file = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else {
            throw CDCError(.unsupportedFormat, "`\(path)` has no extension to tell its snapshot format from; name the format")
        }
        switch file[file.index(after: dot)...].lowercased() {
        case "csv": value = .csv
        case "ndjson", "jsonl", "json": value = .ndjson
        case "parquet", "parq": value = .parquet
        default:
            throw CDCError(
                .unsupportedFormat, "`\(path)`: the extension is not .csv, .ndjson, .jsonl, .json or .parquet; name the format"
            )
        }
    }

    /// The format named `name` when it is not empty, else the one of `path`'s extension (the
    /// rule of the worker's `dimensions.<name>.format` setting).
    public init(named name: String, orPath path: String) throws(CDCError) {
        if name.isEmpty { try self.init(path: path) } else { try self.init(named: name) }
    }

    /// `csv`, `ndjson` or `parquet`.
    public var description: String { value.rawValue }
}
