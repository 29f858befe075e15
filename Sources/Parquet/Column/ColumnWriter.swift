/// Encodes one column of the file, row group after row group: one case per kind of physical
/// type. An enum rather than a protocol existential because a generic class reached through a
/// protocol witness runs unspecialized; a switch reaches each concrete, specialized writer.
enum ColumnWriter {
    /// BOOLEAN, PLAIN only.
    case boolean(BooleanColumnWriter)
    /// INT32 (INTEGER(8/16/32), DATE, narrow DECIMAL).
    case int32(FixedWidthColumnWriter<Int32>)
    /// INT64 (INTEGER(64), TIMESTAMP, DECIMAL up to 18 digits).
    case int64(FixedWidthColumnWriter<Int64>)
    /// FLOAT.
    case float(FixedWidthColumnWriter<Float>)
    /// DOUBLE.
    case double(FixedWidthColumnWriter<Double>)
    /// BYTE_ARRAY (STRING, JSON, binary).
    case byteArray(ByteArrayColumnWriter<VariableLengthAccess>)
    /// FIXED_LEN_BYTE_ARRAY (UUID, wide DECIMAL).
    case fixedLenByteArray(ByteArrayColumnWriter<FixedLengthAccess>)

    /// The writer for `field`'s physical type. INT96 never gets here (`validateForWriting`
    /// refuses it), so it shares INT64's case only to keep the switch exhaustive.
    init(field: Field, setup: ColumnSetup, statisticsTruncateLength: Int) {
        switch field.physicalType {
        case .boolean: self = .boolean(BooleanColumnWriter(setup: setup))
        case .int32: self = .int32(FixedWidthColumnWriter(setup: setup))
        case .int64, .int96: self = .int64(FixedWidthColumnWriter(setup: setup))
        case .float: self = .float(FixedWidthColumnWriter(setup: setup))
        case .double: self = .double(FixedWidthColumnWriter(setup: setup))
        case .byteArray:
            let utf8 = field.logicalType == .string || field.logicalType == .json
            let rules = ByteStatisticsRules(signedOrder: false, truncateLength: statisticsTruncateLength, utf8: utf8, keepsBounds: true)
            self = .byteArray(ByteArrayColumnWriter(setup: setup, rules: rules))
        case .fixedLenByteArray:
            var signed = false
            if case .decimal = field.logicalType { signed = true }
            // Fixed-width bounds keep the column's width, which readers expect (pyarrow reads a
            // FIXED_LEN_BYTE_ARRAY bound as `type_length` bytes), so they are never truncated;
            // bounds wider than the truncation length are left out instead, as parquet-mr leaves
            // out bounds too large to store. Decimals (at most 16 bytes) always keep theirs.
            let omitted = !signed && field.typeLength > statisticsTruncateLength
            let rules = ByteStatisticsRules(signedOrder: signed, truncateLength: nil, utf8: false, keepsBounds: !omitted)
            self = .fixedLenByteArray(ByteArrayColumnWriter(setup: setup, rules: rules))
        }
    }

    /// Encodes the selected rows of `column` (already validated against the schema).
    func append(_ column: ColumnData, rows: RowSelection) throws {
        switch self {
        case .boolean(let writer): try writer.append(column, rows: rows)
        case .int32(let writer): try writer.append(column, rows: rows)
        case .int64(let writer): try writer.append(column, rows: rows)
        case .float(let writer): try writer.append(column, rows: rows)
        case .double(let writer): try writer.append(column, rows: rows)
        case .byteArray(let writer): try writer.append(column, rows: rows)
        case .fixedLenByteArray(let writer): try writer.append(column, rows: rows)
        }
    }

    /// The chunk's page assembly (its `scratch` is set by the lane that runs the column).
    var builder: ColumnChunkBuilder {
        switch self {
        case .boolean(let writer): writer.builder
        case .int32(let writer): writer.builder
        case .int64(let writer): writer.builder
        case .float(let writer): writer.builder
        case .double(let writer): writer.builder
        case .byteArray(let writer): writer.builder
        case .fixedLenByteArray(let writer): writer.builder
        }
    }

