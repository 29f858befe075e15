import ArgumentParser
import Foundation
import Runtime

/// `millrace demo`: the whole pipeline on an in-process mock cluster, in dry-run.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the main job on an embedded default: mock Kafka, generated CDC traffic, dry-run staging, a report."
    )

    @Option(help: "Where staged files, manifests and SQL go.") var output = "out/demo"
    @Option(help: "The Schemas/ folder.") var schemas = "Schemas"
    @Option(help: "Records to generate.") var records = 5_000
    @Flag(help: "Print the SQL the loader would run for every batch.") var sql = false

    func run() async throws {
        var observability = ObservabilitySettings()
        observability.logFormat = "text"
        observability.logLevel = "warning"
        let logger = LogSetup.bootstrap(observability)
        var options = Demo.Options()
        options.output = output
        options.schemas = schemas
        options.records = records
        let sqlFile = output + "/load.sql"
        let collected = SQLCollector()
        var report: DemoReport
        do {
            report = try await Demo.run(options, logger: logger, sqlOutput: { text in
                collected.append(text)
                if sql { print(text) }
            })
        } catch let error as RuntimeError where error.code == .configuration {
            FileHandle.standardError.write(Data("millrace: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        try collected.text.write(toFile: sqlFile, atomically: true, encoding: .utf8)
        // The command as this binary was started (`make demo` runs .build/release/millrace).
        report.executable = CommandLine.arguments.first ?? "millrace"
        print(report.text)
        print("  loader SQL:        \(sqlFile)")
    }
}

/// Gathers the dry-run SQL so the demo can save it.
private final class SQLCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [String] = []

    func append(_ text: String) {
        lock.withLock { parts.append(text) }
    }

    var text: String { lock.withLock { parts.joined(separator: "\n") } }
}
