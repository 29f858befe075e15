"""One soak run: servers up, two workers and the loader running, loadgen producing while the
chaos plan runs, then calm, drain, stop, and the verdict's inputs gathered."""
import json
import os
import random
import re
import subprocess
import sys
import threading
import time

import chaos
import fleet
import pg
import servers
import source_truth
import staging

TOPICS = ["postgres.eav.entities", "postgres.eav.entity_values_ts", "postgres.eav.entity_jsonb",
          "__debezium-heartbeat.postgres.eav", "postgres.eav._heartbeat"]
# The workers' Kafka timings (seconds): short sessions so kills and storms rebalance quickly.
# socket.timeout.ms stays well above the session: librdkafka 2.0.2's mock coordinator parks a
# follower's SyncGroup until the leader syncs, and a follower that times out and sends another
# trips its assertion `!member->resp` (rd_kafka_mock_cgrp_member_sync_set), which ends the
# cluster; with 30 s the dead leader's session (6 s) expires first and the parked request is answered.
SESSION_TIMEOUT, SOCKET_TIMEOUT = 6, 30
# The worker requires a sweep grace of at least the larger of max.poll.interval.ms (10 s) and
# the session, plus the commit margin (max_clock_skew 0 s + session 6 s + 3 x socket.timeout.ms
# 30 s + 5 s = 101 s): 111 s. 180 s leaves a batch 79 s to fence, so one S3 request held past the
# client's 30 s stall timeout (the proxy's `timeout` fault) does not cost its batch.
SWEEP_GRACE = 180
# Exits of Millrace processes nobody asked for after which the run gives up (each is a failure anyway).
CRASH_LOOP = 20


