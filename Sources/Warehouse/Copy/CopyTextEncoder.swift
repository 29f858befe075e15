public import Parquet
import Catalog

/// Writes staged Parquet rows in PostgreSQL's `COPY … FROM STDIN` text format, the form the
/// PostgreSQL loader streams into a load's staging table (PostgreSQL has no COPY from Parquet).
///
/// PostgreSQL documentation, "COPY", section "Text Format": one line per row, columns separated
/// by a tab, `\N` for NULL, and a backslash before a backslash, tab, newline or carriage return
/// inside a value. Values are typed by the file's own Parquet fields, so the text means exactly
/// what the file holds:
/// - BOOLEAN → `t` / `f`; integers as decimal digits;
/// - DATE → `YYYY-MM-DD` (`… BC` before year 1); TIMESTAMP (UTC-adjusted micros, the Redshift
///   rule every staged file follows) → `YYYY-MM-DD HH:MM:SS.ffffff+00`, which a TIMESTAMPTZ
///   column reads as that instant and a TIMESTAMP column as that UTC wall time;
/// - DECIMAL (INT32, INT64 or big-endian FIXED_LEN_BYTE_ARRAY) → the unscaled digits with the
///   scale's point;
/// - FLOAT / DOUBLE → the shortest round-tripping decimal, `NaN`, `Infinity`, `-Infinity`;
/// - STRING / JSON → the UTF-8 text, escaped; other BYTE_ARRAY → bytea hex (`\\x…`).
///
/// No value allocates: everything is appended to one growing byte buffer.
public struct CopyTextEncoder: Sendable {
    private let fields: [Field]

    /// An encoder for rows of `schema` (a staged file's schema, in column order).
    public init(schema: Schema) {
        fields = schema.fields
    }

