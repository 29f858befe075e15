/// A key and optional value stored in the footer (parquet-format `KeyValue`). The engine
/// records its schema version and source offsets this way.
public struct KeyValue: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The value, or nil for a key without one.
    public var value: String?

    /// A pair.
    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }
}

/// One row group: a horizontal slice of the file with one chunk per column (parquet-format
/// `RowGroup`).
public struct RowGroupMetadata: Sendable, Hashable {
    /// One chunk per column, in schema order.
    public var columns: [ColumnChunkMetadata]
    /// Bytes of the row group's column data before compression (pages and headers).
    public var totalByteSize: Int64
    /// Rows in the row group.
    public var numRows: Int64
    /// Offset of the row group's first page.
    public var fileOffset: Int64?
    /// Bytes of the row group's column data as stored.
    public var totalCompressedSize: Int64?
    /// Position of the row group in the file.
    public var ordinal: Int16?

    /// Metadata with every attribute spelled out.
    public init(
        columns: [ColumnChunkMetadata], totalByteSize: Int64, numRows: Int64, fileOffset: Int64? = nil,
        totalCompressedSize: Int64? = nil, ordinal: Int16? = nil
    ) {
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.numRows = numRows
        self.fileOffset = fileOffset
        self.totalCompressedSize = totalCompressedSize
        self.ordinal = ordinal
    }
}

/// The footer of a Parquet file (parquet-format `FileMetaData`): schema, row groups and
/// key-value metadata.
public struct FileMetadata: Sendable, Hashable {
    /// Format version: this writer writes 2 (LogicalType annotations), as parquet-cpp does.
    public var version: Int32
    /// The schema tree, root first, in depth-first order.
    public var schemaElements: [SchemaElement]
    /// Rows in the file (the sum over row groups).
    public var numRows: Int64
    /// Row groups in file order.
    public var rowGroups: [RowGroupMetadata]
    /// Application metadata, in the order written.
    public var keyValueMetadata: [KeyValue]
    /// The writing application, `name version x.y.z`.
    public var createdBy: String?
    /// True per column when its statistics follow the type-defined sort order
    /// (parquet.thrift `ColumnOrder.TYPE_ORDER`); nil when the writer did not say (old files,
    /// whose min/max a reader must treat with care).
    public var columnOrdersAreTypeDefined: [Bool]?

    /// Metadata with every attribute spelled out.
    public init(
        version: Int32, schemaElements: [SchemaElement], numRows: Int64, rowGroups: [RowGroupMetadata],
        keyValueMetadata: [KeyValue] = [], createdBy: String? = nil, columnOrdersAreTypeDefined: [Bool]? = nil
    ) {
        self.version = version
        self.schemaElements = schemaElements
        self.numRows = numRows
        self.rowGroups = rowGroups
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
        self.columnOrdersAreTypeDefined = columnOrdersAreTypeDefined
    }
}

extension FileMetadata {
    func write(to e: inout CompactEncoder) {
        e.beginStruct()
        e.i32(1, version)
        e.listField(2, count: schemaElements.count, of: .structure)
        for element in schemaElements { element.write(to: &e) }
        e.i64(3, numRows)
        e.listField(4, count: rowGroups.count, of: .structure)
        for group in rowGroups { group.write(to: &e) }
        if !keyValueMetadata.isEmpty {
            e.listField(5, count: keyValueMetadata.count, of: .structure)
            for pair in keyValueMetadata {
                e.beginStruct()
                e.string(1, pair.key)
                if let value = pair.value { e.string(2, value) }
                e.endStruct()
            }
        }
        if let createdBy { e.string(6, createdBy) }
        if let columnOrdersAreTypeDefined {
            e.listField(7, count: columnOrdersAreTypeDefined.count, of: .structure)
            for _ in columnOrdersAreTypeDefined {
                // ColumnOrder union with TYPE_ORDER (field 1), an empty TypeDefinedOrder struct.
                e.beginStruct()
                e.structField(1)
                e.beginStruct()
                e.endStruct()
                e.endStruct()
            }
        }
        e.endStruct()
    }

