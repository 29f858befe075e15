import Engine
import Foundation
import LoadGen
import MillraceTesting
import Runtime
import Synchronization
import Staging
import Testing

/// Crash the worker at every step of the commit protocol (a simulated `kill -9`: the consumer
/// is dropped without leaving the group, nothing is cleaned up), restart it, and prove that the
/// committed staged files hold every record exactly once and nothing uncommitted is left.
@Suite("Crash and restart at every protocol step", .serialized)
struct CrashRestartTests {
    /// Every step a batch passes on its normal path; the uncertain fence needs injected Kafka
    /// faults and is crashed at in `UncertainCommitTests`.
    static let normalPath = CrashPoint.allCases.filter { $0 != .afterUncertainFence }

    @Test("no loss, no duplicate, no orphan after a crash", arguments: normalPath)
    func crashThenRestart(at point: CrashPoint) async throws {
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 2400, seed: 11) { settings in
            settings.duplicateRate = 0.05
            settings.deleteRate = 0.02
            settings.malformedRate = 0.01
            // A column added mid-stream: the evolved version is part of the batch that
            // introduces it, so a crash before that batch's fence must leave no version behind.
            settings.addColumnAt = 700
        }
        var configuration = fixture.configuration(group: "crash-\(point.rawValue)")
        configuration.pipeline.maxBatchRows = 600

        // The crash hits the second time the point is reached, so one batch commits first; the
        // column is added once, so its version is claimed once: the crash hits that claim.
        let crashAt = point == .afterSchemaClaim ? 1 : 2
        let reached = Atomic<Int>(0)
        await #expect(throws: SimulatedCrash.self) {
            try await fixture.runUntilDrained(configuration) { current in
                if current == point, reached.add(1, ordering: .relaxed).newValue == crashAt { throw SimulatedCrash(at: current) }
            }
        }
        #expect(reached.load(ordering: .relaxed) >= crashAt, "the crash point \(point) was reached fewer than \(crashAt) times")

        // The restarted worker's wall clock runs an hour ahead, so its first sweep resolves
        // what the crash left behind (the default grace is 15 minutes).
        try await fixture.runUntilDrained(configuration, clock: PipelineFixture.wallClockAhead(hours: 1))
        await #expect(try fixture.exactlyOnceViolations() == [])
        #expect(try fixture.orphans() == [])
        #expect(try fixture.strayClaims() == [])
        let changes = try fixture.committedRecords().flatMap(\.schemaChanges)
        #expect(changes.map(\.toVersion).sorted() == Array(Set(changes.map(\.toVersion))).sorted() && !changes.isEmpty,
                "the added column must be committed as one schema change per table: \(changes.map { "\($0.table) v\($0.toVersion)" })")
    }

    /// With a sweep grace far in the future only `recover` can finish a batch that won its fence
    /// before the crash: the restarted worker must do it on assignment.
    @Test("recover alone rolls a fenced batch forward", arguments: [CrashPoint.afterOffsetCommit, .afterCommitRecord])
    func recoverWithoutSweep(at point: CrashPoint) async throws {
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 1200, seed: 12)
        var configuration = fixture.configuration(group: "recover-\(point.rawValue)")
        configuration.pipeline.maxBatchRows = 400
        configuration.pipeline.sweepGrace = .minutes(60)

        let reached = Atomic<Int>(0)
        await #expect(throws: SimulatedCrash.self) {
            try await fixture.runUntilDrained(configuration) { current in
                if current == point, reached.add(1, ordering: .relaxed).newValue == 1 { throw SimulatedCrash(at: current) }
            }
        }
        try await fixture.runUntilDrained(configuration)
        await #expect(try fixture.exactlyOnceViolations() == [])
        #expect(try fixture.orphans() == [])
    }
}
