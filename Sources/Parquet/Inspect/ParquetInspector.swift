/// What `millrace inspect` shows about a file: the schema with logical and converted types,
/// each row group's column chunks (encodings, codec, sizes, offsets, statistics) and the first
/// rows, as text for people or as JSON for tools. It is the tool an operator reaches for when
/// Redshift rejects a file, so it prints the footer as written, offsets included.
public struct ParquetInspector {
    private let reader: ParquetReader
    private let name: String

    /// Inspects the file `reader` opened; `name` labels it in the output.
    public init(reader: ParquetReader, name: String) {
        self.reader = reader
        self.name = name
    }

    /// The first `count` rows (fewer if the file is shorter), formatted per column; only those
    /// rows are decoded.
    func firstRows(_ count: Int) throws -> [[FormattedValue]] {
        var rows: [[FormattedValue]] = []
        for group in 0..<reader.rowGroupCount where rows.count < count {
            let wanted = count - rows.count
            let columns = try reader.readRowGroup(group, maxRows: wanted).columns
            let available = min(wanted, columns.first?.values.count ?? 0)
            for row in 0..<available {
                rows.append(zip(columns, reader.schema.fields).map { ValueFormatter.format($0, row: row, field: $1) })
            }
        }
        return rows
    }

    /// The text report.
    public func text(rows: Int) throws -> String {
        let meta = reader.metadata
        var out = "file: \(name)\n"
        out += "size: \(reader.fileSize) bytes, \(meta.numRows) rows, \(meta.rowGroups.count) row groups, format version \(meta.version)\n"
        out += "created by: \(meta.createdBy ?? "(not set)")\n"
        if !meta.keyValueMetadata.isEmpty {
            out += "key-value metadata:\n"
            for pair in meta.keyValueMetadata { out += "  \(pair.key) = \(pair.value ?? "(no value)")\n" }
        }
        out += "schema (\(reader.schema.fields.count) columns):\n"
        for (index, field) in reader.schema.fields.enumerated() {
            out += "  \(index) \(field.name): \(Self.typeDescription(field, meta.schemaElements[index + 1]))\n"
        }
        for (index, group) in meta.rowGroups.enumerated() {
            out += "row group \(index): \(group.numRows) rows, \(group.totalCompressedSize.map(String.init) ?? "?") bytes stored, "
            out += "\(group.totalByteSize) bytes uncompressed, at offset \(group.fileOffset.map(String.init) ?? "?")\n"
            for (chunk, field) in zip(group.columns, reader.schema.fields) {
                out += "  \(field.name): \(chunk.codec) \(chunk.encodings.map(\.description).joined(separator: ",")); "
                out += "\(chunk.totalCompressedSize) bytes stored, \(chunk.totalUncompressedSize) uncompressed; "
                out += "file_offset \(chunk.fileOffset), dictionary_page_offset \(chunk.dictionaryPageOffset.map(String.init) ?? "-"), "
                out += "data_page_offset \(chunk.dataPageOffset)\n"
                if let pages = chunk.encodingStats {
                    out += "    pages: " + pages.map { "\($0.count) \($0.pageType)/\($0.encoding)" }.joined(separator: ", ") + "\n"
                }
                out += "    statistics: " + statisticsText(chunk.statistics, field) + "\n"
            }
        }
        let sample = try firstRows(rows)
        out += "first \(sample.count) rows:\n"
        out += "  " + reader.schema.fields.map(\.name).joined(separator: " | ") + "\n"
        for row in sample { out += "  " + row.map(\.plain).joined(separator: " | ") + "\n" }
        return out
    }

