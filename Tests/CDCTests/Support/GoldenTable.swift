import Foundation
import MillraceTesting

/// A table with one column per Connect type the decoder supports (MISSION.md, Inputs), shared
/// with the fuzz target: `Tests/Fixtures/golden-catalog/golden/v1.yaml`.
enum GoldenTable {
    static let topic = "test.golden"

    /// The declaration's text.
    static var yaml: String {
        let path = PackagePaths.fixtures.appendingPathComponent("golden-catalog/golden/v1.yaml")
        return (try? String(contentsOf: path, encoding: .utf8)) ?? "missing fixture \(path.path)"
    }
}
