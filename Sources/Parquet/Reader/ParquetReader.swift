/// Reads flat Parquet files back into `ColumnBatch`es, with bounded memory: `init` reads and
/// checks the footer; each read then fetches one column chunk at a time, decodes it and lets
/// its bytes go. What a read decodes, all its columns together, temporaries included, is
/// bounded by `ReaderOptions.maxDecodedBytes`; reads that ask for the first rows decode no
/// further than those.
///
/// Decodes PLAIN, PLAIN_DICTIONARY and RLE_DICTIONARY (RLE for booleans), v1 and v2 data pages,
/// SNAPPY or uncompressed, for every physical type (INT96 comes back as 12-byte
/// FIXED_LEN_BYTE_ARRAY values). Corrupt input (truncation, offsets outside the file, a footer
/// that contradicts itself or the pages, column chunks that overlap) fails with `corruptFile`;
/// lengths and decoded sizes above `ReaderOptions` with `limitExceeded`; never with a crash or
/// an allocation past those limits. Nested schemas, encryption, other codecs and DELTA encodings are
/// `unsupported`. Not thread-safe.
public final class ParquetReader {
    /// The file's footer.
    public let metadata: FileMetadata
    /// The flat schema the footer describes.
    public let schema: Schema
    /// The file's size in bytes.
    public let fileSize: Int
    /// The limits applied to the file's lengths.
    public let options: ReaderOptions

    private let source: any ParquetSource
    private let footerStart: Int

    /// Opens the file at `path`.
    public convenience init(path: String, options: ReaderOptions = ReaderOptions()) throws {
        try self.init(source: FileSource(path: path), options: options)
    }

    /// Opens a file from `source`: checks both magic numbers, reads the footer and checks it
    /// against the file (row counts, chunk offsets and types).
    public init(source: any ParquetSource, options: ReaderOptions = ReaderOptions()) throws {
        try options.validate()
        self.source = source
        self.options = options
        fileSize = source.size
        guard fileSize >= 12 else { throw ParquetError.corrupt("a \(fileSize)-byte file is too short to be Parquet") }
        guard try source.read(offset: 0, count: 4) == Array("PAR1".utf8) else {
            throw ParquetError.corrupt("the file does not start with the magic PAR1")
        }
        let tail = try source.read(offset: fileSize - 8, count: 8)
        if tail[4..<8] == ArraySlice("PARE".utf8) {
            throw ParquetError(.unsupported, "the footer is encrypted (Parquet modular encryption is not supported)")
        }
        guard tail[4..<8] == ArraySlice("PAR1".utf8) else {
            throw ParquetError.corrupt("the file does not end with the magic PAR1 (truncated?)")
        }
        let footerLength = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard footerLength <= fileSize - 12 else {
            throw ParquetError.corrupt("the footer length \(footerLength) exceeds the \(fileSize)-byte file")
        }
        guard footerLength <= options.maxFooterSize else {
            throw ParquetError(.limitExceeded, "the footer is \(footerLength) bytes, above the \(options.maxFooterSize)-byte limit")
        }
        footerStart = fileSize - 8 - footerLength
        var decoder = CompactDecoder(try source.read(offset: footerStart, count: footerLength))
        metadata = try FileMetadata.read(from: &decoder)
        schema = try Schema(flatElements: metadata.schemaElements)
        try checkRowGroups()
    }

    /// Number of row groups.
    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// Reads row group `index` whole, or its first `maxRows` rows, one column chunk at a time.
    public func readRowGroup(_ index: Int, maxRows: Int? = nil) throws -> ColumnBatch {
        try ColumnBatch(columns: readColumns(rowGroup: index, columns: Array(schema.fields.indices), maxRows: maxRows))
    }

    /// Reads the given columns of one row group (in that order), or their first `maxRows` rows:
    /// one column chunk at a time, decoding stopping at the rows asked for. The decoded columns
    /// share one `maxDecodedBytes` budget.
    public func readColumns(rowGroup: Int, columns: [Int], maxRows: Int? = nil) throws -> [ColumnData] {
        let budget = DecodeBudget(limit: options.maxDecodedBytes)
        return try columns.map { try decode(rowGroup: rowGroup, column: $0, maxRows: maxRows, budget: budget) }
    }

    /// Reads one column of one row group, or its first `maxRows` rows (decoding stops at the
    /// rows asked for).
    public func readColumn(rowGroup: Int, column: Int, maxRows: Int? = nil) throws -> ColumnData {
        try decode(rowGroup: rowGroup, column: column, maxRows: maxRows, budget: DecodeBudget(limit: options.maxDecodedBytes))
    }

