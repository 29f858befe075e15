/// Assembles the pages of one column chunk: the current page's definition levels and encoded
/// values, then, page by page, v1 data pages (header + compressed body) back to back in memory
/// until the row group is flushed.
///
/// A v1 data page body is `<4-byte length><RLE definition levels>` (optional columns only;
/// flat columns have no repetition levels) followed by the values, all compressed together
/// (parquet-format README "Data Pages", Encodings.md table "Prepend length?").
final class ColumnChunkBuilder {
    /// Compression for every page of the chunk.
    let codec: any Codec
    /// 1 for optional columns (a level per row), 0 for required ones (no levels).
    let maxDefinitionLevel: Int

    /// Definition levels of the current page: one byte per row, 1 for a value, 0 for a null.
    let levels = ByteBuffer(capacity: 32 << 10)
    /// Encoded values of the current page: PLAIN bytes, or UInt32 dictionary indices.
    let values = ByteBuffer(capacity: 256 << 10)
    /// Rows in the current page.
    var pageRows = 0

    /// Finished data pages of the chunk, headers included.
    let pages = ByteBuffer(capacity: 256 << 10)
    /// Data pages whose values are RLE_DICTIONARY indices.
    private(set) var dictionaryPageCount: Int32 = 0
    /// Data pages whose values are PLAIN.
    private(set) var plainPageCount: Int32 = 0
    /// Bytes of the finished pages before compression, headers included.
    private(set) var uncompressedSize = 0
    /// Rows in the finished pages.
    private(set) var rows = 0
    /// Nulls in the finished pages.
    private(set) var nulls = 0

    /// Buffer capacity kept across row groups, in bytes.
    private static let retainedCapacity = 32 << 20

    /// Where pages are assembled. Only used inside one call (a page is assembled, compressed and
    /// appended to `pages` before the call returns), so the file writer may point it at the
    /// scratch of whichever encoding lane runs the column next (`ColumnLanes`).
    var scratch: PageScratch

    /// A builder compressing with `codec`, for a column with `maxDefinitionLevel` 0 or 1,
    /// assembling pages in `scratch` (one per encoding lane, shared by the columns it runs).
    init(codec: any Codec, maxDefinitionLevel: Int, scratch: PageScratch) {
        self.codec = codec
        self.maxDefinitionLevel = maxDefinitionLevel
        self.scratch = scratch
    }

    /// Bytes held for this chunk: finished pages plus the current page's buffers.
    var bufferedBytes: Int { pages.count + values.count + levels.count }

    /// Finishes the current page, whose values section is `plain` as it is. A required
    /// column's page is then compressed straight from `plain`, without assembling a body.
    func finishPage(encoding: Encoding, plain: ByteBuffer) throws {
        guard pageRows > 0 else { return }
        if maxDefinitionLevel == 0 {
            try emitDataPage(plain.bytes, encoding: encoding, nulls: 0)
        } else {
            try finishPage(encoding: encoding) { $0.append(plain.bytes) }
        }
    }

    /// Finishes the current page, whose values are UInt32 indices into a dictionary of
    /// `dictionaryCount` entries: written as a bit-width byte and the indices in the RLE/bit-
    /// packing hybrid, the width being what the dictionary needs now (Encodings.md,
    /// "Dictionary Encoding").
    func finishIndexPage(dictionaryCount: Int) throws {
        let width = BitPacking.bitWidth(of: UInt64(max(dictionaryCount - 1, 0)))
        let indices = values
        try finishPage(encoding: .rleDictionary) { body in
            body.append(UInt8(width))
            indices.bytes.withMemoryRebound(to: UInt32.self) { RLEEncoder.encode($0, bitWidth: width, into: body) }
        }
    }

    /// About how many bytes the current page's indices take once bit-packed.
    func estimatedIndexPageBytes(dictionaryCount: Int) -> Int {
        values.count / 4 * BitPacking.bitWidth(of: UInt64(max(dictionaryCount, 1))) / 8
    }

    /// Finishes the current page. `writeValues` appends the values section to the page body;
    /// `encoding` names it. Does nothing for an empty page.
    func finishPage(encoding: Encoding, writeValues: (ByteBuffer) -> Void) throws {
        guard pageRows > 0 else { return }
        let body = scratch.body
        body.count = 0
        var pageNulls = 0
        if maxDefinitionLevel > 0 {
            pageNulls = pageRows - Self.countOnes(levels)
            body.reserve(4)
            let lengthOffset = body.count
            body.count += 4
            levels.bytes.withMemoryRebound(to: UInt8.self) { RLEEncoder.encode($0, bitWidth: 1, into: body) }
            body.patchLittleEndian(UInt32(body.count - lengthOffset - 4), at: lengthOffset)
        }
        writeValues(body)
        try emitDataPage(body.bytes, encoding: encoding, nulls: pageNulls)
    }

