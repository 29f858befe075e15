import Engine
import Foundation
import Loader
import Logging
@testable import Runtime
import Staging
import Synchronization
import Testing
import Warehouse

@Suite("Telemetry")
struct TelemetryTests {
    static let wallClock = Date(timeIntervalSince1970: 1_795_628_530)

    @Test("a committed batch shows up in the Prometheus exposition with its counts")
    func committedBatch() {
        let telemetry = Telemetry(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), now: { Self.wallClock })
        var record = CommitRecord(
            batchID: BatchID(createdAtMillis: 1_795_628_520_000, random: 1), state: .committed, worker: "w",
            sources: [], plannedPrefixes: [])
        record.files = [StagedFile(key: "k", table: "fact_entity_values", schemaVersion: 1, hour: "h", rows: 40, bytes: 1000)]
        record.deadLetters = DeadLetterFile(key: "d", records: 3, reasons: ["malformed_json": 2, "bad_base64": 1], bytes: 10)
        record.stats.duplicatesRemoved = 7
        record.stats.sourceTimeMillis = 1_795_628_519_000
        telemetry.emit(.batchCommitted(record, durationMillis: 1200))
        telemetry.emit(.consumerLag(ConsumerLagReading(lags: [SourcePartition(topic: "t", partition: 3): 42], isComplete: true)))
        let text = String(decoding: telemetry.exposition(), as: UTF8.self)
        #expect(text.contains(#"millrace_staged_rows_total{table="fact_entity_values"} 40"#))
        #expect(text.contains(#"millrace_staged_bytes_total{table="fact_entity_values"} 1000"#))
        #expect(text.contains(#"millrace_dead_letters_total{reason="malformed_json"} 2"#))
        #expect(text.contains("millrace_duplicates_removed_total 7"))
        #expect(text.contains(#"millrace_consumer_lag_messages{topic="t",partition="3"} 42.0"#))
        #expect(text.contains("millrace_consumer_lag_last_success_timestamp_seconds 1795628530.0"))
        #expect(text.contains("millrace_data_as_of_timestamp_seconds 1795628519.0"))
        #expect(text.contains("millrace_last_commit_timestamp_seconds 1795628530.0"))
        #expect(text.contains("millrace_batch_duration_seconds_count 1"))
        #expect(text.contains("millrace_batch_duration_seconds_sum 1.2"))
        #expect(text.contains(#"millrace_batch_duration_seconds_bucket{le="2.5"} 1"#))
        #expect(text.contains(#"millrace_batch_duration_seconds_bucket{le="1.0"} 0"#))
        #expect(!telemetry.isReady)
        telemetry.emit(.readiness(true))
        #expect(telemetry.isReady)
    }

    @Test("batches Kafka names with no record raise the unrecorded counter and an error log")
    func unrecordedAlert() {
        let lines = LogLines()
        let telemetry = Telemetry(logger: Logger(label: "test") { _ in LogLines.Handler(lines: lines) })
        let batches = [BatchID(createdAtMillis: 1_795_628_520_000, random: 1), BatchID(createdAtMillis: 1_795_628_520_001, random: 2)]
        telemetry.emit(.unrecordedBatches(batches))
        let text = String(decoding: telemetry.exposition(), as: UTF8.self)
        #expect(text.contains("millrace_unrecorded_batches_total 2"), "\(text)")
        #expect(lines.all.contains { $0.level == .error && $0.text.contains(batches[1].rawValue) })
        telemetry.emit(.batchUncertain(batches[0], committed: false))
        #expect(String(decoding: telemetry.exposition(), as: UTF8.self).contains(#"millrace_batches_uncertain_total{outcome="kept"} 1"#))
    }

    @Test("lag series: an incomplete reading leaves the last success alone; revoked and lost partitions' series go away")
    func lagSeries() {
        let clock = Mutex(Self.wallClock)
        let telemetry = Telemetry(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), now: { clock.withLock { $0 } })
        let p0 = SourcePartition(topic: "t", partition: 0), p1 = SourcePartition(topic: "t", partition: 1), p2 = SourcePartition(topic: "t", partition: 2)
        telemetry.emit(.consumerLag(ConsumerLagReading(lags: [p0: 1, p1: 2, p2: 3], isComplete: true)))
        clock.withLock { $0 = $0.addingTimeInterval(60) }
        telemetry.emit(.consumerLag(ConsumerLagReading(lags: [p0: 10], isComplete: false)))
        var text = String(decoding: telemetry.exposition(), as: UTF8.self)
        #expect(text.contains("millrace_consumer_lag_last_success_timestamp_seconds 1795628530.0"), "\(text)")
        #expect(text.contains(#"millrace_consumer_lag_messages{topic="t",partition="0"} 10.0"#))
        telemetry.emit(.partitionsRevoked([p1]))
        telemetry.emit(.partitionsLost([p2]))
        text = String(decoding: telemetry.exposition(), as: UTF8.self)
        #expect(text.contains(#"millrace_consumer_lag_messages{topic="t",partition="0"} 10.0"#))
        #expect(!text.contains(#"partition="1"}"#) && !text.contains(#"partition="2"}"#), "\(text)")
        // A partition assigned again reports again.
        telemetry.emit(.consumerLag(ConsumerLagReading(lags: [p0: 0, p1: 7], isComplete: true)))
        text = String(decoding: telemetry.exposition(), as: UTF8.self)
        #expect(text.contains(#"millrace_consumer_lag_messages{topic="t",partition="1"} 7.0"#))
        #expect(text.contains("millrace_consumer_lag_last_success_timestamp_seconds 1795628590.0"), "\(text)")
    }

    @Test("a load cycle's report shows up as the loader's metrics; a failure counts by code")
    func loadCycle() throws {
        let telemetry = Telemetry(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        var report = CycleReport(lease: .held(LeaseGrant(name: "n", token: 1)))
        report.loads = [CycleReport.TableLoad(table: "dim_entities", batches: 2, files: 3, rows: 40, bytes: 900, duration: .seconds(2))]
        report.waiting = 5
        report.quarantinedTotal = 1
        report.duration = .milliseconds(2500)
        report.freshness = [CycleReport.Freshness(table: "dim_entities", dataAsOf: "x", frozen: false, epochSeconds: 1_795_628_400)]
        telemetry.emit(.loadCycle(report))
        telemetry.emit(.loadFailed(LoaderError(.connection, "gone")))
        let text = String(decoding: telemetry.exposition(), as: UTF8.self)
        #expect(text.contains(#"millrace_load_rows_total{table="dim_entities"} 40"#))
        #expect(text.contains(#"millrace_load_batches_total{table="dim_entities"} 2"#))
        #expect(text.contains("millrace_load_batches_waiting 5.0"))
        #expect(text.contains("millrace_load_batches_quarantined 1.0"))
        #expect(text.contains("millrace_load_cycle_duration_seconds_sum 2.5"))
        #expect(text.contains(#"millrace_load_cycle_duration_seconds_bucket{le="5.0"} 1"#))
        #expect(text.contains(#"millrace_warehouse_data_as_of_timestamp_seconds{table="dim_entities"} 1795628400.0"#))
        #expect(text.contains(#"millrace_load_cycle_failures_total{code="connection"} 1"#))
    }
}

