import Catalog
import Testing

@Suite("Connect encodings to column types")
struct ValueConversionTests {
    private func schema(_ type: ConnectType, _ name: String? = nil, _ parameters: [String: String] = [:]) -> ConnectSchema {
        ConnectSchema(type: type, name: name, parameters: parameters)
    }

    @Test("each Connect type maps to a conversion for its column type")
    func mappings() throws {
        let cases: [(ConnectSchema, ColumnType, ValueConversion)] = [
            (schema(.boolean), .boolean, .boolean),
            (schema(.int8), .bigint, .integer(bitWidth: 8)),
            (schema(.int16), .bigint, .integer(bitWidth: 16)),
            (schema(.int32), .bigint, .integer(bitWidth: 32)),
            (schema(.int64), .bigint, .integer(bitWidth: 64)),
            (schema(.float32), .double, .floating),
            (schema(.float64), .double, .floating),
            (schema(.bytes, ConnectLogicalName.decimal, ["scale": "5"]), .decimal(precision: 20, scale: 5), .decimal(scale: 5)),
            (schema(.string), .decimal(precision: 20, scale: 5), .decimalText),
            (schema(.struct, ConnectLogicalName.variableScaleDecimal), .decimal(precision: 38, scale: 10), .variableScaleDecimal),
            (schema(.string), .text, .text),
            (schema(.string, ConnectLogicalName.enumeration), .text, .text),
            (schema(.string, ConnectLogicalName.enumSet), .text, .text),
            (schema(.string, ConnectLogicalName.json), .json, .jsonText),
            (schema(.array), .json, .jsonValue),
            (schema(.map), .json, .jsonValue),
            (schema(.string, ConnectLogicalName.uuid), .uuid, .uuid),
            (schema(.bytes), .bytes, .bytes),
            (schema(.bytes, ConnectLogicalName.bits, ["length": "3"]), .bytes, .bytes),
            (schema(.int32, ConnectLogicalName.date), .date, .days),
            (schema(.int32, ConnectLogicalName.connectDate), .date, .days),
            (schema(.int32, ConnectLogicalName.time), .time, .timeOfDay(unitsPerSecond: 1_000)),
            (schema(.int64, ConnectLogicalName.microTime), .time, .timeOfDay(unitsPerSecond: 1_000_000)),
            (schema(.int64, ConnectLogicalName.nanoTime), .time, .timeOfDay(unitsPerSecond: 1_000_000_000)),
            (schema(.string, ConnectLogicalName.zonedTime), .timetz, .zonedTime),
            (schema(.int64, ConnectLogicalName.timestamp), .timestamp, .epochTimestamp(unitsPerSecond: 1_000)),
            (schema(.int64, ConnectLogicalName.microTimestamp), .timestamp, .epochTimestamp(unitsPerSecond: 1_000_000)),
            (schema(.int64, ConnectLogicalName.nanoTimestamp), .timestamp, .epochTimestamp(unitsPerSecond: 1_000_000_000)),
            (schema(.int64, ConnectLogicalName.connectTimestamp), .timestamptz, .epochTimestamp(unitsPerSecond: 1_000)),
            (schema(.string, ConnectLogicalName.zonedTimestamp), .timestamptz, .zonedTimestamp),
            // time.precision.mode=connect: a timestamp column's wall clock as Connect Timestamp (ms).
            (schema(.int64, ConnectLogicalName.connectTimestamp), .timestamp, .epochTimestamp(unitsPerSecond: 1_000)),
            // binary.handling.mode=base64|base64-url-safe|hex: bytea as a Connect string.
            (schema(.string), .bytes, .binaryText(.base64)),
            (schema(.string, nil, ["binary.handling.mode": "base64"]), .bytes, .binaryText(.base64)),
            (schema(.string, nil, ["binary.handling.mode": "base64-url-safe"]), .bytes, .binaryText(.base64URLSafe)),
            (schema(.string, nil, ["binary.handling.mode": "hex"]), .bytes, .binaryText(.hex)),
        ]
        for (field, column, expected) in cases {
            #expect(try ValueConversion.resolve(field: field, column: column).get() == expected, "\(field.summary) → \(column)")
        }
    }

    @Test("a record's string field on a bytes column takes its text form from the declaration; an unknown mode is refused")
    func binaryTextFromDeclaration() throws {
        let declared = schema(.string, nil, ["binary.handling.mode": "hex"])
        #expect(try ValueConversion.resolve(field: schema(.string), column: .bytes, declared: declared).get() == .binaryText(.hex))
        guard case .failure(let why) = ValueConversion.resolve(field: schema(.string, nil, ["binary.handling.mode": "base32"]), column: .bytes) else {
            Issue.record("base32 is no binary.handling.mode")
            return
        }
        #expect(why.description.contains("base32"))
        // A bytes column declared with Connect bytes refuses a string field (the mode changed).
        #expect(ValueConversion.evolutionRefusal(declared: schema(.bytes), observed: schema(.string)) != nil)
    }

