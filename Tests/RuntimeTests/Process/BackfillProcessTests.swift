import Foundation
import MillraceTesting
import Testing

/// The real `millrace backfill` in separate processes (`scripts/testing/backfill_process.py`):
/// `kill -9` and Ctrl-C mid-backfill, then the same command again; its progress output without a
/// terminal and under a pseudo-terminal; configuration errors. The staging folders are checked
/// with pyarrow and the topic with kcat, independently of Millrace's code.
@Suite("Backfill processes", .serialized)
struct BackfillProcessTests {
    private func scenario(_ name: String, _ extra: [String] = []) async throws -> [String: Any] {
        let output = try await Subprocess.run([
            "python3", PackagePaths.root.appendingPathComponent("scripts/testing/backfill_process.py").path, name,
            "--bin", PackagePaths.builtExecutable("millrace").path, "--schemas", PackagePaths.schemas.path,
        ] + extra).output
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(output.suffix(1000))")
    }

    @Test("kill -9 mid-backfill, then the same command: every record of the range once, no batch twice, the result of an uninterrupted run, in the warehouse too")
    func killNineAndResume() async throws {
        let servers = try TestServers.require()
        let result = try await scenario("kill9", ["--pg", servers.postgresURL])
        #expect(result["reached"] as? Bool == true, "the first run committed batches before the kill")
        #expect(result["exit"] as? Int == 0, "\(result["stderr"] ?? "")")
        #expect(result["problems"] as? [String] == [], "\(result["problems"] ?? "")")
        #expect(result["same_ranges_as_clean_run"] as? Bool == true)
        #expect(result["same_keys_as_clean_run"] as? Bool == true)
        #expect(result["staged_outside_range"] as? Int == 0)
        // Both folders loaded by `millrace load --once`: the same facts, every key once, one
        // ledger row per (batch, table) of each commit log.
        let resumed = try #require(result["warehouse"] as? [String: Any])
        let reference = try #require(result["reference_warehouse"] as? [String: Any])
        for (name, warehouse) in [("resumed", resumed), ("uninterrupted", reference)] {
            #expect(warehouse["exit"] as? Int == 0, "\(name): \(warehouse["stderr"] ?? "")")
            #expect(warehouse["duplicates"] as? Int == 0, "\(name): a key loaded twice")
            #expect(warehouse["ledger_matches"] as? Bool == true, "\(name): the ledger is not one row per (batch, table)")
            #expect((warehouse["rows"] as? Int ?? 0) > 1000, "\(name): \(warehouse)")
        }
        #expect(resumed["digest"] as? String == reference["digest"] as? String, "the resumed run's warehouse differs from the uninterrupted run's")
    }

    @Test("Ctrl-C commits the open batch, prints the summary and exits 130; the same command finishes the range")
    func interruptAndResume() async throws {
        let result = try await scenario("sigint")
        #expect(result["reached"] as? Bool == true)
        #expect(result["exit"] as? Int == 130, "\(result["message"] ?? "")")
        let message = result["message"] as? String ?? ""
        #expect(message.contains("backfill: done in") && message.contains("run the same command again to resume"), "\(message)")
        #expect(result["pending_after_signal"] as? Int == 0, "the open batch was committed, not left pending")
        #expect(result["resumed_exit"] as? Int == 0)
        #expect(result["problems"] as? [String] == [], "\(result["problems"] ?? "")")
    }

    @Test("without a terminal: progress lines with records, bytes, rate and percent of the offsets, then the summary; --dry-run prints the SQL")
    func progressLines() async throws {
        let result = try await scenario("progress")
        #expect(result["exit"] as? Int == 0, "\(result["stderr"] ?? "")")
        let stderr = result["stderr"] as? String ?? ""
        let span = result["span"] as? Int ?? -1
        let total = "of \(Self.grouped(span)) offsets"
        let lines = stderr.split(separator: "\n").filter { $0.hasPrefix("backfill: ") && $0.contains(total) }
        #expect(!lines.isEmpty, "no progress line naming the offset range (\(total)): \(stderr)")
        let last = try #require(lines.last)
        #expect(last.contains("100.0% \(total)") && last.contains(" records, ") && last.contains(" rec/s, ") && last.contains("/s, ")
            && last.contains("ETA 0s") && last.contains("elapsed "), "\(last)")
        let rows = result["rows"] as? Int ?? -1
        let batches = result["batches"] as? Int ?? -1
        for line in [
            "backfill: done in ", "  rows fact_entity_values     \(Self.grouped(rows))", "  dead letters  ", "  files  ",
            "  batches                     \(Self.grouped(batches))", "  elapsed  ", "    malformed_json  ",
        ] {
            #expect(stderr.contains(line), "missing `\(line)` in the summary:\n\(stderr.suffix(1500))")
        }
        #expect(result["sql_bootstrap"] as? Bool == true, "--dry-run prints the loader's SQL")
        #expect((result["sql_merges"] as? Int ?? 0) >= batches, "a MERGE per committed batch at least")
    }

    @Test("on a terminal (a pseudo-terminal): the bar is redrawn in place, reaches 100 %, and the run exits 0 with its summary")
    func barOnATerminal() async throws {
        let result = try await scenario("tty")
        #expect(result["exit"] as? Int == 0, "\(result["output"] ?? "")")
        let output = result["output"] as? String ?? ""
        #expect((result["redraws"] as? Int ?? 0) >= 1)
        #expect(output.contains("] 100.0%") && output.contains("backfill: done in"), "\(output)")
    }

    @Test("configuration errors exit 2 with the reason; malformed flags are usage errors (64)")
    func configurationErrors() async throws {
        let result = try await scenario("config")
        for (name, expected, status) in [
            ("unknown_key", "did you mean \"chunk_rows\"", 2), ("empty_range", "the backfill range is empty", 2),
            ("postgres_without_url", "needs backfill.source_url or --source-url", 2), ("bad_instant", "is not an ISO-8601 instant", 64),
        ] {
            let outcome = try #require(result[name] as? [String: Any])
            #expect(outcome["exit"] as? Int == status, "\(name): \(outcome)")
            #expect((outcome["stderr"] as? String ?? "").contains(expected), "\(name): \(outcome)")
        }
    }

    private static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }
}
