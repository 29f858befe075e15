/// Reads one row group a slice of rows at a time: every column advances in lockstep, a page at
/// a time, so a read holds the row group's compressed chunks, one slice of decoded rows and at
/// most a page's worth more per column, whatever the row group's size. For a consumer that
/// turns rows into something else as it goes (the PostgreSQL loader's COPY text).
///
/// Each page is decoded under its own `DecodeBudget` (`ReaderOptions.maxDecodedBytes`), so a
/// hostile page still fails with `limitExceeded` instead of allocating. Not thread-safe.
public final class RowGroupSlices {
    private let cursors: [ColumnPageCursor]
    /// Rows in the row group.
    public let rows: Int
    /// Rows returned so far.
    public private(set) var returned = 0

    init(reader: ParquetReader, rowGroup: Int, chunks: [[UInt8]]) throws {
        let group = reader.metadata.rowGroups[rowGroup]
        rows = Int(group.numRows)
        cursors = try zip(reader.schema.fields, zip(group.columns, chunks)).map { field, chunk in
            try ColumnPageCursor(field: field, chunk: chunk.0, bytes: chunk.1, rows: Int(group.numRows), options: reader.options)
        }
    }

    /// The next slice of at most `maxRows` rows (every column), or nil after the last row.
    public func next(maxRows: Int) throws -> ColumnBatch? {
        let count = min(max(1, maxRows), rows - returned)
        guard count > 0 else { return nil }
        let columns = try cursors.map { cursor in try cursor.take(count) }
        returned += count
        return ColumnBatch(columns: columns)
    }
}

extension ParquetReader {
    /// Row group `index`, to be read a slice of rows at a time (see `RowGroupSlices`). Reads the
    /// row group's column chunks (compressed) now.
    public func slices(rowGroup index: Int) throws -> RowGroupSlices {
        guard metadata.rowGroups.indices.contains(index) else { throw ParquetError(.invalidBatch, "no row group \(index)") }
        let chunks = try metadata.rowGroups[index].columns.map { chunk in
            try readChunk(chunk)
        }
        return try RowGroupSlices(reader: self, rowGroup: index, chunks: chunks)
    }
}

/// One column chunk decoded a page at a time into a queue of decoded pages, from which rows are
/// taken in order.
final class ColumnPageCursor {
    private let field: Field
    private let chunk: ColumnChunkMetadata
    private let bytes: [UInt8]
    private let rows: Int
    private let options: ReaderOptions
    private let codec: any Codec
    private var position = 0
    private var decoded = 0
    /// The chunk's dictionary, kept across its pages (charged to its own budget).
    private var dictionary: RawValues?
    /// Decoded pages not fully taken yet, and how far the first is taken.
    private var pages: [ColumnData] = []
    private var firstTaken = 0
    private var buffered = 0

    init(field: Field, chunk: ColumnChunkMetadata, bytes: [UInt8], rows: Int, options: ReaderOptions) throws {
        self.field = field
        self.chunk = chunk
        self.bytes = bytes
        self.rows = rows
        self.options = options
        codec = try makeCodec(chunk.codec)
    }

    /// The next `count` rows.
    func take(_ count: Int) throws -> ColumnData {
        while buffered < count {
            guard decoded < rows else {
                throw ParquetError.corrupt("column \"\(field.name)\" ends after \(decoded) of its \(rows) values")
            }
            try decodeNextPage()
        }
        var parts: [ColumnData] = []
        var needed = count
        while needed > 0 {
            let page = pages[0]
            let available = page.values.count - firstTaken
            let used = min(available, needed)
            parts.append(page.rows(firstTaken..<firstTaken + used))
            needed -= used
            firstTaken += used
            if firstTaken == page.values.count {
                pages.removeFirst()
                firstTaken = 0
            }
        }
        buffered -= count
        return parts.count == 1 ? parts[0] : ColumnData.concatenating(parts)
    }

    private func decodeNextPage() throws {
        let budget = DecodeBudget(limit: options.maxDecodedBytes)
        let decoder = ColumnChunkDecoder(field: field, chunk: chunk, options: options, budget: budget)
        var progress = ColumnChunkDecoder.Progress(values: RawValues(width: ColumnChunkDecoder.width(of: field), budget: budget), target: rows)
        progress.dictionary = dictionary
        progress.decoded = decoded
        try decoder.decodePage(bytes, position: &position, end: bytes.count, rows: rows, codec: codec, &progress)
        dictionary = progress.dictionary
        let added = progress.decoded - decoded
        decoded = progress.decoded
        guard added > 0 else { return }
        pages.append(try ColumnChunkDecoder.columnData(&progress, field: field, budget: budget))
        buffered += added
    }
}