    @Test("mismatched pairs have no conversion")
    func mismatches() throws {
        let pairs: [(ConnectSchema, ColumnType)] = [
            (schema(.string), .bigint), (schema(.int64), .text), (schema(.float64), .bigint),
            (schema(.int64, ConnectLogicalName.microTimestamp), .timestamptz),
            (schema(.bytes, ConnectLogicalName.decimal, ["scale": "2"]), .decimal(precision: 20, scale: 5)),
        ]
        for (field, column) in pairs {
            guard case .failure = ValueConversion.resolve(field: field, column: column) else {
                Issue.record("\(field.summary) should not feed \(column)")
                continue
            }
        }
        // A Decimal may carry fewer or as many digits as its column, never more.
        let decimal = { (precision: String) in schema(.bytes, ConnectLogicalName.decimal, ["scale": "5", "connect.decimal.precision": precision]) }
        #expect(try ValueConversion.resolve(field: decimal("12"), column: .decimal(precision: 20, scale: 5)).get() == .decimal(scale: 5))
        #expect(try ValueConversion.resolve(field: decimal("20"), column: .decimal(precision: 20, scale: 5)).get() == .decimal(scale: 5))
        if case .failure(let why) = ValueConversion.resolve(field: decimal("21"), column: .decimal(precision: 20, scale: 5)) {
            #expect(why.description.contains("decimal precision 21 exceeds the column's decimal(20,5)"))
        } else {
            Issue.record("a Decimal wider than its column must be refused")
        }
        let scaleChange = ValueConversion.resolve(
            field: schema(.bytes, ConnectLogicalName.decimal, ["scale": "2"]), column: .decimal(precision: 20, scale: 5))
        if case .failure(let why) = scaleChange {
            #expect(why.description.contains("scale change"))
        } else {
            Issue.record("a decimal scale change must be refused")
        }
    }

    @Test("evolution accepts widening and refuses narrowing and type changes")
    func evolutionPolicy() {
        #expect(ValueConversion.evolutionRefusal(declared: schema(.int32), observed: schema(.int64)) == nil)
        #expect(ValueConversion.evolutionRefusal(declared: schema(.int8), observed: schema(.int16)) == nil)
        #expect(ValueConversion.evolutionRefusal(declared: schema(.float32), observed: schema(.float64)) == nil)
        #expect(ValueConversion.evolutionRefusal(declared: schema(.int64), observed: schema(.int32))?.description.contains("narrowing") == true)
        #expect(ValueConversion.evolutionRefusal(declared: schema(.float64), observed: schema(.float32)) != nil)
        #expect(ValueConversion.evolutionRefusal(declared: schema(.string), observed: schema(.int64))?.description.contains("type change") == true)
        #expect(ValueConversion.evolutionRefusal(declared: schema(.int64), observed: schema(.string)) != nil)
        let scale5 = schema(.bytes, ConnectLogicalName.decimal, ["scale": "5"])
        let scale2 = schema(.bytes, ConnectLogicalName.decimal, ["scale": "2"])
        #expect(ValueConversion.evolutionRefusal(declared: scale5, observed: scale2)?.description.contains("scale change") == true)
        let timestampMillis = schema(.int64, ConnectLogicalName.timestamp)
        let timestampMicros = schema(.int64, ConnectLogicalName.microTimestamp)
        #expect(ValueConversion.evolutionRefusal(declared: timestampMillis, observed: timestampMicros) == nil)
        #expect(ValueConversion.evolutionRefusal(declared: timestampMicros, observed: timestampMillis) != nil)
    }

    @Test("new fields get wide column types")
    func inference() {
        #expect(ColumnType.inferred(from: schema(.int16)) == .bigint)
        #expect(ColumnType.inferred(from: schema(.float32)) == .double)
        #expect(ColumnType.inferred(from: schema(.string)) == .text)
        #expect(ColumnType.inferred(from: schema(.string, ConnectLogicalName.json)) == .json)
        #expect(ColumnType.inferred(from: schema(.array)) == .json)
        #expect(ColumnType.inferred(from: schema(.string, ConnectLogicalName.zonedTimestamp)) == .timestamptz)
        #expect(ColumnType.inferred(from: schema(.int64, ConnectLogicalName.microTimestamp)) == .timestamp)
        #expect(
            ColumnType.inferred(from: schema(.bytes, ConnectLogicalName.decimal, ["scale": "3", "connect.decimal.precision": "12"]))
                == .decimal(precision: 12, scale: 3)
        )
        #expect(ColumnType.inferred(from: schema(.bytes, ConnectLogicalName.decimal, ["scale": "3"])) == .decimal(precision: 38, scale: 3))
        #expect(ColumnType.inferred(from: schema(.bytes, ConnectLogicalName.decimal)) == nil)
    }

    @Test("schemas print as JsonConverter writes them")
    func jsonText() {
        let decimal = ConnectSchema(
            type: .bytes, name: ConnectLogicalName.decimal, version: 1, parameters: ["scale": "5", "connect.decimal.precision": "20"],
            isOptional: true
        )
        var writer = JSONWriter()
        decimal.writeJSON(to: &writer, fieldName: "value_decimal")
        #expect(
            writer.text
                == #"{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"connect.decimal.precision":"20","scale":"5"},"field":"value_decimal"}"#
        )
        let array = ConnectSchema(type: .array, isOptional: true, elementSchemas: [ConnectSchema(type: .string, isOptional: false)])
        #expect(array.jsonText == #"{"type":"array","items":{"type":"string","optional":false},"optional":true}"#)
    }
}
