import ArgumentParser
import Foundation
import Runtime

/// `millrace validate --config FILE`: the configuration checked against everything it names,
/// without touching Kafka or the warehouse, then printed with every default filled in.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration without touching Kafka or the warehouse, and print it with its defaults.",
        discussion: """
            Checks the configuration itself, the Schemas/ registry and the names that must match it, the dimension \
            sources (local snapshots are read and checked against their declarations), the warehouse settings, and \
            whether AWS credentials are found where something needs them. Prints one line per check, then the \
            effective configuration as YAML (secrets withheld). Exit 0 when nothing is wrong (warnings allowed), 2 \
            otherwise.
            """
    )

    @OptionGroup var configFile: ConfigOption
    @Flag(help: "Print only the checks, not the effective configuration.") var quiet = false

    func run() throws {
        let configuration = try configFile.load()
        let findings = ConfigurationCheck.run(configuration)
        for finding in findings {
            let mark = switch finding.severity {
            case .ok: "ok     "
            case .warning: "warning"
            case .problem: "problem"
            }
            FileHandle.standardError.write(Data("\(mark)  \(finding.subject): \(finding.text)\n".utf8))
        }
        if !quiet {
            do {
                print(try ConfigurationCheck.effectiveYAML(configuration), terminator: "")
            } catch {
                throw CommandFailure.exit(for: error)
            }
        }
        if findings.contains(where: { $0.severity == .problem }) {
            CommandFailure.print("the configuration has problems (above)")
            throw ExitCode(2)
        }
    }
}
