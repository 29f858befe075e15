/// Writes BOOLEAN columns as PLAIN: one bit per value, least significant bit first
/// (parquet-format Encodings.md, PLAIN). Booleans gain nothing from a dictionary, and
/// parquet-cpp does not use one for them either.
final class BooleanColumnWriter {
    let builder: ColumnChunkBuilder
    private let limits: PageLimits
    private var sawFalse = false
    private var sawTrue = false

    /// A writer for one column, built with the file's codec, scratch buffers and limits.
    init(setup: ColumnSetup) {
        builder = ColumnChunkBuilder(codec: setup.codec, maxDefinitionLevel: setup.maxDefinitionLevel, scratch: setup.scratch)
        limits = setup.limits
    }

    var bufferedBytes: Int { builder.bufferedBytes }

    func append(_ column: ColumnData, rows: RowSelection) throws {
        guard case .boolean(let array) = column.values else {
            throw ParquetError(.invalidBatch, "column values do not match the column's physical type")
        }
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

    private func appendRows<R: RowIndices>(_ values: UnsafeBufferPointer<Bool>, _ validity: UnsafeBufferPointer<Bool>?, _ rows: R) throws {
        let optional = builder.maxDefinitionLevel > 0
        var done = 0
        while done < rows.count {
            // The values buffer holds one byte per value until the page packs them to bits.
            let n = min(rows.count - done, limits.pageRows - builder.pageRows, max(1, limits.pageBytes * 8 - builder.values.count))
            let slice = rows.slice(done, n)
            builder.values.reserve(n)
            if optional { builder.levels.reserve(n) }
            let out = builder.values.end
            let levels = builder.levels.end
            var written = 0
            for k in 0..<n {
                let row = slice[k]
                let present = validity?[unchecked: row] ?? true
                if optional { levels.storeBytes(of: present ? 1 : 0, toByteOffset: k, as: UInt8.self) }
                if present {
                    let value = values[unchecked: row]
                    out.storeBytes(of: value ? 1 : 0, toByteOffset: written, as: UInt8.self)
                    written += 1
                    if value { sawTrue = true } else { sawFalse = true }
                }
            }
            if optional { builder.levels.count += n }
            builder.values.count += written
            builder.pageRows += n
            done += n
            if builder.pageRows >= limits.pageRows || builder.values.count >= limits.pageBytes * 8 { try finishPage() }
        }
    }

    private func finishPage() throws {
        let bytes = builder.values
        try builder.finishPage(encoding: .plain) { body in
            body.reserve(bytes.count / 8 + 16)
            let written = bytes.bytes.withMemoryRebound(to: UInt8.self) { flags -> Int in
                guard let base = flags.baseAddress else { return 0 }
                return BitPacking.pack(base, count: flags.count, width: 1, to: body.end)
            }
            body.count += written
        }
    }

    func finishChunk() throws -> FinishedChunk {
        try finishPage()
        var statistics = Statistics(nullCount: Int64(builder.nulls))
        if sawFalse || sawTrue {
            statistics.minValue = [sawFalse ? 0 : 1]
            statistics.maxValue = [sawTrue ? 1 : 0]
            statistics.legacyMin = statistics.minValue
            statistics.legacyMax = statistics.maxValue
        }
        return builder.finishedChunk(dictionaryPage: nil, dictionaryUncompressedSize: 0, statistics: statistics)
    }

    func reset() {
        builder.reset()
        sawFalse = false
        sawTrue = false
    }
}
