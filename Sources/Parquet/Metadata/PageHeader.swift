/// The header before every page (parquet-format `PageHeader` with its per-kind headers).
/// Internal: readers see pages only through decoded values.
struct PageHeader: Sendable, Equatable {
    /// Fields of a v1 data page (`DataPageHeader`).
    struct DataPage: Sendable, Equatable {
        /// Values in the page, nulls included.
        var numValues: Int32
        /// Encoding of the values section.
        var encoding: Encoding
        /// Encoding of the definition levels (RLE; BIT_PACKED in old files).
        var definitionLevelEncoding: Encoding
        /// Encoding of the repetition levels.
        var repetitionLevelEncoding: Encoding
    }

    /// Fields of a dictionary page (`DictionaryPageHeader`).
    struct DictionaryPage: Sendable, Equatable {
        /// Entries in the dictionary.
        var numValues: Int32
        /// PLAIN (or PLAIN_DICTIONARY in Parquet 1.0 files).
        var encoding: Encoding
    }

    /// Fields of a v2 data page (`DataPageHeaderV2`).
    struct DataPageV2: Sendable, Equatable {
        /// Values in the page, nulls included.
        var numValues: Int32
        /// Null values in the page.
        var numNulls: Int32
        /// Rows in the page.
        var numRows: Int32
        /// Encoding of the values section.
        var encoding: Encoding
        /// Bytes of definition levels (RLE, no length prefix, never compressed).
        var definitionLevelsByteLength: Int32
        /// Bytes of repetition levels (never compressed).
        var repetitionLevelsByteLength: Int32
        /// Whether the values section is compressed (default true).
        var isCompressed: Bool
    }

    /// Kind of page.
    var type: PageType
    /// Bytes after the header once decompressed.
    var uncompressedPageSize: Int32
    /// Bytes after the header as stored.
    var compressedPageSize: Int32
    /// CRC-32 of the stored page bytes, when the writer computed one.
    var crc: Int32?
    /// Set for DATA_PAGE.
    var dataPage: DataPage?
    /// Set for DICTIONARY_PAGE.
    var dictionaryPage: DictionaryPage?
    /// Set for DATA_PAGE_V2.
    var dataPageV2: DataPageV2?

    func write(to e: inout CompactEncoder) {
        e.beginStruct()
        e.i32(1, type.rawValue)
        e.i32(2, uncompressedPageSize)
        e.i32(3, compressedPageSize)
        if let crc { e.i32(4, crc) }
        if let page = dataPage {
            e.structField(5)
            e.beginStruct()
            e.i32(1, page.numValues)
            e.i32(2, page.encoding.rawValue)
            e.i32(3, page.definitionLevelEncoding.rawValue)
            e.i32(4, page.repetitionLevelEncoding.rawValue)
            e.endStruct()
        }
        if let page = dictionaryPage {
            e.structField(7)
            e.beginStruct()
            e.i32(1, page.numValues)
            e.i32(2, page.encoding.rawValue)
            e.endStruct()
        }
        if let page = dataPageV2 {
            e.structField(8)
            e.beginStruct()
            e.i32(1, page.numValues)
            e.i32(2, page.numNulls)
            e.i32(3, page.numRows)
            e.i32(4, page.encoding.rawValue)
            e.i32(5, page.definitionLevelsByteLength)
            e.i32(6, page.repetitionLevelsByteLength)
            e.bool(7, page.isCompressed)
            e.endStruct()
        }
        e.endStruct()
    }

    static func read(from d: inout CompactDecoder) throws -> PageHeader {
        var type: Int32?
        var uncompressed: Int32?
        var compressed: Int32?
        var header = PageHeader(type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0)
        try d.readStruct { d, id, fieldType in
            switch id {
            case 1: type = try d.i32(fieldType)
            case 2: uncompressed = try d.i32(fieldType)
            case 3: compressed = try d.i32(fieldType)
            case 4: header.crc = try d.i32(fieldType)
            case 5 where fieldType == .structure: header.dataPage = try readDataPage(&d)
            case 7 where fieldType == .structure: header.dictionaryPage = try readDictionaryPage(&d)
            case 8 where fieldType == .structure: header.dataPageV2 = try readDataPageV2(&d)
            default: try d.skip(fieldType)
            }
        }
        guard let type, let uncompressed, let compressed else {
            throw ParquetError.corrupt("page header misses type or sizes")
        }
        guard uncompressed >= 0, compressed >= 0 else {
            throw ParquetError.corrupt("page header has a negative size (\(compressed) stored, \(uncompressed) uncompressed)")
        }
        header.type = PageType(rawValue: type)
        header.uncompressedPageSize = uncompressed
        header.compressedPageSize = compressed
        return header
    }

    private static func readDataPage(_ d: inout CompactDecoder) throws -> DataPage {
        var values: [Int16: Int32] = [:]
        try d.readStruct { d, id, type in
            if (1...4).contains(id) { values[id] = try d.i32(type) } else { try d.skip(type) }
        }
        guard let count = values[1], let encoding = values[2], let def = values[3], let rep = values[4] else {
            throw ParquetError.corrupt("data page header misses a required field")
        }
        return DataPage(
            numValues: count, encoding: Encoding(rawValue: encoding),
            definitionLevelEncoding: Encoding(rawValue: def), repetitionLevelEncoding: Encoding(rawValue: rep)
        )
    }

    private static func readDictionaryPage(_ d: inout CompactDecoder) throws -> DictionaryPage {
        var count: Int32?
        var encoding: Int32?
        try d.readStruct { d, id, type in
            switch id {
            case 1: count = try d.i32(type)
            case 2: encoding = try d.i32(type)
            default: try d.skip(type)
            }
        }
        guard let count, let encoding else { throw ParquetError.corrupt("dictionary page header misses a required field") }
        return DictionaryPage(numValues: count, encoding: Encoding(rawValue: encoding))
    }

    private static func readDataPageV2(_ d: inout CompactDecoder) throws -> DataPageV2 {
        var values: [Int16: Int32] = [:]
        var isCompressed = true
        try d.readStruct { d, id, type in
            switch id {
            case 1...6: values[id] = try d.i32(type)
            case 7: isCompressed = try d.bool(type)
            default: try d.skip(type)
            }
        }
        guard let count = values[1], let nulls = values[2], let rows = values[3], let encoding = values[4],
            let defLength = values[5], let repLength = values[6]
        else { throw ParquetError.corrupt("data page v2 header misses a required field") }
        return DataPageV2(
            numValues: count, numNulls: nulls, numRows: rows, encoding: Encoding(rawValue: encoding),
            definitionLevelsByteLength: defLength, repetitionLevelsByteLength: repLength, isCompressed: isCompressed
        )
    }
}
