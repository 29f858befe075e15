import ArgumentParser
import Foundation
import Logging
import Loader
import Runtime

/// `millrace demo`: the whole pipeline on an in-process mock cluster, loaded into PostgreSQL
/// when given one (`make demo` starts a throwaway server), else in dry-run.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the main job on an embedded default: mock Kafka, generated CDC traffic, staging, the loader, a report.",
        discussion: """
            With --warehouse-url, the staged batches are loaded into that PostgreSQL server (schema millrace_demo, replaced \
            on every run) and the report shows rows per table, the daily aggregate and "data as of". Without it, the \
            loader's SQL is written to OUTPUT/load.sql instead of run.
            """
    )

    @Option(help: "Where staged files, manifests and SQL go.") var output = "out/demo"
    @OptionGroup var registry: SchemasOption
    @Option(help: "Records to generate.") var records = 5_000
    @Flag(help: "Print the SQL the loader would run for every batch (without --warehouse-url).") var sql = false
    @Option(help: "A throwaway PostgreSQL server (postgresql://user@host:port/db) to load into.") var warehouseURL: String?

    func run() async throws {
        var observability = ObservabilitySettings()
        observability.logFormat = .text
        observability.logLevel = .warning
        let logger = LogSetup.bootstrap(observability)
        var options = Demo.Options()
        options.output = output
        options.schemas = try registry.folder()
        options.records = records
        options.warehouseURL = warehouseURL
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
        } catch let error as LoaderError {
            FileHandle.standardError.write(Data("millrace: the demo's load failed: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
        // The command as this binary was started (`make demo` runs .build/release/millrace).
        report.executable = CommandLine.arguments.first ?? "millrace"
        print(report.text)
        if warehouseURL == nil {
            try collected.text.write(toFile: sqlFile, atomically: true, encoding: .utf8)
            print("  loader SQL:        \(sqlFile)")
        }
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
