/// Limits `ParquetReader` applies to lengths read from a file before it allocates for them, so
/// a corrupt or hostile file fails with `limitExceeded` instead of exhausting memory.
public struct ReaderOptions: Sendable, Hashable {
    /// Largest footer accepted, in bytes. Default: 64 MiB (footers of files with thousands of
    /// row groups stay far below).
    public var maxFooterSize: Int = 64 << 20
    /// Largest page accepted once decompressed, in bytes. Default: 256 MiB.
    public var maxPageSize: Int = 256 << 20
    /// Most rows accepted in one row group (the values of a column are decoded whole).
    /// Default: 67,108,864 (pyarrow's hard cap on row group size).
    public var maxRowGroupRows: Int = 64 << 20
    /// Largest decoded column chunk, in bytes of values. Encodings expand (an RLE run of
    /// dictionary indices can name one large entry millions of times), so decoded size cannot be
    /// bounded by the file's size; this bounds it instead. Default: 2 GiB.
    public var maxDecodedColumnBytes: Int = 2 << 30

    /// The defaults.
    public init() {}
}
