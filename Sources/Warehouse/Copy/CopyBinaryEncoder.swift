public import Parquet
import Catalog

/// Writes staged Parquet rows in PostgreSQL's binary `COPY … FROM STDIN` format, which spares the
/// server parsing text for integers, timestamps and numerics.
///
/// PostgreSQL documentation, "COPY", section "Binary Format": a header (the signature
/// `PGCOPY\n\377\r\n\0`, int32 flags 0, int32 header-extension length 0), per tuple an int16
/// field count and per field an int32 length (-1 for NULL) and the value in its type's binary
/// send format, and an int16 -1 trailer; everything in network byte order. The value forms
/// follow the types' receive functions in PostgreSQL's src/backend/utils/adt/ (see
/// `CopyBinaryType`); the ones with a conversion:
/// - DATE (Parquet days since 1970-01-01) → int32 days since 2000-01-01 (date.c `date_recv`);
/// - TIMESTAMP(TZ) (Parquet UTC-adjusted millis, micros or nanos since 1970, the Redshift rule
///   every staged file follows) → int64 µs since 2000-01-01 00:00:00 (timestamp.c
///   `timestamp_recv`), the same instant (TIMESTAMPTZ) or UTC wall time (TIMESTAMP) the text
///   encoder's `…+00` gives;
/// - DECIMAL (INT32, INT64 or big-endian two's-complement FIXED_LEN_BYTE_ARRAY unscaled) →
///   numeric.c's external form: int16 ndigits, weight, sign (0x0000, 0x4000 negative), dscale =
///   the Parquet scale, then base-10000 int16 digit groups aligned on the decimal point;
/// - UUID text (the catalog stages UUIDs as STRING) → its 16 bytes, read as uuid.c's
///   `string_to_uuid` reads (optional braces, a hyphen allowed after any group of four digits).
///
/// Dates and timestamps outside `CivilTime`'s range fail as in the text encoder; this matters
/// more here, since `date_recv` and `timestamp_recv` take their extreme integers as ±infinity.
///
/// No value allocates: everything is appended to one growing byte buffer, a column at a time.
public struct CopyBinaryEncoder: Sendable {
    private let forms: [Form]

    /// The file header: signature, flags, header-extension length.
    public static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    /// The file trailer: a tuple field count of -1.
    public static let trailer: [UInt8] = [0xFF, 0xFF]

    /// An encoder for rows of `schema` (a staged file's schema, in column order) going into
    /// columns of `types`, in the same order. Throws `noBinaryForm` naming the first column whose
    /// Parquet form this encoder cannot turn into its type's binary form.
    public init(types: [CopyBinaryType], schema: Schema) throws(WarehouseError) {
        guard types.count == schema.fields.count else {
            throw WarehouseError(.noBinaryForm, "the file has \(schema.fields.count) columns, the table \(types.count)")
        }
        var forms: [Form] = []
        for (type, field) in zip(types, schema.fields) {
            guard let form = Form(type: type, field: field) else {
                throw WarehouseError(.noBinaryForm, "the column \(field.name) (Parquet \(field.physicalType)"
                    + "\(field.logicalType.map { " \($0)" } ?? "")) has no binary form for \(type)")
            }
            forms.append(form)
        }
        self.forms = forms
    }

