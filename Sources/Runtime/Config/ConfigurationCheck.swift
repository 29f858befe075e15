import AWS
import CDC
public import Catalog
import Foundation
import Loader
import Staging
import Yams

/// `millrace validate`: the configuration checked against everything it names, without
/// touching Kafka or the warehouse: the `Schemas/` registry, the names that must match it, the
/// dimension sources, the warehouse settings, and whether AWS credentials are present where
/// something needs them. Also the configuration's names against the registry for the worker
/// (`names`), which refuses to start on a mismatch.
public enum ConfigurationCheck {
    /// One finding.
    public struct Finding: Sendable, Hashable {
        /// How serious it is.
        public enum Severity: String, Sendable { case ok, warning, problem }
        /// How serious it is.
        public var severity: Severity
        /// What was checked (`schemas`, `dimensions.dim_attributes`, `credentials`).
        public var subject: String
        /// What was found.
        public var text: String
    }

    /// Refuses table and dimension names that `Schemas/` does not declare, and topics whose
    /// table `schemas.tables` leaves out (their records would have nowhere to go).
    public static func names(_ configuration: WorkerConfiguration, catalog: Catalog) throws {
        let declared = catalog.tables.map(\.name)
        let known = "Schemas/ declares \(declared.sorted().joined(separator: ", "))"
        for name in configuration.schemas.tables where catalog.table(name) == nil {
            throw RuntimeError(.configuration, "schemas.tables names \(name), which is not a table; \(known)")
        }
        for name in configuration.dimensions.keys.sorted() where catalog.table(name) == nil {
            throw RuntimeError(.configuration, "dimensions.\(name) is not a table; \(known)")
        }
        guard !configuration.schemas.tables.isEmpty else { return }
        let selected = Set(configuration.schemas.tables)
        for table in catalog.tables.map(\.current) where !selected.contains(table.name) {
            if let topic = table.source.topic, configuration.kafka.topics.contains(topic) {
                throw RuntimeError(
                    .configuration, "kafka.topics includes \(topic), whose table \(table.name) is not in schemas.tables; add one or remove the other")
            }
        }
    }

    /// Every check of a loaded `configuration`, in order; `environment` is the AWS environment
    /// (nil: the process's).
    public static func run(_ configuration: WorkerConfiguration, environment: [String: String]? = nil) -> [Finding] {
        var findings: [Finding] = []
        func add(_ severity: Finding.Severity, _ subject: String, _ text: String) {
            findings.append(Finding(severity: severity, subject: subject, text: text))
        }
        add(.ok, "configuration", "parsed and valid")
        let catalog: Catalog
        do {
            catalog = try Catalog.load(directory: configuration.schemas.dir)
            add(.ok, "schemas", "\(configuration.schemas.dir): \(catalog.tables.map { "\($0.name) v\($0.current.version)" }.joined(separator: ", "))")
        } catch {
            add(.problem, "schemas", error.message)
            return findings
        }
        do {
            try names(configuration, catalog: catalog)
            add(.ok, "names", "kafka.topics, schemas.tables and dimensions match Schemas/")
        } catch let error as RuntimeError {
            add(.problem, "names", error.message)
        } catch {
            add(.problem, "names", "\(error)")
        }
        let staged = catalog.tables.map(\.current).filter { table in
            guard let topic = table.source.topic, configuration.kafka.topics.contains(topic) else { return false }
            return configuration.schemas.tables.isEmpty || configuration.schemas.tables.contains(table.name)
        }
        if staged.isEmpty { add(.problem, "kafka.topics", "no table of Schemas/ is fed by \(configuration.kafka.topics.joined(separator: ", "))") }
        var needsAWS: [String] = []
        let joined = Set(staged.flatMap { $0.columns.compactMap(\.enrichment?.dimension) })
        for name in joined.sorted() {
            let subject = "dimensions.\(name)"
            if let settings = configuration.dimensions[name] {
                if settings.snapshot.hasPrefix("s3://") {
                    needsAWS.append(subject)
                    add(.ok, subject, "snapshot \(settings.snapshot) (read at start-up; not fetched here)")
                } else {
                    findings.append(snapshot(name, settings, catalog: catalog))
                }
            } else if catalog.table(name)?.current.source.topic != nil {
                add(.ok, subject, "followed from its topic \(catalog.table(name)?.current.source.topic ?? "")")
            } else {
                add(.warning, subject, "no feed: set dimensions.\(name).snapshot, or its enrichment columns stay null")
            }
        }
        if !configuration.staging.bucket.isEmpty { needsAWS.append("staging.bucket") }
        if MSKIAMAuthentication.isRequested(by: configuration.kafka.properties) { needsAWS.append("MSK IAM") }
        if configuration.warehouse.dialect == .redshift && configuration.warehouse.url.isEmpty { needsAWS.append("the Redshift Data API") }
        findings.append(warehouse(configuration))
        if !needsAWS.isEmpty { findings.append(credentials(for: needsAWS, environment: environment)) }
        return findings
    }

