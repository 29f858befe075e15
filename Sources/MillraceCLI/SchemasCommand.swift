import ArgumentParser
import Catalog

/// `millrace schemas`: check the `Schemas/` registry and print its DDL.
struct SchemasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schemas",
        abstract: "Check the Schemas/ table registry and print its DDL.",
        subcommands: [Check.self, DDL.self]
    )

    /// The registry folder, shared by the subcommands.
    struct Location: ParsableArguments {
        @Option(name: .long, help: "The registry folder.")
        var dir: String = "Schemas"
    }

    /// `millrace schemas check`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate every declaration; exit 1 with the problems.")

        @OptionGroup var location: Location

        func run() throws {
            do {
                let catalog = try Catalog.load(directory: location.dir)
                for history in catalog.tables {
                    let table = history.current
                    print("ok  \(table.name) v\(table.version)  \(table.columns.count) columns  \(table.source)")
                }
                for heartbeat in catalog.heartbeats {
                    print("ok  heartbeat \(heartbeat.topic) (\(heartbeat.field))")
                }
            } catch {
                CDCCommandIO.printError("schemas check: \(error.code)\n\(error.message)")
                throw ExitCode(1)
            }
        }
    }

    /// `millrace schemas ddl`.
    struct DDL: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print CREATE TABLE statements for the target tables.")

        @OptionGroup var location: Location

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
            let sqlDialect = SQLDialect(named: dialect) ?? .redshift
            let catalog: Catalog
            do {
                catalog = try Catalog.load(directory: location.dir)
            } catch {
                CDCCommandIO.printError("schemas ddl: \(error.code)\n\(error.message)")
                throw ExitCode(1)
            }
            if let table {
                guard let history = catalog.table(table) else {
                    CDCCommandIO.printError("schemas ddl: no table `\(table)`")
                    throw ExitCode(1)
                }
                print(history.current.createTableSQL(sqlDialect))
            } else {
                print(catalog.createTablesSQL(sqlDialect), terminator: "")
            }
        }
    }
}