    private func decode(rowGroup: Int, column: Int, maxRows: Int?, budget: DecodeBudget) throws -> ColumnData {
        guard metadata.rowGroups.indices.contains(rowGroup), schema.fields.indices.contains(column) else {
            throw ParquetError(.invalidBatch, "no column \(column) in row group \(rowGroup)")
        }
        let group = metadata.rowGroups[rowGroup]
        let chunk = group.columns[column]
        let rows = min(Int(group.numRows), max(maxRows ?? Int.max, 0))
        let (bytes, range) = rows > 0 ? try source.bytes(offset: Int(chunk.startOffset), count: Int(chunk.totalCompressedSize)) : ([], 0..<0)
        let decoder = ColumnChunkDecoder(field: schema.fields[column], chunk: chunk, options: options, budget: budget)
        return try decoder.decode(bytes, range: range, rows: Int(group.numRows), limit: rows)
    }

    /// The compressed bytes of a column chunk (checked against the file when the footer was read).
    func readChunk(_ chunk: ColumnChunkMetadata) throws -> [UInt8] {
        try source.read(offset: Int(chunk.startOffset), count: Int(chunk.totalCompressedSize))
    }

    /// The footer's promises that reading relies on: counts add up, every chunk lies between
    /// the leading magic and the footer, no two chunks overlap, and a chunk's type is its
    /// column's.
    private func checkRowGroups() throws {
        var total: Int64 = 0
        var extents: [(range: Range<Int64>, place: String)] = []
        for (index, group) in metadata.rowGroups.enumerated() {
            guard group.numRows >= 0, group.numRows <= Int64(options.maxRowGroupRows) else {
                throw ParquetError(group.numRows < 0 ? .corruptFile : .limitExceeded,
                                   "row group \(index) claims \(group.numRows) rows (limit \(options.maxRowGroupRows))")
            }
            guard group.columns.count == schema.fields.count else {
                throw ParquetError.corrupt("row group \(index) has \(group.columns.count) columns, the schema \(schema.fields.count)")
            }
            for (chunk, field) in zip(group.columns, schema.fields) {
                let place = "row group \(index), column \"\(field.name)\""
                try check(chunk, of: field, rows: group.numRows, in: place)
                if chunk.totalCompressedSize > 0 {
                    extents.append((chunk.startOffset..<chunk.startOffset + chunk.totalCompressedSize, place))
                }
            }
            total += group.numRows
        }
        guard total == metadata.numRows else {
            throw ParquetError.corrupt("the footer claims \(metadata.numRows) rows; its row groups hold \(total)")
        }
        // Each chunk's pages are its own: a footer pointing two chunks at the same bytes would
        // make a few bytes of pages decode many times over.
        extents.sort { $0.range.lowerBound < $1.range.lowerBound }
        for (first, second) in zip(extents, extents.dropFirst()) where first.range.overlaps(second.range) {
            throw ParquetError.corrupt(
                "\(second.place): its pages at \(second.range.lowerBound)..<\(second.range.upperBound) overlap those of \(first.place) at \(first.range.lowerBound)..<\(first.range.upperBound)"
            )
        }
    }

    /// A chunk's type and value count match its column, and its pages lie between the leading
    /// magic and the footer.
    private func check(_ chunk: ColumnChunkMetadata, of field: Field, rows: Int64, in place: String) throws {
        guard chunk.physicalType == field.physicalType else {
            throw ParquetError.corrupt("\(place): chunk type \(chunk.physicalType) differs from the schema's \(field.physicalType)")
        }
        guard chunk.numValues == rows else {
            throw ParquetError.corrupt("\(place): \(chunk.numValues) values for \(rows) rows")
        }
        guard chunk.filePath == nil else {
            throw ParquetError(.unsupported, "\(place) lives in another file (\(chunk.filePath ?? ""))")
        }
        let start = chunk.startOffset
        // Checked in this order, so the sum below cannot overflow.
        guard start >= 4, chunk.totalCompressedSize >= 0, chunk.totalCompressedSize <= Int64(footerStart) - start,
            chunk.dataPageOffset >= start, chunk.dataPageOffset < start + max(chunk.totalCompressedSize, 1)
        else {
            throw ParquetError.corrupt(
                "\(place): pages at \(start)+\(chunk.totalCompressedSize) lie outside the file's data (4..<\(footerStart))"
            )
        }
    }
}
