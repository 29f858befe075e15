import CDC
import Catalog
import Testing

/// JsonConverter names Connect's FLOAT32 and FLOAT64 `"float"` and `"double"` in a schema's
/// `type` (the `FLOAT_TYPE_NAME` and `DOUBLE_TYPE_NAME` constants of
/// `org.apache.kafka.connect.json.JsonSchema`, apache/kafka
/// `connect/json/src/main/java/org/apache/kafka/connect/json/JsonSchema.java`; `asJsonSchema`
/// writes them, `asConnectSchema` reads only them). The values below are Debezium's
/// `numeric_table` and `numeric_decimal_table` rows (debezium-connector-postgres
/// `src/test/resources/postgres_create_tables.ddl`, inserted by `INSERT_NUMERIC_TYPES_STMT` and
/// `INSERT_NUMERIC_DECIMAL_TYPES_STMT` of `AbstractRecordsProducerTest.java`, expected values in
/// `schemasAndValuesForNumericType` and `schemasAndValuesForDoubleEncodedNumericTypes`).
@Suite("JsonConverter's type names")
struct JsonConverterTypeNameTests {
    static let yaml = """
        table: numerics
        version: 1
        source: {topic: dbserver1.public.numeric_table, key: [pk]}
        keys: {merge: [pk], dedup: [pk]}
        columns:
          - {name: pk, type: bigint, nullable: false, connect: {type: int32}}
          - {name: r, type: double, connect: {type: float}}
          - {name: db, type: double}
          - {name: d, type: "decimal(3,2)", connect: {type: double}}
        """

    /// The unwrapped value as JsonConverter writes it (`schemas.enable=true`).
    static func message(_ rType: String, _ dbType: String, _ dType: String, payload: String) -> String {
        """
        {"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"pk"},\
        {"type":"\(rType)","optional":true,"field":"r"},{"type":"\(dbType)","optional":true,"field":"db"},\
        {"type":"\(dType)","optional":true,"field":"d"}],"optional":false,"name":"dbserver1.public.numeric_table.Value"},\
        "payload":\(payload)}
        """
    }

    @Test("REAL and DOUBLE PRECISION columns, written as \"float\" and \"double\", decode")
    func floatAndDouble() throws {
        let harness = try Harness([Self.yaml])
        let outcome = harness.decode(
            topic: "dbserver1.public.numeric_table", key: "{\"pk\":1}",
            text: Self.message("float", "double", "double", payload: "{\"pk\":1,\"r\":3.3,\"db\":4.44,\"d\":null}"))
        #expect(Harness.isRow(outcome), "\(outcome)")
        let row = try #require(try harness.takeRows("numerics").first)
        #expect(field(row, "r") == "3.3")
        #expect(field(row, "db") == "4.44")
    }

    @Test("a decimal under decimal.handling.mode=double arrives as \"double\" and decodes exactly")
    func decimalAsDouble() throws {
        let harness = try Harness([Self.yaml])
        let outcome = harness.decode(
            topic: "dbserver1.public.numeric_table", key: "{\"pk\":1}",
            text: Self.message("float", "double", "double", payload: "{\"pk\":1,\"r\":null,\"db\":null,\"d\":1.1}"))
        #expect(Harness.isRow(outcome), "\(outcome)")
        #expect(field(try #require(try harness.takeRows("numerics").first), "d") == "\"1.10\"")
    }

    @Test("the Schema.Type names float32 and float64 stay accepted as aliases")
    func aliases() throws {
        let harness = try Harness([Self.yaml])
        let outcome = harness.decode(
            topic: "dbserver1.public.numeric_table", key: "{\"pk\":1}",
            text: Self.message("float32", "float64", "float64", payload: "{\"pk\":1,\"r\":1.5,\"db\":2.5,\"d\":3.25}"))
        #expect(Harness.isRow(outcome), "\(outcome)")
        #expect(ConnectType(jsonName: "float32") == .float32 && ConnectType(jsonName: "float64") == .float64)
    }

    @Test("schemas are written with JsonConverter's names")
    func written() {
        #expect(ConnectSchema(type: .float64, isOptional: true).jsonText == "{\"type\":\"double\",\"optional\":true}")
        #expect(ConnectSchema(type: .float32, isOptional: false).jsonText == "{\"type\":\"float\",\"optional\":false}")
        #expect(ConnectSchema.defaultEncoding(for: .double, optional: true).type.rawValue == "double")
        #expect(ConnectType(jsonName: "real") == nil)
    }
}
