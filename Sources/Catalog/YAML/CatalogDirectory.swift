import Foundation

/// The `Schemas/` folder on disk:
///
///     Schemas/heartbeats.yaml            heartbeat topics
///     Schemas/<table>/v<N>.yaml          one file per table version
///
/// Any other file (README.md) is ignored.
extension Catalog {
    /// The heartbeat file's name inside the folder.
    public static let heartbeatsFileName = "heartbeats.yaml"

    /// Reads and validates every declaration under `directory`.
    public static func load(directory: String) throws(CatalogError) -> Catalog {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CatalogError(.io, "\(directory) is not a folder")
        }
        let entries: [String]
        do {
            entries = try files.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw CatalogError(.io, "cannot list \(directory)", underlying: IOFailure(description: "\(error)"))
        }
        var histories: [TableHistory] = []
        for entry in entries {
            let folder = directory + "/" + entry
            guard files.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let versions = try readVersions(folder: folder, table: entry)
            guard let first = versions.first else { continue }
            histories.append(versions.dropFirst().reduce(TableHistory(first)) { $0.appending($1) })
        }
        let heartbeatPath = directory + "/" + heartbeatsFileName
        let heartbeats = files.fileExists(atPath: heartbeatPath) ? try readHeartbeats(path: heartbeatPath) : []
        return try Catalog(tables: histories, heartbeats: heartbeats)
    }

    /// Writes `definition` to `<directory>/<table>/v<version>.yaml`, creating the folder.
    /// Refuses to overwrite a different existing file: a version, once written, is immutable.
    public static func write(_ definition: TableDefinition, toDirectory directory: String) throws(CatalogError) {
        let folder = directory + "/" + definition.name
        let path = folder + "/v\(definition.version).yaml"
        let text = yaml(of: definition)
        if let existing = FileManager.default.contents(atPath: path) {
            if existing == Data(text.utf8) { return }
            throw CatalogError(.duplicate, "\(path) exists with different content; versions are immutable")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CatalogError(.io, "cannot write \(path)", underlying: IOFailure(description: "\(error)"))
        }
    }

    private static func readVersions(folder: String, table: String) throws(CatalogError) -> [TableDefinition] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw CatalogError(.io, "cannot list \(folder)", underlying: IOFailure(description: "\(error)"))
        }
        var versions: [(Int, TableDefinition)] = []
        for name in names where name.hasSuffix(".yaml") {
            let path = folder + "/" + name
            guard name.hasPrefix("v"), let number = Int(name.dropFirst().dropLast(5)) else {
                throw CatalogError(.invalidDeclaration, "\(path): table files are named v<N>.yaml")
            }
            let definition = try Catalog.definition(yaml: try readText(path), path: "\(table)/\(name)")
            guard definition.name == table, definition.version == number else {
                throw CatalogError(
                    .invalidDeclaration,
                    "\(path): declares \(definition.name) v\(definition.version) but its path says \(table) v\(number)"
                )
            }
            versions.append((number, definition))
        }
        return versions.sorted { $0.0 < $1.0 }.map(\.1)
    }

    private static func readHeartbeats(path: String) throws(CatalogError) -> [HeartbeatSource] {
        let root = try YAMLMap.document(try readText(path), path: heartbeatsFileName)
        var sources: [HeartbeatSource] = []
        for map in try root.list("heartbeats") ?? [] {
            sources.append(HeartbeatSource(topic: try map.requiredString("topic"), field: try map.requiredString("field")))
            try map.finish()
        }
        try root.finish()
        return sources
    }

    private static func readText(_ path: String) throws(CatalogError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CatalogError(.io, "cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CatalogError(.invalidDeclaration, "\(path) is not UTF-8")
        }
        return text
    }
}

/// The system's explanation of a failed file operation, kept as the cause of an `.io` error.
struct IOFailure: Error, Sendable, CustomStringConvertible {
    var description: String
}
