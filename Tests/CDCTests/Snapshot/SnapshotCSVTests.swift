import CDC
import Catalog
import Parquet
import Testing

@Suite("Snapshot CSV (RFC 4180)")
struct SnapshotCSVTests {
    @Test("quoted fields, doubled quotes, line breaks in quotes, CRLF and LF, BOM, header in any order, extra columns ignored")
    func rfc4180() throws {
        let definition = try SnapshotTable.attributes()
        let text = "\u{FEFF}is_hot,extra,attribute_id,name,data_type,unit,description\r\n"
            + "true,x,1,temperature,decimal,celsius,\"Degrees, measured\"\r\n"
            + "f,y,2,\"say \"\"hi\"\"\",text,,\"line one\nline two\"\n"
            + "TRUE,z,3,rpm,int,\"\",plain\n"
            + "\n"
            + "0,w,4,status,text,unit,d"
        let rows = try SnapshotTable.read(text, .csv, definition)
        #expect(rows.rejected.isEmpty, "\(rows.rejected)")
        #expect(rows.ignoredColumns == ["extra"])
        #expect(rows.schema.fields.map(\.name) == ["attribute_id", "name", "data_type", "unit", "description", "is_hot"])
        #expect(SnapshotTable.rendered(rows, definition) == [
            #"{"attribute_id":1,"name":"temperature","data_type":"decimal","unit":"celsius","description":"Degrees, measured","is_hot":true}"#,
            #"{"attribute_id":2,"name":"say \"hi\"","data_type":"text","unit":null,"description":"line one\nline two","is_hot":false}"#,
            #"{"attribute_id":3,"name":"rpm","data_type":"int","unit":"","description":"plain","is_hot":true}"#,
            #"{"attribute_id":4,"name":"status","data_type":"text","unit":"unit","description":"d","is_hot":false}"#,
        ])
    }

    @Test("a bad row is rejected with its line, reason and text; the good rows still load")
    func rejections() throws {
        let definition = try SnapshotTable.attributes()
        var text = Array("attribute_id,name,data_type,unit,description,is_hot\n".utf8)  // line 1
        text += Array("1,ok,text,,fine,true\n".utf8)  // 2
        text += Array("x2,bad id,text,,d,true\n".utf8)  // 3
        text += Array("3,,text,,no name,true\n".utf8)  // 4
        text += Array("4,\"multi\nline\",text,,d,true\r\n".utf8)  // 5-6
        text += Array("5,long,waytoolongdatatype,,d,true\n".utf8)  // 7
        text += Array("6,\"bad\"quote,text,,d,true\n".utf8)  // 8
        text += Array("7,a,text,,d\n".utf8)  // 9
        text += Array("8,".utf8) + [0xFF, 0xFE] + Array(",text,,d,true\n".utf8)  // 10
        text += Array("9,b,text,,d,maybe\n".utf8)  // 11
        text += Array("10,c,te\"xt,,d,true\n".utf8)  // 12
        text += Array("11,c,text,,\"never closed\n12,d,text,,d,true\n".utf8)  // 13-14
        let rows = try SnapshotReader.read(text, format: .csv, definition: definition)
        #expect(SnapshotTable.rendered(rows, definition).map { field($0, "attribute_id") } == ["1", "4"])
        #expect(SnapshotTable.rendered(rows, definition).last.flatMap { field($0, "name") } == #""multi\nline""#)
        #expect(rows.rejectedCount == 9)
        #expect(rows.rejected.map(\.line) == [3, 4, 7, 8, 9, 10, 11, 12, 13])
        #expect(rows.rejected.map(\.reason) == [
            .typeMismatch, .missingRequiredField, .valueTooLong, .malformedCSV, .malformedCSV, .invalidUTF8, .typeMismatch,
            .malformedCSV, .malformedCSV,
        ])
        #expect(rows.rejected[0].text == "x2,bad id,text,,d,true")
        #expect(rows.rejected[0].message.contains("attribute_id") && rows.rejected[0].message.contains("`x2`"))
        #expect(rows.rejected[1].message.contains("NOT NULL column `name`"))
        #expect(rows.rejected[3].message.contains("closing quote"))
        #expect(rows.rejected[4].message.contains("5 fields, the header 6"))
        #expect(rows.rejected[5].text == "8,\u{FFFD}\u{FFFD},text,,d,true")
        #expect(rows.rejected[7].message.contains("double quote inside unquoted field 3"))
        #expect(rows.rejected[8].message.contains("never closed") && rows.rejected[8].text.hasSuffix("12,d,text,,d,true\n"))
    }

    @Test("a header lacking a NOT NULL column, naming one twice, malformed or absent is an error; a missing nullable column is null")
    func headers() throws {
        let definition = try SnapshotTable.attributes()
        func failure(_ text: String) -> CDCError? {
            SnapshotTable.failure { _ = try SnapshotTable.read(text, .csv, definition) }
        }
        let missing = failure("attribute_id,name,data_type,unit,description\n1,a,text,,d\n")
        #expect(missing?.code == .invalidSnapshot)
        #expect(missing?.message.contains("`is_hot`") == true)
        #expect(failure("attribute_id,name,name,data_type,is_hot\n")?.message.contains("twice") == true)
        #expect(failure("\"attribute_id,name\n")?.code == .invalidSnapshot)
        #expect(failure("")?.code == .invalidSnapshot)
        #expect(failure("\r\n\n")?.code == .invalidSnapshot)
        let rows = try SnapshotTable.read("is_hot,data_type,name,attribute_id\nyes,int,rpm,9\n", .csv, definition)
        #expect(SnapshotTable.rendered(rows, definition) == [
            #"{"attribute_id":9,"name":"rpm","data_type":"int","unit":null,"description":null,"is_hot":true}"#
        ])
    }

    @Test("every column type from its text form (PostgreSQL's COPY … CSV forms)")
    func types() throws {
        let definition = try SnapshotTable.types()
        let rows = try SnapshotTable.read(SnapshotTypeRows.csv, .csv, definition)
        #expect(rows.rejected.isEmpty, "\(rows.rejected)")
        #expect(SnapshotTable.rendered(rows, definition) == SnapshotTypeRows.expected)
    }

    @Test("each type's bad value gets its reason", arguments: SnapshotTypeRows.badValues)
    func badValues(_ bad: (column: String, text: String, reason: DeadLetterReason)) throws {
        let definition = try SnapshotTable.types()
        let header = SnapshotTypeRows.csvHeader
        let position = try #require(header.firstIndex(of: bad.column))
        var fields = Array(repeating: "", count: header.count)
        fields[0] = "1"
        fields[position] = bad.text
        let csv = header.joined(separator: ",") + "\n" + fields.joined(separator: ",") + "\n"
        let rows = try SnapshotTable.read(csv, .csv, definition)
        #expect(rows.rowCount == 0)
        #expect(rows.rejected.first?.reason == bad.reason, "\(rows.rejected.first?.message ?? "loaded")")
        #expect(rows.rejected.first?.message.contains("`\(bad.column)`") == true, "\(rows.rejected.first?.message ?? "")")
    }
}
