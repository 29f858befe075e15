/// One node of the footer's schema tree (parquet-format `SchemaElement`), as written.
///
/// The first element is the root group; a flat schema's columns follow it as its children.
/// `ParquetReader` converts these to `Schema` and refuses nested trees.
public struct SchemaElement: Sendable, Hashable {
    /// Column or group name.
    public var name: String
    /// Physical type; nil for groups (the root).
    public var physicalType: PhysicalType?
    /// Byte width of FIXED_LEN_BYTE_ARRAY values.
    public var typeLength: Int32?
    /// REQUIRED (0), OPTIONAL (1) or REPEATED (2), as the Thrift value; nil for the root.
    public var repetition: Int32?
    /// Children of a group (the root's is the column count).
    public var numChildren: Int32?
    /// Legacy annotation.
    public var convertedType: ConvertedType?
    /// DECIMAL scale (legacy placement, written beside the LogicalType).
    public var scale: Int32?
    /// DECIMAL precision (legacy placement, written beside the LogicalType).
    public var precision: Int32?
    /// Field id, if the writer assigned one.
    public var fieldID: Int32?
    /// Annotation; nil when absent or of a kind this module does not model (FLOAT16, BSON...).
    public var logicalType: LogicalType?

    /// An element with every attribute spelled out.
    public init(
        name: String, physicalType: PhysicalType? = nil, typeLength: Int32? = nil, repetition: Int32? = nil,
        numChildren: Int32? = nil, convertedType: ConvertedType? = nil, scale: Int32? = nil, precision: Int32? = nil,
        fieldID: Int32? = nil, logicalType: LogicalType? = nil
    ) {
        self.name = name
        self.physicalType = physicalType
        self.typeLength = typeLength
        self.repetition = repetition
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.scale = scale
        self.precision = precision
        self.fieldID = fieldID
        self.logicalType = logicalType
    }
}

extension SchemaElement {
    func write(to e: inout CompactEncoder) {
        e.beginStruct()
        if let physicalType { e.i32(1, physicalType.rawValue) }
        if let typeLength { e.i32(2, typeLength) }
        if let repetition { e.i32(3, repetition) }
        e.string(4, name)
        if let numChildren { e.i32(5, numChildren) }
        if let convertedType { e.i32(6, convertedType.rawValue) }
        if let scale { e.i32(7, scale) }
        if let precision { e.i32(8, precision) }
        if let fieldID { e.i32(9, fieldID) }
        if let logicalType {
            e.structField(10)
            logicalType.write(to: &e)
        }
        e.endStruct()
    }

    static func read(from d: inout CompactDecoder) throws -> SchemaElement {
        var element = SchemaElement(name: "")
        var sawName = false
        try d.readStruct { d, id, type in
            switch id {
            case 1:
                let raw = try d.i32(type)
                guard let physical = PhysicalType(rawValue: raw) else { throw ParquetError.corrupt("unknown physical type \(raw)") }
                element.physicalType = physical
            case 2: element.typeLength = try d.i32(type)
            case 3: element.repetition = try d.i32(type)
            case 4:
                element.name = try d.string(type)
                sawName = true
            case 5: element.numChildren = try d.i32(type)
            case 6: element.convertedType = ConvertedType(rawValue: try d.i32(type))
            case 7: element.scale = try d.i32(type)
            case 8: element.precision = try d.i32(type)
            case 9: element.fieldID = try d.i32(type)
            case 10 where type == .structure: element.logicalType = try LogicalType.read(from: &d)
            default: try d.skip(type)
            }
        }
        guard sawName else { throw ParquetError.corrupt("schema element without a name") }
        return element
    }
}

