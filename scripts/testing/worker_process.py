#!/usr/bin/env python3
"""Drives the real `millrace` binary as separate processes for the process-level tests
(Tests/RuntimeTests/Process): signals, `kill -9` at random points, fatal errors.

    python3 scripts/testing/worker_process.py sigterm --bin .build/debug/millrace --schemas Schemas
    python3 scripts/testing/worker_process.py kill9   --bin ... --schemas ... [--kills 3] [--seed 1]
    python3 scripts/testing/worker_process.py auth    --bin ... --schemas ... --endpoint URL --key ID --secret S
    python3 scripts/testing/worker_process.py shutdown --bin ... --schemas ... --endpoint URL --key ID --secret S --mode stall|fail

Each prints one JSON object; the Swift tests assert on it. The exactly-once check reads the
staging folder directly (commit records, and every staged file through pyarrow) and the topic
through kcat, independently of Millrace's own code.
"""
import argparse
import glob
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

TOPICS = ["postgres.eav.entities", "postgres.eav.entity_values_ts", "postgres.eav.entity_jsonb",
          "__debezium-heartbeat.postgres.eav", "postgres.eav._heartbeat"]
PARTITIONS = 4
# The sweep grace of the test workers, in seconds: the smallest the worker accepts, the larger
# of max.poll.interval.ms and session.timeout.ms (6 s each here) plus the commit margin
# (max_clock_skew 0 s + session.timeout.ms 6 s + 3 x socket.timeout.ms 5 s + 5 s).
SOCKET_TIMEOUT = 5
SWEEP_GRACE = 6 + 0 + 6 + 3 * SOCKET_TIMEOUT + 5


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """`millrace mock-kafka` in the background."""

    def __init__(self, millrace):
        args = [millrace, "mock-kafka", "--brokers", "1"]
        for topic in TOPICS:
            args += ["--topic", f"{topic}:{PARTITIONS}"]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.bootstrap = self.proc.stdout.readline().strip()
        if not self.bootstrap:
            raise SystemExit("mock-kafka printed no bootstrap servers")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)

    def end_offsets(self):
        """High watermark per (topic, partition), read back with kcat."""
        ends = {}
        for topic in TOPICS:
            out = subprocess.run(["kcat", "-C", "-b", self.bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%p %o\n"],
                                 capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                partition, offset = map(int, line.split())
                ends[(topic, partition)] = max(ends.get((topic, partition), 0), offset + 1)
        return ends


def loadgen(millrace, schemas, bootstrap, count, rate, seed=1):
    return subprocess.Popen([millrace, "loadgen", "--schemas", schemas, "--bootstrap", bootstrap, "--count", str(count),
                             "--partitions", str(PARTITIONS), "--rate", str(rate), "--seed", str(seed), "--duplicate-rate", "0.05",
                             "--delete-rate", "0.02", "--malformed-rate", "0.01"], stderr=subprocess.DEVNULL)


def write_config(work, bootstrap, schemas, listen="", window="2s", rows=2000, extra="", pipeline_extra=""):
    path = os.path.join(work, "millrace.yaml")
    with open(path, "w") as f:
        f.write(f"pipeline: {{window: {window}, max_batch_rows: {rows}, {pipeline_extra}sweep_grace: {SWEEP_GRACE}s, max_clock_skew: 0s}}\n"
                f"kafka:\n  bootstrap_servers: '{bootstrap}'\n  group_id: process-test\n  topics: {json.dumps(TOPICS)}\n"
                f"  properties: {{session.timeout.ms: '6000', heartbeat.interval.ms: '500', max.poll.interval.ms: '6000',"
                f" socket.timeout.ms: '{SOCKET_TIMEOUT * 1000}'}}\n"
                f"schemas: {{dir: '{schemas}'}}\nobservability: {{listen: '{listen}', log_level: warning, log_format: text}}\n"
                + extra)
    return path


def start_worker(millrace, config, out, until_drained=False, env=None):
    args = [millrace, "run", "--config", config, "--dry-run", "--output", out]
    if until_drained:
        args.append("--until-drained")
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def check_exactly_once(out, ends):
    """Problems with the committed staging folder (empty when every invariant holds)."""
    import pyarrow.parquet as pq
    problems, records, referenced = [], [], set()
    for path in glob.glob(os.path.join(out, "_millrace", "commits", "**", "*.json"), recursive=True):
        with open(path) as f:
            records.append(json.load(f))
    chains = {}
    for record in records:
        for source in record["sources"]:
            chains.setdefault((source["source"]["topic"], source["source"]["partition"]), []).append(
                (source["startOffset"], source["endOffset"]))
        referenced.update(file["key"] for file in record["files"])
        if record.get("deadLetters"):
            referenced.add(record["deadLetters"]["key"])
    for key, end in ends.items():
        chain = sorted(chains.get(key, []))
        if not chain or chain[0][0] != 0 or chain[-1][1] != end:
            problems.append(f"{key}: committed {chain[:1]}…{chain[-1:]} but the topic ends at {end}")
        for (a, b), (c, d) in zip(chain, chain[1:]):
            if b != c:
                problems.append(f"{key}: gap or overlap between {a}..{b} and {c}..{d}")
    seen = {}
    for key in referenced:
        if not key.endswith(".parquet"):
            continue
        table = pq.read_table(os.path.join(out, key), columns=["_kafka_partition", "_kafka_offset"])
        name = key.split("/")[1]
        for partition, offset in zip(table.column(0).to_pylist(), table.column(1).to_pylist()):
            if (name, partition, offset) in seen:
                problems.append(f"{name}: source record {partition}/{offset} staged twice")
            seen[(name, partition, offset)] = True
    for kind in ("staging", "dlq", os.path.join("_millrace", "pending")):
        for path in glob.glob(os.path.join(out, kind, "**", "*"), recursive=True):
            key = os.path.relpath(path, out)
            if os.path.isfile(path) and not os.path.basename(path).startswith(".") and key not in referenced:
                problems.append(f"orphan {key}")
    return problems, len(records)


def wait_ready(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).status == 200:
                return True
        except Exception:
            pass
        time.sleep(0.2)
    return False


def sigterm(args, work):
    cluster = Cluster(args.bin)
    try:
        subprocess.run(loadgen(args.bin, args.schemas, cluster.bootstrap, 3000, 100_000_000).args, check=True, stderr=subprocess.DEVNULL)
        port = free_port()
        config = write_config(work, cluster.bootstrap, args.schemas, listen=f"127.0.0.1:{port}", window="10m", rows=1_000_000)
        out = os.path.join(work, "out")
        worker = start_worker(args.bin, config, out)
        ready = wait_ready(port)
        time.sleep(4)  # consume everything into the open batch; the 10-minute window never closes it
        before = len(glob.glob(os.path.join(out, "_millrace", "commits", "**", "*.json"), recursive=True))
        worker.send_signal(signal.SIGTERM)
        status = worker.wait(timeout=60)
        problems, committed = check_exactly_once(out, cluster.end_offsets())
        return {"ready": ready, "exit": status, "commits_before_signal": before, "commits": committed, "problems": problems}
    finally:
        cluster.stop()


def kill9(args, work):
    rng = random.Random(args.seed)
    cluster = Cluster(args.bin)
    try:
        producer = loadgen(args.bin, args.schemas, cluster.bootstrap, 12000, 2500, seed=args.seed)
        config = write_config(work, cluster.bootstrap, args.schemas)
        out = os.path.join(work, "out")
        kills = 0
        for _ in range(args.kills):
            worker = start_worker(args.bin, config, out)
            time.sleep(rng.uniform(3.0, 7.0))  # past the group join, into polling, writing and committing
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            kills += 1
        producer.wait(timeout=120)
        time.sleep(SWEEP_GRACE + 0.5)  # what the last kill left behind is now old enough to be swept
        final = start_worker(args.bin, config, out, until_drained=True)
        status = final.wait(timeout=300)
        problems, committed = check_exactly_once(out, cluster.end_offsets())
        return {"kills": kills, "exit": status, "commits": committed, "problems": problems[:20]}
    finally:
        cluster.stop()


def auth(args, work):
    cluster = Cluster(args.bin)
    try:
        subprocess.run(loadgen(args.bin, args.schemas, cluster.bootstrap, 200, 100_000_000).args, check=True, stderr=subprocess.DEVNULL)
        bucket = f"millrace-auth-{random.randrange(1 << 30)}"
        import boto3
        boto3.client("s3", endpoint_url=args.endpoint, region_name="us-east-1", aws_access_key_id=args.key,
                     aws_secret_access_key=args.secret).create_bucket(Bucket=bucket)
        wrong = "wrong-" + args.secret[::-1]
        extra = (f"staging: {{bucket: {bucket}, endpoint: '{args.endpoint}', region: us-east-1, path_style: true}}\n")
        config = write_config(work, cluster.bootstrap, args.schemas, window="1s", extra=extra)
        env = dict(os.environ, AWS_ACCESS_KEY_ID=args.key, AWS_SECRET_ACCESS_KEY=wrong, AWS_REGION="us-east-1")
        worker = subprocess.Popen([args.bin, "run", "--config", config], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        try:
            _, stderr = worker.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            worker.kill()
            _, stderr = worker.communicate()
        text = stderr.decode(errors="replace")
        return {"exit": worker.returncode, "message": text[-600:], "secret_leaked": wrong in text or args.secret in text}
    finally:
        cluster.stop()


class S3Gate:
    """A loopback TCP proxy in front of moto that passes traffic until `close()`, then either
    stalls (accepts, reads, never answers) or fails (answers every request 503 SlowDown)."""

    def __init__(self, endpoint, mode):
        host, port = endpoint.split("//", 1)[1].split(":")
        self.upstream = (host, int(port.rstrip("/")))
        self.mode, self.closed = mode, threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self.accept, daemon=True).start()

    def close(self):
        self.closed.set()

    def accept(self):
        while True:
            client, _ = self.server.accept()
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def serve(self, client):
        if self.closed.is_set():
            return self.refuse(client)
        upstream = socket.create_connection(self.upstream)

        def pipe(source, sink, answers):
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    if self.closed.is_set():
                        if not answers:
                            # A request on a kept-alive connection after the gate closed.
                            return self.refuse(client)
                        break
                    sink.sendall(data)
            except OSError:
                pass

        threading.Thread(target=pipe, args=(upstream, client, True), daemon=True).start()
        pipe(client, upstream, False)

    def refuse(self, client):
        try:
            while True:
                if not client.recv(65536):
                    return
                if self.mode == "fail":
                    body = b"<Error><Code>SlowDown</Code><Message>gate closed</Message></Error>"
                    client.sendall(b"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: "
                                   + str(len(body)).encode() + b"\r\n\r\n" + body)
        except OSError:
            pass


def shutdown(args, work):
    """SIGTERM while S3 stalls or fails: the worker must not exit 0 without its open batch."""
    cluster = Cluster(args.bin)
    gate = S3Gate(args.endpoint, args.mode)
    try:
        subprocess.run(loadgen(args.bin, args.schemas, cluster.bootstrap, 500, 100_000_000).args, check=True, stderr=subprocess.DEVNULL)
        bucket = f"millrace-shutdown-{random.randrange(1 << 30)}"
        import boto3
        boto3.client("s3", endpoint_url=args.endpoint, region_name="us-east-1", aws_access_key_id=args.key,
                     aws_secret_access_key=args.secret).create_bucket(Bucket=bucket)
        port = free_port()
        extra = f"staging: {{bucket: {bucket}, endpoint: '{gate.endpoint}', region: us-east-1, path_style: true}}\n"
        config = write_config(work, cluster.bootstrap, args.schemas, listen=f"127.0.0.1:{port}", window="10m", rows=1_000_000,
                              extra=extra, pipeline_extra="shutdown_grace: 3s, ")
        env = dict(os.environ, AWS_ACCESS_KEY_ID=args.key, AWS_SECRET_ACCESS_KEY=args.secret, AWS_REGION="us-east-1")
        worker = subprocess.Popen([args.bin, "run", "--config", config], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        ready = wait_ready(port)
        time.sleep(3)  # everything consumed into the open batch; the 10-minute window never closes it
        gate.close()
        signalled = time.time()
        worker.send_signal(signal.SIGTERM)
        try:
            _, stderr = worker.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            worker.kill()
            _, stderr = worker.communicate()
        elapsed = time.time() - signalled
        return {"ready": ready, "exit": worker.returncode, "seconds": round(elapsed, 1), "message": stderr.decode(errors="replace")[-800:],
                "secret_leaked": args.secret in stderr.decode(errors="replace")}
    finally:
        gate.close()
        cluster.stop()


def startup(args, work):
    """SIGTERM while the worker bootstraps a followed dimension from an unreachable broker: sent as
    soon as its Kafka client reports the refused connection; the exit status and the log."""
    config = os.path.join(work, "millrace.yaml")
    with open(config, "w") as f:
        f.write("kafka: {bootstrap_servers: '127.0.0.1:1', topics: [postgres.eav.entity_values_ts]}\n"
                f"schemas: {{dir: '{args.schemas}'}}\n"
                f"staging: {{local_dir: '{os.path.join(work, 'staging')}'}}\n"
                "observability: {listen: '', log_format: text}\n")
    worker = subprocess.Popen([args.bin, "run", "--config", config], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    log = ""
    while "Connection refused" not in log:
        line = worker.stderr.readline()
        if not line:
            break
        log += line
    reached = "127.0.0.1:1" in log
    signalled = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    log += worker.stderr.read()
    status = worker.wait()
    return {"reached_kafka": reached, "exit": status, "seconds": round(time.monotonic() - signalled, 1), "log": log}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=["sigterm", "kill9", "auth", "shutdown", "startup"])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--schemas", required=True)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--endpoint")
    parser.add_argument("--key")
    parser.add_argument("--secret")
    parser.add_argument("--mode", choices=["stall", "fail"], default="stall")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix=f"millrace-{args.scenario}-")
    result = {"sigterm": sigterm, "kill9": kill9, "auth": auth, "shutdown": shutdown, "startup": startup}[args.scenario](args, work)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
