#!/usr/bin/env python3
"""Drives `millrace backfill` as a separate process for Tests/RuntimeTests/Process/BackfillProcessTests:
`kill -9` mid-backfill then the same command again, Ctrl-C (SIGINT), progress output without a
terminal and under a pseudo-terminal, and configuration errors.

    python3 scripts/testing/backfill_process.py kill9    --bin .build/debug/millrace --schemas Schemas [--pg URL]
    python3 scripts/testing/backfill_process.py sigint   --bin ... --schemas ...
    python3 scripts/testing/backfill_process.py progress --bin ... --schemas ...
    python3 scripts/testing/backfill_process.py tty      --bin ... --schemas ...
    python3 scripts/testing/backfill_process.py config   --bin ... --schemas ...

Each prints one JSON object; the Swift tests assert on it. The staging folders are read
directly (commit records, and every staged file through pyarrow), and the topic's records
through kcat, independently of Millrace's own code. With `--pg`, `kill9` also loads the resumed
run's folder and the uninterrupted run's into two schemas of that PostgreSQL server with
`millrace load --once` and compares the warehouses with psql.
"""
import argparse
import calendar
import glob
import json
import os
import pty
import random
import select
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from worker_process import TOPICS, Cluster  # noqa: E402

TOPIC = "postgres.eav.entity_values_ts"
START = "2026-12-01T00:00:00Z"
# loadgen's event times (and so the records' Kafka timestamps) run from START at RATE per second
# (producing to Kafka paces real time to it too: 12,000 records take 3 s).
RATE = 4000
FROM, TO = "2026-12-01T00:00:00.500Z", "2026-12-01T00:00:02.500Z"
FROM_MS = calendar.timegm(time.strptime(START, "%Y-%m-%dT%H:%M:%SZ")) * 1000 + 500
TO_MS = FROM_MS + 2000
SOCKET_TIMEOUT = 5
# The smallest grace the configuration accepts for these timings: max.poll.interval.ms 6 s plus
# the commit margin (max_clock_skew 0 s + session.timeout.ms 6 s + 3 x socket.timeout.ms 5 s + 5 s).
SWEEP_GRACE = 6 + 0 + 6 + 3 * SOCKET_TIMEOUT + 5


