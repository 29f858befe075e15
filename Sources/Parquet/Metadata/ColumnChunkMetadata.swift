/// How many pages of one kind and encoding a column chunk holds (parquet-format
/// `PageEncodingStats`). Readers use it to tell whether a chunk fell back from dictionary
/// encoding to PLAIN.
public struct PageEncodingStats: Sendable, Hashable {
    /// Kind of page.
    public var pageType: PageType
    /// Encoding of those pages' values.
    public var encoding: Encoding
    /// Number of such pages.
    public var count: Int32

    /// Counts `count` pages of `pageType` encoded with `encoding`.
    public init(pageType: PageType, encoding: Encoding, count: Int32) {
        self.pageType = pageType
        self.encoding = encoding
        self.count = count
    }
}

/// One column of one row group: where its pages are and what they hold (parquet-format
/// `ColumnChunk` with its `ColumnMetaData` flattened in).
///
/// Offsets and sizes are in bytes from the start of the file. The chunk's pages occupy
/// `startOffset ..< startOffset + totalCompressedSize`.
public struct ColumnChunkMetadata: Sendable, Hashable {
    /// File holding the chunk when not this one (never set by this writer).
    public var filePath: String?
    /// Deprecated `ColumnChunk.file_offset`. This writer sets it to the chunk's first page, as
    /// parquet-mr does: readers that follow parquet-mr locate chunks by it, so a zero (what
    /// parquet-cpp writes) breaks them, and the Redshift rules ask for it.
    public var fileOffset: Int64
    /// Physical type of the values.
    public var physicalType: PhysicalType
    /// Every encoding used by the chunk's pages, levels included.
    public var encodings: [Encoding]
    /// Path of the column in the schema (one name for a flat schema).
    public var pathInSchema: [String]
    /// Compression codec of every page.
    public var codec: CompressionCodec
    /// Number of values, nulls included (the row count for a flat column).
    public var numValues: Int64
    /// Bytes of all pages, headers included, before compression.
    public var totalUncompressedSize: Int64
    /// Bytes of all pages, headers included, as stored.
    public var totalCompressedSize: Int64
    /// Offset of the first data page.
    public var dataPageOffset: Int64
    /// Offset of an index page (unused by the format).
    public var indexPageOffset: Int64?
    /// Offset of the dictionary page, when the chunk has one.
    public var dictionaryPageOffset: Int64?
    /// Chunk statistics.
    public var statistics: Statistics?
    /// Page counts by kind and encoding.
    public var encodingStats: [PageEncodingStats]?

    /// Metadata with every attribute spelled out.
    public init(
        filePath: String? = nil, fileOffset: Int64, physicalType: PhysicalType, encodings: [Encoding],
        pathInSchema: [String], codec: CompressionCodec, numValues: Int64, totalUncompressedSize: Int64,
        totalCompressedSize: Int64, dataPageOffset: Int64, indexPageOffset: Int64? = nil,
        dictionaryPageOffset: Int64? = nil, statistics: Statistics? = nil, encodingStats: [PageEncodingStats]? = nil
    ) {
        self.filePath = filePath
        self.fileOffset = fileOffset
        self.physicalType = physicalType
        self.encodings = encodings
        self.pathInSchema = pathInSchema
        self.codec = codec
        self.numValues = numValues
        self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize
        self.dataPageOffset = dataPageOffset
        self.indexPageOffset = indexPageOffset
        self.dictionaryPageOffset = dictionaryPageOffset
        self.statistics = statistics
        self.encodingStats = encodingStats
    }

    /// Offset of the chunk's first page: the dictionary page when there is a plausible one.
    ///
    /// Some writers (parquet-mr 1.12, see parquet-testing `dict-page-offset-zero.parquet`) store
    /// `dictionary_page_offset = 0` for chunks without a dictionary, so an offset that does not
    /// precede the first data page is ignored, as parquet-cpp and arrow-rs do.
    public var startOffset: Int64 {
        if let dictionaryPageOffset, dictionaryPageOffset > 0, dictionaryPageOffset < dataPageOffset {
            return dictionaryPageOffset
        }
        return dataPageOffset
    }
}

