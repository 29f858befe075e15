/// A table with one column per Connect type the decoder supports (MISSION.md, Inputs).
enum GoldenTable {
    static let topic = "test.golden"

    private static let variableScaleDecimal =
        "{type: struct, name: io.debezium.data.VariableScaleDecimal, fields: [{field: scale, type: int32, optional: false}, {field: value, type: bytes, optional: false}]}"

    static let yaml = """
        table: golden
        version: 1
        source: {topic: test.golden, key: [id]}
        keys: {merge: [id], dedup: [id]}
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: c_bool, type: boolean}
          - {name: c_int8, type: bigint, connect: {type: int8}}
          - {name: c_int16, type: bigint, connect: {type: int16}}
          - {name: c_int32, type: bigint, connect: {type: int32}}
          - {name: c_int64, type: bigint}
          - {name: c_float32, type: double, connect: {type: float32}}
          - {name: c_float64, type: double}
          - {name: c_dec38, type: "decimal(38,10)"}
          - {name: c_dec9, type: "decimal(9,2)"}
          - {name: c_dec18, type: "decimal(18,4)"}
          - {name: c_dec_numeric, type: "decimal(20,5)"}
          - {name: c_vsd, type: "decimal(38,10)", connect: \(variableScaleDecimal)}
          - {name: c_vsd_text, type: varchar, connect: \(variableScaleDecimal)}
          - {name: c_dec_string, type: "decimal(20,5)", connect: {type: string}}
          - {name: c_text, type: varchar}
          - {name: c_short, type: varchar(10)}
          - {name: c_bytes, type: bytes}
          - {name: c_bits, type: bytes, connect: {type: bytes, name: io.debezium.data.Bits, version: 1, parameters: {length: "12"}}}
          - {name: c_date, type: date}
          - {name: c_connect_date, type: date, connect: {type: int32, name: org.apache.kafka.connect.data.Date, version: 1}}
          - {name: c_time, type: time, connect: {type: int32, name: io.debezium.time.Time, version: 1}}
          - {name: c_micro_time, type: time}
          - {name: c_nano_time, type: time, connect: {type: int64, name: io.debezium.time.NanoTime, version: 1}}
          - {name: c_zoned_time, type: timetz}
          - {name: c_ts, type: timestamp, connect: {type: int64, name: io.debezium.time.Timestamp, version: 1}}
          - {name: c_micro_ts, type: timestamp}
          - {name: c_nano_ts, type: timestamp, connect: {type: int64, name: io.debezium.time.NanoTimestamp, version: 1}}
          - {name: c_connect_ts, type: timestamptz, connect: {type: int64, name: org.apache.kafka.connect.data.Timestamp, version: 1}}
          - {name: c_zoned_ts, type: timestamptz}
          - {name: c_json, type: json}
          - {name: c_uuid, type: uuid}
          - {name: c_enum, type: varchar, connect: {type: string, name: io.debezium.data.Enum, version: 1, parameters: {allowed: "a,b"}}}
          - {name: c_enumset, type: varchar, connect: {type: string, name: io.debezium.data.EnumSet, version: 1, parameters: {allowed: "a,b"}}}
          - {name: c_array, type: json, connect: {type: array, items: {type: int32, optional: false}}}
          - {name: c_map, type: json, connect: {type: map, keys: {type: string, optional: false}, values: {type: string}}}
        """
}
