public import Parquet

/// Typed, read-only views of batch columns that the engine's loops index directly.
///
/// The engine reads a handful of columns (dedup key, version, LSN, offsets, event time) from
/// every row. Resolving the `ColumnValues` enum once per column, instead of once per value, keeps
/// those loops free of per-value switches and allocations.
public enum ColumnAccess {
    /// The values of an INT64 column, or nil if the column has another type.
    public static func int64(_ column: ColumnData) -> [Int64]? {
        if case .int64(let values) = column.values { return values }
        return nil
    }

    /// The values of an INT32 or INT64 column widened to Int64, or nil for other types.
    public static func integer(_ column: ColumnData) -> [Int64]? {
        switch column.values {
        case .int64(let values): values
        case .int32(let values): values.map(Int64.init)
        default: nil
        }
    }
}
