@testable import Kafka
import Testing

@Suite("KafkaConsumerStateMachine")
struct KafkaConsumerStateMachineTests {
    let p0 = KafkaTopicPartition(topic: "t", partition: 0)
    let p1 = KafkaTopicPartition(topic: "t", partition: 1)
    let p2 = KafkaTopicPartition(topic: "t", partition: 2)

    @Test("one poll at a time")
    func pollsDoNotOverlap() throws {
        var machine = KafkaConsumerStateMachine()
        try machine.pollStarted()
        let error = try #require(throws: KafkaError.self) { try machine.pollStarted() }
        #expect(error.code == .state)
        _ = machine.pollFinished()
        try machine.pollStarted()
    }

    @Test("poll and close are refused inside a rebalance handler")
    func noReentryFromHandler() throws {
        var machine = KafkaConsumerStateMachine()
        try machine.pollStarted()
        machine.rebalanceHandlerStarted()
        #expect(throws: KafkaError.self) { try machine.pollStarted() }
        #expect(throws: KafkaError.self) { _ = try machine.closeStarted() }
        machine.rebalanceHandlerFinished()
        _ = machine.pollFinished()
        #expect(try machine.closeStarted())
    }

    @Test("close runs once; commits stay possible while closing, not after")
    func closeLifecycle() throws {
        var machine = KafkaConsumerStateMachine()
        try machine.subscribe()
        #expect(try machine.closeStarted())
        #expect(try !machine.closeStarted())
        try machine.checkUsable()
        #expect(throws: KafkaError.self) { try machine.pollStarted() }
        machine.closeFinished()
        #expect(throws: KafkaError.self) { try machine.checkUsable() }
    }

    @Test("close is refused while another thread polls")
    func closeWhilePolling() throws {
        var machine = KafkaConsumerStateMachine()
        try machine.pollStarted()
        let error = try #require(throws: KafkaError.self) { _ = try machine.closeStarted() }
        #expect(error.code == .state)
    }

    @Test("subscribe and assign do not mix")
    func modesExclusive() throws {
        var subscribed = KafkaConsumerStateMachine()
        try subscribed.subscribe()
        #expect(throws: KafkaError.self) { try subscribed.assign([p0]) }
        var assigned = KafkaConsumerStateMachine()
        try assigned.assign([p0])
        #expect(throws: KafkaError.self) { try assigned.subscribe() }
        #expect(assigned.owns(p0))
    }

    @Test("cooperative assignments accumulate; revoked partitions leave")
    func cooperativeAssignment() {
        var machine = KafkaConsumerStateMachine()
        machine.assigned([p0, p1], cooperative: true, member: "m1")
        machine.assigned([p2], cooperative: true, member: "m1")
        #expect(machine.assignment == [p0, p1, p2])
        machine.unassigned([p1])
        #expect(machine.assignment == [p0, p2])
        #expect(!machine.owns(p1))
    }

    @Test("an eager assignment replaces the previous one")
    func eagerAssignment() {
        var machine = KafkaConsumerStateMachine()
        machine.assigned([p0, p1], cooperative: false, member: "m1")
        machine.assigned([p2], cooperative: false, member: "m1")
        #expect(machine.assignment == [p2])
    }

    @Test("messages of partitions revoked during a poll are dropped; re-assigned ones are rewound")
    func pollCleanup() throws {
        var machine = KafkaConsumerStateMachine()
        machine.assigned([p0, p1, p2], cooperative: true, member: "m1")
        try machine.pollStarted()
        machine.unassigned([p0, p1])
        machine.assigned([p1], cooperative: true, member: "m1")
        let cleanup = machine.pollFinished()
        #expect(cleanup.dropped == [p0])
        #expect(cleanup.reassigned == [p1])
        try machine.pollStarted()
        #expect(machine.pollFinished().isEmpty)
    }

    @Test("a seek from a handler inside a poll drops what that poll fetched for the partition; outside a poll it drops nothing")
    func seekDuringPoll() throws {
        var machine = KafkaConsumerStateMachine()
        machine.assigned([p0, p1], cooperative: true, member: "m1")
        try machine.pollStarted()
        machine.sought([p1])
        #expect(machine.pollFinished() == KafkaConsumerStateMachine.PollCleanup(dropped: [p1], reassigned: []))
        machine.sought([p0])
        try machine.pollStarted()
        #expect(machine.pollFinished().isEmpty)
    }