    /// Compresses a page body, appends it with its header and starts the next page.
    private func emitDataPage(_ body: UnsafeRawBufferPointer, encoding: Encoding, nulls pageNulls: Int) throws {
        guard body.count <= Int(Int32.max) else {
            throw ParquetError(.limitExceeded, "a data page of \(body.count) bytes exceeds Parquet's 2 GiB page limit")
        }
        let stored = scratch.stored
        stored.count = 0
        try codec.compress(body, into: stored)
        guard stored.count <= Int(Int32.max) else {
            throw ParquetError(.limitExceeded, "a compressed page of \(stored.count) bytes exceeds Parquet's 2 GiB page limit")
        }
        let pageHeader = PageHeader(
            type: .dataPage, uncompressedPageSize: Int32(body.count), compressedPageSize: Int32(stored.count),
            dataPage: PageHeader.DataPage(
                numValues: Int32(pageRows), encoding: encoding, definitionLevelEncoding: .rle, repetitionLevelEncoding: .rle
            )
        )
        let header = scratch.header
        header.count = 0
        var encoder = CompactEncoder(buffer: header)
        pageHeader.write(to: &encoder)
        pages.append(header.bytes)
        pages.append(stored.bytes)
        uncompressedSize += header.count + body.count
        if encoding == .rleDictionary { dictionaryPageCount += 1 } else { plainPageCount += 1 }
        rows += pageRows
        nulls += pageNulls
        pageRows = 0
        levels.count = 0
        values.count = 0
    }

    /// The dictionary page for `plain` (the PLAIN encoding of `count` entries): header and
    /// compressed body, appended to `out`. Returns its uncompressed size, header included.
    func writeDictionaryPage(_ plain: UnsafeRawBufferPointer, count: Int, to out: ByteBuffer) throws -> Int {
        guard plain.count <= Int(Int32.max) else {
            throw ParquetError(.limitExceeded, "a dictionary page of \(plain.count) bytes exceeds Parquet's 2 GiB page limit")
        }
        let stored = scratch.stored
        stored.count = 0
        try codec.compress(plain, into: stored)
        let pageHeader = PageHeader(
            type: .dictionaryPage, uncompressedPageSize: Int32(plain.count), compressedPageSize: Int32(stored.count),
            dictionaryPage: PageHeader.DictionaryPage(numValues: Int32(count), encoding: .plain)
        )
        let header = scratch.header
        header.count = 0
        var encoder = CompactEncoder(buffer: header)
        pageHeader.write(to: &encoder)
        out.append(header.bytes)
        out.append(stored.bytes)
        return header.count + plain.count
    }

    /// Forgets the finished pages after the row group was written. The buffers keep their
    /// capacity for the next row group (its size is bounded by the row group limits), unless a
    /// single outsized page or chunk grew them past `Self.retainedCapacity`.
    func reset() {
        pages.removeAll(keepAtMost: Self.retainedCapacity)
        values.removeAll(keepAtMost: Self.retainedCapacity)
        levels.removeAll(keepAtMost: Self.retainedCapacity)
        dictionaryPageCount = 0
        plainPageCount = 0
        uncompressedSize = 0
        rows = 0
        nulls = 0
        pageRows = 0
    }

    /// Number of 1 bytes in a buffer of 0/1 bytes, eight at a time.
    private static func countOnes(_ buffer: ByteBuffer) -> Int {
        let base = UnsafeRawPointer(buffer.base)
        let count = buffer.count
        var total = 0
        var i = 0
        while i + 8 <= count {
            total &+= UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)).nonzeroBitCount
            i += 8
        }
        while i < count {
            total &+= Int(base.load(fromByteOffset: i, as: UInt8.self))
            i += 1
        }
        return total
    }
}

/// Buffers for assembling one page at a time: the uncompressed body, the compressed bytes and
/// the header. Pages are finished one after another on each encoding lane, so every column a
/// lane runs shares its one set instead of holding its own: a file holds one set per lane
/// (`WriterProperties.encodingThreads`), about twice `dataPageSize` each once grown.
final class PageScratch {
    /// The page body before compression.
    let body = ByteBuffer(capacity: 256 << 10)
    /// The compressed page.
    let stored = ByteBuffer(capacity: 256 << 10)
    /// The encoded page header.
    let header = ByteBuffer(capacity: 64)
}
