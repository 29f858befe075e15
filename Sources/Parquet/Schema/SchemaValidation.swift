// The writer's schema rules: what parquet-format LogicalTypes.md allows on each physical type,
// plus the Redshift COPY rules of ../shared/MISSION.md ("Redshift COPY from Parquet"). The writer checks
// them once, at creation, so a schema Redshift cannot load never produces a file.

extension Schema {
    /// Throws unless the writer can write this schema and Redshift COPY can load the result.
    ///
    /// Refused as `unsupportedByRedshift`: TIME, nanosecond or non-UTC timestamps, decimal
    /// precision above 38, unsigned integers, INT96 and ENUM. Refused as `invalidSchema`: no
    /// columns, empty or duplicate names, and annotations on the wrong physical type. Nested
    /// types cannot be expressed by `Schema` at all, so files are always flat.
    public func validateForWriting() throws {
        guard !fields.isEmpty else { throw ParquetError(.invalidSchema, "a schema needs at least one column") }
        var seen = Set<String>()
        for field in fields {
            guard !field.name.isEmpty else { throw ParquetError(.invalidSchema, "a column has an empty name") }
            guard seen.insert(field.name).inserted else {
                throw ParquetError(.invalidSchema, "column name \"\(field.name)\" appears twice")
            }
            try field.validateForWriting()
        }
    }
}

extension Field {
    /// Throws unless the writer can write this column (see `Schema.validateForWriting()`).
    func validateForWriting() throws {
        if physicalType == .int96 {
            throw redshift("INT96 is deprecated; write TIMESTAMP(MICROS, UTC) on INT64")
        }
        if physicalType == .fixedLenByteArray {
            guard typeLength > 0 && typeLength <= 1 << 20 else {
                throw invalid("FIXED_LEN_BYTE_ARRAY needs a width of 1...1048576 bytes, not \(typeLength)")
            }
        } else if typeLength != 0 {
            throw invalid("typeLength \(typeLength) is only meaningful for FIXED_LEN_BYTE_ARRAY")
        }
        guard let logicalType else { return }
        switch logicalType {
        case .string, .json:
            try require(.byteArray, for: logicalType)
        case .enumeration:
            throw redshift("ENUM is read-only; write STRING")
        case .uuid:
            guard physicalType == .fixedLenByteArray && typeLength == 16 else { throw invalid("UUID must be FIXED_LEN_BYTE_ARRAY(16)") }
        case .date:
            try require(.int32, for: logicalType)
        case .time:
            throw redshift("Redshift cannot load the Parquet TIME type; store times as INT64 microseconds or as strings")
        case .timestamp(let isAdjustedToUTC, let unit):
            try require(.int64, for: logicalType)
            if unit == .nanos { throw redshift("nanosecond timestamps are not loadable; write TIMESTAMP(MICROS)") }
            if !isAdjustedToUTC { throw redshift("timestamps must be UTC-adjusted (isAdjustedToUTC = true)") }
        case .decimal(let precision, let scale):
            try validateDecimal(precision: precision, scale: scale)
        case .integer(let bitWidth, let isSigned):
            guard [8, 16, 32, 64].contains(bitWidth) else { throw invalid("INTEGER bit width must be 8, 16, 32 or 64, not \(bitWidth)") }
            if !isSigned { throw redshift("Redshift has no unsigned integers; use a wider signed INTEGER") }
            try require(bitWidth == 64 ? .int64 : .int32, for: logicalType)
        }
    }

    private func validateDecimal(precision: Int, scale: Int) throws {
        guard precision >= 1 else { throw invalid("DECIMAL precision must be at least 1, not \(precision)") }
        if precision > 38 { throw redshift("DECIMAL precision \(precision) exceeds Redshift's 38") }
        guard scale >= 0 && scale <= precision else {
            throw invalid("DECIMAL scale \(scale) must be within 0...\(precision)")
        }
        switch physicalType {
        case .int32 where precision <= 9, .int64 where precision <= 18:
            return
        case .fixedLenByteArray:
            guard typeLength >= Field.decimalByteWidth(precision: precision) && typeLength <= 16 else {
                throw invalid(
                    "DECIMAL(\(precision), \(scale)) needs FIXED_LEN_BYTE_ARRAY of \(Field.decimalByteWidth(precision: precision))...16 bytes, not \(typeLength)"
                )
            }
        default:
            throw invalid("DECIMAL(\(precision), \(scale)) cannot be stored on \(physicalType); use Field.decimal")
        }
    }

    private func require(_ expected: PhysicalType, for logicalType: LogicalType) throws {
        guard physicalType == expected else {
            throw invalid("\(logicalType) must be stored on \(expected), not \(physicalType)")
        }
    }

    private func invalid(_ message: String) -> ParquetError {
        ParquetError(.invalidSchema, "column \"\(name)\": \(message)")
    }

    private func redshift(_ message: String) -> ParquetError {
        ParquetError(.unsupportedByRedshift, "column \"\(name)\": \(message)")
    }
}
