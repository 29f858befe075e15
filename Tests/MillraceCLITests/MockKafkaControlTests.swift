import Foundation
import MillraceTesting
import Testing

/// `millrace mock-kafka --control` as the soak harness drives it: commands on standard input,
/// one answer line each on standard output, their effect seen by kcat.
@Suite("millrace mock-kafka --control", .timeLimit(.minutes(2)))
struct MockKafkaControlTests {
    @Test("a broker taken down refuses kcat and serves it again once up; a bad command is answered with an error and changes nothing")
    func control() async throws {
        // Python drives the process: every read and wait below is bounded by a timeout.
        let output = try await Subprocess.python("""
            import json, subprocess, sys
            mock = subprocess.Popen([sys.argv[1], "mock-kafka", "--brokers", "1", "--topic", "orders:2", "--control"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
            bootstrap = mock.stdout.readline().strip()
            def command(line):
                mock.stdin.write(line + "\\n"); mock.stdin.flush()
                return mock.stdout.readline().strip()
            def metadata():
                return subprocess.run(["timeout", "30", "kcat", "-L", "-b", bootstrap, "-t", "orders", "-m", "3"],
                                      capture_output=True, text=True).returncode
            result = {"bootstrap": bootstrap, "before": metadata(), "down": command("down 1"), "while_down": metadata(),
                      "up": command("up 1"), "after": metadata(), "bogus": command("reboot 1"),
                      "errors": command("errors offset_commit NOT_COORDINATOR REQUEST_TIMED_OUT")}
            mock.stdin.close()
            mock.terminate()
            result["exit"] = mock.wait(timeout=20)
            print(json.dumps(result))
            """, arguments: [PackagePaths.builtExecutable("millrace").path])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect((result["bootstrap"] as? String)?.isEmpty == false)
        #expect(result["before"] as? Int == 0)
        #expect(result["down"] as? String == "ok")
        #expect(result["while_down"] as? Int != 0, "kcat reached a broker that was down")
        #expect(result["up"] as? String == "ok")
        #expect(result["after"] as? Int == 0)
        #expect((result["bogus"] as? String)?.hasPrefix("error: `reboot 1`: expected errors API CODE") == true, "\(result["bogus"] ?? "")")
        #expect(result["errors"] as? String == "ok")
        #expect(result["exit"] as? Int == 0)
    }
}
