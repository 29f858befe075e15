import CDC
import Catalog
import MillraceTesting
import LoadGen
import Parquet
import Testing

@Suite("Snapshots: hostile input never crashes the reader")
struct SnapshotHostileInputTests {

    /// `valid` with a few bytes replaced, inserted or removed, or cut short.
    private static func mutated(_ valid: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        var bytes = valid
        let interesting: [UInt8] = [0x22, 0x2C, 0x0A, 0x0D, 0x5C, 0x7B, 0x7D, 0x00, 0xFF, 0xC3, 0x30, 0x2D, 0x65]
        for _ in 0..<(1 + random.below(4)) where !bytes.isEmpty {
            let at = random.below(bytes.count)
            switch random.below(4) {
            case 0: bytes[at] = interesting[random.below(interesting.count)]
            case 1: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            case 2: bytes.remove(at: at)
            default: bytes.removeLast(random.below(min(bytes.count, 16)))
            }
        }
        return bytes
    }

    @Test("mutated CSV, NDJSON and Parquet files: a CDCError or rows whose columns agree, never a trap")
    func mutations() throws {
        let definition = try SnapshotTable.attributes()
        let attributes = AttributeDefinition.catalog(count: 40)
        let csvRows = try SnapshotTable.read(AttributeSnapshot.csv(attributes), .csv, definition)
        let inputs: [(SnapshotFormat, [UInt8])] = [
            (.csv, Array(AttributeSnapshot.csv(attributes).utf8)),
            (.ndjson, Array(AttributeSnapshot.ndjson(attributes).utf8)),
            (.parquet, try SnapshotParquetTests.written(csvRows, rowGroupRows: 16)),
        ]
        var random = SeededRandom(seed: 20_261_120)
        for (format, valid) in inputs {
            var loaded = 0
            var refused = 0
            for _ in 0..<1_500 {
                let bytes = Self.mutated(valid, &random)
                do {
                    let rows = try SnapshotReader.read(bytes, format: format, definition: definition)
                    loaded += rows.rowCount
                    #expect(rows.columns.columns.allSatisfy { $0.values.count == rows.rowCount }, "\(format)")
                    #expect(rows.columns.columns.allSatisfy { ($0.validity?.count ?? rows.rowCount) == rows.rowCount }, "\(format)")
                    #expect(rows.rowCount + rows.rejectedCount <= attributes.count + 4, "\(format)")
                } catch {
                    refused += 1
                }
            }
            #expect(loaded > 0, "\(format): every mutation was refused")
            if format != .parquet { #expect(refused < 1_500, "\(format)") }
        }
    }
}