    /// The JSON report (one object; keys in a fixed order).
    public func json(rows: Int) throws -> String {
        let meta = reader.metadata
        var json = JSONText()
        json.beginObject()
        json.field("file", name)
        json.field("sizeBytes", reader.fileSize)
        json.field("numRows", meta.numRows)
        json.field("formatVersion", meta.version)
        json.field("createdBy", meta.createdBy)
        json.key("keyValueMetadata")
        json.beginArray()
        for pair in meta.keyValueMetadata {
            json.beginObject()
            json.field("key", pair.key)
            json.key("value")
            if let value = pair.value { json.string(value) } else { json.null() }
            json.endObject()
        }
        json.endArray()
        json.key("schema")
        json.beginArray()
        for (index, field) in reader.schema.fields.enumerated() {
            let element = meta.schemaElements[index + 1]
            json.beginObject()
            json.field("name", field.name)
            json.field("physicalType", "\(field.physicalType)")
            json.field("repetition", field.isNullable ? "OPTIONAL" : "REQUIRED")
            json.field("logicalType", field.logicalType.map(Self.logicalDescription))
            json.field("convertedType", element.convertedType?.description)
            json.field("typeLength", element.typeLength)
            json.field("precision", element.precision)
            json.field("scale", element.scale)
            json.endObject()
        }
        json.endArray()
        json.key("rowGroups")
        json.beginArray()
        for group in meta.rowGroups {
            json.beginObject()
            json.field("numRows", group.numRows)
            json.field("totalByteSize", group.totalByteSize)
            json.field("totalCompressedSize", group.totalCompressedSize)
            json.field("fileOffset", group.fileOffset)
            json.key("columns")
            json.beginArray()
            for (chunk, field) in zip(group.columns, reader.schema.fields) { chunkJSON(&json, chunk, field) }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.key("firstRows")
        json.beginArray()
        for row in try firstRows(rows) {
            json.beginObject()
            for (field, value) in zip(reader.schema.fields, row) {
                json.key(field.name)
                json.formatted(value)
            }
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text
    }

    private func chunkJSON(_ json: inout JSONText, _ chunk: ColumnChunkMetadata, _ field: Field) {
        json.beginObject()
        json.field("name", field.name)
        json.field("physicalType", "\(chunk.physicalType)")
        json.field("codec", chunk.codec.description)
        json.key("encodings")
        json.beginArray()
        for encoding in chunk.encodings { json.string(encoding.description) }
        json.endArray()
        if let pages = chunk.encodingStats {
            json.key("encodingStats")
            json.beginArray()
            for page in pages {
                json.beginObject()
                json.field("pageType", page.pageType.description)
                json.field("encoding", page.encoding.description)
                json.field("count", page.count)
                json.endObject()
            }
            json.endArray()
        }
        json.field("numValues", chunk.numValues)
        json.field("totalCompressedSize", chunk.totalCompressedSize)
        json.field("totalUncompressedSize", chunk.totalUncompressedSize)
        json.field("fileOffset", chunk.fileOffset)
        json.field("dataPageOffset", chunk.dataPageOffset)
        json.field("dictionaryPageOffset", chunk.dictionaryPageOffset)
        if let stats = chunk.statistics {
            json.key("statistics")
            json.beginObject()
            json.field("nullCount", stats.nullCount)
            if let min = Self.bound(stats.minValue ?? stats.legacyMin, field) { json.key("min"); json.formatted(min) }
            if let max = Self.bound(stats.maxValue ?? stats.legacyMax, field) { json.key("max"); json.formatted(max) }
            if let exact = stats.isMinValueExact { json.key("isMinExact"); json.bool(exact) }
            if let exact = stats.isMaxValueExact { json.key("isMaxExact"); json.bool(exact) }
            json.endObject()
        }
        json.endObject()
    }

    private func statisticsText(_ statistics: Statistics?, _ field: Field) -> String {
        guard let stats = statistics else { return "none" }
        var parts = ["nulls \(stats.nullCount.map(String.init) ?? "?")"]
        if let min = Self.bound(stats.minValue ?? stats.legacyMin, field) {
            parts.append("min \(min.plain)" + (stats.isMinValueExact == false ? " (truncated)" : ""))
        }
        if let max = Self.bound(stats.maxValue ?? stats.legacyMax, field) {
            parts.append("max \(max.plain)" + (stats.isMaxValueExact == false ? " (truncated)" : ""))
        }
        return parts.joined(separator: ", ")
    }

    private static func bound(_ bytes: [UInt8]?, _ field: Field) -> FormattedValue? {
        guard let bytes, let value = StatisticValue(plain: bytes, physicalType: field.physicalType) else { return nil }
        return ValueFormatter.format(value, field: field)
    }

    private static func typeDescription(_ field: Field, _ element: SchemaElement) -> String {
        var text = "\(field.physicalType)"
        if field.physicalType == .fixedLenByteArray { text += "(\(field.typeLength))" }
        text += field.isNullable ? " OPTIONAL" : " REQUIRED"
        if let logical = field.logicalType { text += ", logical \(logicalDescription(logical))" }
        if let converted = element.convertedType { text += ", converted \(converted)" }
        return text
    }

    /// A LogicalType as parquet-format names it, e.g. `TIMESTAMP(MICROS,UTC)`.
    static func logicalDescription(_ type: LogicalType) -> String {
        switch type {
        case .string: "STRING"
        case .json: "JSON"
        case .uuid: "UUID"
        case .date: "DATE"
        case .enumeration: "ENUM"
        case .decimal(let precision, let scale): "DECIMAL(\(precision),\(scale))"
        case .integer(let bitWidth, let signed): "INTEGER(\(bitWidth),\(signed ? "signed" : "unsigned"))"
        case .timestamp(let utc, let unit): "TIMESTAMP(\(unitName(unit)),\(utc ? "UTC" : "local"))"
        case .time(let utc, let unit): "TIME(\(unitName(unit)),\(utc ? "UTC" : "local"))"
        }
    }

    private static func unitName(_ unit: TimeUnit) -> String {
        switch unit {
        case .millis: "MILLIS"
        case .micros: "MICROS"
        case .nanos: "NANOS"
        }
    }
}
