/// Decodes the pages of one flat column chunk into `ColumnData`: an optional dictionary page,
/// then v1 or v2 data pages (parquet-format README "Data Pages", "DataPageV2"), compressed with
/// SNAPPY or not at all.
///
/// Sizes in page headers are checked against the chunk's bytes and `ReaderOptions` before
/// anything is allocated; value counts against the chunk's row count; dictionary indices against
/// the dictionary.
struct ColumnChunkDecoder {
    let field: Field
    let chunk: ColumnChunkMetadata
    let options: ReaderOptions

    /// What has been decoded so far.
    private struct Progress {
        var values: RawValues
        var validity: [Bool] = []
        var dictionary: RawValues?
        var decoded = 0
    }

    /// Decodes `bytes` (the whole chunk), which holds `rows` values, stopping once `limit`
    /// rows are decoded.
    func decode(_ bytes: [UInt8], rows: Int, limit: Int) throws -> ColumnData {
        let codec = try makeCodec(chunk.codec)
        let target = min(rows, limit)
        var progress = Progress(values: RawValues(width: Self.width(of: field), limit: options.maxDecodedColumnBytes))
        var position = 0
        while progress.decoded < target {
            guard position < bytes.count else {
                throw corrupt("ends after \(progress.decoded) of its \(rows) values")
            }
            var headerDecoder = CompactDecoder(bytes, start: position)
            let header = try PageHeader.read(from: &headerDecoder)
            position = headerDecoder.position
            let stored = Int(header.compressedPageSize)
            guard stored <= bytes.count - position else {
                throw corrupt("has a page running \(stored - (bytes.count - position)) bytes past its chunk")
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
            default: continue  // index pages and unknown kinds carry no values
            }
        }
        if progress.decoded > target {
            progress.values.truncate(to: target)
            if !progress.validity.isEmpty { progress.validity.removeLast(progress.validity.count - target) }
        }
        let hasNulls = progress.validity.contains(false)
        return ColumnData(values: progress.values.columnValues(field.physicalType), validity: hasNulls ? progress.validity : nil)
    }

    private func dictionaryPage(_ header: PageHeader, _ bytes: [UInt8], _ page: Range<Int>, _ codec: any Codec, _ progress: inout Progress) throws {
        guard progress.dictionary == nil, progress.decoded == 0, let info = header.dictionaryPage else {
            throw corrupt("has a misplaced or second dictionary page")
        }
        guard info.encoding == .plain || info.encoding == .plainDictionary, info.numValues >= 0 else {
            throw ParquetError(.unsupported, "dictionary page encoding \(info.encoding) is not supported")
        }
        let plain = try Self.decompress(bytes, page, Int(header.uncompressedPageSize), codec)
        var entries = RawValues(width: progress.values.width, limit: options.maxDecodedColumnBytes)
        _ = try plain.withUnsafeBytes { plain in
            try ValueDecoding.plain(plain, count: Int(info.numValues), physicalType: field.physicalType, into: &entries)
        }
        progress.dictionary = entries
    }

    /// v1: levels and values compressed together.
    private func dataPageV1(
        _ header: PageHeader, _ bytes: [UInt8], _ page: Range<Int>, _ codec: any Codec, _ rows: Int, _ progress: inout Progress
    ) throws {
        guard let info = header.dataPage else { throw corrupt("has a data page without its header") }
        let count = try checkedCount(info.numValues, decoded: progress.decoded, rows: rows)
        let body = try Self.decompress(bytes, page, Int(header.uncompressedPageSize), codec)
        try body.withUnsafeBytes { body in
            let (levels, used) = try definitionLevelsV1(body, count: count, encoding: info.definitionLevelEncoding)
            try appendPage(UnsafeRawBufferPointer(rebasing: body[used...]), count: count, levels: levels, encoding: info.encoding, &progress)
        }
        progress.decoded += count
    }

