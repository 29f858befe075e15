@testable import CDC
import Catalog
import Parquet
import Testing

/// The snapshot readers' fast paths (`TextValue.appendPlain`, `CSVScanner`'s eight-byte scan,
/// `ParquetWholeColumns`) must store exactly what the general paths store, and hand anything
/// else to them: these tests compare the two on the inputs where they could part.
@Suite("Snapshot fast paths agree with the general paths")
struct SnapshotFastPathTests {
    /// Texts at the edges of the plain forms: integer lengths, signs and leading zeros, boolean
    /// literals, and UTF-8 that is well-formed or not (Unicode 15 table 3-7) at every offset of
    /// an eight-byte word, NUL, control characters, JSON's special characters.
    static let texts: [[UInt8]] = {
        var texts: [[UInt8]] = [
            "", "0", "-0", "+0", "7", "+7", "-7", "007", "-007", "10", "123456789012345678", "-123456789012345678",
            "1234567890123456789", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-", "+", "+-1",
            "1e3", "1.5", " 1", "1 ", "0x10", "t", "f", "TRUE", "False", " on ", "yes", "No", "maybe", "2", "abc",
            "a,b", "quote \" inside", "back\\slash", "tab\there", "line\nbreak", "12345678", "123456789",
        ].map { Array($0.utf8) }
        let bad: [[UInt8]] = [
            [0x00], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xF5, 0x80, 0x80, 0x80], [0x80], [0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
        ]
        let good: [[UInt8]] = [[0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xEF, 0xBF, 0xBF], [0x7F], [0x01]]
        for offset in 0..<10 {
            let prefix = [UInt8](repeating: UInt8(ascii: "x"), count: offset)
            for sequence in bad + good {
                texts.append(prefix + sequence)
                texts.append(prefix + sequence + Array("tail".utf8))
            }
        }
        return texts
    }()

    static let conversions: [(Conversion, ColumnStore.Storage)] = [
        (.text(maxBytes: 8), .bytes), (.text(maxBytes: 65_535), .bytes), (.integer(Int64.min...Int64.max), .int64),
        (.integer(-100...100), .int64), (.boolean, .boolean),
    ]

    @Test("appendPlain stores what the token path stores, or leaves the text to it")
    func plainValues() throws {
        var accepted = 0
        for (conversion, storage) in Self.conversions {
            for text in Self.texts {
                var fast = ColumnStore(storage: storage, reserving: 0)
                var general = ColumnStore(storage: storage, reserving: 0)
                var value = TextValue()
                let taken = text.withUnsafeBufferPointer { TextValue.appendPlain($0, conversion, into: &fast) }
                let outcome: Result<Void, DecodeFailure> = text.withUnsafeBufferPointer { buffer in
                    Result { () throws(DecodeFailure) in
                        try value.append(buffer, doubledQuotes: false, conversion: conversion, column: "c", into: &general)
                    }
                }
                guard taken else {
                    #expect(fast.count == 0 && fast.bytes.isEmpty, "appendPlain appended when refusing \(text) for \(conversion)")
                    continue
                }
                accepted += 1
                if case .failure(let failure) = outcome {
                    Issue.record("appendPlain took \(text) for \(conversion), the token path rejects it: \(failure.message)")
                    continue
                }
                #expect(fast.count == 1 && general.count == 1)
                #expect(fast.bytes == general.bytes && fast.offsets == general.offsets, "\(text) for \(conversion)")
                #expect(fast.int64s == general.int64s && fast.booleans == general.booleans, "\(text) for \(conversion)")
            }
        }
        // The fast path must take the common forms, else the benchmark measures the slow one.
        #expect(accepted > 100)
        func takes(_ text: String, _ conversion: Conversion, _ storage: ColumnStore.Storage) -> Bool {
            var store = ColumnStore(storage: storage, reserving: 0)
            return Array(text.utf8).withUnsafeBufferPointer { TextValue.appendPlain($0, conversion, into: &store) }
        }
        #expect(takes("-123456789012345678", .integer(Int64.min...Int64.max), .int64))
        #expect(!takes("007", .integer(Int64.min...Int64.max), .int64))
        #expect(!takes("101", .integer(-100...100), .int64))
        #expect(takes("élan", .text(maxBytes: 8), .bytes))
        #expect(!takes("123456789", .text(maxBytes: 8), .bytes))
        #expect(takes("On", .boolean, .boolean))
    }

