import Foundation
import MillraceTesting
import Runtime
import Testing

/// docs/METRICS.md against the code's own catalog of metrics (`MetricName`, through which
/// `Telemetry` creates every metric it exports): a metric the code exports and the doc does not
/// list fails, and so does one the doc lists that the code no longer has.
@Suite("docs/METRICS.md")
struct MetricsDocTests {
    /// One row of the doc's metric tables.
    struct Row: Equatable {
        var kind: String
        var labels: [String]
        var unit: String
        var meaning: String
    }

    /// The rows of every table whose second column is a metric type, by metric name.
    static func documented() throws -> [String: Row] {
        let text = try String(contentsOf: PackagePaths.root.appendingPathComponent("docs/METRICS.md"), encoding: .utf8)
        var rows: [String: Row] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 5, ["counter", "gauge", "histogram"].contains(cells[1]) else { continue }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let labels = cells[2] == "—" ? [] : cells[2].split(separator: ",").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "` "))
            }
            #expect(rows[name] == nil, "\(name) is listed twice")
            rows[name] = Row(kind: cells[1], labels: labels, unit: cells[3] == "—" ? "" : cells[3], meaning: cells[4])
        }
        return rows
    }

    @Test("every metric of the catalog is documented with its type, labels and unit, and nothing else is")
    func docMatchesCode() throws {
        let documented = try Self.documented()
        let exported = Set(MetricName.allCases.map(\.name))
        #expect(exported.subtracting(documented.keys).sorted() == [], "exported by the code but missing from docs/METRICS.md")
        #expect(Set(documented.keys).subtracting(exported).sorted() == [], "listed in docs/METRICS.md but not exported by the code")
        for metric in MetricName.allCases {
            guard let row = documented[metric.name] else { continue }
            let descriptor = metric.descriptor
            #expect(row.kind == descriptor.kind.rawValue, "\(metric.name): type")
            #expect(row.labels == descriptor.labels, "\(metric.name): labels")
            #expect(row.unit == descriptor.unit, "\(metric.name): unit")
            #expect(!row.meaning.isEmpty, "\(metric.name): meaning")
        }
    }
}
