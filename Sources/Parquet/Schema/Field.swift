/// One column of a flat Parquet schema.
///
/// Build fields with the static factories, which pick the physical type Redshift expects for
/// each logical type (for example INT64 MICROS for timestamps, and INT32, INT64 or
/// FIXED_LEN_BYTE_ARRAY for decimals by precision).
public struct Field: Sendable, Hashable {
    /// Column name, as written to the footer.
    public var name: String
    /// Storage type.
    public var physicalType: PhysicalType
    /// Annotation, or nil for a bare physical type.
    public var logicalType: LogicalType?
    /// Required or optional.
    public var repetition: Repetition
    /// Byte width for FIXED_LEN_BYTE_ARRAY, otherwise 0.
    public var typeLength: Int

    /// A field with every attribute spelled out. Prefer the factories.
    public init(
        name: String,
        physicalType: PhysicalType,
        logicalType: LogicalType? = nil,
        repetition: Repetition = .optional,
        typeLength: Int = 0
    ) {
        self.name = name
        self.physicalType = physicalType
        self.logicalType = logicalType
        self.repetition = repetition
        self.typeLength = typeLength
    }

    /// True when the column may hold nulls.
    public var isNullable: Bool { repetition == .optional }

    /// BOOLEAN.
    public static func boolean(_ name: String, nullable: Bool = true) -> Field {
        Field(name: name, physicalType: .boolean, repetition: nullable ? .optional : .required)
    }

    /// INT32 or INT64 annotated INTEGER(bitWidth, signed). `bitWidth` is 8, 16, 32 or 64.
    public static func integer(_ name: String, bitWidth: Int = 64, nullable: Bool = true) -> Field {
        Field(
            name: name,
            physicalType: bitWidth == 64 ? .int64 : .int32,
            logicalType: .integer(bitWidth: bitWidth, isSigned: true),
            repetition: nullable ? .optional : .required
        )
    }

    /// FLOAT.
    public static func float(_ name: String, nullable: Bool = true) -> Field {
        Field(name: name, physicalType: .float, repetition: nullable ? .optional : .required)
    }

    /// DOUBLE.
    public static func double(_ name: String, nullable: Bool = true) -> Field {
        Field(name: name, physicalType: .double, repetition: nullable ? .optional : .required)
    }

    /// BYTE_ARRAY annotated STRING (UTF-8).
    public static func string(_ name: String, nullable: Bool = true) -> Field {
        Field(name: name, physicalType: .byteArray, logicalType: .string, repetition: nullable ? .optional : .required)
    }

    /// BYTE_ARRAY annotated JSON (UTF-8).
    public static func json(_ name: String, nullable: Bool = true) -> Field {
        Field(name: name, physicalType: .byteArray, logicalType: .json, repetition: nullable ? .optional : .required)
    }

    /// BYTE_ARRAY without annotation (opaque bytes).
    public static func binary(_ name: String, nullable: Bool = true) -> Field {
        Field(name: name, physicalType: .byteArray, repetition: nullable ? .optional : .required)
    }

    /// FIXED_LEN_BYTE_ARRAY(16) annotated UUID.
    public static func uuid(_ name: String, nullable: Bool = true) -> Field {
        Field(
            name: name, physicalType: .fixedLenByteArray, logicalType: .uuid,
            repetition: nullable ? .optional : .required, typeLength: 16
        )
    }

    /// INT32 annotated DATE (days since 1970-01-01).
    public static func date(_ name: String, nullable: Bool = true) -> Field {
        Field(name: name, physicalType: .int32, logicalType: .date, repetition: nullable ? .optional : .required)
    }

    /// INT64 annotated TIMESTAMP(isAdjustedToUTC: true, unit). `unit` is `.micros` or `.millis`.
    public static func timestamp(_ name: String, unit: TimeUnit = .micros, nullable: Bool = true) -> Field {
        Field(
            name: name, physicalType: .int64, logicalType: .timestamp(isAdjustedToUTC: true, unit: unit),
            repetition: nullable ? .optional : .required
        )
    }

    /// DECIMAL(precision, scale) on INT32 (precision ≤ 9), INT64 (≤ 18) or the smallest
    /// FIXED_LEN_BYTE_ARRAY that holds `precision` digits (up to 38).
    public static func decimal(_ name: String, precision: Int, scale: Int, nullable: Bool = true) -> Field {
        let repetition: Repetition = nullable ? .optional : .required
        let logical = LogicalType.decimal(precision: precision, scale: scale)
        if precision <= 9 {
            return Field(name: name, physicalType: .int32, logicalType: logical, repetition: repetition)
        }
        if precision <= 18 {
            return Field(name: name, physicalType: .int64, logicalType: logical, repetition: repetition)
        }
        return Field(
            name: name, physicalType: .fixedLenByteArray, logicalType: logical,
            repetition: repetition, typeLength: Field.decimalByteWidth(precision: precision)
        )
    }

    /// The fewest bytes whose two's complement range holds every `precision`-digit decimal.
    public static func decimalByteWidth(precision: Int) -> Int {
        // parquet-format LogicalTypes.md, DECIMAL: precision ≤ floor(log10(2^(8n-1) - 1)).
        var width = 1
        while Double(8 * width - 1) * 0.301_029_995_663_981_2 < Double(precision) { width += 1 }
        return width
    }
}
