import Foundation
import MillraceTesting
import Runtime
import Testing

/// The one version string, as each surface reports it (the startup log line and the Parquet
/// footers are checked by `DryRunProcessTests`, the gauge by `TelemetryTests`).
@Suite("Version")
struct VersionTests {
    @Test("millrace --version prints Build.version and exits 0")
    func versionFlag() async throws {
        let result = try await Subprocess.run([PackagePaths.builtExecutable("millrace").path, "--version"])
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == Build.version)
    }

    @Test("the version is semantic (major.minor.patch) and the Parquet created_by carries it in parquet-format's form")
    func shape() {
        let parts = Build.version.split(separator: ".")
        #expect(parts.count == 3 && parts.allSatisfy { Int($0) != nil }, "\(Build.version)")
        #expect(Build.parquetCreatedBy == "millrace version \(Build.version)")
    }
}
