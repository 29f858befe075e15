/// The SQL dialect a statement is written for.
public struct SQLDialect: Sendable, Hashable, CustomStringConvertible {
    private enum Value: String, Sendable, CaseIterable {
        case redshift
        case postgres
    }

    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// Amazon Redshift: DISTSTYLE, DISTKEY and SORTKEY; VARCHAR lengths in bytes.
    public static let redshift = SQLDialect(.redshift)
    /// PostgreSQL, a supported warehouse target in its own right and the test server.
    public static let postgres = SQLDialect(.postgres)

    /// Every dialect.
    public static let all: [SQLDialect] = Value.allCases.map(SQLDialect.init)

    /// The dialect named `name` (`redshift` or `postgres`), or nil.
    public init?(named name: String) {
        guard let value = Value(rawValue: name.lowercased()) else { return nil }
        self.value = value
    }

    /// `redshift` or `postgres`.
    public var description: String { value.rawValue }
}

extension ColumnType {
    /// The column's SQL type in `dialect`. Redshift gets only types `COPY … FORMAT AS PARQUET`
    /// loads from the Parquet type `parquetField` writes (../shared/MISSION.md, Redshift rules).
    public func sqlType(_ dialect: SQLDialect) -> String {
        let redshift = dialect == .redshift
        switch self {
        case .boolean: return "BOOLEAN"
        case .bigint, .time, .timetz: return "BIGINT"
        case .double: return "DOUBLE PRECISION"
        case .decimal(let precision, let scale): return redshift ? "DECIMAL(\(precision),\(scale))" : "NUMERIC(\(precision),\(scale))"
        case .varchar(let maxBytes):
            // PostgreSQL counts VARCHAR(n) in characters, so a value within n bytes always fits;
            // the unbounded case is TEXT there.
            if redshift { return "VARCHAR(\(maxBytes))" }
            return maxBytes == Self.maxVarcharBytes ? "TEXT" : "VARCHAR(\(maxBytes))"
        case .json: return redshift ? "VARCHAR(\(Self.maxVarcharBytes))" : "JSONB"
        case .uuid: return redshift ? "CHAR(36)" : "UUID"
        case .date: return "DATE"
        case .timestamp: return "TIMESTAMP"
        case .timestamptz: return "TIMESTAMPTZ"
        case .bytes: return redshift ? "VARBYTE(\(Self.maxVarcharBytes))" : "BYTEA"
        }
    }
}

extension SQLDialect: Codable {
    /// Decodes `redshift` or `postgres`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let dialect = SQLDialect(named: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected redshift or postgres, not \(name)")
        }
        self = dialect
    }

    /// Encodes the dialect's name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
