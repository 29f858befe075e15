import Catalog
import Foundation
import MillraceTesting
@testable import Runtime
import Testing

@Suite("Worker configuration")
struct ConfigurationTests {
    @Test("an empty file gives the documented defaults")
    func defaults() throws {
        let configuration = try ConfigurationLoader.parse("", source: "empty")
        #expect(configuration.pipeline.window.milliseconds == 30_000)
        #expect(configuration.pipeline.maxBatchBytes.bytes == 64 << 20)
        #expect(configuration.kafka.groupID == "millrace-eav")
        // No bucket by default (the seed's eav-olap is someone's real bucket): one of bucket and
        // local_dir must be set for a command that stages or loads.
        #expect(configuration.staging.bucket == "")
        #expect(configuration.staging.localDir == "")
        #expect(configuration.warehouse.dialect == .redshift)
        #expect(configuration.warehouse.leaseTTL.milliseconds == 300_000)
        #expect(!configuration.warehouse.loadInWorker)
        #expect(configuration.staging.keyTemplate == "staging/{table}/{yyyy}/{MM}/{dd}/{HH}/{file}.parquet")
        #expect(configuration.warehouse.loadInterval.milliseconds == 300_000)
    }

    @Test("the default sweep grace is valid, and a worker stops fencing a batch at 10m10s, past max.poll.interval.ms")
    func commitTimingDefaults() throws {
        let configuration = try ConfigurationLoader.parse("", source: "empty")
        let limits = configuration.commitTimingLimits
        #expect(limits.marginMillis == 60_000 + 45_000 + 3 * 60_000 + 5_000)
        #expect(limits.maxBatchAgeMillis == 610_000)
        #expect(limits.maxBatchAgeMillis >= limits.maxPollIntervalMillis)
        // The smallest grace accepted with the defaults is 9m50s.
        #expect(throws: Never.self) { try ConfigurationLoader.parse("pipeline:\n  sweep_grace: 590s\n", source: "c.yaml") }
        #expect(throws: Never.self) { try ConfigurationLoader.parse("pipeline:\n  sweep_grace: 10m\n", source: "c.yaml") }
    }

    @Test("the sample configuration shipped in deploy/ parses and validates")
    func shippedSample() throws {
        let configuration = try ConfigurationLoader.load(
            path: PackagePaths.root.appendingPathComponent("deploy/millrace.yaml").path, environment: [:])
        #expect(configuration.kafka.topics.count == 5)
        #expect(configuration.kafka.properties["sasl.mechanisms"] == "OAUTHBEARER")
        #expect(configuration.dimensions["dim_attributes"]?.format == "csv")
        #expect(configuration.pipeline.unavailableValuePlaceholder == "__debezium_unavailable_value")
        #expect(configuration.pipeline.threads == 0)
    }

    @Test("pipeline.unavailable_value_placeholder sets the connector's unavailable.value.placeholder")
    func unavailableValuePlaceholder() throws {
        let configuration = try ConfigurationLoader.parse(
            "pipeline:\n  unavailable_value_placeholder: \"hex:2a746f6173742a\"\n", source: "millrace.yaml", environment: [:])
        #expect(configuration.pipeline.unavailableValuePlaceholder == "hex:2a746f6173742a")
        #expect(PipelineSettings().unavailableValuePlaceholder == "__debezium_unavailable_value")
    }

    @Test("pipeline.threads: 0 (every available core) by default, a number, or a clear error outside 0 ... 256")
    func threads() throws {
        #expect(try ConfigurationLoader.parse("", source: "c.yaml").pipeline.threads == 0)
        #expect(try ConfigurationLoader.parse("pipeline:\n  threads: 2\n", source: "c.yaml").pipeline.threads == 2)
        for bad in ["-1", "257"] {
            let error = #expect(throws: RuntimeError.self) { try ConfigurationLoader.parse("pipeline:\n  threads: \(bad)\n", source: "c.yaml") }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains("pipeline.threads must be 0 (every available core) ... 256, not \(bad)") == true)
        }
        #expect(throws: RuntimeError.self) { try ConfigurationLoader.parse("pipeline:\n  threads: two\n", source: "c.yaml") }
    }

