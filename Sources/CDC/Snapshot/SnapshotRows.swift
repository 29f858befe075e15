public import Parquet

/// A snapshot row that could not be loaded, and why. The other rows load without it.
public struct SnapshotRejection: Sendable, Hashable {
    /// Where the row is, from 1: for CSV the physical line its record starts on (the header is
    /// line 1), for NDJSON its line, for Parquet its row number.
    public var line: Int
    /// Why (the dead-letter reasons: `type_mismatch`, `missing_required_field`,
    /// `invalid_utf8`, `value_too_long`, `malformed_csv`, …).
    public var reason: DeadLetterReason
    /// For humans: the column, the value and what was expected.
    public var message: String
    /// The row as written (the CSV record or NDJSON line without its line end; for Parquet,
    /// the offending value), cut to `SnapshotLimits.maxRejectedTextBytes`; bytes that are not
    /// UTF-8 are shown as U+FFFD.
    public var text: String

    /// A rejection with every attribute given.
    public init(line: Int, reason: DeadLetterReason, message: String, text: String) {
        self.line = line
        self.reason = reason
        self.message = message
        self.text = text
    }
}

/// The rows of a snapshot file, typed by the table's declaration.
public struct SnapshotRows: Sendable {
    /// One field per declared source column (no system, enrichment or computed columns), in
    /// declaration order: the table's staging fields (`TableDefinition.stagingField`).
    public var schema: Schema
    /// The loaded rows, one column per `schema` field. NOT NULL columns hold no nulls.
    public var columns: ColumnBatch
    /// The rejected rows, in file order, at most `SnapshotLimits.maxRejectionsKept`.
    public var rejected: [SnapshotRejection]
    /// Every rejected row, including those beyond the ones kept.
    public var rejectedCount: Int
    /// Columns of the file that the declaration does not name (from a CSV header or a Parquet
    /// schema), skipped. NDJSON members that name no column are skipped without being listed.
    public var ignoredColumns: [String]

    /// Rows loaded.
    public var rowCount: Int { columns.rowCount }
}

/// Collects rejections up to the limits: texts cut, the rest only counted.
struct RejectionLog {
    private let limits: SnapshotLimits
    private(set) var kept: [SnapshotRejection] = []
    private(set) var count = 0

    init(limits: SnapshotLimits) {
        self.limits = limits
    }

    /// Records that the row at `line` failed, with its text.
    mutating func add(line: Int, _ failure: DecodeFailure, text: UnsafeBufferPointer<UInt8>) {
        count += 1
        guard kept.count < limits.maxRejectionsKept else { return }
        var end = min(text.count, limits.maxRejectedTextBytes)
        // Cut before a continuation byte, so that a multi-byte character is not split.
        while end < text.count, end > 0, text[end] & 0xC0 == 0x80 { end -= 1 }
        let shown = String(decoding: UnsafeBufferPointer(rebasing: text[..<end]), as: UTF8.self)
        kept.append(SnapshotRejection(line: line, reason: failure.reason, message: failure.message, text: shown))
    }

    /// `add` with text given as a String (Parquet values).
    mutating func add(line: Int, _ failure: DecodeFailure, text: String) {
        Array(text.utf8).withUnsafeBufferPointer { add(line: line, failure, text: $0) }
    }
}
