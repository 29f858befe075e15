import ArgumentParser
import Catalog

/// `millrace schemas`: check the `Schemas/` registry and print its DDL.
struct SchemasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schemas",
        abstract: "Check the Schemas/ table registry and print its DDL.",
        subcommands: [Check.self, DDL.self]
    )

    /// `millrace schemas check`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate every declaration; exit 1 with the problems.")

        @OptionGroup var registry: SchemasOption

        func run() throws {
            do {
                let catalog = try Catalog.load(directory: try registry.folder())
                for history in catalog.tables {
                    let table = history.current
                    print("ok  \(table.name) v\(table.version)  \(table.columns.count) columns  \(table.source)")
                }
                for heartbeat in catalog.heartbeats {
                    print("ok  heartbeat \(heartbeat.topic) (\(heartbeat.field))")
                }
            } catch let error as CatalogError {
                CommandFailure.print(error.message)
                throw ExitCode(1)
            }
        }
    }

    /// `millrace schemas ddl`.
    struct DDL: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print CREATE TABLE statements for the target tables.")

        @OptionGroup var registry: SchemasOption

        @Option(name: .long, help: "redshift or postgres.")
        var dialect: String = "redshift"

        @Option(name: .long, help: "Only this table.")
        var table: String?

        func validate() throws {
            guard SQLDialect(named: dialect) != nil else {
                throw ValidationError("--dialect must be redshift or postgres")
            }
        }

        func run() throws {
            guard let sqlDialect = SQLDialect(named: dialect) else { throw ValidationError("--dialect must be redshift or postgres") }
            let catalog: Catalog
            do {
                catalog = try Catalog.load(directory: try registry.folder())
            } catch let error as CatalogError {
                CommandFailure.print(error.message)
                throw ExitCode(1)
            }
            if let table {
                guard let history = catalog.table(table) else {
                    CommandFailure.print("no table \(table) in \(try registry.folder())")
                    throw ExitCode(1)
                }
                print(history.current.createTableSQL(sqlDialect))
            } else {
                print(catalog.createTablesSQL(sqlDialect), terminator: "")
            }
        }
    }
}
