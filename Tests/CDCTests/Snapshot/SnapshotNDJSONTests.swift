import CDC
import Catalog
import Foundation
import Parquet
import Testing

@Suite("Snapshot NDJSON")
struct SnapshotNDJSONTests {
    @Test("every column type; keys in any order, undeclared keys skipped, null and absent keys null, CRLF and blank lines")
    func types() throws {
        let definition = try SnapshotTable.types()
        let rows = try SnapshotTable.read("\u{FEFF}" + SnapshotTypeRows.ndjson, .ndjson, definition)
        #expect(rows.rejected.isEmpty, "\(rows.rejected)")
        #expect(SnapshotTable.rendered(rows, definition) == SnapshotTypeRows.expected)
    }

    @Test("the rendering of read rows reads back to the same rows")
    func roundTrip() throws {
        let definition = try SnapshotTable.types()
        let first = SnapshotTable.rendered(try SnapshotTable.read(SnapshotTypeRows.csv, .csv, definition), definition)
        // RowFormatter names the file column `Label Text` by its column name `label`.
        let lines = first.map { $0.replacingOccurrences(of: "\"label\":", with: "\"Label Text\":") }
        let again = try SnapshotTable.read(lines.joined(separator: "\n"), .ndjson, definition)
        #expect(again.rejected.isEmpty, "\(again.rejected)")
        #expect(SnapshotTable.rendered(again, definition) == first)
    }

    @Test("a bad line is rejected with its line, reason and text; the good lines still load")
    func rejections() throws {
        let definition = try SnapshotTable.attributes()
        let good = #"{"attribute_id":1,"name":"a","data_type":"text","is_hot":true}"#
        var text = Array((good + "\n").utf8)  // 1
        text += Array(#"{"attribute_id":2,"name":"b","data_type":"text","is_hot":tru}"#.utf8) + [0x0A]  // 2
        text += Array("[1,2]\n".utf8)  // 3
        text += Array(#"{"attribute_id":"3","name":"c","data_type":"text","is_hot":true}"#.utf8) + [0x0A]  // 4
        text += Array(#"{"attribute_id":4,"name":null,"data_type":"text","is_hot":true}"#.utf8) + [0x0A]  // 5
        text += Array(#"{"attribute_id":5,"name":""#.utf8) + [0xC0, 0xAF] + Array(#"","data_type":"text","is_hot":true}"#.utf8) + [0x0A]  // 6
        text += Array(#"{"attribute_id":6,"name":"d","name":"e","data_type":"text","is_hot":true}"#.utf8) + [0x0A]  // 7
        text += Array(#"{"attribute_id":7,"name":"f","data_type":"text","is_hot":true,"x":[[[[1]]]]}"#.utf8) + [0x0A]  // 8
        text += Array("\n   \n".utf8)  // 9, 10
        text += Array(#"{"attribute_id":8,"name":"g","data_type":"text","is_hot":false} x"#.utf8)  // 11
        var limits = SnapshotLimits()
        limits.maxNestingDepth = 3
        let rows = try SnapshotReader.read(text, format: .ndjson, definition: definition, limits: limits)
        #expect(SnapshotTable.rendered(rows, definition).map { field($0, "attribute_id") } == ["1"])
        #expect(rows.rejected.map(\.line) == [2, 3, 4, 5, 6, 7, 8, 11])
        #expect(rows.rejected.map(\.reason) == [
            .typeMismatch, .schemaMismatch, .typeMismatch, .missingRequiredField, .invalidUTF8, .schemaMismatch, .malformedJSON,
            .malformedJSON,
        ])
        #expect(rows.rejected[1].message.contains("an array, not an object"))
        #expect(rows.rejected[2].text == #"{"attribute_id":"3","name":"c","data_type":"text","is_hot":true}"#)
        #expect(rows.rejected[3].message.contains("`name`"))
        #expect(rows.rejected[5].message.contains("twice"))
        #expect(rows.rejected[6].message.contains("nesting deeper than 3"))
    }

    @Test("an empty file is zero rows, not an error")
    func empty() throws {
        let rows = try SnapshotTable.read("", .ndjson, try SnapshotTable.attributes())
        #expect(rows.rowCount == 0 && rows.rejectedCount == 0)
        #expect(rows.columns.columns.count == 6)
    }
}
