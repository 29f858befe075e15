/// Decodes the pages of one flat column chunk into `ColumnData`: an optional dictionary page,
/// then v1 or v2 data pages (parquet-format README "Data Pages", "DataPageV2"), compressed with
/// SNAPPY or not at all.
///
/// Sizes in page headers are checked against the chunk's bytes and `ReaderOptions` before
/// anything is allocated; value counts against the chunk's row count; dictionary indices against
/// the dictionary. Every allocation is charged to the read's `DecodeBudget` first. Only the
/// rows asked for are decoded: the page that reaches them is decoded up to them and no further.
struct ColumnChunkDecoder {
    let field: Field
    let chunk: ColumnChunkMetadata
    let options: ReaderOptions
    let budget: DecodeBudget
    /// Where pages are decompressed, reused across the chunk's pages.
    let pageBuffer: PageBuffer

    init(field: Field, chunk: ColumnChunkMetadata, options: ReaderOptions, budget: DecodeBudget) {
        self.field = field
        self.chunk = chunk
        self.options = options
        self.budget = budget
        pageBuffer = PageBuffer(budget: budget)
    }

    /// What has been decoded so far.
    struct Progress {
        var values: RawValues
        var validity: [Bool] = []
        var validityCharge = 0
        var dictionary: RawValues?
        var decoded = 0
        /// Rows wanted (at most the chunk's).
        let target: Int
    }

    /// Decodes the chunk at `range` of `bytes`, which holds `rows` values, stopping once `limit`
    /// rows are decoded.
    func decode(_ bytes: [UInt8], range: Range<Int>, rows: Int, limit: Int) throws -> ColumnData {
        let codec = try makeCodec(chunk.codec)
        var progress = Progress(values: RawValues(width: Self.width(of: field), budget: budget), target: min(rows, limit))
        // Fixed-width values take exactly their width; byte arrays at most the chunk's
        // uncompressed size when PLAIN (dictionary-encoded ones grow beyond as they need).
        let width = progress.values.width
        let chunkSize = Int(clamping: chunk.totalUncompressedSize)
        let size = width.map { $0 * progress.target } ?? (progress.target >= rows ? chunkSize : chunkSize / max(rows, 1) * progress.target)
        progress.values.reserve(progress.target, bytes: size)
        var position = range.lowerBound
        while progress.decoded < progress.target {
            try decodePage(bytes, position: &position, end: range.upperBound, rows: rows, codec: codec, &progress)
        }
        progress.dictionary?.release()
        progress.dictionary = nil
        pageBuffer.free()
        return try Self.columnData(&progress, field: field, budget: budget)
    }

    /// The values and validity decoded into `progress`, handed over as a column (validity nil
    /// when no row is null).
    static func columnData(_ progress: inout Progress, field: Field, budget: DecodeBudget) throws -> ColumnData {
        let hasNulls = progress.validity.contains(false)
        if !hasNulls {
            progress.validity = []
            budget.release(progress.validityCharge)
        }
        let values = progress.values
        progress.values = RawValues(width: values.width, budget: budget)
        return ColumnData(values: try values.columnValues(field.physicalType), validity: hasNulls ? progress.validity : nil)
    }

    /// Decodes the page at `position` of `bytes` (a chunk of `rows` values ending at `end`) into
    /// `progress` (a dictionary page, a data page up to `progress.target`, or a page without
    /// values) and moves `position` past it.
    func decodePage(_ bytes: [UInt8], position: inout Int, end: Int, rows: Int, codec: any Codec, _ progress: inout Progress) throws {
        guard position < end, end <= bytes.count else {
            throw corrupt("ends after \(progress.decoded) of its \(rows) values")
        }
        var headerDecoder = CompactDecoder(bytes, start: position, end: end)
        let header = try PageHeader.read(from: &headerDecoder)
        position = headerDecoder.position
        let stored = Int(header.compressedPageSize)
        guard stored <= end - position else {
            throw corrupt("has a page running \(stored - (end - position)) bytes past its chunk")
        }
        guard Int(header.uncompressedPageSize) <= options.maxPageSize else {
            throw ParquetError(
                .limitExceeded,
                "a page of column \"\(field.name)\" is \(header.uncompressedPageSize) bytes, above the \(options.maxPageSize)-byte limit"
            )
        }
        let page = position..<position + stored
        position += stored
        switch header.type {
        case .dictionaryPage: try dictionaryPage(header, bytes, page, codec, &progress)
        case .dataPage: try dataPageV1(header, bytes, page, codec, rows, &progress)
        case .dataPageV2: try dataPageV2(header, bytes, page, codec, rows, &progress)
        default: break  // index pages and unknown kinds carry no values
        }
    }

