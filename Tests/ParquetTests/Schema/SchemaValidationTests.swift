import Testing
@testable import Parquet

/// The writer's schema rules: Redshift COPY's (MISSION.md, "Redshift COPY from Parquet") and
/// parquet-format LogicalTypes.md's.
@Suite("Schema rules")
struct SchemaValidationTests {
    private func code(_ fields: [Field]) -> ParquetError.Code? {
        do {
            _ = try ParquetWriter(schema: Schema(fields), sink: MemorySink())
            return nil
        } catch let error as ParquetError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test("types Redshift COPY cannot load are refused")
    func redshiftRefusals() {
        let refused: [(String, Field)] = [
            ("TIME", Field(name: "t", physicalType: .int64, logicalType: .time(isAdjustedToUTC: true, unit: .micros))),
            ("TIME millis", Field(name: "t", physicalType: .int32, logicalType: .time(isAdjustedToUTC: true, unit: .millis))),
            ("nanosecond timestamp", .timestamp("t", unit: .nanos)),
            ("local timestamp", Field(name: "t", physicalType: .int64, logicalType: .timestamp(isAdjustedToUTC: false, unit: .micros))),
            ("decimal precision 39", .decimal("d", precision: 39, scale: 0)),
            ("unsigned integer", Field(name: "u", physicalType: .int32, logicalType: .integer(bitWidth: 32, isSigned: false))),
            ("INT96", Field(name: "i", physicalType: .int96)),
            ("ENUM", Field(name: "e", physicalType: .byteArray, logicalType: .enumeration)),
        ]
        for (name, field) in refused {
            #expect(code([field]) == .unsupportedByRedshift, "\(name)")
        }
    }

    @Test("malformed schemas are refused")
    func invalidSchemas() {
        let refused: [(String, [Field])] = [
            ("no columns", []),
            ("empty name", [.string("")]),
            ("duplicate names", [.string("a"), .integer("a")]),
            ("STRING on INT32", [Field(name: "s", physicalType: .int32, logicalType: .string)]),
            ("UUID of 8 bytes", [Field(name: "u", physicalType: .fixedLenByteArray, logicalType: .uuid, typeLength: 8)]),
            ("DATE on INT64", [Field(name: "d", physicalType: .int64, logicalType: .date)]),
            ("TIMESTAMP on INT32", [Field(name: "t", physicalType: .int32, logicalType: .timestamp(isAdjustedToUTC: true, unit: .millis))]),
            ("precision 10 on INT32", [Field(name: "d", physicalType: .int32, logicalType: .decimal(precision: 10, scale: 0))]),
            ("precision 0", [.decimal("d", precision: 0, scale: 0)]),
            ("scale above precision", [.decimal("d", precision: 5, scale: 6)]),
            ("decimal FLBA too narrow", [Field(name: "d", physicalType: .fixedLenByteArray, logicalType: .decimal(precision: 20, scale: 0), typeLength: 8)]),
            ("decimal on BYTE_ARRAY", [Field(name: "d", physicalType: .byteArray, logicalType: .decimal(precision: 5, scale: 0))]),
            ("FLBA without width", [Field(name: "f", physicalType: .fixedLenByteArray)]),
            ("width on INT32", [Field(name: "i", physicalType: .int32, typeLength: 4)]),
            ("INTEGER(12)", [Field(name: "i", physicalType: .int32, logicalType: .integer(bitWidth: 12, isSigned: true))]),
            ("INTEGER(64) on INT32", [Field(name: "i", physicalType: .int32, logicalType: .integer(bitWidth: 64, isSigned: true))]),
        ]
        for (name, fields) in refused {
            #expect(code(fields) == .invalidSchema, "\(name)")
        }
    }

    @Test("every type the issue lists is accepted")
    func acceptedTypes() {
        let fields: [Field] = [
            .boolean("b"), .integer("i8", bitWidth: 8), .integer("i16", bitWidth: 16), .integer("i32", bitWidth: 32),
            .integer("i64"), .float("f"), .double("d"), .string("s"), .json("j"), .binary("bin"), .uuid("u"),
            .date("day"), .timestamp("us"), .timestamp("ms", unit: .millis), .decimal("d9", precision: 9, scale: 2),
            .decimal("d18", precision: 18, scale: 0), .decimal("d38", precision: 38, scale: 38),
        ]
        #expect(code(fields) == nil)
    }

    @Test("decimal factories pick the physical type Redshift expects")
    func decimalStorage() {
        #expect(Field.decimal("d", precision: 9, scale: 0).physicalType == .int32)
        #expect(Field.decimal("d", precision: 18, scale: 0).physicalType == .int64)
        let wide = Field.decimal("d", precision: 20, scale: 5)
        #expect(wide.physicalType == .fixedLenByteArray && wide.typeLength == 9)
        #expect(Field.decimalByteWidth(precision: 38) == 16)
    }

    @Test("the footer carries LogicalType and ConvertedType, with scale and precision")
    func annotations() {
        let elements = Schema([.decimal("d", precision: 20, scale: 5), .timestamp("t"), .string("s", nullable: false), .uuid("u")]).schemaElements
        #expect(elements[0].numChildren == 4 && elements[0].physicalType == nil)
        #expect(elements[1].convertedType == .decimal && elements[1].precision == 20 && elements[1].scale == 5 && elements[1].typeLength == 9)
        #expect(elements[2].convertedType == .timestampMicros && elements[2].logicalType == .timestamp(isAdjustedToUTC: true, unit: .micros))
        #expect(elements[3].convertedType == .utf8 && elements[3].repetition == 0)
        #expect(elements[4].convertedType == nil && elements[4].logicalType == .uuid)
    }
}
