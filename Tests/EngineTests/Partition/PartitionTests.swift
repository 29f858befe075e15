import Engine
import Parquet
import Staging
import Testing

@Suite("Hourly partitions and key templates")
struct PartitionTests {
    @Test("UTC hours and civil dates, including before 1970 and leap days")
    func civilDates() {
        #expect(UTCHour(micros: 0).description == "1970-01-01T00:00Z")
        #expect(UTCHour(micros: -1).description == "1969-12-31T23:00Z")
        // 2024-02-29T23:59:59.999999Z
        #expect(UTCHour(micros: 1_709_251_199_999_999).description == "2024-02-29T23:00Z")
        // 2026-11-25T17:42:00Z
        #expect(UTCHour(micros: 1_795_628_520_000_000).description == "2026-11-25T17:00Z")
        #expect(UTCHour(micros: -62_135_596_800_000_000).description == "0001-01-01T00:00Z")
    }

    @Test("rows land in the hour of their event time, late rows included, in arrival order")
    func partitionsByEventTime() throws {
        let hour: Int64 = 3_600_000_000
        let batch = ColumnBatch(columns: [
            ColumnData(values: .int64([5 * hour + 10, 2 * hour + 5, 5 * hour + 1, 0, 2 * hour]), validity: [true, true, true, false, true]),
            ColumnData(values: .int64([0, 0, 0, 7 * hour, 0])),
        ])
        let slices = try HourPartitioner(eventTimeColumns: [0, 1], fallbackMicros: 0).partition(batch, selection: [0, 1, 2, 3, 4])
        #expect(slices.map(\.hour.hoursSinceEpoch) == [2, 5, 7])
        #expect(slices.map(\.rows) == [[1, 4], [0, 2], [3]])
    }

    @Test("the default template renders the seed's layout per table")
    func renderDefault() throws {
        let template = try KeyTemplate()
        let key = template.render(table: "fact_entity_values", hour: UTCHour(micros: 1_795_628_520_000_000), file: "b-1")
        #expect(key == "staging/fact_entity_values/2026/11/25/17/b-1.parquet")
    }

    @Test("templates without {table} or {file}, with unknown placeholders or bad braces are refused",
          arguments: ["staging/{yyyy}/{file}", "staging/{table}/x", "{table}/{minute}/{file}", "{table}/{file", "/abs/{table}/{file}"])
    func badTemplates(_ text: String) {
        #expect(throws: EngineError.self) { try KeyTemplate(text) }
    }
}