    /// Bytes held for the current row group.
    var bufferedBytes: Int {
        switch self {
        case .boolean(let writer): writer.bufferedBytes
        case .int32(let writer): writer.bufferedBytes
        case .int64(let writer): writer.bufferedBytes
        case .float(let writer): writer.bufferedBytes
        case .double(let writer): writer.bufferedBytes
        case .byteArray(let writer): writer.bufferedBytes
        case .fixedLenByteArray(let writer): writer.bufferedBytes
        }
    }

    /// Ends the current column chunk: flushes the last page and builds the dictionary page and
    /// statistics. The returned buffers stay valid until `reset()`.
    func finishChunk() throws -> FinishedChunk {
        switch self {
        case .boolean(let writer): try writer.finishChunk()
        case .int32(let writer): try writer.finishChunk()
        case .int64(let writer): try writer.finishChunk()
        case .float(let writer): try writer.finishChunk()
        case .double(let writer): try writer.finishChunk()
        case .byteArray(let writer): try writer.finishChunk()
        case .fixedLenByteArray(let writer): try writer.finishChunk()
        }
    }

    /// Starts the next column chunk (a fresh dictionary), releasing the written pages.
    func reset() {
        switch self {
        case .boolean(let writer): writer.reset()
        case .int32(let writer): writer.reset()
        case .int64(let writer): writer.reset()
        case .float(let writer): writer.reset()
        case .double(let writer): writer.reset()
        case .byteArray(let writer): writer.reset()
        case .fixedLenByteArray(let writer): writer.reset()
        }
    }
}

/// A column chunk ready to be written: its bytes, in file order, and what the footer says
/// about them (offsets are filled in by the file writer, which knows where the chunk lands).
struct FinishedChunk {
    /// The dictionary page (header and body), or nil when no page used a dictionary.
    var dictionaryPage: ByteBuffer?
    /// The data pages, headers included.
    var dataPages: ByteBuffer
    /// Rows in the chunk, nulls included.
    var numValues: Int
    /// Bytes of all pages before compression, headers included.
    var uncompressedSize: Int
    /// Every encoding the chunk's pages use.
    var encodings: [Encoding]
    /// Page counts by kind and encoding.
    var encodingStats: [PageEncodingStats]
    /// The chunk's statistics.
    var statistics: Statistics

    /// Bytes the chunk occupies in the file.
    var storedSize: Int { (dictionaryPage?.count ?? 0) + dataPages.count }
}

extension ColumnChunkBuilder {
    /// The chunk description for pages built so far, plus an optional dictionary page.
    func finishedChunk(dictionaryPage: ByteBuffer?, dictionaryUncompressedSize: Int, statistics: Statistics) -> FinishedChunk {
        var encodings: [Encoding] = []
        var stats: [PageEncodingStats] = []
        if dictionaryPage != nil || plainPageCount > 0 { encodings.append(.plain) }
        encodings.append(.rle)
        if dictionaryPage != nil {
            encodings.append(.rleDictionary)
            stats.append(PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1))
        }
        if dictionaryPageCount > 0 { stats.append(PageEncodingStats(pageType: .dataPage, encoding: .rleDictionary, count: dictionaryPageCount)) }
        if plainPageCount > 0 { stats.append(PageEncodingStats(pageType: .dataPage, encoding: .plain, count: plainPageCount)) }
        return FinishedChunk(
            dictionaryPage: dictionaryPage, dataPages: pages, numValues: rows,
            uncompressedSize: uncompressedSize + dictionaryUncompressedSize, encodings: encodings,
            encodingStats: stats, statistics: statistics
        )
    }
}

/// What every column writer of a file is built with.
struct ColumnSetup {
    /// Compression for every page.
    var codec: any Codec
    /// 1 for optional columns, 0 for required ones.
    var maxDefinitionLevel: Int
    /// Page assembly buffers the column starts with (the first lane's); each lane points the
    /// column at its own before running it.
    var scratch: PageScratch
    /// Page and dictionary limits.
    var limits: PageLimits
}

/// Page and dictionary limits every column writer applies (from `WriterProperties`).
struct PageLimits {
    /// Target bytes of encoded values per data page.
    var pageBytes: Int
    /// Most rows per data page.
    var pageRows: Int
    /// Dictionary size at which a chunk falls back to PLAIN; nil disables dictionaries.
    var dictionaryBytes: Int?
    /// Rows between dictionary-size checks (parquet-cpp's write batch size).
    static let checkInterval = 1024
}
