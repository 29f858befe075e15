#!/usr/bin/env python3
"""Backfill from the mock cluster over all partitions: `millrace backfill` against kcat
consuming the same topic, in the same run.

    python3 scripts/bench/bench_backfill.py --bin .build/release --work out/bench/backfill

A `millrace mock-kafka` cluster holds N loadgen `entity_values_ts` messages (about 1.2 KB of
schema-enabled Debezium JSON each, snappy batches), 2M by default in 128 partitions. librdkafka
2.0.2's mock keeps about 5 MB and 100,000 batches per partition and purges older data, so the
partitions are many enough to retain everything (both consumers must drain every message, which
checks that nothing was purged). The messages are produced before the runs, not while consuming:
a backfill's end offsets are fixed when it plans, so it reads only what is there when it starts.
Millrace backfills a day that covers every message: plans the offsets by time (the mock answers
ListOffsets-by-time with -1, so through the binary search), reads every partition in parallel
slices, decodes, deduplicates, writes Parquet and commits each batch exactly once to a local
folder, in a fresh consumer group each run. kcat reads the same topic and discards the messages.

kcat's fastest form is chosen in this run, not assumed: each candidate below is timed in every
run, interleaved with Millrace's runs, and the form with the best time is the peer. All read
every partition from the beginning to the end with no consumer group (`-C -e -o beginning`, as
the backfill assigns partitions itself) and write one newline per message into `wc -l`; they
differ in librdkafka's prefetch settings: its defaults, an unbounded prefetch, and an unbounded
prefetch with short fetch waits (the fastest on the mock so far; kcat's memory is not bounded).

Both are timed as whole processes (connect, metadata, plan or not, drain, exit), best of several
runs, with the spread reported. Targets: backfill rate >= 0.8x kcat; peak RSS <= 200 MiB. Also
reported: the cores the backfill kept busy (its CPU time over its wall time), the machine's core
count, and the mock broker's CPU time in the best runs: it shares the machine's cores, so what
Millrace spends slows the broker that feeds both (on a 2-core machine kcat itself takes about
twice as long with one core kept busy).
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import built, measure, report  # noqa: E402

TOPIC = "postgres.eav.entity_values_ts"
KCAT_FORMS = {
    "default": [],
    "large prefetch": ["-X", "queued.min.messages=1000000", "-X", "fetch.max.bytes=52428800"],
    "short fetch wait": ["-X", "fetch.wait.max.ms=10", "-X", "queued.min.messages=1000000"],
}


def kcat(bootstrap, extra):
    command = 'set -o pipefail; kcat -C -b "$0" -t "$1" -o beginning -e -q -f "\\n" ' + " ".join(f"'{a}'" for a in extra) + " | wc -l"
    return ["bash", "-c", command, bootstrap, TOPIC]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--messages", type=int, default=2_000_000)
    parser.add_argument("--partitions", type=int, default=128)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--schemas", default="Schemas")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    millrace = built(args.bin, "millrace")
    # The entities topic exists as on the source cluster (the backfill follows dim_entities from it).
    mock = subprocess.Popen([millrace, "mock-kafka", "--brokers", "3", "--topic", f"{TOPIC}:{args.partitions}",
                             "--topic", "postgres.eav.entities:4"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        bootstrap = mock.stdout.readline().strip()
        if not bootstrap:
            raise SystemExit("bench: millrace mock-kafka printed no bootstrap servers")
        subprocess.run([millrace, "loadgen", "--schemas", args.schemas, "--bootstrap", bootstrap, "--topics", "entity_values_ts",
                        "--count", str(args.messages), "--partitions", str(args.partitions), "--rate", "100000000",
                        "--start", "2026-12-01T06:00:00Z", "--duplicate-rate", "0", "--delete-rate", "0"],
                       check=True, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        def broker_cpu():
            with open(f"/proc/{mock.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        millrace_runs, kcat_runs = [], {name: [] for name in KCAT_FORMS}
        for run in range(args.runs):
            out = os.path.join(args.work, "out")
            shutil.rmtree(out, ignore_errors=True)
            config = os.path.join(args.work, "millrace.yaml")
            with open(config, "w") as f:
                f.write(f"kafka: {{bootstrap_servers: '{bootstrap}', group_id: bench-{run}-{os.getpid()}, topics: [{TOPIC}]}}\n"
                        f"schemas: {{dir: '{os.path.abspath(args.schemas)}'}}\n"
                        "observability: {listen: '', log_level: error}\n")
            before = broker_cpu()
            measured = measure([millrace, "backfill", "--config", config, "--from", "2026-12-01", "--to", "2026-12-02",
                                "--topics", TOPIC, "--output", out], stdout=subprocess.DEVNULL)
            summary = measured.stderr.decode(errors="replace")
            found = re.search(r"^  records\s+([\d,]+)", summary, re.MULTILINE)
            backfilled = int(found.group(1).replace(",", "")) if found else -1
            if backfilled != args.messages:
                raise SystemExit(f"bench: the backfill read {backfilled} of {args.messages} messages:\n{summary[-2000:]}")
            measured.broker_cpu = broker_cpu() - before
            millrace_runs.append(measured)
            for name, extra in KCAT_FORMS.items():
                before = broker_cpu()
                timed = measure(kcat(bootstrap, extra))
                timed.broker_cpu = broker_cpu() - before
                drained = int(timed.stdout.decode().strip() or 0)
                if drained != args.messages:
                    raise SystemExit(f"bench: kcat ({name}) drained {drained} of {args.messages} messages: the mock purged data")
                kcat_runs[name].append(timed)
    finally:
        mock.send_signal(signal.SIGTERM)
        mock.wait(timeout=30)

    best_millrace = min(millrace_runs, key=lambda run: run.seconds)
    best_forms = {name: min(runs, key=lambda run: run.seconds) for name, runs in kcat_runs.items()}
    fastest = min(best_forms, key=lambda name: best_forms[name].seconds)
    best_kcat = best_forms[fastest]
    millrace_rate = args.messages / best_millrace.seconds
    kcat_rate = args.messages / best_kcat.seconds
    ratio = millrace_rate / kcat_rate
    peak_rss = max(run.peak_rss_mib for run in millrace_runs)
    cores = best_millrace.cpu_seconds / best_millrace.seconds
    spread = lambda runs: f"{min(r.seconds for r in runs):.2f} .. {max(r.seconds for r in runs):.2f} s"  # noqa: E731
    rows = [
        ("input", f"{args.messages:,} entity_values_ts messages in {args.partitions} partitions, 3 mock brokers"),
        ("millrace backfill", f"{best_millrace.seconds:.2f} s, {millrace_rate:,.0f} msg/s (plan, decode → Parquet, committed)"),
        ("kcat (fastest form)", f"{best_kcat.seconds:.2f} s, {kcat_rate:,.0f} msg/s: {fastest}, peak RSS {best_kcat.peak_rss_mib:.0f} MiB"),
        ("kcat forms (best)", ", ".join(f"{name} {run.seconds:.2f} s" for name, run in best_forms.items())),
        ("ratio", f"{ratio:.2f}x kcat"),
        ("millrace peak RSS", f"{peak_rss:.1f} MiB (highest of the runs)"),
        ("cores used", f"{cores:.2f} of {os.cpu_count()} (backfill CPU time / wall time in its best run)"),
        ("mock broker CPU", f"{best_millrace.broker_cpu:.2f} s beside millrace, {best_kcat.broker_cpu:.2f} s beside kcat (best runs)"),
        ("runs", f"millrace {[round(r.seconds, 2) for r in millrace_runs]} s ({spread(millrace_runs)}), "
                 f"kcat {fastest} {[round(r.seconds, 2) for r in kcat_runs[fastest]]} s"),
    ]
    ok = report("backfill", rows, [
        ("backfill rate >= 0.8x kcat", ratio >= 0.8),
        ("peak RSS <= 200 MiB", peak_rss <= 200),
    ])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
