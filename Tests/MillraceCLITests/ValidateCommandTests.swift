import Foundation
import MillraceTesting
import Testing

/// `millrace validate` as an operator runs it before a deploy: the real binary on a complete
/// configuration, on one with problems of every kind it checks, and with credentials present.
@Suite("millrace validate")
struct ValidateCommandTests {
    private var millrace: String { PackagePaths.builtExecutable("millrace").path }
    /// No credentials anywhere, and no metadata service to ask (IMDS disabled, as the SDKs allow).
    private let bare = [
        "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "", "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true", "AWS_WEB_IDENTITY_TOKEN_FILE": "",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
    ]

    private func write(_ folder: TemporaryDirectory, _ name: String, _ text: String) throws -> String {
        let path = folder.path(name)
        try text.write(to: path, atomically: true, encoding: .utf8)
        return path.path
    }

    @Test("a complete local configuration: every check ok, the effective configuration printed with its defaults and no secret")
    func complete() async throws {
        let folder = try TemporaryDirectory(prefix: "millrace-validate")
        defer { folder.remove() }
        let attributes = try write(folder, "attributes.csv", "attribute_id,name,data_type,unit,is_hot\n1,temperature,number,C,true\n2,status,string,,false\n")
        let config = try write(folder, "millrace.yaml", """
            schemas: {dir: '\(PackagePaths.schemas.path)'}
            staging: {local_dir: '\(folder.path("staging").path)'}
            dimensions: {dim_attributes: {snapshot: '\(attributes)'}}
            warehouse: {dialect: postgres, url: 'postgresql://loader:s3cret@db.example:5432/warehouse'}
            kafka: {properties: {sasl.password: hunter2}}
            """)
        let result = try await Subprocess.run([millrace, "validate", "--config", config], environment: bare)
        #expect(result.status == 0)
        #expect(result.stderr.contains("ok       dimensions.dim_attributes: \(attributes): 2 rows (csv)"), "\(result.stderr)")
        #expect(result.stderr.contains("ok       dimensions.dim_entities: followed from its topic postgres.eav.entities"), "\(result.stderr)")
        #expect(result.stderr.contains("ok       warehouse: postgres over the wire protocol at postgresql://loader@db.example:5432/warehouse"))
        #expect(!result.stderr.contains("problem"))
        // Defaults filled in, secrets withheld.
        #expect(result.output.contains("  window: 30s") && result.output.contains("  sweep_grace: 15m"), "\(result.output)")
        #expect(result.output.contains("sasl.password: (withheld)"))
        #expect(!result.output.contains("s3cret") && !result.output.contains("hunter2") && !result.stderr.contains("s3cret"))
    }

    @Test("problems of every kind exit 2, each named: a bad snapshot, a table not declared, missing credentials for S3")
    func problems() async throws {
        let folder = try TemporaryDirectory(prefix: "millrace-validate")
        defer { folder.remove() }
        let attributes = try write(folder, "attributes.csv", "attribute_id,name\nnot-a-number,x\n")
        let config = try write(folder, "millrace.yaml", """
            schemas: {dir: '\(PackagePaths.schemas.path)', tables: [fact_entity_values, no_such_table]}
            staging: {bucket: some-bucket}
            dimensions: {dim_attributes: {snapshot: '\(attributes)'}}
            """)
        let result = try await Subprocess.run([millrace, "validate", "--config", config, "--quiet"], environment: bare, check: false)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("problem  names: schemas.tables names no_such_table, which is not a table"), "\(result.stderr)")
        #expect(result.stderr.contains("problem  dimensions.dim_attributes: \(attributes):"), "\(result.stderr)")
        #expect(result.stderr.contains("problem  credentials: no credentials found in the chain"), "\(result.stderr)")
        #expect(result.stderr.contains("(needed for staging.bucket, the Redshift Data API)"), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("millrace: the configuration has problems (above)\n"))
        #expect(result.output.isEmpty, "--quiet prints no configuration")

        // With credentials in the environment the credential check passes (nothing is called).
        var keyed = bare
        keyed["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE"
        keyed["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        let withKeys = try await Subprocess.run([millrace, "validate", "--config", config, "--quiet"], environment: keyed, check: false)
        #expect(withKeys.stderr.contains("ok       credentials: found in the chain (for staging.bucket, the Redshift Data API)"), "\(withKeys.stderr)")
        #expect(!withKeys.stderr.contains("wJalrXUtnFEMI"))
    }

    @Test("an invalid configuration exits 2 before any check, as every command does")
    func invalid() async throws {
        let folder = try TemporaryDirectory(prefix: "millrace-validate")
        defer { folder.remove() }
        let config = try write(folder, "millrace.yaml", "observability: {log_level: verbose}\n")
        for command in ["validate", "run", "load", "replay", "backfill", "reload"] {
            let extra = command == "reload" || command == "backfill" ? ["--from", "2026-12-01", "--to", "2026-12-02"] : []
            let extraInput = command == "replay" ? ["--input", "/dev/null"] : []
            let result = try await Subprocess.run([millrace, command, "--config", config] + extra + extraInput, environment: bare, check: false)
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.hasPrefix("millrace: \(config): observability.log_level: expected one of trace, debug, info"), "\(command): \(result.stderr)")
        }
    }
}