    private func dictionaryPage(_ header: PageHeader, _ bytes: [UInt8], _ page: Range<Int>, _ codec: any Codec, _ progress: inout Progress) throws {
        guard progress.dictionary == nil, progress.decoded == 0, let info = header.dictionaryPage else {
            throw corrupt("has a misplaced or second dictionary page")
        }
        guard info.encoding == .plain || info.encoding == .plainDictionary, info.numValues >= 0 else {
            throw ParquetError(.unsupported, "dictionary page encoding \(info.encoding) is not supported")
        }
        var entries = RawValues(width: progress.values.width, budget: budget)
        try withPage(bytes, page, Int(header.uncompressedPageSize), codec) { plain in
            _ = try ValueDecoding.plain(plain, count: Int(info.numValues), physicalType: field.physicalType, into: &entries)
        }
        progress.dictionary = entries
    }

    /// v1: levels and values compressed together.
    private func dataPageV1(
        _ header: PageHeader, _ bytes: [UInt8], _ page: Range<Int>, _ codec: any Codec, _ rows: Int, _ progress: inout Progress
    ) throws {
        guard let info = header.dataPage else { throw corrupt("has a data page without its header") }
        let count = try checkedCount(info.numValues, decoded: progress.decoded, rows: rows)
        let take = min(count, progress.target - progress.decoded)
        try withPage(bytes, page, Int(header.uncompressedPageSize), codec) { body in
            let (levels, used) = try definitionLevelsV1(body, count: count, take: take, encoding: info.definitionLevelEncoding)
            defer { if let levels { budget.release(levels.count) } }
            try appendPage(UnsafeRawBufferPointer(rebasing: body[used...]), count: take, levels: levels, encoding: info.encoding, &progress)
        }
        progress.decoded += take
    }

    /// v2: levels first and never compressed, then the values, compressed when `isCompressed`.
    private func dataPageV2(
        _ header: PageHeader, _ bytes: [UInt8], _ page: Range<Int>, _ codec: any Codec, _ rows: Int, _ progress: inout Progress
    ) throws {
        guard let info = header.dataPageV2 else { throw corrupt("has a data page v2 without its header") }
        let count = try checkedCount(info.numValues, decoded: progress.decoded, rows: rows)
        let take = min(count, progress.target - progress.decoded)
        let definitionBytes = Int(info.definitionLevelsByteLength)
        let levelBytes = definitionBytes + Int(info.repetitionLevelsByteLength)
        guard info.definitionLevelsByteLength >= 0, info.repetitionLevelsByteLength >= 0, levelBytes <= page.count,
            levelBytes <= Int(header.uncompressedPageSize)
        else { throw corrupt("has v2 page levels that exceed their page") }
        let valuesRange = page.lowerBound + levelBytes..<page.upperBound
        let valuesSize = Int(header.uncompressedPageSize) - levelBytes
        let levels = try bytes.withUnsafeBytes { all in
            try definitionLevels(UnsafeRawBufferPointer(rebasing: all[page.lowerBound..<page.lowerBound + definitionBytes]), count: take)
        }
        defer { if let levels { budget.release(levels.count) } }
        func decode(_ body: UnsafeRawBufferPointer) throws {
            try appendPage(body, count: take, levels: levels, encoding: info.encoding, &progress)
        }
        if info.isCompressed {
            try withPage(bytes, valuesRange, valuesSize, codec, decode)
        } else {
            try bytes.withUnsafeBytes { try decode(UnsafeRawBufferPointer(rebasing: $0[valuesRange])) }
        }
        progress.decoded += take
    }

