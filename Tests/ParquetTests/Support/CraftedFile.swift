@testable import Parquet

/// Parquet files built page by page for tests of hostile input, so the tests generate what
/// they read instead of committing binaries: each column's pages are laid out one after
/// another from byte 4, and the footer describes them (then says whatever the test edits in).
enum CraftedFile {
    /// One column and its pages (header and stored body each).
    struct Column {
        var field: Field
        var pages: [(header: PageHeader, body: [UInt8])]
    }

    /// A file of one row group holding `rows` rows in `columns`, uncompressed. `edit` changes
    /// the footer before it is written.
    static func build(_ columns: [Column], rows: Int64, edit: (inout FileMetadata) -> Void = { _ in }) -> [UInt8] {
        var bytes = Array("PAR1".utf8)
        var chunks: [ColumnChunkMetadata] = []
        for column in columns {
            let start = Int64(bytes.count)
            var dataPageOffset: Int64?
            for (header, body) in column.pages {
                if header.type != .dictionaryPage && dataPageOffset == nil { dataPageOffset = Int64(bytes.count) }
                bytes += encode(header.write) + body
            }
            let size = Int64(bytes.count) - start
            let first = dataPageOffset ?? start
            chunks.append(ColumnChunkMetadata(
                fileOffset: start, physicalType: column.field.physicalType, encodings: [.plain, .rle, .rleDictionary],
                pathInSchema: [column.field.name], codec: .uncompressed, numValues: rows, totalUncompressedSize: size,
                totalCompressedSize: size, dataPageOffset: first, dictionaryPageOffset: first > start ? start : nil,
                statistics: Statistics(nullCount: 0)
            ))
        }
        var metadata = FileMetadata(
            version: 2, schemaElements: Schema(columns.map(\.field)).schemaElements, numRows: rows,
            rowGroups: [RowGroupMetadata(columns: chunks, totalByteSize: Int64(bytes.count - 4), numRows: rows, fileOffset: 4)]
        )
        edit(&metadata)
        return bytes + footer(metadata)
    }

    /// `bytes` (a whole file) with its footer replaced by `metadata`: the pages up to the end
    /// of the last column chunk of `original` are kept.
    static func replacingFooter(of bytes: [UInt8], original: FileMetadata, with metadata: FileMetadata) -> [UInt8] {
        let chunkEnds = original.rowGroups.flatMap { $0.columns.map { $0.startOffset + $0.totalCompressedSize } }
        return Array(bytes[0..<Int(chunkEnds.max() ?? 4)]) + footer(metadata)
    }

    /// The footer's Thrift, its 4-byte length and the closing magic.
    static func footer(_ metadata: FileMetadata) -> [UInt8] {
        let thrift = encode(metadata.write)
        let length = UInt32(thrift.count)
        return thrift + (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + Array("PAR1".utf8)
    }

    /// A PLAIN dictionary page of `count` entries.
    static func dictionaryPage(_ plain: [UInt8], count: Int32) -> (header: PageHeader, body: [UInt8]) {
        let header = PageHeader(
            type: .dictionaryPage, uncompressedPageSize: Int32(plain.count), compressedPageSize: Int32(plain.count),
            dictionaryPage: PageHeader.DictionaryPage(numValues: count, encoding: .plain)
        )
        return (header, plain)
    }

    /// A v1 data page of `values` values (a REQUIRED column: no definition levels).
    static func dataPage(_ body: [UInt8], values: Int32, encoding: Encoding) -> (header: PageHeader, body: [UInt8]) {
        let header = PageHeader(
            type: .dataPage, uncompressedPageSize: Int32(body.count), compressedPageSize: Int32(body.count),
            dataPage: PageHeader.DataPage(numValues: values, encoding: encoding, definitionLevelEncoding: .rle, repetitionLevelEncoding: .rle)
        )
        return (header, body)
    }

    /// RLE_DICTIONARY data: bit width 0 and one RLE run naming entry 0 `count` times
    /// (Encodings.md: a run header is the ULEB128 varint of `count << 1`; a 0-bit value takes
    /// no bytes). A few bytes for any count.
    static func repeatedIndex(count: Int) -> [UInt8] {
        var body: [UInt8] = [0]
        var header = UInt64(count) << 1
        repeat {
            body.append(UInt8(header & 0x7F) | (header > 0x7F ? 0x80 : 0))
            header >>= 7
        } while header > 0
        return body
    }

    private static func encode(_ write: (inout CompactEncoder) -> Void) -> [UInt8] {
        let buffer = ByteBuffer()
        var encoder = CompactEncoder(buffer: buffer)
        write(&encoder)
        return buffer.toArray()
    }
}
