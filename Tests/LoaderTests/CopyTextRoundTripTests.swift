import Foundation
import MillraceTesting
import Parquet
import Testing
import Warehouse

/// What the PostgreSQL loader streams (`CopyTextEncoder`) read by a real server through
/// `COPY … FROM STDIN` and printed back by it: the server, not the encoder, says what the text
/// means.
@Suite("COPY text on PostgreSQL")
struct CopyTextRoundTripTests {
    @Test("every staged type reaches its column as the value the file holds")
    func roundTrip() async throws {
        let servers = try TestServers.require()
        let schema = PostgresProbe.uniqueSchema("copytext")
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        try await probe.execute("CREATE SCHEMA \(schema)")
        let fields: [Field] = [
            .integer("i"), .boolean("b"), .double("d"), .decimal("n", precision: 20, scale: 5), .string("s"), .json("j"), .date("day"),
            .timestamp("tz"), .timestamp("ts"), .binary("raw"),
        ]
        var strings = ByteArrayValues()
        strings.append(Array("tab\there\nnew \\ back é".utf8))
        strings.append(Array("plain".utf8))
        var json = ByteArrayValues()
        json.append(Array("{\"a\": [1, \"x\\ty\"]}".utf8))
        json.appendEmpty()
        var raw = ByteArrayValues()
        raw.append([0x00, 0x5C, 0xFF])
        raw.appendEmpty()
        let decimal = Int128(-123_456_789_012_345)
        let batch = ColumnBatch(columns: [
            ColumnData(values: .int64([-9_223_372_036_854_775_808, 7])),
            ColumnData(values: .boolean([true, false])),
            ColumnData(values: .double([.nan, -1.25e-300])),
            ColumnData(values: .fixedLenByteArray(.init(bytes: (0..<9).map { UInt8(truncatingIfNeeded: decimal >> (8 * (8 - $0))) } + Array(repeating: 0, count: 9), width: 9))),
            ColumnData(values: .byteArray(strings)),
            ColumnData(values: .byteArray(json), validity: [true, false]),
            ColumnData(values: .int32([-719_528, 20_427])),
            ColumnData(values: .int64([1_764_000_000_123_456, -62_135_596_800_000_001])),
            ColumnData(values: .int64([0, 1])),
            ColumnData(values: .byteArray(raw), validity: [true, false]),
        ])
        var text: [UInt8] = []
        try CopyTextEncoder(schema: Schema(fields)).append(batch, into: &text)
        try await probe.execute("""
            CREATE TABLE \(schema).t (i BIGINT, b BOOLEAN, d DOUBLE PRECISION, n NUMERIC(20,5), s TEXT, j JSONB, day DATE,
            tz TIMESTAMPTZ, ts TIMESTAMP, raw BYTEA)
            """)
        let scoped = servers.postgresURL + (servers.postgresURL.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
        _ = try await Subprocess.run(["psql", scoped, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", "COPY t FROM STDIN"], input: Data(text))
        let rows = try await probe.rows("""
            SET TIME ZONE 'UTC'; SELECT i, b, d, n, replace(replace(s, E'\\t', '<TAB>'), E'\\n', '<LF>'), j::text, day, tz, ts, raw FROM t ORDER BY i
            """)
        #expect(rows == [
            ["-9223372036854775808", "t", "NaN", "-1234567890.12345", "tab<TAB>here<LF>new \\ back é", #"{"a": [1, "x\ty"]}"#, "0001-01-01 BC",
             "2025-11-24 16:00:00.123456+00", "1970-01-01 00:00:00", "\\x005cff"],
            ["7", "f", "-1.25e-300", "0.00000", "plain", "", "2025-12-05", "0001-12-31 23:59:59.999999+00 BC", "1970-01-01 00:00:00.000001", ""],
        ].map { $0 })
    }
}
