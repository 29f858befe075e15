import Foundation
import MillraceTesting
import Testing
@testable import Parquet

/// DECIMAL annotations read from a footer are checked before anything formats a value by them
/// (LogicalTypes.md, DECIMAL): a scale of 1.5 billion once made `inspect` pad 1.5 GB of zeros
/// per value and abort.
@Suite("DECIMAL annotations in footers")
struct DecimalFooterTests {
    /// Columns 1...3: DECIMAL(20,5) on FIXED_LEN_BYTE_ARRAY(9), DECIMAL(6,2) on INT32,
    /// DECIMAL(12,3) on INT64.
    static let schema = Schema([
        .decimal("wide", precision: 20, scale: 5), .decimal("narrow", precision: 6, scale: 2), .decimal("middle", precision: 12, scale: 3),
    ])
    static let batch = ColumnBatch(columns: [
        ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: RandomTable.bigEndian(-1_234_500, width: 9), width: 9))),
        ColumnData(values: .int32([12_345])),
        ColumnData(values: .int64([-7])),
    ])

    static func sample() throws -> (bytes: [UInt8], metadata: FileMetadata) {
        let sink = MemorySink()
        let writer = try ParquetWriter(schema: schema, sink: sink)
        try writer.append(batch)
        let metadata = try writer.close().metadata
        return (sink.bytes, metadata)
    }

    /// The sample with schema element `index` (1: wide, 2: narrow, 3: middle) edited.
    static func withElement(_ index: Int, _ edit: (inout SchemaElement) -> Void) throws -> [UInt8] {
        let sample = try sample()
        var metadata = sample.metadata
        edit(&metadata.schemaElements[index])
        return CraftedFile.replacingFooter(of: sample.bytes, original: sample.metadata, with: metadata)
    }

    /// Sets both the LogicalType and the legacy fields.
    static func decimal(_ precision: Int, _ scale: Int) -> (inout SchemaElement) -> Void {
        { element in
            element.logicalType = .decimal(precision: precision, scale: scale)
            element.precision = Int32(precision)
            element.scale = Int32(scale)
        }
    }

    @Test("the sample reads, and formats at its scales")
    func sampleReads() throws {
        let reader = try ParquetReader(source: MemorySource(Self.sample().bytes))
        #expect(try ParquetInspector(reader: reader, name: "d").text(rows: 1).contains("-12.34500 | 123.45 | -0.007"))
    }

    @Test("pyarrow and DuckDB read the unedited sample's decimals")
    func independentReaders() async throws {
        try await ReaderOracle.check([WrittenFile("decimal sample", bytes: try Self.sample().bytes, schema: Self.schema, batch: Self.batch, statistics: true)])
    }

    @Test("precision and scale outside the spec's rules are refused with the column named")
    func refusals() throws {
        let cases: [(String, Int, (inout SchemaElement) -> Void, ParquetError.Code, String)] = [
            ("scale of 1.5 billion", 1, Self.decimal(20, 1_500_000_000), .corruptFile, "scale outside 0...20"),
            ("negative scale", 2, Self.decimal(6, -1), .corruptFile, "scale outside"),
            ("precision 0", 2, Self.decimal(0, 0), .corruptFile, "precision 0 is not positive"),
            ("precision 10 on INT32", 2, Self.decimal(10, 2), .corruptFile, "does not fit its physical type INT32"),
            ("precision 19 on INT64", 3, Self.decimal(19, 3), .corruptFile, "does not fit its physical type INT64"),
            ("precision 38 in 9 bytes", 1, Self.decimal(38, 5), .corruptFile, "FIXED_LEN_BYTE_ARRAY(9)"),
            ("precision 39", 1, Self.decimal(39, 5), .unsupported, "above 38"),
            ("legacy scale contradicting", 1, { $0.scale = 4 }, .corruptFile, "contradicts"),
            ("legacy precision contradicting", 3, { $0.precision = 11 }, .corruptFile, "contradicts"),
            ("legacy annotation only, scale above precision", 2, { $0.logicalType = nil; $0.scale = 7 }, .corruptFile, "scale outside 0...6"),
        ]
        for (name, index, edit, code, text) in cases {
            let bytes = try Self.withElement(index, edit)
            #expect("\(name)") { try ParquetReader(source: MemorySource(bytes)) } throws: { error in
                let error = error as? ParquetError
                return error?.code == code && error?.message.contains(text) == true && error?.message.contains("column \"") == true
            }
        }
        // The legacy annotation alone, when it is consistent, still reads.
        let legacy = try Self.withElement(2) { $0.logicalType = nil }
        #expect(try ParquetReader(source: MemorySource(legacy)).schema.fields[1].logicalType == .decimal(precision: 6, scale: 2))
    }

    @Test("millrace inspect fails clearly on a scale of 1.5 billion")
    func inspectCommand() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("scale.parquet").path
        try Data(try Self.withElement(1, Self.decimal(20, 1_500_000_000))).write(to: URL(fileURLWithPath: path))
        let result = try await Subprocess.run([PackagePaths.builtExecutable("millrace").path, "inspect", path], check: false)
        #expect(result.status == 1 && result.stderr.contains("scale outside 0...20"), "status \(result.status): \(result.stderr)")
        #expect(result.stdout.count < 10_000)
    }
}