def produce(millrace, schemas, bootstrap, count=12000, rate=RATE):
    subprocess.run([millrace, "loadgen", "--schemas", schemas, "--bootstrap", bootstrap, "--count", str(count), "--partitions", "4",
                    "--rate", str(rate), "--start", START, "--seed", "5", "--duplicate-rate", "0.02", "--delete-rate", "0.01",
                    "--malformed-rate", "0.01"], check=True, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def write_config(work, bootstrap, schemas, rows=300, interval="1s", group="live", name="millrace.yaml"):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(f"pipeline: {{max_batch_rows: {rows}, sweep_grace: {SWEEP_GRACE}s, max_clock_skew: 0s}}\n"
                f"kafka:\n  bootstrap_servers: '{bootstrap}'\n  group_id: {group}\n  topics: {json.dumps(TOPICS)}\n"
                f"  properties: {{session.timeout.ms: '6000', max.poll.interval.ms: '6000', socket.timeout.ms: '{SOCKET_TIMEOUT * 1000}'}}\n"
                f"schemas: {{dir: '{schemas}'}}\nobservability: {{listen: '', log_level: warning, log_format: text}}\n"
                f"backfill: {{progress_interval: {interval}}}\n")
    return path


def backfill_args(millrace, config, out, extra=()):
    return [millrace, "backfill", "--config", config, "--from", FROM, "--to", TO, "--topics", TOPIC, "--output", out, *extra]


def in_range_offsets(bootstrap):
    """(partition, offset) of every record of the topic stamped in [FROM, TO), read with kcat."""
    lower, upper = FROM_MS, TO_MS
    out = subprocess.run(["kcat", "-C", "-b", bootstrap, "-t", TOPIC, "-o", "beginning", "-e", "-q", "-f", "%p %o %T\n"],
                         capture_output=True, text=True, check=True).stdout
    wanted = set()
    for line in out.splitlines():
        partition, offset, stamp = map(int, line.split())
        if lower <= stamp < upper:
            wanted.add((partition, offset))
    return wanted


def committed(out):
    records = []
    for path in glob.glob(os.path.join(out, "_millrace", "commits", "**", "*.json"), recursive=True):
        with open(path) as f:
            records.append(json.load(f))
    return records


def staged(out):
    """Problems with a backfill's staging folder, the (partition, offset) of every staged row, each
    partition's committed (start, end), and the (entity_id, version) keys staged."""
    import pyarrow.parquet as pq
    records, problems = committed(out), []
    if len({r["batchID"] for r in records}) != len(records):
        problems.append("a batch committed twice")
    chains, consumed, referenced = {}, set(), set()
    for record in records:
        for source in record["sources"]:
            chains.setdefault(source["source"]["partition"], []).append((source["startOffset"], source["endOffset"]))
        referenced.update(f["key"] for f in record["files"])
        if record.get("deadLetters"):
            referenced.add(record["deadLetters"]["key"])
    for partition, chain in chains.items():
        chain.sort()
        for (a, b), (c, d) in zip(chain, chain[1:]):
            if b != c:
                problems.append(f"partition {partition}: gap or overlap between {a}..{b} and {c}..{d}")
    rows, keys = set(), set()
    for key in referenced:
        if key.endswith(".parquet"):
            table = pq.read_table(os.path.join(out, key), columns=["_kafka_partition", "_kafka_offset", "entity_id", "version"])
            for position in zip(table.column(0).to_pylist(), table.column(1).to_pylist()):
                if position in rows:
                    problems.append(f"record {position} staged twice")
                rows.add(position)
            keys.update(zip(table.column(2).to_pylist(), table.column(3).to_pylist()))
    for path in glob.glob(os.path.join(out, "**", "*"), recursive=True):
        key = os.path.relpath(path, out)
        if os.path.isfile(path) and (key.startswith("staging/") or key.startswith("dlq/") or key.startswith("_millrace/pending/")) \
                and key not in referenced:
            problems.append(f"orphan {key}")
    return problems, rows, {p: (c[0][0], c[-1][1]) for p, c in chains.items()}, keys


def wait_for_commits(out, count, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(committed(out)) >= count:
            return True
        time.sleep(0.05)
    return False


def psql(url, schema, sql):
    scoped = url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    out = subprocess.run(["psql", scoped, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def load(args, work, out, schema):
    """Loads `out` into `schema` with `millrace load --once`; the warehouse as psql reads it: the
    facts' digest (every target column but the enrichment's), rows beyond one per key, and the
    ledger's (batch, table) pairs against the commit log's."""
    config = os.path.join(work, f"load-{schema}.yaml")
    with open(config, "w") as f:
        f.write(f"schemas: {{dir: '{args.schemas}'}}\nstaging: {{local_dir: '{out}'}}\n"
                f"warehouse: {{dialect: postgres, url: '{args.pg}', schema: {schema}, max_batches_per_load: 4}}\n"
                "observability: {listen: '', log_level: warning}\n")
    run = subprocess.run([args.bin, "load", "--config", config, "--once"], capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        return {"exit": run.returncode, "stderr": run.stderr[-1500:]}
    columns = "entity_id, version, tenant_id, attribute_id, value, value_int, value_decimal, ingested_at, _source_ts, _lsn"
    digest = psql(args.pg, schema, f"SELECT count(*) || ':' || coalesce(md5(string_agg(concat_ws(',', {columns}), '|' "
                                   "ORDER BY entity_id, version)), '') FROM fact_entity_values")[0][0]
    duplicates = int(psql(args.pg, schema, "SELECT count(*) - count(DISTINCT (entity_id, version)) FROM fact_entity_values")[0][0])
    ledger = [tuple(r) for r in psql(args.pg, schema, "SELECT batch_id, table_name FROM millrace_load_ledger WHERE state = 'loaded'")]
    pairs = {(r["batchID"], f["table"]) for r in committed(out) for f in r["files"]}
    return {"exit": 0, "digest": digest, "rows": int(digest.split(":")[0]), "duplicates": duplicates,
            "ledger_matches": len(ledger) == len(set(ledger)) and set(ledger) == pairs, "ledger_rows": len(ledger)}


def kill9(args, work):
    cluster = Cluster(args.bin)
    try:
        produce(args.bin, args.schemas, cluster.bootstrap)
        config = write_config(work, cluster.bootstrap, args.schemas, rows=100)
        out = os.path.join(work, "out")
        first = subprocess.Popen(backfill_args(args.bin, config, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        reached = wait_for_commits(out, 2)
        first.send_signal(signal.SIGKILL)
        first.wait()
        before = len(committed(out))
        time.sleep(SWEEP_GRACE + 0.5)  # what the kill left pending is now old enough for the rerun's sweep
        second = subprocess.run(backfill_args(args.bin, config, out), capture_output=True, text=True, timeout=300)
        problems, rows, ranges, keys = staged(out)
        # The same range backfilled in one go, uninterrupted, in another group into a clean folder: the reference.
        clean = os.path.join(work, "clean")
        reference_config = write_config(work, cluster.bootstrap, args.schemas, rows=100, group="reference", name="reference.yaml")
        subprocess.run(backfill_args(args.bin, reference_config, clean), capture_output=True, check=True, timeout=300)
        _, _, reference_ranges, reference_keys = staged(clean)
        expected = in_range_offsets(cluster.bootstrap)
        # Deduplication is per batch, so the rows of a redelivered change that two batches split
        # may differ between runs cut differently; what was read and the changes staged may not.
        result = {"reached": reached, "commits_before_kill": before, "exit": second.returncode, "problems": problems[:20],
                  "rows": len(rows), "same_ranges_as_clean_run": ranges == reference_ranges and len(ranges) == 4,
                  "same_keys_as_clean_run": keys == reference_keys and len(keys) > 1000,
                  "staged_outside_range": len({p for p in rows if p not in expected}), "stderr": second.stderr[-1500:]}
        if args.pg:
            # Loaded, the two runs are one warehouse: the loader merges by key and version, so a
            # change staged by two batches cut differently is still one row.
            suffix = f"{os.getpid()}_{random.randrange(1 << 30)}"
            result["warehouse"] = load(args, work, out, f"bf_resumed_{suffix}")
            result["reference_warehouse"] = load(args, work, clean, f"bf_clean_{suffix}")
        return result
    finally:
        cluster.stop()


def sigint(args, work):
    cluster = Cluster(args.bin)
    try:
        produce(args.bin, args.schemas, cluster.bootstrap)
        config = write_config(work, cluster.bootstrap, args.schemas, rows=50)
        out = os.path.join(work, "out")
        first = subprocess.Popen(backfill_args(args.bin, config, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        reached = wait_for_commits(out, 1)
        first.send_signal(signal.SIGINT)
        _, stderr = first.communicate(timeout=120)
        pending = glob.glob(os.path.join(out, "_millrace", "pending", "*.json"))
        after_signal = len(committed(out))
        second = subprocess.run(backfill_args(args.bin, config, out), capture_output=True, text=True, timeout=300)
        problems, rows, _, _ = staged(out)
        return {"reached": reached, "exit": first.returncode, "message": stderr[-1500:], "pending_after_signal": len(pending),
                "commits_after_signal": after_signal, "resumed_exit": second.returncode, "problems": problems[:20], "rows": len(rows)}
    finally:
        cluster.stop()


def progress(args, work):
    cluster = Cluster(args.bin)
    try:
        produce(args.bin, args.schemas, cluster.bootstrap)
        config = write_config(work, cluster.bootstrap, args.schemas, interval="100ms")
        out = os.path.join(work, "out")
        run = subprocess.run(backfill_args(args.bin, config, out, ["--dry-run"]), capture_output=True, text=True, timeout=300)
        _, rows, ends, _ = staged(out)
        spans = sum(end - start for start, end in ends.values())
        return {"exit": run.returncode, "stderr": run.stderr, "sql_bootstrap": "CREATE TABLE IF NOT EXISTS" in run.stdout,
                "sql_merges": run.stdout.count("MERGE INTO"), "rows": len(rows), "span": spans, "batches": len(committed(out))}
    finally:
        cluster.stop()


def tty(args, work):
    """The bar under a pseudo-terminal (python's pty module): drawn in place, no error."""
    cluster = Cluster(args.bin)
    try:
        produce(args.bin, args.schemas, cluster.bootstrap)
        config = write_config(work, cluster.bootstrap, args.schemas)
        out = os.path.join(work, "out")
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(args.bin, backfill_args(args.bin, config, out))
        output = b""
        deadline = time.time() + 300
        while time.time() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
        _, status = os.waitpid(pid, 0)
        text = output.decode(errors="replace")
        return {"exit": os.waitstatus_to_exitcode(status), "output": text[-3000:], "redraws": text.count("\r\x1b[2K")}
    finally:
        cluster.stop()


def config(args, work):
    bad = os.path.join(work, "bad.yaml")
    with open(bad, "w") as f:
        f.write(f"schemas: {{dir: '{args.schemas}'}}\nbackfill: {{chunk_row: 5}}\n")
    good = os.path.join(work, "good.yaml")
    with open(good, "w") as f:
        f.write(f"schemas: {{dir: '{args.schemas}'}}\nobservability: {{listen: ''}}\n")
    cases = {
        "unknown_key": [args.bin, "backfill", "--config", bad, "--from", FROM, "--to", TO],
        "empty_range": [args.bin, "backfill", "--config", good, "--from", TO, "--to", FROM],
        "postgres_without_url": [args.bin, "backfill", "--config", good, "--from", FROM, "--to", TO, "--source", "postgres"],
        "bad_instant": [args.bin, "backfill", "--config", good, "--from", "yesterday", "--to", TO],
    }
    result = {}
    for name, argv in cases.items():
        run = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        result[name] = {"exit": run.returncode, "stderr": run.stderr[-600:]}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=["kill9", "sigint", "progress", "tty", "config"])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--schemas", required=True)
    parser.add_argument("--pg", help="a PostgreSQL URL: kill9 loads both runs' folders into it and compares the warehouses")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix=f"millrace-backfill-{args.scenario}-")
    scenarios = {"kill9": kill9, "sigint": sigint, "progress": progress, "tty": tty, "config": config}
    print(json.dumps(scenarios[args.scenario](args, work)))


if __name__ == "__main__":
    main()
