import Parquet

/// One column's values while rows are appended, laid out as `ColumnData` wants them so that
/// taking a batch moves the arrays out without copying.
///
/// Validity is kept lazily: no `[Bool]` is written until the first null, so a column without
/// nulls costs nothing for it.
struct ColumnStore {
    /// Which array holds the values (the column's Parquet physical type).
    enum Storage: Equatable {
        case boolean, int32, int64, double, bytes
        case fixed(width: Int)
    }

    let storage: Storage
    var booleans: [Bool] = []
    var int32s: [Int32] = []
    var int64s: [Int64] = []
    var doubles: [Double] = []
    var bytes: [UInt8] = []
    var offsets: [Int] = [0]
    /// One flag per row once `hasNulls`; empty before.
    var validity: [Bool] = []
    var hasNulls = false
    /// Rows appended.
    var count = 0

    init(storage: Storage, reserving rows: Int) {
        self.storage = storage
        reserve(rows)
    }

    /// The storage Parquet `field` needs.
    static func storage(for field: Field) -> Storage {
        switch field.physicalType {
        case .boolean: .boolean
        case .int32: .int32
        case .int64, .int96: .int64
        case .float, .double: .double
        case .byteArray: .bytes
        case .fixedLenByteArray: .fixed(width: field.typeLength)
        }
    }

    mutating func reserve(_ rows: Int) {
        switch storage {
        case .boolean: booleans.reserveCapacity(rows)
        case .int32: int32s.reserveCapacity(rows)
        case .int64: int64s.reserveCapacity(rows)
        case .double: doubles.reserveCapacity(rows)
        case .bytes:
            offsets.reserveCapacity(rows + 1)
            bytes.reserveCapacity(rows * 16)
        case .fixed(let width): bytes.reserveCapacity(rows * width)
        }
    }

    @inline(__always) private mutating func markValid() {
        if hasNulls { validity.append(true) }
        count += 1
    }

    @inline(__always) mutating func append(_ value: Bool) {
        booleans.append(value)
        markValid()
    }

    @inline(__always) mutating func append(_ value: Int32) {
        int32s.append(value)
        markValid()
    }

    @inline(__always) mutating func append(_ value: Int64) {
        int64s.append(value)
        markValid()
    }

    @inline(__always) mutating func append(_ value: Double) {
        doubles.append(value)
        markValid()
    }

    /// Appends raw bytes as one value.
    @inline(__always) mutating func append(bytes pointer: UnsafePointer<UInt8>, count length: Int) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: pointer, count: length))
        finishBytes()
    }

    /// Ends a value whose bytes were appended to `bytes` directly.
    @inline(__always) mutating func finishBytes() {
        offsets.append(bytes.count)
        markValid()
    }

    /// Bytes appended since the last finished value.
    @inline(__always) var pendingByteCount: Int {
        bytes.count - (offsets.last ?? 0)
    }

    /// Appends an unscaled decimal in this column's storage (INT32, INT64 or big-endian
    /// two's complement FIXED_LEN_BYTE_ARRAY). The caller has checked the precision.
    @inline(__always) mutating func append(decimal unscaled: Int128) {
        switch storage {
        case .int32: append(Int32(truncatingIfNeeded: unscaled))
        case .int64: append(Int64(truncatingIfNeeded: unscaled))
        case .fixed(let width):
            var shift = (width - 1) * 8
            while shift >= 0 {
                bytes.append(UInt8(truncatingIfNeeded: unscaled >> shift))
                shift -= 8
            }
            markValid()
        default:
            // The plan builder pairs decimal conversions only with decimal storage.
            appendNull()
        }
    }

    /// Appends a null (a zero or empty slot, flagged invalid).
    mutating func appendNull() {
        if !hasNulls {
            hasNulls = true
            validity = Array(repeating: true, count: count)
            validity.reserveCapacity(Swift.max(count * 2, 1024))
        }
        validity.append(false)
        switch storage {
        case .boolean: booleans.append(false)
        case .int32: int32s.append(0)
        case .int64: int64s.append(0)
        case .double: doubles.append(0)
        case .bytes: offsets.append(bytes.count)
        case .fixed(let width): bytes.append(contentsOf: repeatElement(0, count: width))
        }
        count += 1
    }

    /// Appends `rows` nulls (a column added by evolution, for the rows already buffered).
    mutating func appendNulls(_ rows: Int) {
        for _ in 0..<rows { appendNull() }
    }

    /// True when row `row` is null.
    @inline(__always) func isNull(_ row: Int) -> Bool {
        hasNulls && row < validity.count && !validity[row]
    }

    /// Drops every row from `rows` on, and any bytes of an unfinished value (row rollback).
    mutating func truncate(to rows: Int) {
        if count > rows {
            let extra = count - rows
            switch storage {
            case .boolean: booleans.removeLast(extra)
            case .int32: int32s.removeLast(extra)
            case .int64: int64s.removeLast(extra)
            case .double: doubles.removeLast(extra)
            case .bytes: offsets.removeLast(extra)
            case .fixed(let width): bytes.removeLast(extra * width)
            }
            if hasNulls { validity.removeLast(extra) }
            count = rows
        }
        if storage == .bytes, let end = offsets.last, bytes.count > end {
            bytes.removeLast(bytes.count - end)
        }
    }

    /// Moves the values out as `ColumnData` and starts empty, reserving `reserve` rows.
    mutating func take(reserving reserve: Int) -> ColumnData {
        let values: ColumnValues
        switch storage {
        case .boolean: values = .boolean(booleans)
        case .int32: values = .int32(int32s)
        case .int64: values = .int64(int64s)
        case .double: values = .double(doubles)
        case .bytes: values = .byteArray(ByteArrayValues(bytes: bytes, offsets: offsets))
        case .fixed(let width): values = .fixedLenByteArray(FixedLenByteArrayValues(bytes: bytes, width: width))
        }
        let data = ColumnData(values: values, validity: hasNulls ? validity : nil)
        self = ColumnStore(storage: storage, reserving: reserve)
        return data
    }

    /// Bytes held, for memory accounting: the arrays' capacity, not their count, because the
    /// batch limit bounds the memory actually allocated (builders grow by doubling).
    var byteCount: Int {
        booleans.capacity + int32s.capacity * 4 + int64s.capacity * 8 + doubles.capacity * 8 + bytes.capacity
            + offsets.capacity * 8 + validity.capacity
    }
}
