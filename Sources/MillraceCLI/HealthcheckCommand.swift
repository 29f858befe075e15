import ArgumentParser
import Foundation
import Runtime

/// `millrace healthcheck [--url URL] [--timeout SECONDS]`: the container health check.
struct HealthcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "Probe a running worker's or loader's health endpoint: exit 0 on a 2xx answer, else 1.",
        discussion: """
            For Docker's HEALTHCHECK and ECS's healthCheck (the image has no curl). Sends one GET and prints one \
            line: the status, or why there was none. Use --url when observability.listen is not the default \
            0.0.0.0:9464; /readyz instead of /healthz asks for readiness.
            """
    )

    @Option(help: "The endpoint (http:// only).")
    var url = HealthCheck.defaultURL

    @Option(help: "Seconds to wait for the whole answer.")
    var timeout: Double = 2

    func validate() throws {
        guard HealthCheck.Target(url) != nil else {
            throw ValidationError("--url must be http://host[:port][/path], not \(url)")
        }
        guard timeout > 0, timeout <= 300 else { throw ValidationError("--timeout must be between 0 and 300 seconds") }
    }

    func run() throws {
        guard let target = HealthCheck.Target(url) else { throw ExitCode(64) }
        let outcome = HealthCheck.probe(target, timeout: .milliseconds(Int64(timeout * 1000)))
        guard outcome.isHealthy else {
            FileHandle.standardError.write(Data("millrace healthcheck: unhealthy: \(outcome.reason)\n".utf8))
            throw ExitCode(1)
        }
        print("healthy: \(outcome.reason)")
    }
}
