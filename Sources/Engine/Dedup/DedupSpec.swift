/// Which columns of a decoded batch decide deduplication, by position in the batch.
///
/// Rows with equal values in every `keyColumns` column are duplicates of one another; the row
/// with the highest rank survives, where rank compares, in order: the version column, the LSN
/// column, the Kafka partition, then the Kafka offset. A null version or LSN ranks below any
/// value, so a tombstone (which carries only the key) never beats the change it follows.
public struct DedupSpec: Sendable, Hashable {
    /// Dedup key columns (INT32, INT64, BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY).
    public var keyColumns: [Int]
    /// Version column (INT32 or INT64), or nil when the table has none.
    public var versionColumn: Int?
    /// LSN column (INT64), or nil.
    public var lsnColumn: Int?
    /// Kafka partition column (INT32).
    public var partitionColumn: Int
    /// Kafka offset column (INT64).
    public var offsetColumn: Int

    /// A spec from column positions in the batch.
    public init(keyColumns: [Int], versionColumn: Int?, lsnColumn: Int?, partitionColumn: Int, offsetColumn: Int) {
        self.keyColumns = keyColumns
        self.versionColumn = versionColumn
        self.lsnColumn = lsnColumn
        self.partitionColumn = partitionColumn
        self.offsetColumn = offsetColumn
    }
}