    /// A local snapshot read and checked against its declaration.
    private static func snapshot(_ name: String, _ settings: SnapshotDimensionSettings, catalog: Catalog) -> Finding {
        let subject = "dimensions.\(name)"
        guard let definition = catalog.table(name)?.current else {
            return Finding(severity: .problem, subject: subject, text: "not declared in Schemas/")
        }
        do {
            let format = try SnapshotFormat(named: settings.format, orPath: settings.snapshot)
            guard let bytes = FileManager.default.contents(atPath: settings.snapshot) else {
                return Finding(severity: .problem, subject: subject, text: "cannot read \(settings.snapshot)")
            }
            let rows = try SnapshotReader.read(Array(bytes), format: format, definition: definition)
            return Finding(severity: .ok, subject: subject, text: "\(settings.snapshot): \(rows.rowCount) rows (\(format))")
        } catch {
            return Finding(severity: .problem, subject: subject, text: "\(settings.snapshot): \(error.message)")
        }
    }

    /// The warehouse settings as the loader would take them (nothing is connected).
    private static func warehouse(_ configuration: WorkerConfiguration) -> Finding {
        let warehouse = configuration.warehouse
        if !warehouse.url.isEmpty {
            do {
                let url = try PostgresURL(warehouse.url)
                return Finding(severity: .ok, subject: "warehouse", text: "\(warehouse.dialect) over the wire protocol at \(url)")
            } catch {
                return Finding(severity: .problem, subject: "warehouse", text: error.message)
            }
        }
        if warehouse.dialect == .postgres {
            return Finding(severity: .problem, subject: "warehouse", text: "warehouse.dialect is postgres: set warehouse.url")
        }
        if warehouse.redshiftData.isEmpty {
            return Finding(severity: .warning, subject: "warehouse",
                text: "no warehouse.url nor warehouse.redshift_data: the loader cannot run (the worker can)")
        }
        return Finding(severity: .ok, subject: "warehouse", text: "Redshift Data API")
    }

    /// Whether the credential chain finds credentials (the providers are asked, nothing else).
    private static func credentials(for users: [String], environment: [String: String]?) -> Finding {
        let aws = environment.map { AWSEnvironment(variables: $0) } ?? AWSEnvironment()
        let chain = CredentialsChain.standard(environment: aws)
        do {
            _ = try chain.require()
            return Finding(severity: .ok, subject: "credentials", text: "found in the chain (for \(users.joined(separator: ", ")))")
        } catch {
            return Finding(severity: .problem, subject: "credentials", text: "\(error.message) (needed for \(users.joined(separator: ", ")))")
        }
    }

    /// The configuration with every default filled in, as YAML, secrets withheld (a URL's
    /// password, sensitive librdkafka properties).
    public static func effectiveYAML(_ configuration: WorkerConfiguration) throws -> String {
        var shown = configuration
        if !shown.warehouse.url.isEmpty, let url = try? PostgresURL(shown.warehouse.url) { shown.warehouse.url = "\(url)" }
        for key in shown.kafka.properties.keys where Self.isSensitive(key) { shown.kafka.properties[key] = "(withheld)" }
        return try YAMLEncoder().encode(shown)
    }

    private static func isSensitive(_ property: String) -> Bool {
        property.contains("password") || property.contains("secret") || property.hasSuffix(".key.pem") || property.contains("jaas")
    }
}