@Suite("Telemetry: names, help and the process")
struct TelemetryExpositionTests {
    /// A telemetry instance that has seen one of every event.
    static func everything() -> Telemetry {
        let telemetry = Telemetry(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        var record = CommitRecord(
            batchID: BatchID(createdAtMillis: 1_795_628_520_000, random: 1), state: .committed, worker: "w",
            sources: [], plannedPrefixes: [])
        record.files = [StagedFile(key: "k", table: "fact_entity_values", schemaVersion: 1, hour: "h", rows: 40, bytes: 1000)]
        record.deadLetters = DeadLetterFile(key: "d", records: 1, reasons: ["malformed_json": 1], bytes: 10)
        record.stats.enrichmentMisses = ["dim_attributes": 2]
        record.stats.sourceTimeMillis = 1_795_628_519_000
        let partition = SourcePartition(topic: "t", partition: 0)
        var report = CycleReport(lease: .held(LeaseGrant(name: "n", token: 1)))
        report.loads = [CycleReport.TableLoad(table: "dim_entities", batches: 1, files: 1, rows: 1, bytes: 1, duration: .seconds(1))]
        report.quarantined = [CycleReport.Quarantine(batch: "b", table: "dim_entities", error: "e")]
        report.freshness = [CycleReport.Freshness(table: "dim_entities", dataAsOf: "x", frozen: false, epochSeconds: 1)]
        let events: [TelemetryEvent] = [
            .batchCommitted(record, durationMillis: 10), .batchAbandoned(record.batchID, reason: "r", fenced: true),
            .partitionsAssigned([partition]), .partitionsRevoked([partition]), .partitionsLost([partition]),
            .recovered([record.batchID]), .swept(committed: 1, abandoned: 1), .consumerLag(ConsumerLagReading(lags: [partition: 5], isComplete: true)),
            .retry(component: "s3", reason: "r"), .s3Request(operation: "PutObject", duration: .milliseconds(30), errorCode: nil),
            .s3Request(operation: "PutObject", duration: .seconds(2), errorCode: "accessDenied"),
            .dimensionLoaded(name: "dim_attributes", rows: 3), .readiness(true), .loadCycle(report),
            .loadFailed(LoaderError(.connection, "gone")),
        ]
        for event in events { telemetry.emit(event) }
        return telemetry
    }

    @Test("every family exported is in the MetricName catalog, with its # HELP and # TYPE lines as the catalog says")
    func familiesMatchTheCatalog() throws {
        let text = String(decoding: Self.everything().exposition(), as: UTF8.self)
        let catalog = Dictionary(uniqueKeysWithValues: MetricName.allCases.map { ($0.name, $0) })
        var typed: [String: String] = [:]
        var helped: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# ") {
            let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
            if parts[1] == "TYPE" { typed[parts[2]] = parts[3] }
            if parts[1] == "HELP" { helped[parts[2]] = parts[3] }
        }
        #expect(typed.count >= 30, "\(typed.keys.sorted())")
        for (family, type) in typed {
            let metric = try #require(catalog[family], "\(family) is exported but not in MetricName")
            #expect(type == metric.descriptor.kind.rawValue, "\(family)")
            #expect(helped[family] == metric.descriptor.help, "\(family) has no or a different # HELP line")
        }
        // Every sample line belongs to a typed family (histograms add _bucket, _sum and _count).
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            let family = ["_bucket", "_sum", "_count"].reduce(name) { name, suffix in
                typed[name] == nil && name.hasSuffix(suffix) ? String(name.dropLast(suffix.count)) : name
            }
            #expect(typed[family] != nil, "\(line)")
        }
    }

    @Test("counters end in _total, timestamps in _timestamp_seconds, histograms and units are named for base units")
    func namingConventions() {
        for metric in MetricName.allCases {
            let name = metric.name
            let descriptor = metric.descriptor
            #expect(name.hasPrefix("millrace_") || name.hasPrefix("process_"), "\(name)")
            #expect((descriptor.kind == .counter) == name.hasSuffix("_total"), "\(name): _total is for counters only")
            if descriptor.unit == "seconds" || descriptor.unit == "bytes" {
                #expect(name.hasSuffix("_\(descriptor.unit)") || name.hasSuffix("_\(descriptor.unit)_total"), "\(name)")
            }
            #expect(!name.contains("millis") && !name.contains("_ms"), "\(name): base units only")
            #expect(descriptor.kind == .histogram ? !descriptor.buckets.isEmpty : descriptor.buckets.isEmpty, "\(name)")
            #expect(descriptor.help.hasSuffix(".") && !descriptor.help.contains("\n"), "\(name)")
        }
    }

    @Test("build info, S3 requests by operation and the process metrics from /proc")
    func buildS3AndProcess() throws {
        let text = String(decoding: Self.everything().exposition(), as: UTF8.self)
        #expect(text.contains(#"millrace_build_info{version="\#(Build.version)"} 1.0"#))
        #expect(text.contains(#"millrace_s3_request_duration_seconds_count{operation="PutObject"} 2"#))
        #expect(text.contains(#"millrace_s3_request_duration_seconds_bucket{operation="PutObject",le="0.05"} 1"#))
        #expect(text.contains(#"millrace_s3_request_errors_total{operation="PutObject",code="accessDenied"} 1"#))
        #expect(text.contains(#"millrace_retries_total{component="s3"} 1"#))
        func value(_ name: String) throws -> Double {
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("\(name) ") }, "\(name) missing")
            return try #require(Double(line.split(separator: " ")[1]))
        }
        #expect(try value("process_resident_memory_bytes") > 1_000_000)
        #expect(try value("process_virtual_memory_bytes") >= (try value("process_resident_memory_bytes")))
        #expect(try value("process_cpu_seconds_total") > 0)
        #expect(try value("process_open_fds") >= 3)
        #expect(try value("process_max_fds") >= (try value("process_open_fds")))
        let started = try value("process_start_time_seconds")
        let now = Date().timeIntervalSince1970
        #expect(started <= now + 1 && started > now - 7 * 86_400, "start \(started), now \(now)")
    }

    @Test("/proc/self/stat is read by field position after the command name, which may hold spaces and parentheses")
    func statParsing() throws {
        // The layout of proc(5) (/proc/pid/stat), with a command name that would break naive splitting.
        let stat = "4242 (millrace (w 1)) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 150 0 0 20 0 12 0 "
            + "1000 734003200 25600 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n"
        let metrics = try #require(ProcessMetrics.parse(
            stat: stat, bootTime: 1_700_000_000, ticksPerSecond: 100, pageSize: 4096, openFDs: 9, maxFDs: 1024))
        #expect(metrics.cpuSeconds == 4.0)  // (250 + 150) ticks / 100
        #expect(metrics.startTimeSeconds == 1_700_000_010)  // boot + 1000 ticks / 100
        #expect(metrics.virtualBytes == 734_003_200)
        #expect(metrics.residentBytes == 25_600 * 4096)
        #expect(ProcessMetrics.bootTime("cpu  1 2 3\nbtime 1700000000\nprocesses 9\n") == 1_700_000_000)
        #expect(ProcessMetrics.parse(stat: "4242 (truncated", bootTime: 0, ticksPerSecond: 100, pageSize: 4096, openFDs: 0, maxFDs: 0) == nil)
    }
}
