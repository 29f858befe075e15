import Catalog
import Parquet
import Testing

@Suite("Column types")
struct ColumnTypeTests {
    @Test("every spelling parses and prints back", arguments: [
        "boolean", "bigint", "double", "decimal(20,5)", "decimal(38,0)", "varchar", "varchar(64)", "json", "uuid", "date",
        "timestamp", "timestamptz", "time", "timetz", "bytes",
    ])
    func roundTrip(spelling: String) throws {
        #expect(try ColumnType(parsing: spelling).description == spelling)
    }

    @Test("out-of-range and unknown types are refused", arguments: [
        "decimal(39,2)", "decimal(5,6)", "decimal(0,0)", "varchar(0)", "varchar(65536)", "integer", "decimal(10)", "varchar(x)",
    ])
    func refused(spelling: String) {
        #expect(throws: CatalogError.self) { try ColumnType(parsing: spelling) }
        do {
            _ = try ColumnType(parsing: spelling)
        } catch {
            #expect(error.code == .invalidType)
        }
    }

    @Test("widening: longer varchar and more decimal digits at the same scale")
    func widening() {
        #expect(ColumnType.varchar(maxBytes: 10).canWiden(to: .varchar(maxBytes: 20)))
        #expect(!ColumnType.varchar(maxBytes: 20).canWiden(to: .varchar(maxBytes: 10)))
        #expect(ColumnType.decimal(precision: 10, scale: 2).canWiden(to: .decimal(precision: 20, scale: 2)))
        #expect(!ColumnType.decimal(precision: 10, scale: 2).canWiden(to: .decimal(precision: 20, scale: 3)))
        #expect(!ColumnType.bigint.canWiden(to: .double))
    }

    @Test("Parquet fields follow Redshift's COPY rules")
    func parquetFields() {
        let timestamp = ColumnType.timestamptz.parquetField(name: "t", nullable: true)
        #expect(timestamp.physicalType == .int64)
        #expect(timestamp.logicalType == .timestamp(isAdjustedToUTC: true, unit: .micros))
        let time = ColumnType.time.parquetField(name: "t", nullable: true)
        #expect(time.physicalType == .int64)
        #expect(time.logicalType == .integer(bitWidth: 64, isSigned: true))
        #expect(ColumnType.decimal(precision: 9, scale: 2).parquetField(name: "d", nullable: true).physicalType == .int32)
        #expect(ColumnType.decimal(precision: 18, scale: 2).parquetField(name: "d", nullable: true).physicalType == .int64)
        let wide = ColumnType.decimal(precision: 38, scale: 10).parquetField(name: "d", nullable: false)
        #expect(wide.physicalType == .fixedLenByteArray)
        #expect(wide.typeLength == 16)
        #expect(wide.logicalType == .decimal(precision: 38, scale: 10))
        #expect(!wide.isNullable)
        #expect(ColumnType.json.parquetField(name: "j", nullable: true).logicalType == .string)
        #expect(ColumnType.date.parquetField(name: "d", nullable: true).logicalType == .date)
    }

    @Test("SQL types per dialect")
    func sqlTypes() {
        #expect(ColumnType.text.sqlType(.redshift) == "VARCHAR(65535)")
        #expect(ColumnType.text.sqlType(.postgres) == "TEXT")
        #expect(ColumnType.varchar(maxBytes: 64).sqlType(.postgres) == "VARCHAR(64)")
        #expect(ColumnType.json.sqlType(.postgres) == "JSONB")
        #expect(ColumnType.uuid.sqlType(.redshift) == "CHAR(36)")
        #expect(ColumnType.time.sqlType(.redshift) == "BIGINT")
        #expect(ColumnType.decimal(precision: 20, scale: 5).sqlType(.redshift) == "DECIMAL(20,5)")
        #expect(ColumnType.decimal(precision: 20, scale: 5).sqlType(.postgres) == "NUMERIC(20,5)")
        #expect(ColumnType.bytes.sqlType(.redshift) == "VARBYTE(65535)")
    }
}