    private func corrupt(_ problem: String) -> ParquetError {
        ParquetError.corrupt("column \"\(field.name)\" \(problem)")
    }

    private func checkedCount(_ numValues: Int32, decoded: Int, rows: Int) throws -> Int {
        guard numValues >= 0, Int(numValues) <= rows - decoded else {
            throw corrupt("has a page of \(numValues) values where \(rows - decoded) remain in its chunk")
        }
        return Int(numValues)
    }

    /// Appends the first `count` rows of a page: their non-null values decoded, then spread
    /// over the rows by `levels` (nil: no nulls in the page).
    private func appendPage(
        _ data: UnsafeRawBufferPointer, count: Int, levels: [UInt8]?, encoding: Encoding, _ progress: inout Progress
    ) throws {
        let present = levels.map { $0.reduce(0) { $0 + Int($1) } } ?? count
        if field.isNullable {
            try budget.grow(&progress.validity, by: count, charged: &progress.validityCharge)
            let start = progress.validity.count
            progress.validity.append(contentsOf: repeatElement(true, count: count))
            // Only a page with nulls needs its levels copied: over raw pointers, one flag a level.
            if let levels, present != count {
                progress.validity.withUnsafeMutableBufferPointer { flags in
                    levels.withUnsafeBufferPointer { levels in
                        for index in 0..<min(count, levels.count) { flags[start + index] = levels[index] != 0 }
                    }
                }
            }
        }
        guard present != count, let levels else {
            try decodeValues(data, count: present, encoding: encoding, dictionary: progress.dictionary, into: &progress.values)
            return
        }
        var page = RawValues(width: progress.values.width, budget: budget)
        defer { page.release() }
        try decodeValues(data, count: present, encoding: encoding, dictionary: progress.dictionary, into: &page)
        guard page.count == present else { throw corrupt("has a page of \(page.count) values where its levels say \(present)") }
        try progress.values.append(page, spreadOver: levels)
    }

    private func decodeValues(_ data: UnsafeRawBufferPointer, count: Int, encoding: Encoding, dictionary: RawValues?, into out: inout RawValues) throws {
        switch encoding {
        case .plain:
            try ValueDecoding.plain(data, count: count, physicalType: field.physicalType, into: &out)
        case .rleDictionary, .plainDictionary:
            guard let dictionary else { throw corrupt("has dictionary-encoded values but no dictionary page") }
            try ValueDecoding.dictionaryIndices(data, count: count, dictionary: dictionary, into: &out)
        case .rle where field.physicalType == .boolean:
            try ValueDecoding.rleBooleans(data, count: count, into: &out)
        default:
            throw ParquetError(.unsupported, "encoding \(encoding) of column \"\(field.name)\" is not supported")
        }
    }

    /// Runs `body` over a page's bytes after the header, decompressed to `size` bytes in the
    /// chunk's `PageBuffer`.
    private func withPage(
        _ bytes: [UInt8], _ range: Range<Int>, _ size: Int, _ codec: any Codec, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard size >= 0 else { throw ParquetError.corrupt("negative page size") }
        try pageBuffer.withBytes(size, fill: { page in
            try bytes.withUnsafeBytes { all in try codec.decompress(UnsafeRawBufferPointer(rebasing: all[range]), into: page) }
        }, body)
    }

    /// Bytes per value in the reader's layout, or nil for BYTE_ARRAY.
    static func width(of field: Field) -> Int? {
        switch field.physicalType {
        case .boolean: 1
        case .int32, .float: 4
        case .int64, .double: 8
        case .int96: 12
        case .fixedLenByteArray: field.typeLength
        case .byteArray: nil
        }
    }
}