    /// One field as written in a CSV file, and the text it stands for.
    struct WrittenField {
        var written: [UInt8]
        var text: [UInt8]
        var quoted: Bool
    }

    /// A deterministic generator (SplitMix64), so that a failure repeats.
    struct SplitMix {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    /// A field of random pieces, quoted (RFC 4180 section 2, rules 5-7) when it holds a comma,
    /// quote, CR or LF, or is empty and drawn to be quoted.
    static func field(_ random: inout SplitMix) -> WrittenField {
        let pieces: [[UInt8]] = [[0x61], [0x62], [0xC3, 0xA9], [0x2C], [0x22], [0x0A], [0x0D], [0x0D, 0x0A], [0x20]]
        var text: [UInt8] = []
        for _ in 0..<random.next(21) { text += pieces[random.next(pieces.count)] }
        let special = text.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard special || (text.isEmpty && random.next(2) == 0) else { return WrittenField(written: text, text: text, quoted: false) }
        let escaped = text.flatMap { $0 == 0x22 ? [0x22, 0x22] : [$0] }
        return WrittenField(written: [0x22] + escaped + [0x22], text: text, quoted: true)
    }

    @Test("the scanner splits random RFC 4180 records into their fields, delimiters at every offset of a word")
    func scannerRoundTrip() {
        var random = SplitMix(state: 15)
        for round in 0..<200 {
            var records: [[WrittenField]] = []
            var file: [UInt8] = []
            for index in 0..<random.next(12) + 1 {
                var fields = (0..<random.next(6) + 1).map { _ in Self.field(&random) }
                // A record of one empty unquoted field is a blank line, which the reader skips.
                if fields.count == 1 && fields[0].written.isEmpty { fields[0] = WrittenField(written: [0x22, 0x22], text: [], quoted: true) }
                records.append(fields)
                if index > 0 { file += random.next(2) == 0 ? [0x0A] : [0x0D, 0x0A] }
                file += Array(fields.map(\.written).joined(separator: [0x2C]))
            }
            if random.next(2) == 0 { file += [0x0D, 0x0A] }
            var scanned: [[WrittenField]] = []
            file.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                var scanner = CSVScanner(base: base, count: buffer.count, skipping: 0)
                while let record = scanner.next() {
                    #expect(record.error == nil, "round \(round): \(record.error ?? "")")
                    scanned.append(scanner.fieldBuffer.map { field in
                        var text: [UInt8] = []
                        CSVField.unescape(field.text(base), doubledQuotes: field.hasDoubledQuotes, into: &text)
                        return WrittenField(written: [], text: text, quoted: field.quoted)
                    })
                }
            }
            #expect(scanned.map { $0.map(\.text) } == records.map { $0.map(\.text) }, "round \(round): \(String(decoding: file, as: UTF8.self).debugDescription)")
            #expect(scanned.map { $0.map(\.quoted) } == records.map { $0.map(\.quoted) }, "round \(round)")
        }
    }