extension LogicalType {
    /// Writes the `LogicalType` union (parquet.thrift): one field, whose id names the kind.
    func write(to e: inout CompactEncoder) {
        e.beginStruct()
        switch self {
        case .string: Self.emptyStruct(1, &e)
        case .enumeration: Self.emptyStruct(4, &e)
        case .decimal(let precision, let scale):
            e.structField(5)
            e.beginStruct()
            e.i32(1, Int32(clamping: scale))
            e.i32(2, Int32(clamping: precision))
            e.endStruct()
        case .date: Self.emptyStruct(6, &e)
        case .time(let utc, let unit): Self.writeTemporal(7, utc, unit, &e)
        case .timestamp(let utc, let unit): Self.writeTemporal(8, utc, unit, &e)
        case .integer(let bitWidth, let isSigned):
            e.structField(10)
            e.beginStruct()
            e.byte(1, Int8(clamping: bitWidth))
            e.bool(2, isSigned)
            e.endStruct()
        case .json: Self.emptyStruct(12, &e)
        case .uuid: Self.emptyStruct(14, &e)
        }
        e.endStruct()
    }

    private static func emptyStruct(_ id: Int16, _ e: inout CompactEncoder) {
        e.structField(id)
        e.beginStruct()
        e.endStruct()
    }

    private static func writeTemporal(_ id: Int16, _ utc: Bool, _ unit: TimeUnit, _ e: inout CompactEncoder) {
        e.structField(id)
        e.beginStruct()
        e.bool(1, utc)
        e.structField(2)
        e.beginStruct()
        switch unit {
        case .millis: emptyStruct(1, &e)
        case .micros: emptyStruct(2, &e)
        case .nanos: emptyStruct(3, &e)
        }
        e.endStruct()
        e.endStruct()
    }

    /// Reads the union; kinds this module does not model read as nil.
    static func read(from d: inout CompactDecoder) throws -> LogicalType? {
        var result: LogicalType?
        try d.readStruct { d, id, type in
            guard type == .structure else { return try d.skip(type) }
            switch id {
            case 1: try d.skip(type); result = .string
            case 4: try d.skip(type); result = .enumeration
            case 5:
                var scale: Int32?
                var precision: Int32?
                try d.readStruct { d, id, type in
                    switch id {
                    case 1: scale = try d.i32(type)
                    case 2: precision = try d.i32(type)
                    default: try d.skip(type)
                    }
                }
                guard let scale, let precision else { throw ParquetError.corrupt("DECIMAL logical type without scale or precision") }
                result = .decimal(precision: Int(precision), scale: Int(scale))
            case 6: try d.skip(type); result = .date
            case 7:
                let (utc, unit) = try readTemporal(&d)
                result = .time(isAdjustedToUTC: utc, unit: unit)
            case 8:
                let (utc, unit) = try readTemporal(&d)
                result = .timestamp(isAdjustedToUTC: utc, unit: unit)
            case 10:
                var bitWidth: Int8?
                var signed: Bool?
                try d.readStruct { d, id, type in
                    switch id {
                    case 1: bitWidth = try d.byte(type)
                    case 2: signed = try d.bool(type)
                    default: try d.skip(type)
                    }
                }
                guard let bitWidth, let signed else { throw ParquetError.corrupt("INTEGER logical type without bitWidth or isSigned") }
                result = .integer(bitWidth: Int(bitWidth), isSigned: signed)
            case 12: try d.skip(type); result = .json
            case 14: try d.skip(type); result = .uuid
            default: try d.skip(type)
            }
        }
        return result
    }

    private static func readTemporal(_ d: inout CompactDecoder) throws -> (Bool, TimeUnit) {
        var utc: Bool?
        var unit: TimeUnit?
        try d.readStruct { d, id, type in
            switch id {
            case 1: utc = try d.bool(type)
            case 2 where type == .structure:
                try d.readStruct { d, id, type in
                    try d.skip(type)
                    switch id {
                    case 1: unit = .millis
                    case 2: unit = .micros
                    case 3: unit = .nanos
                    default: break
                    }
                }
            default: try d.skip(type)
            }
        }
        guard let utc, let unit else { throw ParquetError.corrupt("TIME or TIMESTAMP logical type without isAdjustedToUTC or unit") }
        return (utc, unit)
    }
}
