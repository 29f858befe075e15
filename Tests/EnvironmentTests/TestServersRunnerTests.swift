import Foundation
import MillraceTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `scripts/test-servers.py` leaves no server behind, whatever ends it: the command's failure,
/// its timeout, SIGINT, SIGTERM, SIGHUP, or the runner itself killed with SIGKILL (issue 12: a
/// PostgreSQL server outlived a failed run by 47 minutes).
///
/// Each case runs the real script, starting real PostgreSQL and moto servers, with a command
/// that prints the servers' process ids (`MILLRACE_TEST_SERVER_PIDS`) and its own, then waits.
@Suite("Test server runner cleanup", .serialized, .timeLimit(.minutes(5)))
struct TestServersRunnerTests {
    /// How a run ends.
    enum Ending: String, CaseIterable, Sendable {
        case commandFails, timeout, sigint, sigterm, sighup, sigkill

        var signal: Int32? {
            switch self {
            case .sigint: SIGINT
            case .sigterm: SIGTERM
            case .sighup: SIGHUP
            case .sigkill: SIGKILL
            case .commandFails, .timeout: nil
            }
        }

        /// The runner's exit status: the command's, 124 on timeout, 128 + the signal.
        var status: Int32 {
            switch self {
            case .commandFails: 3
            case .timeout: 124
            case .sigint, .sigterm, .sighup: 128 + (signal ?? 0)
            case .sigkill: SIGKILL
            }
        }
    }

    @Test("every server and the command are gone after the run ends", arguments: Ending.allCases)
    func noServerLeftBehind(ending: Ending) async throws {
        // The command checks first that the servers run and PostgreSQL accepts connections (its
        // first act, long before a timeout: the test's own check could come after it), then
        // prints their process ids, its own and the port. The failing command exits once the
        // test has read that line (a line on its stdin).
        let check = #"up=yes; for pid in $MILLRACE_TEST_SERVER_PIDS; do kill -0 "$pid" || up=no; done; "#
            + #"(exec 3<>"/dev/tcp/127.0.0.1/$MILLRACE_TEST_PG_PORT") 2>/dev/null || up=no; "#
        let report = #"echo "PIDS $MILLRACE_TEST_SERVER_PIDS $$ PORT $MILLRACE_TEST_PG_PORT UP $up"; "#
        let script = check + report + (ending == .commandFails ? "read line; exit 3" : "exec sleep 300")
        var arguments = [PackagePaths.root.appendingPathComponent("scripts/test-servers.py").path, "run"]
        if ending == .timeout { arguments += ["--timeout", "5"] }
        arguments += ["--", "bash", "-c", script]
        let runner = Process()
        runner.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        runner.arguments = ["python3"] + arguments
        let output = Pipe()
        let input = Pipe()
        runner.standardOutput = output
        runner.standardInput = input
        runner.standardError = FileHandle.nullDevice
        try runner.run()

        // The command's line: the servers' and its own process ids, and PostgreSQL's port.
        let line = try await Self.firstLine(startingWith: "PIDS ", of: output)
        let words = line.split(separator: " ")
        let pids = words.dropFirst().prefix { $0 != "PORT" }.compactMap { pid_t($0) }
        let port = words.firstIndex(of: "PORT").flatMap { words.count > $0 + 1 ? Int(words[$0 + 1]) : nil } ?? 0
        #expect(pids.count == 3, "\(line)")
        #expect(line.hasSuffix(" UP yes"), "the servers were not up when the command started: \(line)")

        if let signal = ending.signal { kill(runner.processIdentifier, signal) }
        if ending == .commandFails { input.fileHandleForWriting.write(Data("go\n".utf8)) }
        runner.waitUntilExit()
        #expect(runner.terminationStatus == ending.status, "exit status \(runner.terminationStatus)")

        // Stopped before the runner exits; after SIGKILL the kernel kills them (PR_SET_PDEATHSIG).
        let deadline = Date().addingTimeInterval(30)
        while pids.contains(where: Self.isAlive) && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(pids.filter(Self.isAlive) == [], "still running after the runner ended (\(ending))")
        #expect(!Self.accepts(port: port), "PostgreSQL still accepts connections on \(port)")
    }

    /// True while `pid` runs (a zombie waiting to be reaped has stopped running).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    /// True when something accepts TCP connections on loopback `port`.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// The first line of `pipe` that starts with `prefix`, read as it arrives (the suite's time
    /// limit ends a runner that never prints it).
    static func firstLine(startingWith prefix: String, of pipe: Pipe) async throws -> String {
        let handle = pipe.fileHandleForReading
        let line = await Task.detached { () -> String? in
            var text = ""
            while true {
                let data = handle.availableData
                if data.isEmpty { return nil }
                text += String(decoding: data, as: UTF8.self)
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            }
        }.value
        return try #require(line, "the runner ended without printing a line starting with \(prefix)")
    }
}
