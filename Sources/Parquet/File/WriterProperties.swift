/// How `ParquetWriter` lays out a file. The defaults follow pyarrow's `pq.write_table` (Arrow
/// C++ `WriterProperties`), so size and speed comparisons with it are like for like; the one
/// addition is `rowGroupByteLimit`, which bounds memory when rows are wide.
public struct WriterProperties: Sendable, Hashable {
    /// Target bytes of encoded values per data page, before compression. A page ends at the
    /// first check past it (every 1,024 values, or every value for byte arrays in PLAIN).
    /// Default: 1 MiB (pyarrow's `data_page_size`).
    public var dataPageSize: Int = 1 << 20
    /// Most rows per data page. Default: 20,000 (pyarrow's `max_rows_per_page`).
    public var dataPageRowLimit: Int = 20_000
    /// Rows per row group; a row group is flushed to the sink when it reaches them.
    /// Default: 1,048,576 (pyarrow's default `row_group_size`).
    public var rowGroupRowLimit: Int = 1 << 20
    /// Bytes a row group may hold in memory (compressed pages plus open pages and
    /// dictionaries) before it is flushed early; with the row limit, this bounds the writer's
    /// memory whatever the file size. Checked every 65,536 rows. Default: 64 MiB.
    public var rowGroupByteLimit: Int = 64 << 20
    /// Dictionary size (its PLAIN page, in bytes) at which a column chunk falls back to PLAIN
    /// for the rest of the chunk. Default: 1 MiB (pyarrow's `dictionary_pagesize_limit`).
    public var dictionaryPageSizeLimit: Int = 1 << 20
    /// Whether non-boolean columns start dictionary-encoded. Default: true (as pyarrow).
    public var dictionaryEnabled: Bool = true
    /// Page compression: `.snappy` or `.uncompressed`. Default: `.snappy` (what Redshift COPY
    /// expects, and pyarrow's default).
    public var compression: CompressionCodec = .snappy
    /// Longest BYTE_ARRAY statistics bound, in bytes; longer bounds are truncated (and marked
    /// inexact). Default: 64 (as parquet-mr and arrow-rs).
    public var statisticsTruncateLength: Int = 64
    /// Whether STRING and JSON values are checked to be valid UTF-8 before they are written.
    /// Default: true (one bad value fails a whole Redshift COPY).
    public var validatesUTF8: Bool = true
    /// Threads encoding the column chunks of a row group at once (values → pages → compression),
    /// each with its own page scratch of about twice `dataPageSize`; the chunks are written in
    /// column order, so the file is byte for byte the same at any number. More threads than
    /// columns are not used. Default: 1 (the caller's thread only).
    public var encodingThreads: Int = 1
    /// The footer's `created_by` (parquet.thrift `FileMetaData.created_by`: "<Application> version
    /// <App Version>"). The writer does not know the application's version: callers that do pass
    /// it (the worker passes `Build.parquetCreatedBy`). Default: `"millrace"`.
    public var createdBy: String = "millrace"

    /// The defaults.
    public init() {}

    /// Throws `invalidProperties` for sizes out of range or an unsupported codec.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw ParquetError(.invalidProperties, message) }
        }
        try check(dataPageSize >= 1 && dataPageSize <= 1 << 30, "dataPageSize must be within 1...1 GiB, not \(dataPageSize)")
        try check(dataPageRowLimit >= 1 && dataPageRowLimit <= 1 << 30, "dataPageRowLimit must be within 1...2^30, not \(dataPageRowLimit)")
        try check(rowGroupRowLimit >= 1 && rowGroupRowLimit <= 1 << 31 - 1, "rowGroupRowLimit must be within 1...2^31-1, not \(rowGroupRowLimit)")
        try check(rowGroupByteLimit >= 1, "rowGroupByteLimit must be positive, not \(rowGroupByteLimit)")
        try check(
            dictionaryPageSizeLimit >= 1 && dictionaryPageSizeLimit <= 1 << 30,
            "dictionaryPageSizeLimit must be within 1...1 GiB, not \(dictionaryPageSizeLimit)"
        )
        try check(encodingThreads >= 1 && encodingThreads <= 256, "encodingThreads must be within 1...256, not \(encodingThreads)")
        try check(statisticsTruncateLength >= 1, "statisticsTruncateLength must be positive, not \(statisticsTruncateLength)")
        try check(compression == .snappy || compression == .uncompressed, "compression must be SNAPPY or UNCOMPRESSED, not \(compression)")
    }
}
