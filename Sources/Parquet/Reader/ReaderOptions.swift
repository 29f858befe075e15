/// Limits `ParquetReader` applies to lengths read from a file before it allocates for them, so
/// a corrupt or hostile file fails with `limitExceeded` instead of exhausting memory.
public struct ReaderOptions: Sendable, Hashable {
    /// Largest footer accepted, in bytes. Default: 64 MiB (footers of files with thousands of
    /// row groups stay far below).
    public var maxFooterSize: Int = 64 << 20
    /// Largest page accepted once decompressed, in bytes. Default: 256 MiB.
    public var maxPageSize: Int = 256 << 20
    /// Most rows accepted in one row group. Default: 67,108,864 (pyarrow's hard cap on row
    /// group size).
    public var maxRowGroupRows: Int = 64 << 20
    /// Most memory one read (`readRowGroup`, `readColumns`, `readColumn`) may take for what it
    /// decodes, in bytes: every column of the read together, with byte-array offsets (8 bytes
    /// a value), validity (1 byte a row), definition levels, dictionary indices and
    /// decompressed pages counted. Encodings expand (an RLE run of dictionary indices can name
    /// one entry millions of times in a few bytes), so the file's size bounds nothing; this
    /// does. Default: 512 MiB (a 1,048,576-row group, pyarrow's and `WriterProperties`'
    /// default, of 40 nullable 8-byte columns takes about 380 MB).
    public var maxDecodedBytes: Int = 512 << 20

    /// The defaults.
    public init() {}

    /// Throws `invalidProperties` unless every limit is positive (and `maxDecodedBytes` below
    /// 2^60, so sizes computed against it cannot overflow).
    public func validate() throws {
        for (name, value) in [("maxFooterSize", maxFooterSize), ("maxPageSize", maxPageSize), ("maxRowGroupRows", maxRowGroupRows)]
        where value < 1 {
            throw ParquetError(.invalidProperties, "ReaderOptions.\(name) must be positive, not \(value)")
        }
        guard maxDecodedBytes >= 1 && maxDecodedBytes < 1 << 60 else {
            throw ParquetError(.invalidProperties, "ReaderOptions.maxDecodedBytes must be within 1..<2^60, not \(maxDecodedBytes)")
        }
    }
}
