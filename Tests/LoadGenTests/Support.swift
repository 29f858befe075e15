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

/// The Python oracle of Kafka's default partitioner (Java `Utils.murmur2`, `toPositive`).
let murmur2Oracle = """
    def murmur2(data):
        m, r = 0x5bd1e995, 24
        h = (0x9747b28c ^ len(data)) & 0xffffffff
        for i in range(0, len(data) - len(data) % 4, 4):
            k = int.from_bytes(data[i:i + 4], 'little')
            k = (k * m) & 0xffffffff; k ^= k >> r; k = (k * m) & 0xffffffff
            h = (h * m) & 0xffffffff; h ^= k
        tail = data[len(data) - len(data) % 4:]
        if len(tail) == 3: h ^= tail[2] << 16
        if len(tail) >= 2: h ^= tail[1] << 8
        if len(tail) >= 1: h ^= tail[0]; h = (h * m) & 0xffffffff
        h ^= h >> 13; h = (h * m) & 0xffffffff; h ^= h >> 15
        return h
    """
