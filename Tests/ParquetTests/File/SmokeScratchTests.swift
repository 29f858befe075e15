import Testing
import Foundation
import MillraceTesting
@testable import Parquet

@Suite struct SmokeScratch {
    @Test func readsTestingFiles() throws {
        let dir = SharedTestData.root.appendingPathComponent("parquet-testing")
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".parquet") {
            do {
                let reader = try ParquetReader(path: dir.appendingPathComponent(name).path)
                var rows = 0
                for g in 0..<reader.rowGroupCount { rows += try reader.readRowGroup(g).rowCount }
                print(name, "OK", rows, reader.schema.fields.map { "\($0.name):\($0.physicalType):\(String(describing: $0.logicalType))" })
            } catch {
                print(name, "ERR", error)
            }
        }
    }
}
