/// Writes one Parquet file, streaming: batches are appended column-wise, each finished row group
/// goes to the sink, and `close()` writes the footer. Memory holds the current row group only
/// (bounded by `WriterProperties.rowGroupRowLimit` and `rowGroupByteLimit`), whatever the file
/// size.
///
/// The file follows the Redshift COPY rules of ../shared/MISSION.md: a flat schema checked by
/// `Schema.validateForWriting()`, v1 data pages, PLAIN and RLE_DICTIONARY encodings, SNAPPY,
/// LogicalType and ConvertedType on every annotated column, `file_offset`,
/// `data_page_offset` and `dictionary_page_offset` set, statistics with `null_count`,
/// `column_orders` and `encoding_stats`.
///
/// Column chunks are encoded on up to `WriterProperties.encodingThreads` threads
/// (`ColumnLanes`) and written in column order, so the file's bytes are the same at any number
/// of threads. Not thread-safe otherwise: drive a writer from one thread at a time. A batch that fails validation
/// leaves the writer usable; a sink or compression failure leaves it failed (`writerClosed`).
public final class ParquetWriter {
    private enum State { case open, closed, failed }

    /// Rows handed to each column writer between row-group checks.
    private static let sliceRows = 65_536

    /// The file's schema.
    public let schema: Schema
    /// The layout settings.
    public let properties: WriterProperties
    /// Footer key-value metadata (the engine's schema version and source offsets). May be
    /// changed until `close()`, which writes it.
    public var keyValueMetadata: [KeyValue]

    private let sink: any ParquetSink
    private let columns: [ColumnWriter]
    private let lanes: ColumnLanes
    private var rowGroups: [RowGroupMetadata] = []
    private var rowsInGroup = 0
    private var state = State.open
    /// Rows appended so far.
    public private(set) var rowCount: Int64 = 0
    /// Bytes handed to the sink so far (the file size once closed).
    public private(set) var bytesWritten: Int64 = 0

    /// Starts a file on `sink`: validates the schema and properties, then writes the leading
    /// magic `PAR1`.
    public init(
        schema: Schema, sink: any ParquetSink, properties: WriterProperties = WriterProperties(),
        keyValueMetadata: [KeyValue] = []
    ) throws {
        try schema.validateForWriting()
        try properties.validate()
        self.schema = schema
        self.properties = properties
        self.keyValueMetadata = keyValueMetadata
        self.sink = sink
        let codec = try makeCodec(properties.compression)
        let limits = PageLimits(
            pageBytes: properties.dataPageSize, pageRows: properties.dataPageRowLimit,
            dictionaryBytes: properties.dictionaryEnabled ? properties.dictionaryPageSizeLimit : nil
        )
        let lanes = ColumnLanes(threads: properties.encodingThreads, columns: schema.fields.count)
        self.lanes = lanes
        columns = schema.fields.map { field in
            let setup = ColumnSetup(
                codec: codec, maxDefinitionLevel: field.isNullable ? 1 : 0, scratch: lanes.scratches[0], limits: limits)
            return ColumnWriter(field: field, setup: setup, statisticsTruncateLength: properties.statisticsTruncateLength)
        }
        try emit(Self.magic)
    }

    /// Appends every row of `batch` (one column per schema field, in order). Throws
    /// `invalidBatch`, `nullInRequiredColumn` or `invalidValue` without writing anything when
    /// the batch does not fit the schema.
    public func append(_ batch: ColumnBatch) throws {
        try ensureOpen()
        let selection = RowSelection.range(start: 0, count: batch.rowCount)
        try batch.validate(against: schema, rows: selection, validatesUTF8: properties.validatesUTF8)
        try encode(batch, selection)
    }

    /// Appends the rows of `batch` at `rows`, in that order (rows may repeat or be skipped):
    /// the engine splits one decoded batch into per-hour files and drops deduplicated rows this
    /// way without copying columns. Throws like `append(_:)`, and `invalidBatch` for an index
    /// outside the batch.
    public func append(_ batch: ColumnBatch, rows: [Int32]) throws {
        try ensureOpen()
        try rows.withUnsafeBufferPointer { indices in
            try batch.validateIndices(indices)
            try batch.validate(against: schema, rows: .indices(indices), validatesUTF8: properties.validatesUTF8)
            try encode(batch, .indices(indices))
        }
    }

    /// Ends the current row group now (it is also ended by the size limits and by `close()`).
    public func flushRowGroup() throws {
        try ensureOpen()
        try failing { try writeRowGroup() }
    }

