/// The internal type of a warehouse column: what the decoder produces, what the Parquet writer
/// stores and what Redshift and PostgreSQL declare.
///
/// Types are chosen wide from the start (every integer is BIGINT, every float DOUBLE PRECISION,
/// unbounded text VARCHAR(65535)) so that widening at the source needs no warehouse DDL.
/// See `docs/CDC.md`, "Type mapping", for the full table.
public enum ColumnType: Sendable, Hashable, CustomStringConvertible {
    /// BOOLEAN.
    case boolean
    /// 64-bit signed integer; every Connect integer width maps here.
    case bigint
    /// IEEE 754 double; Connect FLOAT32 and FLOAT64 (JsonConverter `float`, `double`) map here.
    case double
    /// Exact decimal, 1 ≤ precision ≤ 38, 0 ≤ scale ≤ precision.
    case decimal(precision: Int, scale: Int)
    /// UTF-8 text of at most `maxBytes` bytes (Redshift counts VARCHAR length in bytes).
    case varchar(maxBytes: Int)
    /// JSON text (a Debezium `Json` value, or an array, map or struct serialised as JSON).
    case json
    /// A UUID in canonical lowercase 8-4-4-4-12 form.
    case uuid
    /// A calendar date: days since 1970-01-01 (negative before).
    case date
    /// A timestamp without time zone: microseconds since 1970-01-01T00:00:00 of the wall clock.
    case timestamp
    /// An instant: microseconds since 1970-01-01T00:00:00Z (UTC).
    case timestamptz
    /// A time of day: microseconds since midnight. Stored as BIGINT because Redshift cannot
    /// COPY the Parquet TIME type (../shared/MISSION.md, Redshift rules).
    case time
    /// A time of day normalised to UTC: microseconds since midnight UTC, stored as BIGINT.
    case timetz
    /// Opaque bytes (bytea, bit strings).
    case bytes

    /// The longest VARCHAR Redshift accepts, in bytes.
    public static let maxVarcharBytes = 65_535
    /// The largest DECIMAL precision Redshift and Parquet's 16-byte decimals hold.
    public static let maxDecimalPrecision = 38
    /// Unbounded text: VARCHAR(65535).
    public static let text = ColumnType.varchar(maxBytes: maxVarcharBytes)

    /// The spelling used in `Schemas/` files, e.g. `decimal(20,5)` or `varchar(64)`.
    public var description: String {
        switch self {
        case .boolean: "boolean"
        case .bigint: "bigint"
        case .double: "double"
        case .decimal(let precision, let scale): "decimal(\(precision),\(scale))"
        case .varchar(let maxBytes): maxBytes == Self.maxVarcharBytes ? "varchar" : "varchar(\(maxBytes))"
        case .json: "json"
        case .uuid: "uuid"
        case .date: "date"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .time: "time"
        case .timetz: "timetz"
        case .bytes: "bytes"
        }
    }

    /// Parses the `Schemas/` spelling. Throws `invalidType` with the reason on anything else.
    public init(parsing text: String) throws(CatalogError) {
        let spelled = text.trimmingSpaces().lowercased()
        switch spelled {
        case "boolean": self = .boolean
        case "bigint": self = .bigint
        case "double": self = .double
        case "varchar", "text": self = .text
        case "json": self = .json
        case "uuid": self = .uuid
        case "date": self = .date
        case "timestamp": self = .timestamp
        case "timestamptz": self = .timestamptz
        case "time": self = .time
        case "timetz": self = .timetz
        case "bytes": self = .bytes
        default:
            if let arguments = Self.arguments(of: spelled, function: "decimal"), arguments.count == 2 {
                let (precision, scale) = (arguments[0], arguments[1])
                guard (1...Self.maxDecimalPrecision).contains(precision), (0...precision).contains(scale) else {
                    throw CatalogError(
                        .invalidType,
                        "`\(text)`: decimal precision must be 1...\(Self.maxDecimalPrecision) and scale 0...precision"
                    )
                }
                self = .decimal(precision: precision, scale: scale)
            } else if let arguments = Self.arguments(of: spelled, function: "varchar"), arguments.count == 1 {
                guard (1...Self.maxVarcharBytes).contains(arguments[0]) else {
                    throw CatalogError(.invalidType, "`\(text)`: varchar length must be 1...\(Self.maxVarcharBytes) bytes")
                }
                self = .varchar(maxBytes: arguments[0])
            } else {
                throw CatalogError(
                    .invalidType,
                    "`\(text)` is not a column type (boolean, bigint, double, decimal(p,s), varchar[(n)], json, uuid, "
                        + "date, timestamp, timestamptz, time, timetz, bytes)"
                )
            }
        }
    }

    /// The integer arguments of `function(a,b,...)`, or nil when `text` is not such a call.
    private static func arguments(of text: String, function: String) -> [Int]? {
        guard text.hasPrefix(function + "("), text.hasSuffix(")") else { return nil }
        let inner = text.dropFirst(function.count + 1).dropLast()
        var values: [Int] = []
        for part in inner.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Int(String(part).trimmingSpaces()) else { return nil }
            values.append(value)
        }
        return values
    }

    /// True when `newType` holds every value of `self`, so a column may move from `self` to
    /// `newType` without rewriting data: a longer VARCHAR, a decimal with more integer digits
    /// at the same scale.
    public func canWiden(to newType: ColumnType) -> Bool {
        switch (self, newType) {
        case (.varchar(let old), .varchar(let new)): new >= old
        case (.decimal(let oldPrecision, let oldScale), .decimal(let newPrecision, let newScale)):
            newScale == oldScale && newPrecision >= oldPrecision
        default: self == newType
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (Foundation-free).
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) }) ?? start
        return String(self[start...end])
    }
}
