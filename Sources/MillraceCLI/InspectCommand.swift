import ArgumentParser
import Parquet

/// `millrace inspect FILE.parquet [--rows N] [--json]`: the schema with logical types, each row
/// group's column chunks (encodings, codec, sizes, offsets, statistics) and the first rows.
/// The work happens in `Parquet.ParquetInspector`.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a Parquet file's schema, row groups, column statistics and first rows."
    )

    @Argument(help: "The Parquet file to inspect.")
    var file: String

    @Option(help: "How many rows to print.")
    var rows = 10

    @Flag(help: "Print machine-readable JSON instead of text.")
    var json = false

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be zero or more") }
    }

    func run() throws {
        do {
            let inspector = ParquetInspector(reader: try ParquetReader(path: file), name: file)
            print(json ? try inspector.json(rows: rows) : try inspector.text(rows: rows), terminator: json ? "\n" : "")
        } catch {
            throw CommandFailure.exit(for: error)
        }
    }
}