extension ColumnChunkMetadata {
    func write(to e: inout CompactEncoder) {
        e.beginStruct()
        if let filePath { e.string(1, filePath) }
        e.i64(2, fileOffset)
        e.structField(3)
        e.beginStruct()
        e.i32(1, physicalType.rawValue)
        e.listField(2, count: encodings.count, of: .i32)
        for encoding in encodings { e.i32Element(encoding.rawValue) }
        e.listField(3, count: pathInSchema.count, of: .binary)
        for name in pathInSchema { e.stringElement(name) }
        e.i32(4, codec.rawValue)
        e.i64(5, numValues)
        e.i64(6, totalUncompressedSize)
        e.i64(7, totalCompressedSize)
        e.i64(9, dataPageOffset)
        if let indexPageOffset { e.i64(10, indexPageOffset) }
        if let dictionaryPageOffset { e.i64(11, dictionaryPageOffset) }
        if let statistics {
            e.structField(12)
            statistics.write(to: &e)
        }
        if let encodingStats {
            e.listField(13, count: encodingStats.count, of: .structure)
            for stat in encodingStats {
                e.beginStruct()
                e.i32(1, stat.pageType.rawValue)
                e.i32(2, stat.encoding.rawValue)
                e.i32(3, stat.count)
                e.endStruct()
            }
        }
        e.endStruct()
        e.endStruct()
    }

    static func read(from d: inout CompactDecoder) throws -> ColumnChunkMetadata {
        var filePath: String?
        var fileOffset: Int64 = 0
        var meta: ColumnChunkMetadata?
        var encrypted = false
        try d.readStruct { d, id, type in
            switch id {
            case 1: filePath = try d.string(type)
            case 2: fileOffset = try d.i64(type)
            case 3 where type == .structure: meta = try readColumnMetaData(from: &d)
            case 8, 9:
                encrypted = true
                try d.skip(type)
            default: try d.skip(type)
            }
        }
        guard var meta else {
            if encrypted { throw ParquetError(.unsupported, "column chunk metadata is encrypted (Parquet modular encryption is not supported)") }
            throw ParquetError.corrupt("column chunk without metadata")
        }
        meta.filePath = filePath
        meta.fileOffset = fileOffset
        return meta
    }

    private static func readColumnMetaData(from d: inout CompactDecoder) throws -> ColumnChunkMetadata {
        var physicalType: PhysicalType?
        var encodings: [Encoding] = []
        var path: [String] = []
        var codec: CompressionCodec?
        var numValues: Int64?
        var uncompressed: Int64?
        var compressed: Int64?
        var dataPageOffset: Int64?
        var indexPageOffset: Int64?
        var dictionaryPageOffset: Int64?
        var statistics: Statistics?
        var encodingStats: [PageEncodingStats]?
        try d.readStruct { d, id, type in
            switch id {
            case 1:
                let raw = try d.i32(type)
                guard let physical = PhysicalType(rawValue: raw) else { throw ParquetError.corrupt("unknown physical type \(raw)") }
                physicalType = physical
            case 2 where type == .list: try d.readList(of: .i32) { d in encodings.append(Encoding(rawValue: try d.i32Element())) }
            case 3 where type == .list: try d.readList(of: .binary) { d in path.append(try d.stringElement()) }
            case 4: codec = CompressionCodec(rawValue: try d.i32(type))
            case 5: numValues = try d.i64(type)
            case 6: uncompressed = try d.i64(type)
            case 7: compressed = try d.i64(type)
            case 9: dataPageOffset = try d.i64(type)
            case 10: indexPageOffset = try d.i64(type)
            case 11: dictionaryPageOffset = try d.i64(type)
            case 12 where type == .structure: statistics = try Statistics.read(from: &d)
            case 13 where type == .list:
                var stats: [PageEncodingStats] = []
                try d.readList(of: .structure) { d in stats.append(try readEncodingStats(from: &d)) }
                encodingStats = stats
            default: try d.skip(type)
            }
        }
        guard let physicalType, let codec, let numValues, let uncompressed, let compressed, let dataPageOffset else {
            throw ParquetError.corrupt("column metadata misses a required field (type, codec, num_values, sizes or data_page_offset)")
        }
        return ColumnChunkMetadata(
            fileOffset: 0, physicalType: physicalType, encodings: encodings, pathInSchema: path, codec: codec,
            numValues: numValues, totalUncompressedSize: uncompressed, totalCompressedSize: compressed,
            dataPageOffset: dataPageOffset, indexPageOffset: indexPageOffset, dictionaryPageOffset: dictionaryPageOffset,
            statistics: statistics, encodingStats: encodingStats
        )
    }

    private static func readEncodingStats(from d: inout CompactDecoder) throws -> PageEncodingStats {
        var pageType: Int32?
        var encoding: Int32?
        var count: Int32?
        try d.readStruct { d, id, type in
            switch id {
            case 1: pageType = try d.i32(type)
            case 2: encoding = try d.i32(type)
            case 3: count = try d.i32(type)
            default: try d.skip(type)
            }
        }
        guard let pageType, let encoding, let count else { throw ParquetError.corrupt("page encoding stats miss a field") }
        return PageEncodingStats(pageType: PageType(rawValue: pageType), encoding: Encoding(rawValue: encoding), count: count)
    }
}
