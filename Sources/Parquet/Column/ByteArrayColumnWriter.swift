/// How a byte column's statistics are ordered and shortened.
struct ByteStatisticsRules {
    /// DECIMAL on FIXED_LEN_BYTE_ARRAY: big-endian two's complement, signed order. Otherwise
    /// unsigned byte-wise order (parquet.thrift ColumnOrder).
    var signedOrder: Bool
    /// Truncation limit in bytes, or nil to keep bounds whole (FIXED_LEN_BYTE_ARRAY bounds keep
    /// the column's width, which readers expect).
    var truncateLength: Int?
    /// STRING and JSON: truncate at character boundaries so bounds stay valid UTF-8.
    var utf8: Bool
    /// False when the chunk's statistics carry no bounds at all (only `null_count`):
    /// FIXED_LEN_BYTE_ARRAY wider than the truncation length. Bounds are then not tracked.
    var keepsBounds: Bool
}

/// Writes BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY columns, dictionary-encoded until the dictionary
/// reaches its size limit, then PLAIN (parquet-format Encodings.md), like
/// `FixedWidthColumnWriter`.
final class ByteArrayColumnWriter<Access: ByteValueAccess> {
    let builder: ColumnChunkBuilder
    private let limits: PageLimits
    private let rules: ByteStatisticsRules
    private var dictionary: ByteArrayDictionary?
    private var encodesWithDictionary: Bool
    private var minimum: [UInt8]?
    private var maximum: [UInt8]?
    private let dictionaryPlain = ByteBuffer(capacity: 64)
    private let dictionaryPage = ByteBuffer(capacity: 64)

    /// A writer for one column, built with the file's codec, scratch buffers, limits and statistics rules.
    init(setup: ColumnSetup, rules: ByteStatisticsRules) {
        builder = ColumnChunkBuilder(codec: setup.codec, maxDefinitionLevel: setup.maxDefinitionLevel, scratch: setup.scratch)
        limits = setup.limits
        self.rules = rules
        encodesWithDictionary = limits.dictionaryBytes != nil
        dictionary = encodesWithDictionary ? ByteArrayDictionary(lengthPrefixed: Access.lengthPrefixed) : nil
    }

    deinit { dictionary?.deallocate() }

    var bufferedBytes: Int { builder.bufferedBytes + (dictionary?.encodedSize ?? 0) }

    func append(_ column: ColumnData, rows: RowSelection) throws {
        let validity = builder.maxDefinitionLevel > 0 ? column.validity : nil
        let handled: Void? = try Access.withAccess(to: column.values) { access in
            if let validity {
                try validity.withUnsafeBufferPointer { flags in
                    try rows.withRows({ try appendRows(access, flags, $0) }, { try appendRows(access, flags, $0) })
                }
            } else {
                try rows.withRows({ try appendRows(access, nil, $0) }, { try appendRows(access, nil, $0) })
            }
        }
        guard handled != nil else { throw ParquetError(.invalidBatch, "column values do not match the column's physical type") }
    }

    private func appendRows<R: RowIndices>(_ access: Access, _ validity: UnsafeBufferPointer<Bool>?, _ rows: R) throws {
        var done = 0
        while done < rows.count {
            let n = min(rows.count - done, limits.pageRows - builder.pageRows, PageLimits.checkInterval)
            let consumed: Int
            if encodesWithDictionary {
                encodeIndices(access, validity, rows.slice(done, n))
                consumed = n
            } else {
                consumed = encodePlain(access, validity, rows.slice(done, n))
            }
            builder.pageRows += consumed
            done += consumed
            if builder.pageRows >= limits.pageRows || estimatedPageBytes >= limits.pageBytes { try finishPage() }
            if encodesWithDictionary, let limit = limits.dictionaryBytes, let dictionary, dictionary.encodedSize >= limit {
                try finishPage()
                encodesWithDictionary = false
            }
        }
    }

    private var estimatedPageBytes: Int {
        guard encodesWithDictionary, let dictionary else { return builder.values.count }
        return builder.estimatedIndexPageBytes(dictionaryCount: dictionary.count)
    }

    private func encodeIndices<R: RowIndices>(_ access: Access, _ validity: UnsafeBufferPointer<Bool>?, _ rows: R) {
        guard var dict = dictionary else { return }
        let n = rows.count
        let optional = builder.maxDefinitionLevel > 0
        builder.values.reserve(n * 4)
        let out = builder.values.end
        if optional { builder.levels.reserve(n) }
        let levels = builder.levels.end
        var written = 0
        for k in 0..<n {
            let row = rows[k]
            let present = validity?[unchecked: row] ?? true
            if optional { levels.storeBytes(of: present ? 1 : 0, toByteOffset: k, as: UInt8.self) }
            if present {
                let (pointer, count) = access.value(at: row)
                out.storeBytes(of: dict.index(of: pointer, length: count), toByteOffset: written &* 4, as: UInt32.self)
                written &+= 1
            }
        }
        if optional { builder.levels.count += n }
        builder.values.count += written * 4
        dictionary = dict
    }

