"""The abuse of a soak run, planned from a seed before the run starts: kill -9 of a worker or
the loader (each restarted after a moment), Kafka faults through the mock cluster's control
(request errors, a broker down for seconds), the loader's PostgreSQL backend terminated inside
a transaction, and rebalance storms (extra replicas joining and leaving, replicas restarted).
S3 faults run all along in the fault proxy. The plan is printed; the counters are the report's."""
import heapq
import threading
import time

# Request errors a broker may answer, per request type (Kafka protocol error names as
# librdkafka spells them; kafka.apache.org/protocol#protocol_error_codes). The group membership
# requests (Heartbeat, JoinGroup, SyncGroup) get only the errors that make a member rejoin, not
# those that send it looking for another coordinator (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE,
# COORDINATOR_LOAD_IN_PROGRESS), and FindCoordinator gets none: librdkafka 2.0.2's mock coordinator
# parks a member's JoinGroup and SyncGroup until the group completes, and a member that gives up on
# its coordinator and joins again while one is parked trips the mock's assertion `!member->resp`
# (rd_kafka_mock_cgrp_member_add, rdkafka_mock_cgrp.c), which ends the cluster process (seen in a
# full run after heartbeat NOT_COORDINATOR and FindCoordinator COORDINATOR_NOT_AVAILABLE). Offset
# commits and fetches, which the commit protocol's fence rests on, keep every coordinator error.
KAFKA_ERRORS = {
    "fetch": ["NOT_LEADER_FOR_PARTITION", "REQUEST_TIMED_OUT", "KAFKA_STORAGE_ERROR", "UNKNOWN_TOPIC_OR_PART"],
    "offset_commit": ["NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE", "REQUEST_TIMED_OUT", "COORDINATOR_LOAD_IN_PROGRESS",
                      "REBALANCE_IN_PROGRESS", "ILLEGAL_GENERATION", "UNKNOWN_MEMBER_ID"],
    "heartbeat": ["REBALANCE_IN_PROGRESS", "UNKNOWN_MEMBER_ID", "ILLEGAL_GENERATION"],
    "join_group": ["UNKNOWN_MEMBER_ID"],
    "sync_group": ["REBALANCE_IN_PROGRESS", "ILLEGAL_GENERATION"],
    "offset_fetch": ["NOT_COORDINATOR", "COORDINATOR_LOAD_IN_PROGRESS", "COORDINATOR_NOT_AVAILABLE"],
    "list_offsets": ["NOT_LEADER_FOR_PARTITION", "REQUEST_TIMED_OUT"],
}


class Plan:
    """The timeline of faults over `duration` seconds, from `rng`."""

    def __init__(self, rng, duration, kills, kafka_every, broker_downs, pg_every, storms, brokers):
        self.events = []
        margin = min(5.0, duration / 10)
        span = (margin, duration - margin)
        for at in sorted(rng.uniform(*span) for _ in range(kills)):
            self.events.append((at, "kill", "loader" if rng.random() < 0.25 else "worker"))
        for _ in range(int(duration / kafka_every) if kafka_every else 0):
            api = rng.choice(sorted(KAFKA_ERRORS))
            codes = [rng.choice(KAFKA_ERRORS[api]) for _ in range(rng.randint(1, 3))]
            self.events.append((rng.uniform(*span), "kafka_errors", (api, codes)))
        # Broker outages in disjoint slots, so at most one broker is down at a time.
        slot = (span[1] - span[0]) / max(1, broker_downs)
        for i in range(broker_downs):
            self.events.append((span[0] + i * slot + rng.uniform(0, slot / 2), "broker_down",
                                (rng.randint(1, brokers), round(rng.uniform(2, min(8, slot / 2)), 1))))
        for _ in range(int(duration / pg_every) if pg_every else 0):
            self.events.append((rng.uniform(*span), "pg_kill", None))
        for _ in range(storms):
            self.events.append((rng.uniform(*span), "storm", (rng.randint(2, 4), rng.random() < 0.5)))
        self.events.sort(key=lambda event: event[0])

    def describe(self):
        return [f"{at:7.1f}s {kind} {detail if detail is not None else ''}".rstrip() for at, kind, detail in self.events]


