import Catalog
import Parquet

/// How the values of one column of a Parquet snapshot become a declared column's values: the
/// file's physical and logical type checked against the column type once, then one cheap
/// case per value.
enum ParquetEncoding {
    /// BOOLEAN.
    case boolean
    /// INT32 or INT64 integers (also DATE, TIMESTAMP, TIME) through one of the decoder's
    /// integer conversions (`ValueDecoding.appendInteger`); `unsigned` reads the bits as such.
    case integer(Conversion, unsigned: Bool)
    /// FLOAT or DOUBLE.
    case floating
    /// DECIMAL at `scale` (INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY), moved exactly to
    /// the column's precision and scale.
    case decimal(scale: Int, target: DecimalTarget)
    /// STRING (or JSON, ENUM) text read by the column's text conversion (`TextValue`).
    case text
    /// Opaque bytes, at most `maxBytes`.
    case bytes(maxBytes: Int)
    /// A 16-byte UUID, stored as canonical lowercase text.
    case uuid

    /// The encoding that joins `field` of the file to a column of `type`, or nil when the
    /// file's type cannot hold the declared one. Integers may be narrower than 64 bits and
    /// timestamps and times in any unit; a `timestamptz` column needs a UTC-adjusted timestamp.
    init?(field: Field, type: ColumnType) {
        let physical = field.physicalType
        switch (type, field.logicalType) {
        case (.boolean, nil) where physical == .boolean:
            self = .boolean
        case (.bigint, nil) where physical == .int32 || physical == .int64,
            (.time, nil) where physical == .int64, (.timetz, nil) where physical == .int64:
            self = .integer(Self.integerConversion(for: type), unsigned: false)
        case (.bigint, .integer(_, let signed)?), (.time, .integer(64, let signed)?), (.timetz, .integer(64, let signed)?):
            guard physical == .int32 || physical == .int64 else { return nil }
            self = .integer(Self.integerConversion(for: type), unsigned: !signed)
        case (.double, nil) where physical == .double || physical == .float:
            self = .floating
        case (.decimal(let precision, let scale), .decimal(_, let fileScale)?):
            self = .decimal(scale: fileScale, target: DecimalTarget(precision: precision, scale: scale))
        case (.varchar, .string?) where physical == .byteArray, (.varchar, .enumeration?) where physical == .byteArray,
            (.json, .string?) where physical == .byteArray, (.json, .json?) where physical == .byteArray,
            (.uuid, .string?) where physical == .byteArray:
            self = .text
        case (.uuid, .uuid?) where physical == .fixedLenByteArray && field.typeLength == 16:
            self = .uuid
        case (.bytes, nil) where physical == .byteArray || physical == .fixedLenByteArray:
            self = .bytes(maxBytes: ColumnType.maxVarcharBytes)
        case (.date, .date?) where physical == .int32:
            self = .integer(.days, unsigned: false)
        case (.timestamp, .timestamp(_, let unit)?) where physical == .int64,
            (.timestamptz, .timestamp(true, let unit)?) where physical == .int64:
            self = .integer(.epochTimestamp(multiplier: Self.multiplier(unit), divisor: Self.divisor(unit)), unsigned: false)
        case (.time, .time(_, let unit)?), (.timetz, .time(true, let unit)?):
            guard physical == (unit == .millis ? .int32 : .int64) else { return nil }
            self = .integer(.timeOfDay(multiplier: Self.multiplier(unit), divisor: Self.divisor(unit)), unsigned: false)
        default:
            return nil
        }
    }

    /// A plain integer column feeding `type`: a bigint, or a time of day in microseconds
    /// (how Millrace stages `time` and `timetz`).
    private static func integerConversion(for type: ColumnType) -> Conversion {
        type == .bigint ? .integer(Int64.min...Int64.max) : .timeOfDay(multiplier: 1, divisor: 1)
    }

    private static func multiplier(_ unit: TimeUnit) -> Int64 {
        unit == .millis ? 1_000 : 1
    }

    private static func divisor(_ unit: TimeUnit) -> Int64 {
        unit == .nanos ? 1_000 : 1
    }

    /// How `field` is typed, for messages: `INT32 DATE`, `BYTE_ARRAY STRING`.
    static func describe(_ field: Field) -> String {
        "\(field.physicalType)" + (field.logicalType.map { " \($0)" } ?? "")
    }
}
