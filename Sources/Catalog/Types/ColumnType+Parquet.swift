public import Parquet

extension ColumnType {
    /// The Parquet field this type is staged as, following ../shared/MISSION.md's Redshift rules:
    /// timestamps are INT64 MICROS adjusted to UTC, times are plain INT64 microseconds (Redshift
    /// cannot load the TIME type), decimals keep the table's precision and scale, and JSON and
    /// UUIDs are UTF-8 STRING so that COPY loads them into VARCHAR/CHAR.
    public func parquetField(name: String, nullable: Bool) -> Field {
        switch self {
        case .boolean: .boolean(name, nullable: nullable)
        case .bigint, .time, .timetz: .integer(name, bitWidth: 64, nullable: nullable)
        case .double: .double(name, nullable: nullable)
        case .decimal(let precision, let scale): .decimal(name, precision: precision, scale: scale, nullable: nullable)
        case .varchar, .json, .uuid: .string(name, nullable: nullable)
        case .date: .date(name, nullable: nullable)
        case .timestamp, .timestamptz: .timestamp(name, unit: .micros, nullable: nullable)
        case .bytes: .binary(name, nullable: nullable)
        }
    }
}