    /// Encodes rows until the page is full; returns how many rows it took (at least one).
    private func encodePlain<R: RowIndices>(_ access: Access, _ validity: UnsafeBufferPointer<Bool>?, _ rows: R) -> Int {
        let optional = builder.maxDefinitionLevel > 0
        if optional { builder.levels.reserve(rows.count) }
        let levels = builder.levels.end
        let values = builder.values
        var consumed = 0
        while consumed < rows.count {
            let row = rows[consumed]
            let present = validity?[unchecked: row] ?? true
            if optional { levels.storeBytes(of: present ? 1 : 0, toByteOffset: consumed, as: UInt8.self) }
            consumed += 1
            guard present else { continue }
            let (pointer, count) = access.value(at: row)
            if Access.lengthPrefixed { values.appendLittleEndian(UInt32(truncatingIfNeeded: count)) }
            values.append(UnsafeRawBufferPointer(start: pointer, count: count))
            updateBounds(pointer, count)
            if values.count >= limits.pageBytes { break }
        }
        if optional { builder.levels.count += consumed }
        return consumed
    }

    private func updateBounds(_ pointer: UnsafeRawPointer, _ count: Int) {
        guard rules.keepsBounds else { return }
        if let low = minimum {
            if compare(pointer, count, low) < 0 { minimum = Array(UnsafeRawBufferPointer(start: pointer, count: count)) }
        } else {
            minimum = Array(UnsafeRawBufferPointer(start: pointer, count: count))
        }
        if let high = maximum {
            if compare(pointer, count, high) > 0 { maximum = Array(UnsafeRawBufferPointer(start: pointer, count: count)) }
        } else {
            maximum = Array(UnsafeRawBufferPointer(start: pointer, count: count))
        }
    }

    private func compare(_ pointer: UnsafeRawPointer, _ count: Int, _ other: [UInt8]) -> Int {
        other.withUnsafeBytes { bound in
            let base = bound.baseAddress ?? pointer
            if rules.signedOrder && count == bound.count { return Bytes.compareSignedBigEndian(pointer, base, count: count) }
            return Bytes.compare(pointer, count, base, bound.count)
        }
    }

    private func finishPage() throws {
        if encodesWithDictionary, let dictionary {
            try builder.finishIndexPage(dictionaryCount: dictionary.count)
        } else {
            try builder.finishPage(encoding: .plain, plain: builder.values)
        }
    }

    func finishChunk() throws -> FinishedChunk {
        try finishPage()
        var page: ByteBuffer?
        var dictionarySize = 0
        if builder.dictionaryPageCount > 0, let dictionary {
            dictionaryPlain.count = 0
            dictionaryPlain.reserve(dictionary.encodedSize)
            for index in 0..<dictionary.count {
                let (pointer, count) = dictionary.entry(index)
                if Access.lengthPrefixed { dictionaryPlain.appendLittleEndian(UInt32(truncatingIfNeeded: count)) }
                dictionaryPlain.append(UnsafeRawBufferPointer(start: pointer, count: count))
                updateBounds(pointer, count)
            }
            dictionaryPage.count = 0
            dictionarySize = try builder.writeDictionaryPage(dictionaryPlain.bytes, count: dictionary.count, to: dictionaryPage)
            page = dictionaryPage
        }
        var statistics = Statistics(nullCount: Int64(builder.nulls))
        if let minimum, let maximum {
            if let limit = rules.truncateLength {
                let low = StatisticsTruncation.minimum(minimum, limit: limit, utf8: rules.utf8)
                let high = StatisticsTruncation.maximum(maximum, limit: limit, utf8: rules.utf8)
                statistics.minValue = low.bytes
                statistics.maxValue = high.bytes
                statistics.isMinValueExact = low.exact
                statistics.isMaxValueExact = high.exact
            } else {
                statistics.minValue = minimum
                statistics.maxValue = maximum
                statistics.isMinValueExact = true
                statistics.isMaxValueExact = true
            }
        }
        return builder.finishedChunk(dictionaryPage: page, dictionaryUncompressedSize: dictionarySize, statistics: statistics)
    }

    func reset() {
        builder.reset()
        dictionary?.removeAll()
        encodesWithDictionary = dictionary != nil
        minimum = nil
        maximum = nil
        dictionaryPlain.removeAll()
        dictionaryPage.removeAll()
    }
}
