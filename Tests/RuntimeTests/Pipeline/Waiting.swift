import Foundation

/// Waits until `condition` holds, polling every 100 ms, for at most `seconds`; the error says
/// what was waited for. The pipeline tests assert convergence, so their waits are generous.
func waitUntil(_ seconds: Double, _ what: String, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() {
        guard Date() < deadline else { throw WaitTimedOut(what: what, seconds: seconds) }
        try await Task.sleep(for: .milliseconds(100))
    }
}

/// `waitUntil` gave up.
struct WaitTimedOut: Error, CustomStringConvertible {
    var what: String
    var seconds: Double
    var description: String { "waited \(Int(seconds)) s for \(what)" }
}
