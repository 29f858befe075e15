/// Variable-length values stored back to back, Arrow style: value `i` is
/// `bytes[offsets[i]..<offsets[i + 1]]`, so `offsets.count == count + 1` and `offsets[0] == 0`.
public struct ByteArrayValues: Sendable, Hashable {
    /// Every value's bytes, concatenated.
    public var bytes: [UInt8]
    /// Start of each value in `bytes`, plus the end of the last one.
    public var offsets: [Int]

    /// An empty column.
    public init() {
        bytes = []
        offsets = [0]
    }

    /// Values from their concatenated bytes and boundaries.
    public init(bytes: [UInt8], offsets: [Int]) {
        self.bytes = bytes
        self.offsets = offsets
    }

    /// Number of values.
    public var count: Int { offsets.count - 1 }

    /// Appends one value.
    public mutating func append<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    /// Appends one value of zero length (the slot of a null row).
    public mutating func appendEmpty() {
        offsets.append(bytes.count)
    }
}

/// Fixed-width values stored back to back: value `i` is `bytes[i*width..<(i+1)*width]`.
public struct FixedLenByteArrayValues: Sendable, Hashable {
    /// Every value's bytes, concatenated.
    public var bytes: [UInt8]
    /// Bytes per value.
    public var width: Int

    /// An empty column of values `width` bytes wide.
    public init(width: Int) {
        bytes = []
        self.width = width
    }

    /// Values from their concatenated bytes.
    public init(bytes: [UInt8], width: Int) {
        self.bytes = bytes
        self.width = width
    }

    /// Number of values.
    public var count: Int { width == 0 ? 0 : bytes.count / width }
}

/// The values of one column for every row of a batch, in row order.
///
/// Every row has a slot, null rows included: the slot of a null row holds any value (zero, or
/// an empty byte array) and is ignored because the column's validity marks it null.
public enum ColumnValues: Sendable, Hashable {
    /// BOOLEAN values.
    case boolean([Bool])
    /// INT32 values (also INTEGER(8/16/32), DATE and DECIMAL with precision ≤ 9).
    case int32([Int32])
    /// INT64 values (also TIMESTAMP and DECIMAL with precision ≤ 18).
    case int64([Int64])
    /// FLOAT values.
    case float([Float])
    /// DOUBLE values.
    case double([Double])
    /// BYTE_ARRAY values (STRING, JSON, binary).
    case byteArray(ByteArrayValues)
    /// FIXED_LEN_BYTE_ARRAY values (UUID, DECIMAL with precision > 18, big-endian).
    case fixedLenByteArray(FixedLenByteArrayValues)

    /// Number of rows.
    public var count: Int {
        switch self {
        case .boolean(let values): values.count
        case .int32(let values): values.count
        case .int64(let values): values.count
        case .float(let values): values.count
        case .double(let values): values.count
        case .byteArray(let values): values.count
        case .fixedLenByteArray(let values): values.count
        }
    }
}

/// One column of a batch: its values and which rows are null.
public struct ColumnData: Sendable, Hashable {
    /// One slot per row.
    public var values: ColumnValues
    /// `validity[i] == false` marks row `i` null; nil means no row is null.
    public var validity: [Bool]?

    /// A column from its values and validity.
    public init(values: ColumnValues, validity: [Bool]? = nil) {
        self.values = values
        self.validity = validity
    }
}

/// Rows in columnar form, the unit the writer appends: one `ColumnData` per schema field, in
/// schema order, all with the same row count.
public struct ColumnBatch: Sendable, Hashable {
    /// Columns in schema order.
    public var columns: [ColumnData]

    /// A batch from its columns, in schema order.
    public init(columns: [ColumnData]) {
        self.columns = columns
    }

    /// Number of rows (0 for a batch without columns).
    public var rowCount: Int { columns.first?.values.count ?? 0 }
}
