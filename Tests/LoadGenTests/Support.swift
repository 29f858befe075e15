import Catalog
import Foundation
import LoadGen
import MillraceTesting

/// The shipped registry.
func shippedCatalog() throws -> Catalog {
    try Catalog.load(directory: PackagePaths.schemas.path)
}

/// Every record of a load with `configure` applied to the defaults (count 2 000).
func generate(_ configure: (inout LoadGenConfiguration) -> Void = { _ in }) throws -> (records: [LoadRecord], summary: LoadSummary) {
    var configuration = LoadGenConfiguration()
    configuration.count = 2_000
    configure(&configuration)
    let generator = try LoadGenerator(catalog: try shippedCatalog(), configuration: configuration)
    var records: [LoadRecord] = []
    while let record = generator.next() { records.append(record) }
    return (records, generator.summary)
}