    /// Appends the tuples of rows `rows` (every row when nil) of `batch`, whose columns follow
    /// the schema, to `out` (neither header nor trailer).
    ///
    /// As in `CopyTextEncoder`, the fields are built a column at a time into one scratch buffer
    /// (one decision per column, then a tight loop over its values) and interleaved row by row.
    public func append(_ batch: ColumnBatch, rows: Range<Int>? = nil, into out: inout [UInt8]) throws(WarehouseError) {
        let rows = rows ?? 0..<batch.rowCount
        let width = batch.columns.count
        guard !rows.isEmpty, width > 0 else { return }
        var cells = Cells(capacity: rows.count * width)
        for (index, column) in batch.columns.enumerated() {
            try append(column, rows: rows, form: forms[index], into: &cells)
        }
        let count = rows.count
        out.reserveCapacity(out.count + cells.bytes.count + count * 2)
        let fieldCount = UInt16(width)
        cells.bytes.withUnsafeBufferPointer { bytes in
            cells.ends.withUnsafeBufferPointer { ends in
                for row in 0..<count {
                    out.append(UInt8(truncatingIfNeeded: fieldCount >> 8))
                    out.append(UInt8(truncatingIfNeeded: fieldCount))
                    for column in 0..<width {
                        let cell = column * count + row
                        let start = cell == 0 ? 0 : ends[cell - 1]
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<ends[cell]]))
                    }
                }
            }
        }
    }

    /// Every field (its length word and value), column after column, and where each ends.
    private struct Cells {
        var bytes: [UInt8] = []
        var ends: [Int] = []

        init(capacity: Int) {
            ends.reserveCapacity(capacity)
            bytes.reserveCapacity(capacity * 12)
        }

        /// Appends one field per row of `rows`: length -1 where `validity` says null, else the
        /// length `value` wrote and its bytes.
        @inline(__always)
        mutating func fill(
            _ rows: Range<Int>, validity: [Bool]?, _ value: (Int, inout [UInt8]) throws(WarehouseError) -> Void
        ) throws(WarehouseError) {
            for row in rows {
                if let validity, !validity[row] {
                    Self.appendBig(UInt32.max, into: &bytes)
                } else {
                    let lengthAt = bytes.count
                    Self.appendBig(UInt32(0), into: &bytes)
                    try value(row, &bytes)
                    let length = UInt32(truncatingIfNeeded: bytes.count - lengthAt - 4)
                    bytes.withUnsafeMutableBufferPointer { buffer in
                        buffer[lengthAt] = UInt8(truncatingIfNeeded: length >> 24)
                        buffer[lengthAt + 1] = UInt8(truncatingIfNeeded: length >> 16)
                        buffer[lengthAt + 2] = UInt8(truncatingIfNeeded: length >> 8)
                        buffer[lengthAt + 3] = UInt8(truncatingIfNeeded: length)
                    }
                }
                ends.append(bytes.count)
            }
        }

        @inline(__always)
        static func appendBig<T: FixedWidthInteger>(_ value: T, into out: inout [UInt8]) {
            withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
        }
    }

    /// What one column's values become, decided once per column from its target type and its
    /// Parquet field; nil for a pair this encoder does not convert.
    private enum Form {
        case boolean
        case int4
        case int8
        case float8
        case date
        case timestamp(multiplier: Int64, divisor: Int64)
        case numeric(scale: Int)
        /// BYTE_ARRAY bytes as they are (text, bytea).
        case bytes
        /// BYTE_ARRAY JSON text after jsonb's version byte.
        case jsonb
        /// BYTE_ARRAY UUID text parsed to its 16 bytes.
        case uuidText
        /// FIXED_LEN_BYTE_ARRAY bytes as they are (UUID(16), bytea).
        case fixedBytes

        init?(type: CopyBinaryType, field: Field) {
            let integer: Bool
            switch field.logicalType {
            case nil, .integer?: integer = true
            default: integer = false
            }
            let text: Bool
            switch field.logicalType {
            case .string?, .json?, .enumeration?: text = true
            default: text = false
            }
            switch (type, field.physicalType, IntegerForm(field)) {
            case (.boolean, .boolean, _): self = .boolean
            case (.int4, .int32, _) where integer: self = .int4
            case (.int8, .int32, _) where integer, (.int8, .int64, _) where integer: self = .int8
            case (.float8, .float, _), (.float8, .double, _): self = .float8
            case (.date, .int32, .date), (.date, .int64, .date): self = .date
            case (.timestamp, .int64, .timestamp(let multiplier, let divisor)): self = .timestamp(multiplier: multiplier, divisor: divisor)
            case (.numeric, .int32, .decimal(let scale)), (.numeric, .int64, .decimal(let scale)): self = .numeric(scale: scale)
            case (.numeric, .fixedLenByteArray, .decimal(let scale)) where (1...16).contains(field.typeLength): self = .numeric(scale: scale)
            case (.text, .byteArray, _) where text: self = .bytes
            case (.jsonb, .byteArray, _) where text: self = .jsonb
            case (.uuid, .byteArray, _) where text: self = .uuidText
            case (.uuid, .fixedLenByteArray, _) where field.logicalType == .uuid && field.typeLength == 16: self = .fixedBytes
            case (.bytea, .byteArray, _) where !text: self = .bytes
            case (.bytea, .fixedLenByteArray, _) where field.logicalType == nil: self = .fixedBytes
            default: return nil
            }
        }
    }

    /// The values of a Parquet type the form does not take: the file is not shaped like its
    /// schema says (the reader guarantees it is).
    private static func mismatch(_ form: Form) -> WarehouseError {
        WarehouseError(.invalidValue, "a column's values do not have the Parquet type its binary form \(form) takes")
    }

    private func append(_ column: ColumnData, rows: Range<Int>, form: Form, into cells: inout Cells) throws(WarehouseError) {
        let validity = column.validity
        switch (column.values, form) {
        case (.boolean(let values), .boolean):
            try cells.fill(rows, validity: validity) { row, out in out.append(values[row] ? 1 : 0) }
        case (.int32(let values), .int4):
            try cells.fill(rows, validity: validity) { row, out in Cells.appendBig(values[row], into: &out) }
        case (.int32(let values), _):
            try values.withUnsafeBufferPointer { (values) throws(WarehouseError) in
                try cells.fill(rows, validity: validity) { (row, out) throws(WarehouseError) in
                    try Self.appendInteger(Int64(values[row]), form: form, into: &out)
                }
            }
        case (.int64(let values), _):
            try values.withUnsafeBufferPointer { (values) throws(WarehouseError) in
                try cells.fill(rows, validity: validity) { (row, out) throws(WarehouseError) in
                    try Self.appendInteger(values[row], form: form, into: &out)
                }
            }
        case (.double(let values), .float8):
            try cells.fill(rows, validity: validity) { row, out in Self.appendFloat8(values[row], into: &out) }
        case (.float(let values), .float8):
            try cells.fill(rows, validity: validity) { row, out in Self.appendFloat8(Double(values[row]), into: &out) }
        case (.byteArray(let values), .bytes), (.byteArray(let values), .jsonb), (.byteArray(let values), .uuidText):
            try values.bytes.withUnsafeBufferPointer { (bytes) throws(WarehouseError) in
                try values.offsets.withUnsafeBufferPointer { (offsets) throws(WarehouseError) in
                    try cells.fill(rows, validity: validity) { (row, out) throws(WarehouseError) in
                        let value = UnsafeBufferPointer(rebasing: bytes[offsets[row]..<offsets[row + 1]])
                        switch form {
                        case .jsonb:
                            // jsonb_recv: a version byte, 1, then the text (jsonb.c).
                            out.append(1)
                            out.append(contentsOf: value)
                        case .uuidText: try Self.appendUUID(parsing: value, into: &out)
                        default: out.append(contentsOf: value)
                        }
                    }
                }
            }
        case (.fixedLenByteArray(let values), .numeric(let scale)):
            let width = values.width
            try values.bytes.withUnsafeBufferPointer { (bytes) throws(WarehouseError) in
                try cells.fill(rows, validity: validity) { row, out in
                    let base = UnsafeRawPointer(bytes.baseAddress.unsafelyUnwrapped) + row * width
                    Self.appendNumeric(ColumnData.bigEndianInteger(base, width: width), scale: scale, into: &out)
                }
            }
        case (.fixedLenByteArray(let values), .fixedBytes):
            let width = values.width
            try values.bytes.withUnsafeBufferPointer { (bytes) throws(WarehouseError) in
                try cells.fill(rows, validity: validity) { row, out in
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(row * width)..<((row + 1) * width)]))
                }
            }
        default:
            throw Self.mismatch(form)
        }
    }

    @inline(__always)
    private static func appendInteger(_ value: Int64, form: Form, into out: inout [UInt8]) throws(WarehouseError) {
        switch form {
        case .int8:
            Cells.appendBig(value, into: &out)
        case .date:
            guard value >= CivilTime.minimumDays && value <= CivilTime.maximumDays else {
                throw WarehouseError(.invalidValue, "the date \(value) days from 1970-01-01 is outside the range the warehouse stores")
            }
            Cells.appendBig(Int32(value - postgresEpochDays), into: &out)
        case .timestamp(let multiplier, let divisor):
            let micros = IntegerForm.micros(value, multiplier: multiplier, divisor: divisor)
            guard micros >= CivilTime.minimumMicros && micros <= CivilTime.maximumMicros else {
                throw WarehouseError(.invalidValue, "the timestamp \(micros) µs from the epoch is outside the range the warehouse stores")
            }
            Cells.appendBig(micros - postgresEpochDays * CivilTime.microsPerDay, into: &out)
        case .numeric(let scale):
            appendNumeric(Int128(value), scale: scale, into: &out)
        default:
            throw mismatch(form)
        }
    }

    /// 2000-01-01, PostgreSQL's epoch for dates and timestamps (`POSTGRES_EPOCH_JDATE`), in days
    /// since 1970-01-01.
    static let postgresEpochDays: Int64 = 10_957

    /// float8's bits; every NaN as the one NaN the text form `NaN` gives.
    @inline(__always)
    static func appendFloat8(_ value: Double, into out: inout [UInt8]) {
        Cells.appendBig((value.isNaN ? Double.nan : value).bitPattern, into: &out)
    }

    /// numeric.c's external form of `unscaled` × 10^-`scale`, with dscale `scale`: digit groups of
    /// four decimal digits (base 10000) aligned on the decimal point, the most significant first,
    /// `weight` the power of 10000 of the first; leading and trailing zero groups left out (as
    /// `make_result` stores them); zero has no groups and weight 0.
    static func appendNumeric(_ unscaled: Int128, scale: Int, into out: inout [UInt8]) {
        let magnitude = unscaled.magnitude
        if magnitude <= UInt64.max {
            appendNumeric(UInt64(magnitude), negative: unscaled < 0, scale: scale, into: &out)
        } else {
            appendNumeric(magnitude, negative: unscaled < 0, scale: scale, into: &out)
        }
    }

    private static let powersOfTen: [UInt16] = [1, 10, 100, 1000, 10000]

    @inline(__always)
    private static func appendNumeric<T: UnsignedInteger & FixedWidthInteger>(_ magnitude: T, negative: Bool, scale: Int, into out: inout [UInt8]) {
        // The fraction is padded with `pad` zeros to whole groups: the lowest group holds the last
        // 4 - pad digits times 10^pad, and has weight -(scale + pad) / 4.
        let pad = (4 - scale % 4) % 4
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 12) { groups in
            var count = 0
            var rest = magnitude
            let first = T(powersOfTen[4 - pad])
            groups[0] = UInt16(truncatingIfNeeded: rest % first) &* powersOfTen[pad]
            rest /= first
            count = 1
            while rest > 0 {
                groups[count] = UInt16(truncatingIfNeeded: rest % 10000)
                rest /= 10000
                count += 1
            }
            var lowest = 0
            while lowest < count && groups[lowest] == 0 { lowest += 1 }
            var highest = count - 1
            while highest >= lowest && groups[highest] == 0 { highest -= 1 }
            let digits = highest - lowest + 1
            let weight = digits == 0 ? 0 : -(scale + pad) / 4 + highest
            out.reserveCapacity(out.count + 8 + 2 * digits)
            Cells.appendBig(Int16(digits), into: &out)
            Cells.appendBig(Int16(weight), into: &out)
            Cells.appendBig(UInt16(negative && digits > 0 ? 0x4000 : 0), into: &out)
            Cells.appendBig(Int16(scale), into: &out)
            var index = highest
            while index >= lowest {
                Cells.appendBig(groups[index], into: &out)
                index -= 1
            }
        }
    }

    /// The 16 bytes of a UUID's text, read as uuid.c's `string_to_uuid` does: 32 hex digits in
    /// either case, optionally in braces, with a hyphen allowed after any group of four digits.
    static func appendUUID(parsing text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws(WarehouseError) {
        var index = 0
        var end = text.count
        if end >= 2 && text[0] == UInt8(ascii: "{") && text[end - 1] == UInt8(ascii: "}") {
            index = 1
            end -= 1
        }
        for byte in 0..<16 {
            guard index + 1 < end, let high = hexValue(text[index]), let low = hexValue(text[index + 1]) else {
                throw invalidUUID(text)
            }
            out.append(high << 4 | low)
            index += 2
            if byte % 2 == 1 && byte < 15 && index < end && text[index] == UInt8(ascii: "-") { index += 1 }
        }
        guard index == end else { throw invalidUUID(text) }
    }

    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func invalidUUID(_ text: UnsafeBufferPointer<UInt8>) -> WarehouseError {
        WarehouseError(.invalidValue, "invalid input syntax for type uuid: \"\(String(decoding: text.prefix(64), as: UTF8.self))\"")
    }
}
