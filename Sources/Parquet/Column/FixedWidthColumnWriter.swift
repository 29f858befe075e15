/// Writes INT32, INT64, FLOAT and DOUBLE columns: dictionary-encoded (a PLAIN dictionary page,
/// then RLE_DICTIONARY data pages) until the dictionary reaches its size limit, then PLAIN for
/// the rest of the chunk, as parquet-cpp and parquet-mr do (parquet-format Encodings.md,
/// "Dictionary Encoding").
///
/// Statistics cost nothing per value in dictionary mode: the bounds are taken over the
/// dictionary's entries when the chunk ends, since every entry occurs in the chunk.
final class FixedWidthColumnWriter<V: FixedWidthValue> {
    let builder: ColumnChunkBuilder
    private let limits: PageLimits
    private var dictionary: FixedWidthDictionary<V>?
    private var encodesWithDictionary: Bool
    /// Bounds of the PLAIN-encoded values so far (dictionary entries join them at the end).
    private var minimum: V?
    private var maximum: V?
    private let dictionaryPage = ByteBuffer(capacity: 64)

    /// A writer for one column, built with the file's codec, scratch buffers and limits.
    init(setup: ColumnSetup) {
        builder = ColumnChunkBuilder(codec: setup.codec, maxDefinitionLevel: setup.maxDefinitionLevel, scratch: setup.scratch)
        limits = setup.limits
        encodesWithDictionary = limits.dictionaryBytes != nil
        dictionary = encodesWithDictionary ? FixedWidthDictionary() : nil
    }

    deinit { dictionary?.deallocate() }

    var bufferedBytes: Int { builder.bufferedBytes + (dictionary?.encodedSize ?? 0) }

    func append(_ column: ColumnData, rows: RowSelection) throws {
        guard let array = V.values(in: column.values) else {
            throw ParquetError(.invalidBatch, "column values do not match the column's physical type")
        }
        // Required columns were checked to hold no nulls, so their validity is ignored.
        let validity = builder.maxDefinitionLevel > 0 ? column.validity : nil
        try array.withUnsafeBufferPointer { values in
            if let validity {
                try validity.withUnsafeBufferPointer { flags in
                    try rows.withRows({ try appendRows(values, flags, $0) }, { try appendRows(values, flags, $0) })
                }
            } else {
                try rows.withRows({ try appendRows(values, nil, $0) }, { try appendRows(values, nil, $0) })
            }
        }
    }

    private func appendRows<R: RowIndices>(_ values: UnsafeBufferPointer<V>, _ validity: UnsafeBufferPointer<Bool>?, _ rows: R) throws {
        var done = 0
        while done < rows.count {
            var n = min(rows.count - done, limits.pageRows - builder.pageRows)
            if encodesWithDictionary {
                n = min(n, PageLimits.checkInterval)
                encodeIndices(values, validity, rows.slice(done, n))
            } else {
                n = min(n, max(1, (limits.pageBytes - builder.values.count) / MemoryLayout<V>.size))
                encodePlain(values, validity, rows.slice(done, n))
            }
            builder.pageRows += n
            done += n
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

    private func encodeIndices<R: RowIndices>(_ values: UnsafeBufferPointer<V>, _ validity: UnsafeBufferPointer<Bool>?, _ rows: R) {
        guard var dict = dictionary else { return }
        let n = rows.count
        let optional = builder.maxDefinitionLevel > 0
        builder.values.reserve(n * 4)
        let out = builder.values.end
        var written = 0
        if optional { builder.levels.reserve(n) }
        let levels = builder.levels.end
        if let validity {
            for k in 0..<n {
                let row = rows[k]
                let present = validity[unchecked: row]
                levels.storeBytes(of: present ? 1 : 0, toByteOffset: k, as: UInt8.self)
                if present {
                    out.storeBytes(of: dict.index(of: values[unchecked: row]), toByteOffset: written &* 4, as: UInt32.self)
                    written &+= 1
                }
            }
        } else {
            if optional { levels.initializeMemory(as: UInt8.self, repeating: 1, count: n) }
            for k in 0..<n {
                out.storeBytes(of: dict.index(of: values[unchecked: rows[k]]), toByteOffset: k &* 4, as: UInt32.self)
            }
            written = n
        }
        if optional { builder.levels.count += n }
        builder.values.count += written * 4
        dictionary = dict
    }

    private func encodePlain<R: RowIndices>(_ values: UnsafeBufferPointer<V>, _ validity: UnsafeBufferPointer<Bool>?, _ rows: R) {
        let n = rows.count
        let optional = builder.maxDefinitionLevel > 0
        let size = MemoryLayout<V>.size
        builder.values.reserve(n * size)
        let out = builder.values.end
        if optional { builder.levels.reserve(n) }
        let levels = builder.levels.end
        var written = 0
        if validity == nil, let start = rows.contiguousStart, let base = values.baseAddress {
            // PLAIN is the values' little-endian bytes: one copy.
            out.copyMemory(from: base + start, byteCount: n * size)
            if optional { levels.initializeMemory(as: UInt8.self, repeating: 1, count: n) }
            written = n
        } else {
            for k in 0..<n {
                let row = rows[k]
                let present = validity?[unchecked: row] ?? true
                if optional { levels.storeBytes(of: present ? 1 : 0, toByteOffset: k, as: UInt8.self) }
                if present {
                    out.storeBytes(of: values[unchecked: row], toByteOffset: written &* size, as: V.self)
                    written &+= 1
                }
            }
        }
        updateBounds(UnsafeRawPointer(out), count: written)
        if optional { builder.levels.count += n }
        builder.values.count += written * size
    }

    /// Folds the `count` values at `values` into the chunk's bounds, skipping NaN.
    private func updateBounds(_ values: UnsafeRawPointer, count: Int) {
        var low = minimum
        var high = maximum
        for k in 0..<count {
            let value = values.load(fromByteOffset: k &* MemoryLayout<V>.stride, as: V.self)
            if value.isNaN { continue }
            if let current = low { if V.statisticsLess(value, current) { low = value } } else { low = value }
            if let current = high { if V.statisticsLess(current, value) { high = value } } else { high = value }
        }
        minimum = low
        maximum = high
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
            updateBounds(UnsafeRawPointer(dictionary.values), count: dictionary.count)
            dictionaryPage.count = 0
            let plain = UnsafeRawBufferPointer(start: dictionary.values, count: dictionary.encodedSize)
            dictionarySize = try builder.writeDictionaryPage(plain, count: dictionary.count, to: dictionaryPage)
            page = dictionaryPage
        }
        var statistics = Statistics(nullCount: Int64(builder.nulls))
        if let low = minimum, let high = maximum {
            statistics.minValue = Self.plainBytes(V.normalizedBound(low, isMin: true))
            statistics.maxValue = Self.plainBytes(V.normalizedBound(high, isMin: false))
            // Signed-ordered, so the deprecated fields mean the same; old readers need them.
            statistics.legacyMin = statistics.minValue
            statistics.legacyMax = statistics.maxValue
        }
        return builder.finishedChunk(dictionaryPage: page, dictionaryUncompressedSize: dictionarySize, statistics: statistics)
    }

    func reset() {
        builder.reset()
        dictionary?.removeAll()
        encodesWithDictionary = dictionary != nil
        minimum = nil
        maximum = nil
        dictionaryPage.removeAll()
    }

    private static func plainBytes(_ value: V) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }
}