    /// Writes the last row group and the footer and returns what the file holds. The writer
    /// cannot be used afterwards; the sink is not closed.
    public func close() throws -> FileSummary {
        try ensureOpen()
        return try failing {
            try writeRowGroup()
            let metadata = FileMetadata(
                version: 2, schemaElements: schema.schemaElements, numRows: rowCount, rowGroups: rowGroups,
                keyValueMetadata: keyValueMetadata, createdBy: properties.createdBy,
                columnOrdersAreTypeDefined: Array(repeating: true, count: schema.fields.count)
            )
            let footer = ByteBuffer(capacity: 4096)
            var encoder = CompactEncoder(buffer: footer)
            metadata.write(to: &encoder)
            guard footer.count <= Int(UInt32.max) else { throw ParquetError(.limitExceeded, "the footer exceeds 4 GiB") }
            footer.appendLittleEndian(UInt32(footer.count))
            footer.append(Self.magic)
            try emit(footer.bytes)
            state = .closed
            return FileSummary(metadata: metadata, schema: schema, fileSize: bytesWritten)
        }
    }

    private static let magic: [UInt8] = Array("PAR1".utf8)

    private func encode(_ batch: ColumnBatch, _ selection: RowSelection) throws {
        try failing {
            var done = 0
            while done < selection.count {
                let n = min(selection.count - done, properties.rowGroupRowLimit - rowsInGroup, Self.sliceRows)
                let slice = selection.slice(done, n)
                try lanes.forEach(columns) { index, writer in try writer.append(batch.columns[index], rows: slice) }
                rowsInGroup += n
                rowCount += Int64(n)
                done += n
                if rowsInGroup >= properties.rowGroupRowLimit || bufferedBytes >= properties.rowGroupByteLimit {
                    try writeRowGroup()
                }
            }
        }
    }

    /// Bytes the current row group holds in memory.
    public var bufferedBytes: Int { columns.reduce(0) { $0 + $1.bufferedBytes } }

    private func writeRowGroup() throws {
        guard rowsInGroup > 0 else { return }
        let groupStart = bytesWritten
        // The chunks are finished (last pages, dictionary page, statistics) on the lanes, then
        // written here in column order.
        var finished = [FinishedChunk?](repeating: nil, count: columns.count)
        try finished.withUnsafeMutableBufferPointer { slots in
            try lanes.forEach(columns) { index, writer in slots[index] = try writer.finishChunk() }
        }
        var chunks: [ColumnChunkMetadata] = []
        var uncompressed: Int64 = 0
        for (index, (field, writer)) in zip(schema.fields, columns).enumerated() {
            // `forEach` ran every column once or threw, so each slot is set; were one not, the
            // file must not silently lose a column.
            guard let chunk = finished[index] else { throw ParquetError(.writerClosed, "column \(field.name) was not finished") }
            let start = bytesWritten
            if let page = chunk.dictionaryPage { try emit(page.bytes) }
            let dataStart = bytesWritten
            try emit(chunk.dataPages.bytes)
            chunks.append(
                ColumnChunkMetadata(
                    fileOffset: start, physicalType: field.physicalType, encodings: chunk.encodings,
                    pathInSchema: [field.name], codec: properties.compression, numValues: Int64(chunk.numValues),
                    totalUncompressedSize: Int64(chunk.uncompressedSize), totalCompressedSize: Int64(chunk.storedSize),
                    dataPageOffset: dataStart, dictionaryPageOffset: chunk.dictionaryPage == nil ? nil : start,
                    statistics: chunk.statistics, encodingStats: chunk.encodingStats
                )
            )
            uncompressed += Int64(chunk.uncompressedSize)
            writer.reset()
        }
        rowGroups.append(
            RowGroupMetadata(
                columns: chunks, totalByteSize: uncompressed, numRows: Int64(rowsInGroup), fileOffset: groupStart,
                totalCompressedSize: bytesWritten - groupStart, ordinal: Int16(exactly: rowGroups.count)
            )
        )
        rowsInGroup = 0
    }

    private func emit(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try emit($0) }
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        do {
            try sink.write(bytes)
        } catch let error as ParquetError {
            throw error
        } catch {
            throw ParquetError(
                .sinkFailed, "the sink failed after \(bytesWritten) bytes; the file must be written again",
                underlying: DescribedError(error)
            )
        }
        bytesWritten += Int64(bytes.count)
    }

    private func ensureOpen() throws {
        switch state {
        case .open: return
        case .closed: throw ParquetError(.writerClosed, "the writer is closed")
        case .failed: throw ParquetError(.writerClosed, "the writer failed earlier; the file is incomplete")
        }
    }

    /// Runs `body`; any error leaves the writer failed, since bytes may be half-written.
    private func failing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            state = .failed
            throw error
        }
    }
}