    @Test("a misspelt key is an error naming it and suggesting the right one")
    func unknownKey() {
        let error = #expect(throws: RuntimeError.self) {
            try ConfigurationLoader.parse("kafka:\n  bootstap_servers: x:9092\n", source: "millrace.yaml")
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("kafka.bootstap_servers") == true)
        #expect(error?.message.contains("did you mean \"bootstrap_servers\"") == true)
    }

    @Test("environment variables override the file, librdkafka properties included")
    func environmentOverrides() throws {
        let configuration = try ConfigurationLoader.parse(
            "kafka:\n  bootstrap_servers: file:9092\n", source: "millrace.yaml",
            environment: [
                "MILLRACE__KAFKA__BOOTSTRAP_SERVERS": "env:9092",
                "MILLRACE__KAFKA__PROPERTIES__SECURITY_PROTOCOL": "SASL_SSL",
                "MILLRACE__KAFKA__TOPICS": "[a, b]",
                "MILLRACE__PIPELINE__WINDOW": "2s",
                "MILLRACE__DIMENSIONS__DIM_ATTRIBUTES__SNAPSHOT": "/tmp/attributes.csv",
                "UNRELATED": "ignored",
            ])
        #expect(configuration.kafka.bootstrapServers == "env:9092")
        #expect(configuration.kafka.properties == ["security.protocol": "SASL_SSL"])
        #expect(configuration.kafka.topics == ["a", "b"])
        #expect(configuration.pipeline.window.milliseconds == 2000)
        #expect(configuration.dimensions["dim_attributes"]?.snapshot == "/tmp/attributes.csv")
    }

    @Test("invalid values are refused with the key's path", arguments: [
        ("pipeline:\n  window: soon\n", "pipeline.window"),
        ("pipeline:\n  max_batch_bytes: 10\n", "max_batch_bytes"),
        ("warehouse:\n  dialect: oracle\n", "warehouse.dialect"),
        ("kafka:\n  properties:\n    enable.auto.commit: \"true\"\n", "enable.auto.commit"),
        ("kafka:\n  properties:\n    partition.assignment.strategy: range\n", "kafka.properties.partition.assignment.strategy is managed"),
        ("kafka:\n  properties:\n    group.id: other\n", "set kafka.group_id"),
        ("kafka:\n  properties:\n    group.instance.id: pod-0\n", "set kafka.group_instance_id"),
        ("kafka:\n  properties:\n    isolation.level: read_uncommitted\n", "read_committed"),
        ("pipeline:\n  shutdown_grace: 0s\n", "pipeline.shutdown_grace must be at least 1s"),
        ("dimensions:\n  d:\n    format: csv\n", "dimensions.d.snapshot"),
        ("- a list\n", "expected"),
        // max.poll.interval.ms (300 s) + the margin: 60 s of skew + 45 s session + 3 × 60 s socket + 5 s.
        ("pipeline:\n  sweep_grace: 589s\n", "sweep_grace must be at least 590000ms"),
        ("pipeline:\n  sweep_grace: 5m\n", "max.poll.interval.ms and session.timeout.ms (300000ms)"),
        // The session timeout counts twice: as how long the group keeps a silent member, and as
        // how long librdkafka defers a commit while it knows no coordinator.
        ("pipeline:\n  sweep_grace: 8m\nkafka:\n  properties:\n    max.poll.interval.ms: \"120000\"\n    session.timeout.ms: \"120000\"\n",
         "at least 485000ms"),
        // The clock skew allowance is part of the margin.
        ("pipeline:\n  sweep_grace: 10m\n  max_clock_skew: 2m\n", "at least 650000ms"),
        ("pipeline:\n  sweep_grace: 10m\nkafka:\n  properties:\n    socket.timeout.ms: \"90000\"\n", "at least 680000ms"),
        ("pipeline:\n  max_clock_skew: -1s\n", "pipeline.max_clock_skew"),
        ("observability:\n  log_level: verbose\n",
         #"observability.log_level: expected one of trace, debug, info, notice, warning, error, critical; got "verbose""#),
        ("observability:\n  log_format: xml\n", #"expected one of json, text; got "xml""#),
        ("pipeline:\n  max_batch_rows: abc\n", #"c.yaml: pipeline.max_batch_rows: expected an integer, got "abc""#),
        ("kafka:\n  topics: one\n", #"kafka.topics: expected a list, got "one""#),
        ("observability:\n  listen: '::1:9464'\n", "observability.listen must be host:port, [ipv6]:port or a port"),
        ("observability:\n  listen: 'localhost:http'\n", "observability.listen must be"),
    ])
    func invalidValues(text: String, mention: String) {
        let error = #expect(throws: RuntimeError.self) { try ConfigurationLoader.parse(text, source: "c.yaml") }
        #expect(error?.message.contains(mention) == true, "message: \(error?.message ?? "")")
    }

    @Test("an override with a bad value names its environment variable, not the file")
    func badOverride() {
        let error = #expect(throws: RuntimeError.self) {
            try ConfigurationLoader.parse("pipeline: {window: 30s}\n", source: "c.yaml", environment: ["MILLRACE__PIPELINE__MAX_BATCH_ROWS": "x"])
        }
        #expect(error?.message == #"environment variable MILLRACE__PIPELINE__MAX_BATCH_ROWS: pipeline.max_batch_rows: expected an integer, got "x""#,
            "\(error?.message ?? "")")
        // Without a file, the configuration is named as such (not "defaults").
        let bare = #expect(throws: RuntimeError.self) { try ConfigurationLoader.load(path: nil, environment: ["MILLRACE__OBSERVABILITY__LOG_LEVEL": "loud"]) }
        #expect(bare?.message.hasPrefix("environment variable MILLRACE__OBSERVABILITY__LOG_LEVEL: observability.log_level") == true, "\(bare?.message ?? "")")
    }

    @Test("observability.listen takes host:port, a name, [ipv6]:port or a port alone")
    func listenForms() throws {
        #expect(try ListenAddress("0.0.0.0:9464") == ListenAddress("9464"))
        #expect(try ListenAddress(":9464").description == "0.0.0.0:9464")
        #expect(try ListenAddress("localhost:9464").host == "localhost")
        let v6 = try ListenAddress("[::1]:9464")
        #expect(v6.host == "::1" && v6.port == 9464 && v6.description == "[::1]:9464")
        for bad in ["", "::1:9464", "[::1]", "[::1]9464", "host:", "host:70000", "a b:1"] {
            #expect(throws: RuntimeError.self, "\(bad)") { try ListenAddress(bad) }
        }
        // A name resolves: the health server binds localhost.
        let server = try HealthServer(host: "localhost", port: 0, responder: .init(metrics: { [] }, isReady: { true }))
        #expect(server.port > 0)
        server.stop()
    }

    @Test("durations and sizes parse with units")
    func units() {
        #expect(ConfigDuration(parsing: "250ms")?.milliseconds == 250)
        #expect(ConfigDuration(parsing: "1.5m")?.milliseconds == 90_000)
        #expect(ConfigDuration(parsing: "-1s") == nil)
        #expect(ConfigDuration(parsing: "7d")?.milliseconds == 604_800_000)
        #expect(ConfigDuration.days(2).description == "2d")
        #expect(ConfigDuration.minutes(90).description == "90m")
        #expect(ByteSize(parsing: "64MiB")?.bytes == 64 << 20)
        #expect(ByteSize(parsing: "1GB")?.bytes == 1_000_000_000)
        #expect(ByteSize(parsing: "12 parsecs") == nil)
    }
}
