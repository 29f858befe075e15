import ArgumentParser
import Runtime

/// The `millrace` command: a thin root that lists the subcommands, one file each.
@main
struct Millrace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "millrace",
        abstract: "Stream ETL: Debezium CDC on Kafka to Snappy Parquet on S3, loaded into Redshift exactly once.",
        version: Build.version,
        subcommands: [
            RunCommand.self, LoadCommand.self, ReloadCommand.self, DemoCommand.self, InspectCommand.self, DecodeCommand.self,
            SchemasCommand.self, BackfillCommand.self, ReplayCommand.self, LoadGenCommand.self, MockKafkaCommand.self,
            HealthcheckCommand.self, ValidateCommand.self,
        ]
    )
}
