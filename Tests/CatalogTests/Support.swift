import Catalog
import Foundation
import MillraceTesting

/// The shipped registry, loaded once per test.
func shippedCatalog() throws -> Catalog {
    try Catalog.load(directory: PackagePaths.schemas.path)
}

/// A minimal valid topic-fed table declaration, with `extra` lines appended to its columns.
func tableYAML(name: String = "t", version: Int = 1, columns extra: String = "", keys: String = "keys: {merge: [id], dedup: [id]}") -> String {
    """
    table: \(name)
    version: \(version)
    source: {topic: test.\(name), key: [id]}
    \(keys)
    columns:
      - {name: id, type: bigint, nullable: false}
    \(extra)
    """
}