    /// Appends the rows `rows` (every row when nil) of `batch`, whose columns follow the schema,
    /// to `out`.
    ///
    /// The text is built a column at a time (one decision per column, then a tight loop over its
    /// values) into one scratch buffer, and then interleaved row by row into `out`: a row-major
    /// walk would pick each value's form again and touch every column's arrays per row.
    public func append(_ batch: ColumnBatch, rows: Range<Int>? = nil, into out: inout [UInt8]) throws(WarehouseError) {
        let rows = rows ?? 0..<batch.rowCount
        let width = batch.columns.count
        guard !rows.isEmpty, width > 0 else { return }
        var cells = Cells(capacity: rows.count * width)
        for (index, column) in batch.columns.enumerated() {
            try append(column, rows: rows, field: fields[index], into: &cells)
        }
        let count = rows.count
        out.reserveCapacity(out.count + cells.text.count + count * width)
        cells.text.withUnsafeBufferPointer { text in
            cells.ends.withUnsafeBufferPointer { ends in
                for row in 0..<count {
                    for column in 0..<width {
                        if column > 0 { out.append(UInt8(ascii: "\t")) }
                        let cell = column * count + row
                        let start = cell == 0 ? 0 : ends[cell - 1]
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<ends[cell]]))
                    }
                    out.append(UInt8(ascii: "\n"))
                }
            }
        }
    }

    /// Every cell's text, column after column, and where each cell ends.
    private struct Cells {
        var text: [UInt8] = []
        var ends: [Int] = []

        init(capacity: Int) {
            ends.reserveCapacity(capacity)
            text.reserveCapacity(capacity * 8)
        }

        /// Appends one cell per row of `rows`: `\N` where `validity` says null, else `value`'s text.
        @inline(__always)
        mutating func fill(
            _ rows: Range<Int>, validity: [Bool]?, _ value: (Int, inout [UInt8]) throws(WarehouseError) -> Void
        ) throws(WarehouseError) {
            guard let validity else {
                for row in rows {
                    try value(row, &text)
                    ends.append(text.count)
                }
                return
            }
            for row in rows {
                if validity[row] {
                    try value(row, &text)
                } else {
                    text.append(UInt8(ascii: "\\"))
                    text.append(UInt8(ascii: "N"))
                }
                ends.append(text.count)
            }
        }
    }

    private func append(_ column: ColumnData, rows: Range<Int>, field: Field, into cells: inout Cells) throws(WarehouseError) {
        let validity = column.validity
        switch column.values {
        case .boolean(let values):
            try cells.fill(rows, validity: validity) { row, out in out.append(values[row] ? UInt8(ascii: "t") : UInt8(ascii: "f")) }
        case .int32(let values):
            let form = IntegerForm(field)
            try values.withUnsafeBufferPointer { (values) throws(WarehouseError) in
                try cells.fill(rows, validity: validity) { (row, out) throws(WarehouseError) in try Self.appendInteger(Int64(values[row]), form: form, into: &out) }
            }
        case .int64(let values):
            let form = IntegerForm(field)
            try values.withUnsafeBufferPointer { (values) throws(WarehouseError) in
                try cells.fill(rows, validity: validity) { (row, out) throws(WarehouseError) in try Self.appendInteger(values[row], form: form, into: &out) }
            }
        case .float(let values):
            try cells.fill(rows, validity: validity) { row, out in Self.appendFloating(Double(values[row]), into: &out) }
        case .double(let values):
            try cells.fill(rows, validity: validity) { row, out in Self.appendFloating(values[row], into: &out) }
        case .byteArray(let values):
            let isText: Bool
            switch field.logicalType {
            case .string?, .json?, .enumeration?: isText = true
            default: isText = false
            }
            try values.bytes.withUnsafeBufferPointer { (bytes) throws(WarehouseError) in
                try values.offsets.withUnsafeBufferPointer { (offsets) throws(WarehouseError) in
                    try cells.fill(rows, validity: validity) { row, out in
                        let value = UnsafeBufferPointer(rebasing: bytes[offsets[row]..<offsets[row + 1]])
                        if isText { Self.appendEscaped(value, into: &out) } else { Self.appendHex(value, into: &out) }
                    }
                }
            }
        case .fixedLenByteArray(let values):
            let width = values.width
            try values.bytes.withUnsafeBufferPointer { (bytes) throws(WarehouseError) in
                try cells.fill(rows, validity: validity) { row, out in
                    let base = UnsafeRawPointer(bytes.baseAddress.unsafelyUnwrapped) + row * width
                    if case .decimal(_, let scale)? = field.logicalType {
                        Self.appendDecimal(ColumnData.bigEndianInteger(base, width: width), scale: scale, into: &out)
                    } else if case .uuid? = field.logicalType, width == 16 {
                        Self.appendUUID(UnsafeRawBufferPointer(start: base, count: 16), into: &out)
                    } else {
                        Self.appendHex(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: width), into: &out)
                    }
                }
            }
        }
    }

    /// How an integer column's values are written, decided once per column from its logical type.
    private enum IntegerForm {
        case digits
        case date
        /// Microseconds are the value times `multiplier`, or divided (floored) by `divisor`.
        case timestamp(multiplier: Int64, divisor: Int64)
        case decimal(scale: Int)

        init(_ field: Field) {
            switch field.logicalType {
            case .date?: self = .date
            case .timestamp(_, .millis)?: self = .timestamp(multiplier: 1000, divisor: 1)
            case .timestamp(_, .micros)?: self = .timestamp(multiplier: 1, divisor: 1)
            case .timestamp(_, .nanos)?: self = .timestamp(multiplier: 1, divisor: 1000)
            case .decimal(_, let scale)?: self = .decimal(scale: scale)
            default: self = .digits
            }
        }
    }

    @inline(__always)
    private static func appendInteger(_ value: Int64, form: IntegerForm, into out: inout [UInt8]) throws(WarehouseError) {
        switch form {
        case .digits:
            appendDigits(value, into: &out)
        case .date:
            try appendDate(days: value, into: &out)
        case .timestamp(let multiplier, let divisor):
            // An overflowing millisecond count is out of range: Int64.max fails appendTimestamp's check.
            let (scaled, overflow) = value.multipliedReportingOverflow(by: multiplier)
            try appendTimestamp(micros: overflow ? .max : scaled.floorDivided(by: divisor).quotient, into: &out)
        case .decimal(let scale):
            appendDecimal(Int128(value), scale: scale, into: &out)
        }
    }

    // MARK: Value forms

    static func appendDigits(_ value: Int64, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        appendUnsigned(value.magnitude, minimumWidth: 1, into: &out)
    }

    static func appendUnsigned(_ value: UInt64, minimumWidth: Int, into out: inout [UInt8]) {
        appendMagnitude(value, minimumWidth: minimumWidth, pointBefore: 0, into: &out)
    }

    /// The decimal digits of `value`, at least `minimumWidth` of them (zero-padded), with a point
    /// before the last `pointBefore` digits when it is positive. Digits are built in a stack
    /// buffer: a 128-bit value has at most 39.
    private static func appendMagnitude<T: UnsignedInteger & FixedWidthInteger>(_ value: T, minimumWidth: Int, pointBefore scale: Int, into out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 80) { digits in
            var count = 0
            var rest = value
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            while count < max(minimumWidth, scale + 1) && count < 80 {
                digits[count] = UInt8(ascii: "0")
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) {
                out.append(digits[index])
                if index == scale && scale > 0 { out.append(UInt8(ascii: ".")) }
            }
        }
    }

    /// `YYYY-MM-DD`, or `YYYY-MM-DD BC` for years before 1 (PostgreSQL's ISO output and input).
    static func appendDate(days: Int64, into out: inout [UInt8]) throws(WarehouseError) {
        guard days >= CivilTime.minimumDays && days <= CivilTime.maximumDays else {
            throw WarehouseError(.invalidValue, "the date \(days) days from 1970-01-01 is outside the range the warehouse stores")
        }
        let (year, month, day) = CivilTime.civil(days: days)
        appendCivilDate(year: year, month: month, day: day, into: &out)
        if year < 1 { out.append(contentsOf: " BC".utf8) }
    }

    private static func appendCivilDate(year: Int64, month: Int64, day: Int64, into out: inout [UInt8]) {
        // Year 0 is 1 BC in the proleptic Gregorian calendar (ISO 8601's astronomical count).
        appendUnsigned(UInt64(year < 1 ? 1 - year : year), minimumWidth: 4, into: &out)
        out.append(UInt8(ascii: "-"))
        appendUnsigned(UInt64(month), minimumWidth: 2, into: &out)
        out.append(UInt8(ascii: "-"))
        appendUnsigned(UInt64(day), minimumWidth: 2, into: &out)
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff+00` (`… BC` after the offset before year 1).
    static func appendTimestamp(micros: Int64, into out: inout [UInt8]) throws(WarehouseError) {
        guard micros >= CivilTime.minimumMicros && micros <= CivilTime.maximumMicros else {
            throw WarehouseError(.invalidValue, "the timestamp \(micros) µs from the epoch is outside the range the warehouse stores")
        }
        let (days, ofDay) = micros.floorDivided(by: CivilTime.microsPerDay)
        let (year, month, day) = CivilTime.civil(days: days)
        appendCivilDate(year: year, month: month, day: day, into: &out)
        out.append(UInt8(ascii: " "))
        let seconds = ofDay / CivilTime.microsPerSecond
        appendUnsigned(UInt64(seconds / 3600), minimumWidth: 2, into: &out)
        out.append(UInt8(ascii: ":"))
        appendUnsigned(UInt64(seconds / 60 % 60), minimumWidth: 2, into: &out)
        out.append(UInt8(ascii: ":"))
        appendUnsigned(UInt64(seconds % 60), minimumWidth: 2, into: &out)
        out.append(UInt8(ascii: "."))
        appendUnsigned(UInt64(ofDay % CivilTime.microsPerSecond), minimumWidth: 6, into: &out)
        out.append(contentsOf: "+00".utf8)
        if year < 1 { out.append(contentsOf: " BC".utf8) }
    }

    /// The unscaled value with `scale` digits after the point.
    static func appendDecimal(_ unscaled: Int128, scale: Int, into out: inout [UInt8]) {
        if unscaled < 0 { out.append(UInt8(ascii: "-")) }
        appendMagnitude(unscaled.magnitude, minimumWidth: 1, pointBefore: scale, into: &out)
    }

    static func appendFloating(_ value: Double, into out: inout [UInt8]) {
        if value.isNaN {
            out.append(contentsOf: "NaN".utf8)
        } else if value.isInfinite {
            out.append(contentsOf: (value < 0 ? "-Infinity" : "Infinity").utf8)
        } else {
            out.append(contentsOf: value.description.utf8)
        }
    }

    /// Text with the text format's escapes: `\\`, `\t`, `\n`, `\r`.
    static func appendEscaped(_ value: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        for byte in value {
            switch byte {
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            default: out.append(byte)
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// bytea's hex form, `\x…`, its backslash escaped for the text format.
    static func appendHex(_ value: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "x"))
        for byte in value {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
    }

    /// A 16-byte UUID in its canonical 8-4-4-4-12 form.
    static func appendUUID(_ value: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        for index in 0..<16 {
            if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hexDigits[Int(value[index] >> 4)])
            out.append(hexDigits[Int(value[index] & 0x0F)])
        }
    }
}