    @Test("a new member id loses everything owned under the old one, until librdkafka revokes it")
    func membershipChange() throws {
        var machine = KafkaConsumerStateMachine()
        try machine.subscribe()
        machine.assigned([p0, p1], cooperative: true, member: "m1")
        #expect(machine.membershipChecked("m1").isEmpty)
        #expect(!machine.isStaleMembership("m1"))
        #expect(machine.isStaleMembership(nil))
        // The consumer left the group (poll interval exceeded) and rejoined as m2.
        #expect(machine.membershipChecked("m2") == [p0, p1])
        #expect(machine.assignment.isEmpty)
        #expect(machine.strays == [p0, p1])
        // Messages of strays are dropped until librdkafka revokes them or assigns them again.
        try machine.pollStarted()
        #expect(machine.pollFinished().dropped == [p0, p1])
        machine.assigned([p1], cooperative: true, member: "m2")
        machine.unassigned([p0])
        #expect(machine.strays.isEmpty)
        #expect(machine.assignment == [p1])
        #expect(machine.membershipChecked("m2").isEmpty)
    }

    @Test("partitions lost with the old membership that the new one holds are adopted and re-read")
    func strayAdoption() throws {
        var machine = KafkaConsumerStateMachine()
        try machine.subscribe()
        machine.assigned([p0, p1, p2], cooperative: true, member: "m1")
        // Poll interval exceeded during a rebalance: librdkafka cleared the member id without
        // reporting the loss.
        try machine.pollStarted()
        #expect(machine.membershipChecked(nil) == [p0, p1, p2])
        // The pending revoke of p0 is served, then the pending (empty) assign, still without a
        // member id: nothing is owned.
        machine.unassigned([p0])
        #expect(machine.assigned([], cooperative: true, member: nil, held: [p1, p2]).isEmpty)
        #expect(machine.assignment.isEmpty)
        #expect(machine.pollFinished().dropped == [p0, p1, p2])
        // librdkafka rejoined as m2 claiming p1 and p2; the group handed them back as already
        // owned (librdkafka revokes what it is not given before it assigns), adding p0. p1 and
        // p2 are adopted: owned, their messages of this poll dropped, and rewound after it.
        try machine.pollStarted()
        #expect(machine.assigned([p0], cooperative: true, member: "m2", held: [p1, p2]) == [p0, p1, p2])
        #expect(machine.assignment == [p0, p1, p2])
        #expect(machine.strays.isEmpty)
        let cleanup = machine.pollFinished()
        #expect(cleanup.reassigned == [p1, p2])
        #expect(cleanup.dropped.isEmpty)
        // Adoption is once: the next poll filters nothing.
        try machine.pollStarted()
        #expect(machine.pollFinished().isEmpty)
        #expect(!machine.isStaleMembership("m2"))
    }

    @Test("an assignment served after the member id was cleared is not owned until a membership confirms it")
    func assignmentWithoutMembership() throws {
        var machine = KafkaConsumerStateMachine()
        try machine.subscribe()
        machine.assigned([p0], cooperative: true, member: "m1")
        #expect(machine.membershipChecked(nil) == [p0])
        #expect(machine.assigned([p1], cooperative: true, member: nil).isEmpty)
        #expect(!machine.owns(p1))
        #expect(machine.isStaleMembership(nil))
        #expect(machine.assigned([p2], cooperative: true, member: "m2", held: [p0, p1, p2]) == [p0, p1, p2])
        #expect(machine.assignment == [p0, p1, p2])
        #expect(machine.strays.isEmpty)
    }

    @Test("manual assignment has no membership to lose")
    func manualAssignmentHasNoMembership() throws {
        var machine = KafkaConsumerStateMachine()
        try machine.assign([p0])
        #expect(machine.membershipChecked("anything").isEmpty)
        #expect(!machine.isStaleMembership(nil))
        #expect(machine.owns(p0))
    }
}