    /// Decodes a footer. Encrypted footers and missing required fields are errors.
    static func read(from d: inout CompactDecoder) throws -> FileMetadata {
        var version: Int32?
        var schema: [SchemaElement]?
        var numRows: Int64?
        var rowGroups: [RowGroupMetadata]?
        var pairs: [KeyValue] = []
        var createdBy: String?
        var orders: [Bool]?
        try d.readStruct { d, id, type in
            switch id {
            case 1: version = try d.i32(type)
            case 2 where type == .list:
                var elements: [SchemaElement] = []
                try d.readList(of: .structure) { d in elements.append(try SchemaElement.read(from: &d)) }
                schema = elements
            case 3: numRows = try d.i64(type)
            case 4 where type == .list:
                var groups: [RowGroupMetadata] = []
                try d.readList(of: .structure) { d in groups.append(try RowGroupMetadata.read(from: &d)) }
                rowGroups = groups
            case 5 where type == .list:
                try d.readList(of: .structure) { d in pairs.append(try readKeyValue(from: &d)) }
            case 6: createdBy = try d.string(type)
            case 7 where type == .list:
                var list: [Bool] = []
                try d.readList(of: .structure) { d in
                    var typeDefined = false
                    try d.readStruct { d, id, type in
                        if id == 1 { typeDefined = true }
                        try d.skip(type)
                    }
                    list.append(typeDefined)
                }
                orders = list
            case 8: throw ParquetError(.unsupported, "the file is encrypted (Parquet modular encryption is not supported)")
            default: try d.skip(type)
            }
        }
        guard let version, let schema, let numRows, let rowGroups else {
            throw ParquetError.corrupt("footer misses a required field (version, schema, num_rows or row_groups)")
        }
        return FileMetadata(
            version: version, schemaElements: schema, numRows: numRows, rowGroups: rowGroups,
            keyValueMetadata: pairs, createdBy: createdBy, columnOrdersAreTypeDefined: orders
        )
    }

    private static func readKeyValue(from d: inout CompactDecoder) throws -> KeyValue {
        var key: String?
        var value: String?
        try d.readStruct { d, id, type in
            switch id {
            case 1: key = try d.string(type)
            case 2: value = try d.string(type)
            default: try d.skip(type)
            }
        }
        guard let key else { throw ParquetError.corrupt("key-value metadata without a key") }
        return KeyValue(key: key, value: value)
    }
}

extension RowGroupMetadata {
    func write(to e: inout CompactEncoder) {
        e.beginStruct()
        e.listField(1, count: columns.count, of: .structure)
        for column in columns { column.write(to: &e) }
        e.i64(2, totalByteSize)
        e.i64(3, numRows)
        if let fileOffset { e.i64(5, fileOffset) }
        if let totalCompressedSize { e.i64(6, totalCompressedSize) }
        if let ordinal { e.i16(7, ordinal) }
        e.endStruct()
    }

    static func read(from d: inout CompactDecoder) throws -> RowGroupMetadata {
        var columns: [ColumnChunkMetadata]?
        var totalByteSize: Int64?
        var numRows: Int64?
        var group = RowGroupMetadata(columns: [], totalByteSize: 0, numRows: 0)
        try d.readStruct { d, id, type in
            switch id {
            case 1 where type == .list:
                var list: [ColumnChunkMetadata] = []
                try d.readList(of: .structure) { d in list.append(try ColumnChunkMetadata.read(from: &d)) }
                columns = list
            case 2: totalByteSize = try d.i64(type)
            case 3: numRows = try d.i64(type)
            case 5: group.fileOffset = try d.i64(type)
            case 6: group.totalCompressedSize = try d.i64(type)
            case 7: group.ordinal = try d.i16(type)
            default: try d.skip(type)
            }
        }
        guard let columns, let totalByteSize, let numRows else {
            throw ParquetError.corrupt("row group misses a required field (columns, total_byte_size or num_rows)")
        }
        group.columns = columns
        group.totalByteSize = totalByteSize
        group.numRows = numRows
        return group
    }
}