class Chaos:
    """Runs a plan against the fleet, the mock cluster and PostgreSQL; counts what it did."""

    def __init__(self, rng, plan, fleet, kafka, loader_role_kill, spawn_replica, log):
        self.rng, self.plan, self.fleet, self.kafka = rng, plan, fleet, kafka
        self.loader_role_kill, self.spawn_replica, self.log = loader_role_kill, spawn_replica, log
        self.queue = [(at, i, kind, detail) for i, (at, kind, detail) in enumerate(plan.events)]
        heapq.heapify(self.queue)
        self.sequence = len(self.queue)
        self.counts = {"kills": {"worker": 0, "loader": 0}, "kafka_request_errors": {}, "broker_downs": 0,
                       "pg_terminated": {"in_transaction": 0, "idle": 0, "none": 0}, "storms": 0, "joins": 0, "leaves": 0,
                       "kafka_commands_refused": []}
        self.down = set()
        self.threads = []

    def later(self, at, kind, detail=None):
        self.sequence += 1
        heapq.heappush(self.queue, (at, self.sequence, kind, detail))

    def due(self, now):
        """Runs every event due at `now` (seconds since the start)."""
        while self.queue and self.queue[0][0] <= now:
            at, _, kind, detail = heapq.heappop(self.queue)
            self.log(f"chaos {now:7.1f}s: {kind} {detail if detail is not None else ''}")
            getattr(self, f"do_{kind}")(now, detail)

    def do_kill(self, now, role):
        with self.fleet.lock:
            candidates = [m for m in self.fleet.by_role(role) if m.running and not m.stopping and not m.name.startswith("storm")]
            if not candidates:
                self.later(now + 1.0, "kill", role)  # it is restarting: kill it once it is back
                return
            member = self.rng.choice(candidates)
            member.kill9()
        self.counts["kills"][role] += 1
        self.later(now + self.rng.uniform(0.5, 4.0), "start", member.name)

    def do_start(self, now, name):
        with self.fleet.lock:
            member = self.fleet.members[name]
            if member.stopping:
                self.later(now + 1.0, "start", name)  # still committing its batch on the way out
            elif not member.running:
                member.start()
                if member.role == "worker":
                    self.counts["joins"] += 1

    def do_leave(self, now, name):
        self.threads.append(self.background(self.fleet.members[name].stop))
        self.counts["leaves"] += 1

    def do_kafka_errors(self, now, detail):
        api, codes = detail
        answer = self.kafka.command(f"errors {api} {' '.join(codes)}")
        if answer != "ok":
            self.counts["kafka_commands_refused"].append(answer)
            return
        for code in codes:
            key = f"{api}:{code}"
            self.counts["kafka_request_errors"][key] = self.counts["kafka_request_errors"].get(key, 0) + 1

    def do_broker_down(self, now, detail):
        broker, seconds = detail
        if self.kafka.command(f"down {broker}") == "ok":
            self.down.add(broker)
            self.counts["broker_downs"] += 1
            self.later(now + seconds, "broker_up", broker)

    def do_broker_up(self, now, broker):
        if self.kafka.command(f"up {broker}") == "ok":
            self.down.discard(broker)

    def do_pg_kill(self, now, _):
        def terminate():
            outcome = self.loader_role_kill()
            self.counts["pg_terminated"][outcome] += 1
        self.threads.append(self.background(terminate))

    def do_storm(self, now, detail):
        """Replicas join and leave within seconds; with `restart`, a main replica restarts too."""
        joining, restart = detail
        self.counts["storms"] += 1
        for _ in range(joining):
            member = self.spawn_replica()
            self.later(now + self.rng.uniform(0, 3), "start", member.name)
            self.later(now + self.rng.uniform(5, 15), "leave", member.name)
        if restart:
            main = self.rng.choice([m for m in self.fleet.by_role("worker") if not m.name.startswith("storm")])
            self.later(now + self.rng.uniform(0, 5), "leave", main.name)
            self.later(now + self.rng.uniform(6, 10), "start", main.name)

    def background(self, target):
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        return thread

    def calm(self):
        """Ends the abuse: every broker up, storm replicas gone, background actions finished."""
        for broker in sorted(self.down):
            self.kafka.command(f"up {broker}")
        self.down.clear()
        self.queue = [event for event in self.queue if event[2] == "start"]
        for member in self.fleet.members.values():
            if member.name.startswith("storm") and member.running:
                member.stop()
        for thread in self.threads:
            thread.join(timeout=60)