    /// v2: levels first and never compressed, then the values, compressed when `isCompressed`.
    private func dataPageV2(
        _ header: PageHeader, _ bytes: [UInt8], _ page: Range<Int>, _ codec: any Codec, _ rows: Int, _ progress: inout Progress
    ) throws {
        guard let info = header.dataPageV2 else { throw corrupt("has a data page v2 without its header") }
        let count = try checkedCount(info.numValues, decoded: progress.decoded, rows: rows)
        let definitionBytes = Int(info.definitionLevelsByteLength)
        let levelBytes = definitionBytes + Int(info.repetitionLevelsByteLength)
        guard info.definitionLevelsByteLength >= 0, info.repetitionLevelsByteLength >= 0, levelBytes <= page.count,
            levelBytes <= Int(header.uncompressedPageSize)
        else { throw corrupt("has v2 page levels that exceed their page") }
        let valuesRange = page.lowerBound + levelBytes..<page.upperBound
        let valuesSize = Int(header.uncompressedPageSize) - levelBytes
        let body = info.isCompressed ? try Self.decompress(bytes, valuesRange, valuesSize, codec) : Array(bytes[valuesRange])
        let levels = try bytes.withUnsafeBytes { all in
            try definitionLevelsV2(UnsafeRawBufferPointer(rebasing: all[page.lowerBound..<page.lowerBound + definitionBytes]), count: count)
        }
        try body.withUnsafeBytes { body in
            try appendPage(body, count: count, levels: levels, encoding: info.encoding, &progress)
        }
        progress.decoded += count
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

    /// Appends one page: its non-null values decoded, then spread over the rows by `levels`
    /// (nil: no nulls in the page).
    private func appendPage(
        _ data: UnsafeRawBufferPointer, count: Int, levels: [UInt8]?, encoding: Encoding, _ progress: inout Progress
    ) throws {
        let present = levels.map { $0.reduce(0) { $0 + Int($1) } } ?? count
        if field.isNullable {
            if let levels {
                progress.validity.append(contentsOf: levels.lazy.map { $0 != 0 })
            } else {
                progress.validity.append(contentsOf: repeatElement(true, count: count))
            }
        }
        guard present != count, let levels else {
            try decodeValues(data, count: present, encoding: encoding, dictionary: progress.dictionary, into: &progress.values)
            return
        }
        var page = RawValues(width: progress.values.width, limit: options.maxDecodedColumnBytes)
        try decodeValues(data, count: present, encoding: encoding, dictionary: progress.dictionary, into: &page)
        var next = 0
        for level in levels {
            if level != 0 {
                try progress.values.append(page, at: next)
                next += 1
            } else {
                try progress.values.appendNull()
            }
        }
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

    /// v1 definition levels: RLE with a 4-byte length, or the deprecated MSB-first BIT_PACKED.
    /// Returns nil levels for required columns, and the bytes consumed.
    private func definitionLevelsV1(_ body: UnsafeRawBufferPointer, count: Int, encoding: Encoding) throws -> ([UInt8]?, Int) {
        guard field.isNullable else { return (nil, 0) }
        switch encoding {
        case .rle:
            guard body.count >= 4, let base = body.baseAddress else { throw ParquetError.corrupt("definition levels missing") }
            let length = Int(UInt32(littleEndian: base.loadUnaligned(as: UInt32.self)))
            guard length <= body.count - 4 else { throw ParquetError.corrupt("definition levels of \(length) bytes exceed the page") }
            return (try definitionLevelsV2(UnsafeRawBufferPointer(rebasing: body[4..<4 + length]), count: count), 4 + length)
        case .bitPacked:
            let length = (count + 7) / 8
            guard length <= body.count else { throw ParquetError.corrupt("definition levels exceed the page") }
            let levels = (0..<count).map { i in (body[i >> 3] >> UInt8(7 - i & 7)) & 1 }
            return (levels, length)
        default:
            throw ParquetError(.unsupported, "definition level encoding \(encoding) is not supported")
        }
    }

    /// RLE definition levels without a length prefix (v2 pages, or v1 after the prefix).
    private func definitionLevelsV2(_ data: UnsafeRawBufferPointer, count: Int) throws -> [UInt8]? {
        guard field.isNullable else { return nil }
        var levels = [UInt8](repeating: 0, count: count)
        var decoder = try RLEDecoder(data, bitWidth: 1)
        try levels.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            try decoder.decode(into: base, count: count)
        }
        guard levels.allSatisfy({ $0 <= 1 }) else { throw ParquetError.corrupt("definition level above 1 in a flat column") }
        return levels
    }

    private static func decompress(_ bytes: [UInt8], _ range: Range<Int>, _ size: Int, _ codec: any Codec) throws -> [UInt8] {
        guard size >= 0 else { throw ParquetError.corrupt("negative page size") }
        return try bytes.withUnsafeBytes { all in
            try [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                try codec.decompress(UnsafeRawBufferPointer(rebasing: all[range]), into: UnsafeMutableRawBufferPointer(buffer))
                initialized = size
            }
        }
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