    @Test("a quote, CR or comma at every offset of a word: errors and lone CRs as the byte-at-a-time rules say")
    func scannerOffsets() throws {
        let definition = try SnapshotTable.attributes()
        for offset in 0..<17 {
            let pad = String(repeating: "n", count: offset)
            let text = "attribute_id,name,data_type,unit,description,is_hot\n"
                + "1,\(pad)a\rb,text,,d,true\n"  // a lone CR is text
                + "2,\(pad)a\"b,text,,d,true\n"  // a quote inside an unquoted field
                + "3,\"\(pad)\"x,text,,d,true\n"  // text after a closing quote
                + "4,\"\(pad)q\"\"\nz\",text,,d,true\r\n"  // a doubled quote and a line break, quoted
                + "5,\(pad)z,text,,,true"  // an empty unquoted field (null) last but one, no line end at the end
            let rows = try SnapshotTable.read(text, .csv, definition)
            #expect(rows.rejected.map(\.line) == [3, 4], "offset \(offset): \(rows.rejected)")
            #expect(rows.rejected.map(\.reason) == [.malformedCSV, .malformedCSV])
            let names = (0..<rows.rowCount).map { SnapshotTable.text(rows, column: 1, row: $0) }
            #expect(names == ["\(pad)a\rb", "\(pad)q\"\nz", "\(pad)z"], "offset \(offset)")
            #expect(SnapshotTable.text(rows, column: 4, row: 2) == nil, "offset \(offset)")
        }
    }

    @Test("Parquet row groups: whole-column where every value passes, row by row where one fails, the same values either way")
    func parquetWholeColumns() async throws {
        for (dictionary, pageVersion) in [("True", "1.0"), ("False", "2.0"), ("['code']", "1.0")] {
            // Group 1 passes whole; group 2 holds a uint64 beyond bigint and a varchar(8) too
            // long; group 3 passes and is appended after the rows of group 2.
            let file = try await SnapshotParquetTests.pyarrowFile(#"""
                t = pa.table({
                    "id": pa.array([1, 2, 3, 2**63, 5, 6, 7, 8, 9], pa.uint64()),
                    "flag": pa.array([True, None, False, True, True, False, None, None, True]),
                    "ratio": pa.array([0.5, None, -1.25, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0], pa.float32()),
                    "code": ["é€ab", None, "a", "b", "123456789", "c", "d", "e", None],
                    "small": pa.array([2**32 - 1, 0, None, 1, 2, 3, 4, 5, 6], pa.uint32()),
                    "Label Text": ["x, y", "", None, "p", "q", "r", "s", "t", "u"],
                })
                pq.write_table(t, sys.argv[1], row_group_size=3, use_dictionary=\#(dictionary), data_page_version="\#(pageVersion)")
                """#)
            let rows = try SnapshotReader.read(file, format: .parquet, definition: try Catalog.definition(yaml: Self.wideYAML))
            #expect(rows.rejected.map(\.line) == [4, 5], "\(dictionary), \(pageVersion): \(rows.rejected)")
            #expect(rows.rejected.map(\.reason) == [.typeMismatch, .valueTooLong])
            let column = { (index: Int) in (0..<rows.rowCount).map { SnapshotTable.text(rows, column: index, row: $0) } }
            #expect(column(0) == ["1", "2", "3", "6", "7", "8", "9"])
            #expect(column(1) == ["true", nil, "false", "false", nil, nil, "true"])
            #expect(column(3) == ["é€ab", nil, "a", "c", "d", "e", nil])
            #expect(column(4) == [String(UInt32.max), "0", nil, "3", "4", "5", "6"])
            #expect(column(5) == ["x, y", "", nil, "r", "s", "t", "u"])
            guard case .double(let ratios) = rows.columns.columns[2].values else {
                Issue.record("ratio is not a double column")
                continue
            }
            #expect(ratios == [0.5, 0, -1.25, 3, 4, 5, 6])
            #expect(rows.columns.columns[2].validity == [true, false, true, true, true, true, true])
        }
    }

    /// A table of the types the whole-column path takes: bigint (from uint64 and uint32),
    /// boolean, double (from float), varchar(8) and varchar.
    static let wideYAML = """
        table: snap_wide
        version: 1
        source: {snapshot: wide}
        keys: {merge: [id]}
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: flag, type: boolean}
          - {name: ratio, type: double}
          - {name: code, type: "varchar(8)"}
          - {name: small, type: bigint}
          - {name: label, type: varchar, source: Label Text}
        """
}
