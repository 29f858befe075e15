#!/usr/bin/env python3
"""End to end from the mock cluster: `millrace run --dry-run --until-drained` against kcat.

    python3 scripts/bench/bench_pipeline.py --bin .build/release --work out/bench/pipeline

A `millrace mock-kafka` cluster holds N loadgen `entity_values_ts` messages (about 1.1 KB,
schema-enabled Debezium JSON) in many partitions (the mock keeps about 5 MB per partition).
Millrace consumes them in a consumer group, decodes, deduplicates, enriches, writes Parquet and
commits exactly once to a local folder; kcat consumes the same topic in its own consumer group
(`-G`, so both pay the group join) and discards the messages. Both are timed as whole processes,
best of several runs; the ratio of their msg/s and Millrace's peak RSS are reported. No target
is set for this ratio (the transform benchmark carries the throughput target); peak RSS must
stay under 200 MiB.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import built, measure, report  # noqa: E402

TOPIC = "postgres.eav.entity_values_ts"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--messages", type=int, default=300_000)
    parser.add_argument("--partitions", type=int, default=96)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--schemas", default="Schemas")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    millrace = built(args.bin, "millrace")
    mock = subprocess.Popen([millrace, "mock-kafka", "--brokers", "1", "--topic", f"{TOPIC}:{args.partitions}"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        bootstrap = mock.stdout.readline().strip()
        if not bootstrap:
            raise SystemExit("bench: millrace mock-kafka printed no bootstrap servers")
        subprocess.run([millrace, "loadgen", "--schemas", args.schemas, "--bootstrap", bootstrap, "--topics", "entity_values_ts",
                        "--count", str(args.messages), "--partitions", str(args.partitions), "--rate", "100000000"],
                       check=True, stderr=subprocess.DEVNULL)
        millrace_runs, kcat_runs = [], []
        for run in range(args.runs):
            out = os.path.join(args.work, "out")
            shutil.rmtree(out, ignore_errors=True)
            config = os.path.join(args.work, "millrace.yaml")
            with open(config, "w") as f:
                f.write(f"kafka: {{bootstrap_servers: '{bootstrap}', group_id: bench-{run}, topics: [{TOPIC}]}}\n"
                        f"schemas: {{dir: '{os.path.abspath(args.schemas)}'}}\n"
                        "observability: {listen: '', log_level: warning}\n")
            millrace_runs.append(measure([millrace, "run", "--config", config, "--dry-run", "--output", out, "--until-drained"],
                                         stdout=subprocess.DEVNULL))
            kcat_runs.append(measure(["kcat", "-C", "-b", bootstrap, "-G", f"kcat-bench-{run}", "-o", "beginning", "-e", "-q", TOPIC],
                                     stdout=subprocess.DEVNULL))
        consumed = _consumed(os.path.join(args.work, "out"))
    finally:
        mock.send_signal(signal.SIGTERM)
        mock.wait(timeout=30)

    best_millrace = min(run.seconds for run in millrace_runs)
    best_kcat = min(run.seconds for run in kcat_runs)
    ratio = best_kcat / best_millrace
    peak_rss = max(run.peak_rss_mib for run in millrace_runs)
    rows = [
        ("input", f"{args.messages:,} entity_values_ts messages in {args.partitions} partitions"),
        ("millrace (decode → Parquet, committed)", f"{best_millrace:.2f} s, {args.messages / best_millrace:,.0f} msg/s"),
        ("kcat -G (consume only)", f"{best_kcat:.2f} s, {args.messages / best_kcat:,.0f} msg/s"),
        ("ratio", f"{ratio:.2f}x kcat"),
        ("millrace peak RSS", f"{peak_rss:.1f} MiB"),
        ("runs", f"millrace {[round(r.seconds, 2) for r in millrace_runs]} s, kcat {[round(r.seconds, 2) for r in kcat_runs]} s"),
    ]
    ok = report("pipeline", rows, [
        ("every message committed", consumed == args.messages),
        ("peak RSS <= 200 MiB", peak_rss <= 200),
    ])
    sys.exit(0 if ok else 1)


def _consumed(out):
    """Kafka records covered by the run's commit records."""
    import glob
    import json
    total = 0
    for path in glob.glob(os.path.join(out, "_millrace", "commits", "**", "*.json"), recursive=True):
        with open(path) as f:
            total += sum(source["records"] for source in json.load(f)["sources"])
    return total


if __name__ == "__main__":
    main()
