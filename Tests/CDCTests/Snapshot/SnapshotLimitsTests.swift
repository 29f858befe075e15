import CDC
import Catalog
import Testing

@Suite("Snapshot formats and limits")
struct SnapshotLimitsTests {
    @Test("formats by name or extension; anything else is unsupported_format")
    func formats() throws {
        #expect(try SnapshotFormat(named: "CSV") == .csv)
        #expect(try SnapshotFormat(named: "jsonl") == .ndjson)
        #expect(try SnapshotFormat(path: "s3://eav-olap/dimensions/attributes.parquet") == .parquet)
        #expect(try SnapshotFormat(path: "/data/dims/attributes.v2.NDJSON") == .ndjson)
        #expect(try SnapshotFormat(named: "", orPath: "attributes.csv") == .csv)
        #expect(try SnapshotFormat(named: "parquet", orPath: "attributes.csv") == .parquet)
        #expect(SnapshotFormat.all.map(\.description) == ["csv", "ndjson", "parquet"])
        for bad in ["xlsx", ""] {
            #expect(throws: CDCError.self) { try SnapshotFormat(named: bad) }
        }
        for path in ["attributes.csv.gz", "attributes", "/data.d/attributes", ".csv"] {
            do {
                _ = try SnapshotFormat(path: path)
                Issue.record("\(path) was given a format")
            } catch {
                #expect(error.code == .unsupportedFormat)
            }
        }
    }

    @Test("an input over maxInputBytes is refused before parsing")
    func inputSize() throws {
        var limits = SnapshotLimits()
        limits.maxInputBytes = 68
        let definition = try SnapshotTable.attributes()
        let text = "attribute_id,name,data_type,is_hot\n" + String(repeating: "1,a,text,t\n", count: 3)  // 68 bytes
        #expect(try SnapshotTable.read(text, .csv, definition, limits: limits).rowCount == 3)
        let big = text + "2,b,text,t\n"
        let error = SnapshotTable.failure { _ = try SnapshotTable.read(big, .csv, definition, limits: limits) }
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.contains("above the 68-byte limit") == true)
        limits.maxNestingDepth = 0
        #expect(throws: CDCError.self) { try SnapshotTable.read(text, .csv, definition, limits: limits) }
    }

    @Test("rejections beyond maxRejectionsKept are counted, and texts are cut at a character boundary")
    func rejectionBounds() throws {
        var limits = SnapshotLimits()
        limits.maxRejectionsKept = 2
        limits.maxRejectedTextBytes = 8
        let definition = try SnapshotTable.attributes()
        var text = "attribute_id,name,data_type,is_hot\n"
        for index in 0..<5 { text += "x\(index),ééé,text,t\n" }
        text += "7,ok,text,t\n"
        let rows = try SnapshotTable.read(text, .csv, definition, limits: limits)
        #expect(rows.rowCount == 1)
        #expect(rows.rejectedCount == 5)
        #expect(rows.rejected.map(\.line) == [2, 3])
        #expect(rows.rejected.first?.text == "x0,éé", "8 bytes would split the third é")
    }

    @Test("a table without source columns cannot be read from a snapshot")
    func noColumns() throws {
        let definition = try Catalog.definition(yaml: """
            table: daily
            version: 1
            source: {derived_from: [dim_attributes]}
            keys: {merge: [day]}
            columns:
              - {name: day, type: date, nullable: false}
            """)
        #expect(SnapshotTable.failure { _ = try SnapshotTable.read("day\n2026-11-20\n", .csv, definition) }?.code == .invalidSnapshot)
    }
}
