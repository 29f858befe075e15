// Between the flat `Schema` and the footer's `SchemaElement` tree (parquet-format
// LogicalTypes.md: every LogicalType is written together with its legacy ConvertedType).

extension Schema {
    /// The footer's schema list: a root group named `schema`, then one leaf per column.
    var schemaElements: [SchemaElement] {
        var elements = [SchemaElement(name: "schema", numChildren: Int32(fields.count))]
        for field in fields {
            var element = SchemaElement(
                name: field.name, physicalType: field.physicalType, repetition: field.repetition.rawValue,
                convertedType: field.logicalType?.convertedType, logicalType: field.logicalType
            )
            if field.physicalType == .fixedLenByteArray { element.typeLength = Int32(field.typeLength) }
            if case .decimal(let precision, let scale) = field.logicalType {
                element.precision = Int32(precision)
                element.scale = Int32(scale)
            }
            elements.append(element)
        }
        return elements
    }

    /// The flat schema a footer describes. Nested schemas (groups below the root, REPEATED
    /// fields) are `unsupported`; a malformed tree is `corruptFile`.
    init(flatElements elements: [SchemaElement]) throws {
        guard let root = elements.first else { throw ParquetError.corrupt("the footer's schema is empty") }
        guard root.physicalType == nil else { throw ParquetError.corrupt("the schema root is not a group") }
        guard Int(root.numChildren ?? -1) == elements.count - 1 else {
            throw ParquetError(.unsupported, "the schema is nested (only flat schemas are read)")
        }
        var fields: [Field] = []
        fields.reserveCapacity(elements.count - 1)
        for element in elements.dropFirst() {
            guard let physical = element.physicalType, (element.numChildren ?? 0) == 0 else {
                throw ParquetError(.unsupported, "column \"\(element.name)\" is a group (only flat schemas are read)")
            }
            let repetition: Repetition
            switch element.repetition {
            case 0: repetition = .required
            case 1, nil: repetition = .optional
            default: throw ParquetError(.unsupported, "column \"\(element.name)\" is REPEATED (only flat schemas are read)")
            }
            var typeLength = 0
            if physical == .fixedLenByteArray {
                guard let length = element.typeLength, length > 0 else {
                    throw ParquetError.corrupt("FIXED_LEN_BYTE_ARRAY column \"\(element.name)\" has no positive type_length")
                }
                typeLength = Int(length)
            } else if physical == .int96 {
                typeLength = 12
            }
            let logicalType = element.logicalType ?? element.legacyLogicalType
            if case .decimal(let precision, let scale) = logicalType {
                try Self.checkDecimal(element, precision: precision, scale: scale, physical: physical, typeLength: typeLength)
            }
            fields.append(
                Field(name: element.name, physicalType: physical, logicalType: logicalType, repetition: repetition, typeLength: typeLength)
            )
        }
        self.init(fields)
    }

    /// A DECIMAL annotation read from a footer (LogicalTypes.md, DECIMAL): precision positive
    /// and within what the physical type holds (INT32 9 digits, INT64 18, FIXED_LEN_BYTE_ARRAY(n)
    /// floor(log10(2^(8n-1) - 1))), 0 ≤ scale ≤ precision, and the legacy `precision`/`scale`
    /// fields, when present, equal to the LogicalType's. Precision above 38 is valid Parquet but
    /// `unsupported` here (it is Redshift's limit, and values are formatted through Int128).
    private static func checkDecimal(_ element: SchemaElement, precision: Int, scale: Int, physical: PhysicalType, typeLength: Int) throws {
        let column = "column \"\(element.name)\""
        guard precision >= 1 else { throw ParquetError.corrupt("\(column): DECIMAL precision \(precision) is not positive") }
        guard precision <= 38 else {
            throw ParquetError(.unsupported, "\(column): DECIMAL precision \(precision) is above 38, the most this reader supports")
        }
        guard scale >= 0 && scale <= precision else {
            throw ParquetError.corrupt("\(column): DECIMAL(\(precision), \(scale)) has a scale outside 0...\(precision)")
        }
        if let legacy = element.precision, Int(legacy) != precision {
            throw ParquetError.corrupt("\(column): the schema element's precision \(legacy) contradicts its DECIMAL(\(precision), \(scale))")
        }
        if let legacy = element.scale, Int(legacy) != scale {
            throw ParquetError.corrupt("\(column): the schema element's scale \(legacy) contradicts its DECIMAL(\(precision), \(scale))")
        }
        let fits = switch physical {
        case .int32: precision <= 9
        case .int64: precision <= 18
        case .fixedLenByteArray: typeLength >= Field.decimalByteWidth(precision: precision)
        case .byteArray: true
        default: false
        }
        guard fits else {
            let type = physical == .fixedLenByteArray ? "FIXED_LEN_BYTE_ARRAY(\(typeLength))" : "\(physical)"
            throw ParquetError.corrupt("\(column): DECIMAL(\(precision), \(scale)) does not fit its physical type \(type)")
        }
    }
}

extension LogicalType {
    /// The legacy annotation written beside this one, or nil when none exists (UUID,
    /// nanosecond timestamps).
    var convertedType: ConvertedType? {
        switch self {
        case .string: .utf8
        case .json: .json
        case .enumeration: .enumeration
        case .uuid: nil
        case .date: .date
        case .decimal: .decimal
        case .integer(let bitWidth, let isSigned): isSigned ? .signed(bitWidth: bitWidth) : .unsigned(bitWidth: bitWidth)
        case .timestamp(_, .millis): .timestampMillis
        case .timestamp(_, .micros): .timestampMicros
        case .time(_, .millis): .timeMillis
        case .time(_, .micros): .timeMicros
        case .timestamp(_, .nanos), .time(_, .nanos): nil
        }
    }
}

extension SchemaElement {
    /// The logical type implied by a legacy ConvertedType, for files written before
    /// LogicalType existed (parquet-format LogicalTypes.md, "Deprecated ConvertedType").
    var legacyLogicalType: LogicalType? {
        guard let convertedType else { return nil }
        switch convertedType.rawValue {
        case 0: return .string
        case 4: return .enumeration
        case 5:
            guard let precision, let scale else { return nil }
            return .decimal(precision: Int(precision), scale: Int(scale))
        case 6: return .date
        case 7: return .time(isAdjustedToUTC: true, unit: .millis)
        case 8: return .time(isAdjustedToUTC: true, unit: .micros)
        case 9: return .timestamp(isAdjustedToUTC: true, unit: .millis)
        case 10: return .timestamp(isAdjustedToUTC: true, unit: .micros)
        case 11...14: return .integer(bitWidth: 8 << Int(convertedType.rawValue - 11), isSigned: false)
        case 15...18: return .integer(bitWidth: 8 << Int(convertedType.rawValue - 15), isSigned: true)
        case 19: return .json
        default: return nil
        }
    }
}