class Run:
    def __init__(self, settings, work, say):
        self.s, self.work, self.say = settings, work, say
        self.logs = os.path.join(work, "logs")
        os.makedirs(self.logs, exist_ok=True)
        os.makedirs(os.path.join(work, "tap"), exist_ok=True)
        self.rng = random.Random(settings.seed)
        suffix = f"{settings.seed}_{random.randrange(1 << 24):06x}"
        self.schema, self.role, self.bucket = f"soak_{suffix}", f"soak_loader_{suffix}", f"millrace-soak-{suffix.replace('_', '-')}"
        self.samples, self.first_seen = [], {}
        self.stop_sampling = threading.Event()
        self.started = time.monotonic()
        self.fleet = fleet.Fleet()
        self.taps, self.parts, self.tap_restarts = {}, [], 0
        self.producer, self.other_peaks = None, {}
        self.tap_positions, self.tap_ends = {}, {}

    def log(self, name):
        return open(os.path.join(self.logs, name), "w")

    def elapsed(self):
        return time.monotonic() - self.started

    # MARK: Setup

    def setup(self):
        s = self.s
        self.warehouse = servers.Warehouse(self.work)
        self.parts.append(self.warehouse)
        self.s3 = self.warehouse.s3()
        self.s3.create_bucket(Bucket=self.bucket)
        pg.create_role(self.warehouse.pg_url, self.role)
        self.kafka = servers.MockKafka(s.bin, s.brokers, TOPICS, s.partitions, self.log("mock-kafka.log"))
        self.parts.append(self.kafka)
        self.proxy = servers.FaultProxy(self.warehouse.s3_endpoint, 0.0, s.seed, self.log("s3-fault-proxy.log"))
        self.parts.append(self.proxy)
        self.attributes = os.path.join(self.work, "attributes.csv")
        subprocess.run([s.bin, "loadgen", "--schemas", s.schemas, "--attributes-out", self.attributes], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.taps = {topic: self.tap(topic) for topic in TOPICS}
        self.config = self.write_config()
        env = dict(os.environ, **self.warehouse.aws_env())
        checked = subprocess.run([s.bin, "validate", "--config", self.config], env=env, capture_output=True, text=True)
        if checked.returncode != 0:
            raise SystemExit(f"soak: millrace validate refused {self.config}: {checked.stdout[-1500:]}{checked.stderr[-1500:]}")
        for i in (1, 2):
            self.fleet.add(fleet.Member(f"worker-{i}", "worker", [s.bin, "run", "--config", self.config], self.logs, env))
        self.fleet.add(fleet.Member("loader", "loader", [s.bin, "load", "--config", self.config], self.logs, env))
        self.env, self.storms = env, 0
        self.say(f"soak: seed {s.seed}; logs in {self.logs}; Kafka {self.kafka.bootstrap}; S3 {self.warehouse.s3_endpoint} "
                 f"behind {self.proxy.endpoint}; PostgreSQL schema {self.schema}")

    def tap(self, topic):
        """kcat reading `topic` from the beginning into tap/TOPIC.jsonl (appending: a restarted
        tap writes again what it had, which Source skips). -E: the Kafka faults injected for the
        workers reach kcat too, and without it kcat exits on the first failed fetch."""
        out = open(os.path.join(self.work, "tap", f"{topic}.jsonl"), "ab")
        errors = open(os.path.join(self.logs, f"tap-{topic}.log"), "a")
        return subprocess.Popen(["kcat", "-C", "-E", "-b", self.kafka.bootstrap, "-t", topic, "-o", "beginning", "-J", "-u", "-q",
                                 "-X", "fetch.wait.max.ms=100"], stdout=out, stderr=errors)

    def keep_tapping(self):
        """Restarts a tap that exited (counted in the report)."""
        for topic, process in self.taps.items():
            if process.poll() is not None:
                self.tap_restarts += 1
                self.note(f"tap of {topic} exited with {process.returncode}: restarted")
                self.taps[topic] = self.tap(topic)

    def write_config(self):
        s, path = self.s, os.path.join(self.work, "millrace.yaml")
        loader_url = pg.with_user(self.warehouse.pg_url, self.role)
        with open(path, "w") as f:
            f.write(
                f"pipeline: {{window: {s.window}, max_batch_rows: 50000, sweep_grace: {SWEEP_GRACE}s, max_clock_skew: 0s, "
                f"shutdown_grace: 20s}}\n"
                f"kafka:\n  bootstrap_servers: '{self.kafka.bootstrap}'\n  group_id: soak\n  topics: {json.dumps(TOPICS)}\n"
                f"  properties: {{session.timeout.ms: '{SESSION_TIMEOUT * 1000}', heartbeat.interval.ms: '500', "
                f"max.poll.interval.ms: '{s.max_poll * 1000}', socket.timeout.ms: '{SOCKET_TIMEOUT * 1000}'}}\n"
                f"schemas: {{dir: '{s.schemas}'}}\n"
                f"dimensions: {{dim_attributes: {{snapshot: '{self.attributes}'}}}}\n"
                f"staging: {{bucket: {self.bucket}, endpoint: '{self.proxy.endpoint}', region: {servers.REGION}, path_style: true}}\n"
                f"warehouse: {{dialect: postgres, url: '{loader_url}', schema: {self.schema}, load_interval: {s.load_interval}, "
                f"lease_ttl: 10s}}\n"
                f"observability: {{listen: '', log_level: info, log_format: json}}\n")
        return path

    def spawn_replica(self):
        self.storms += 1
        return self.fleet.add(fleet.Member(f"storm-{self.storms}", "worker", [self.s.bin, "run", "--config", self.config], self.logs, self.env))

    def loadgen(self):
        s = self.s
        argv = [s.bin, "loadgen", "--schemas", s.schemas, "--bootstrap", self.kafka.bootstrap, "--count", str(s.records),
                "--rate", str(s.rate), "--seed", str(s.seed), "--entities", str(s.entities), "--duplicate-rate", "0.03",
                "--delete-rate", "0.03", "--replica-identity", "default", "--unchanged-toast-rate", "0.25",
                "--add-column-at", str(s.records // 3), "--malformed-rate", str(s.malformed_rate)]
        self.loadgen_log = os.path.join(self.logs, "loadgen.log")
        return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=open(self.loadgen_log, "w"))

    # MARK: The run

    def sample(self):
        others = {"mock-kafka": self.kafka.proc.pid, "s3-fault-proxy": self.proxy.proc.pid, "moto": self.warehouse.moto_pid}
        while not self.stop_sampling.wait(self.s.sample_every):
            for name, pid in others.items():
                if pid:
                    self.other_peaks[name] = round(max(self.other_peaks.get(name, 0.0), fleet.peak_rss_mib(pid)), 1)
            snapshot = pg.freshness_snapshot(self.warehouse.pg_url, self.schema)
            if snapshot is not None:
                self.samples.append(snapshot)

    def abuse(self):
        """Produces while the plan runs; returns loadgen's exit status."""
        s = self.s
        plan = chaos.Plan(self.rng, s.duration, s.kills, s.kafka_every, s.broker_downs, s.pg_every, s.storms, s.brokers)
        with open(os.path.join(self.logs, "plan.txt"), "w") as f:
            f.write("\n".join(plan.describe()) + "\n")
        self.chaos = chaos.Chaos(self.rng, plan, self.fleet, self.kafka,
                                 lambda: pg.terminate_in_transaction(self.warehouse.pg_url, self.role), self.spawn_replica,
                                 lambda line: self.note(line))
        for member in list(self.fleet.members.values()):
            member.start()
        sampler = threading.Thread(target=self.sample, daemon=True)
        sampler.start()
        self.proxy.set_rate(s.s3_fault_rate)
        self.producer = producer = self.loadgen()
        start = time.monotonic()
        while True:
            try:
                pid, status, usage = os.wait4(producer.pid, os.WNOHANG)
            except ChildProcessError:  # Popen.kill() reaped it (a crash loop stopped the run)
                pid, status, usage = producer.pid, None, None
            if pid:
                if status is not None:
                    producer.returncode = os.waitstatus_to_exitcode(status)
                    self.other_peaks["loadgen"] = round(usage.ru_maxrss / 1024.0, 1)
                break
            self.fleet.tick()
            self.keep_tapping()
            if self.crash_loop():
                producer.kill()
                continue
            self.chaos.due(time.monotonic() - start)
            time.sleep(0.2)
        self.production_seconds = time.monotonic() - start
        # Kills the plan put last may have waited for their target to come back: they still happen.
        while any(event[2] == "kill" for event in self.chaos.queue) and time.monotonic() - start < self.production_seconds + 60:
            self.fleet.tick()
            self.chaos.due(time.monotonic() - start)
            time.sleep(0.2)
        self.say(f"soak: loadgen finished after {self.production_seconds:.0f}s (exit {producer.returncode}); calming down")
        self.chaos.calm()
        self.proxy.set_rate(0.0)
        with self.fleet.lock:
            for member in self.fleet.members.values():
                if not member.name.startswith("storm") and not member.running:
                    member.start()
        return producer.returncode

    def crash_loop(self):
        """A message when Millrace's processes keep exiting by themselves (e.g. a configuration
        the worker refuses) or a server died, so the run stops early instead of draining for its
        whole deadline."""
        for name, part in (("the mock Kafka cluster", self.kafka), ("the S3 fault proxy", self.proxy)):
            if part.proc.poll() is not None:
                return f"{name} exited with {part.proc.returncode}: {part.log_head()}"
        if len(self.fleet.unexpected) < CRASH_LOOP:
            return None
        name, incarnation, status = self.fleet.unexpected[-1]
        return (f"{len(self.fleet.unexpected)} exits nobody asked for, the last {name}#{incarnation} with {status} "
                f"(see {os.path.join(self.logs, f'{name}.{incarnation}.log')})")

    def note(self, line):
        with open(os.path.join(self.logs, "chaos.log"), "a") as f:
            f.write(line + "\n")

    # MARK: Drain

    def kafka_ends(self):
        """Kafka's end offset per (topic, partition), from kcat's offset query."""
        ends = {}
        for topic in TOPICS:
            query = ["kcat", "-Q", "-b", self.kafka.bootstrap] + sum((["-t", f"{topic}:{p}:-1"] for p in range(self.s.partitions)), [])
            out = subprocess.run(query, capture_output=True, text=True, timeout=60).stdout
            for match in re.finditer(r"^(\S+) \[(\d+)\]\s+offset (-?\d+)", out, re.M):
                ends[(match.group(1), int(match.group(2)))] = int(match.group(3))
        if len(ends) != len(TOPICS) * self.s.partitions:
            raise RuntimeError(f"kcat -Q answered for {len(ends)} partitions")
        return ends

    def tapped(self):
        """One past the newest offset each tap wrote, per (topic, partition), reading only what
        the taps appended since the last call."""
        pattern = re.compile(rb'"topic":"([^"]+)","partition":(\d+),"offset":(\d+)')
        for topic in TOPICS:
            path = os.path.join(self.work, "tap", f"{topic}.jsonl")
            with open(path, "rb") as f:
                f.seek(self.tap_positions.get(path, 0))
                for line in f:
                    if not line.endswith(b"\n"):
                        break  # still being written: read again next time
                    self.tap_positions[path] = self.tap_positions.get(path, 0) + len(line)
                    match = pattern.search(line, 0, 300)
                    if match:
                        key = (match.group(1).decode(), int(match.group(2)))
                        self.tap_ends[key] = max(self.tap_ends.get(key, 0), int(match.group(3)) + 1)
        return self.tap_ends

    def drain(self):
        """Waits (at most settings.drain_timeout) until the taps, the committed offsets and the
        ledger have everything Kafka holds; returns the problems left, empty when drained."""
        deadline = time.monotonic() + self.s.drain_timeout
        self.staging = staging.Staging(self.s3, self.bucket)
        ends, stable, state, next_report = None, 0, None, time.monotonic() + 30
        while time.monotonic() < deadline:
            self.fleet.tick()
            self.keep_tapping()
            if self.crash_loop():
                self.ends, self.ledger = ends or {}, self.read_ledger()
                return [f"crash loop: {self.crash_loop()}"]
            try:
                ends = ends or {k: v for k, v in self.kafka_ends().items()}
            except (RuntimeError, subprocess.TimeoutExpired):
                time.sleep(2)
                continue
            tapped = self.tapped()
            self.staging.refresh()
            chains = self.staging.chain_problems(ends)
            ledger = self.read_ledger()
            needed = {(r["batchID"], f["table"]) for r in self.staging.records for f in r["files"]}
            unloaded = [k for k in needed if ledger.get(k, ("", 0))[0] != "loaded"]
            quarantined = [k for k, v in ledger.items() if v[0] == "quarantined"]
            state = {"untapped": sum(1 for k, end in ends.items() if tapped.get(k, 0) < end), "unchained": len(chains),
                     "unloaded": len(unloaded), "quarantined": len(quarantined)}
            if time.monotonic() >= next_report:
                self.say(f"soak: draining ({self.elapsed():.0f}s): {state['untapped']} partitions not tapped to the end, "
                         f"{state['unchained']} not committed to the end, {state['unloaded']} (batch, table) not loaded")
                next_report = time.monotonic() + 30
            if state["untapped"] == state["unchained"] == state["unloaded"] == 0:
                stable += 1
                if stable >= 2:
                    self.ends, self.ledger = ends, ledger
                    return []
            else:
                stable = 0
            time.sleep(3)
        self.ends = ends or {}
        self.ledger = self.read_ledger()
        return [f"did not drain within {self.s.drain_timeout}s: {state}"]

    def read_ledger(self):
        try:
            return pg.ledger(self.warehouse.pg_url, self.schema)
        except (RuntimeError, subprocess.TimeoutExpired):
            return {}  # the loader has not created it yet

    def settle_sweep(self):
        """Waits (at most settings.sweep_timeout) for the workers' sweep to resolve what killed
        workers left pending; returns the objects no committed batch owns that are still there."""
        deadline = time.monotonic() + self.s.sweep_timeout
        while time.monotonic() < deadline and self.staging.pending():
            self.fleet.tick()
            time.sleep(5)
        self.staging.refresh()
        return self.staging.leftovers()

    def shutdown(self):
        self.stop_sampling.set()
        exits = {}
        for member in self.fleet.members.values():
            if member.running:
                exits[member.name] = member.stop()
        for tap in self.taps.values():
            # kcat -E can sit out a SIGTERM (seen after the drain): it gets 10 s, then SIGKILL.
            tap.terminate()
            try:
                tap.wait(timeout=10)
            except subprocess.TimeoutExpired:
                tap.kill()
                tap.wait()
        self.proxy_stats = self.proxy.stats()
        return exits

    def source(self):
        kcat = os.path.join(self.work, "truth.kcat.jsonl")
        files = [os.path.join(self.work, "tap", f"{topic}.jsonl") for topic in TOPICS]
        return source_truth.Source(files, self.s.schemas, kcat), kcat

    def teardown(self, keep):
        """Stops whatever still runs (after a failure too), then the servers."""
        self.stop_sampling.set()
        for member in [m for m in self.fleet.members.values() if m.running]:
            try:
                member.kill9()
            except OSError as error:
                print(f"soak: killing {member.name}: {error}", file=sys.stderr)
        for process in list(self.taps.values()) + ([self.producer] if self.producer else []):
            if process.poll() is None:
                process.kill()
                process.wait()
        if not keep and hasattr(self, "warehouse"):
            pg.drop_role(self.warehouse.pg_url, self.role, self.schema)
        for part in reversed(self.parts):
            try:
                part.stop()
            except Exception as error:  # noqa: BLE001 - teardown must go on
                print(f"soak: stopping {type(part).__name__}: {error}", file=sys.stderr)
