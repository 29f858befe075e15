#!/usr/bin/env python3
"""Kafka consume: Millrace's consumer against `kcat -C -e -o beginning` on the same topic.

    python3 scripts/bench/bench_kafka_consume.py --bin .build/release --work out/bench/kafka_consume

A `millrace mock-kafka` cluster runs in the background for the whole benchmark, so both
consumers read the very same retained data. The topic has many partitions because librdkafka's
mock keeps only about 5 MB per partition; the fill is checked to be fully retained. The
values are ~1.1 KB Debezium-shaped JSON in snappy batches, as on the source topics.

Both consumers are timed as whole processes (connect, metadata, drain to the end, exit), best
of several alternating runs, and the ratio of their msg/s is reported with Millrace's peak RSS.
Each run must drain every message: Millrace reports its count, and kcat prints one newline per
message (`-f '\n'`, so its time is consuming, not writing payloads) into `wc -l`.
Targets: ratio >= 0.8 (MISSION.md, Performance), peak RSS <= 200 MiB.
"""
import argparse
import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import bench_binary, built, measure, report  # noqa: E402



def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--partitions", type=int, default=64)
    parser.add_argument("--messages", type=int, default=400_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    millrace = built(args.bin, "millrace")
    bench = bench_binary(args.bin)
    topic = "bench.kafka.consume"

    mock = subprocess.Popen(
        [millrace, "mock-kafka", "--brokers", "3", "--topic", f"{topic}:{args.partitions}"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        bootstrap = mock.stdout.readline().strip()
        if not bootstrap:
            raise SystemExit("bench: millrace mock-kafka printed no bootstrap servers")
        common = ["--bootstrap", bootstrap, "--topic", topic, "--partitions", str(args.partitions)]
        subprocess.run([bench, "kafka-consume", *common, "--fill", str(args.messages)], check=True, stdout=subprocess.DEVNULL)

        millrace_runs, kcat_runs, drained = [], [], None
        for _ in range(args.runs):
            run = measure([bench, "kafka-consume", *common])
            result = json.loads(run.stdout.decode().strip().splitlines()[-1])
            drained = result["messages"]
            if drained != args.messages:
                raise SystemExit(f"bench: drained {drained} of {args.messages} messages: the mock purged data; "
                                 f"use more --partitions or fewer --messages")
            millrace_runs.append((run, result))
            kcat = measure(["bash", "-c", 'set -o pipefail; kcat -C -b "$0" -t "$1" -o beginning -e -q -f "\\n" | wc -l',
                            bootstrap, topic])
            kcat_drained = int(kcat.stdout.decode().strip() or 0)
            if kcat_drained != args.messages:
                raise SystemExit(f"bench: kcat drained {kcat_drained} of {args.messages} messages")
            kcat_runs.append(kcat)
    finally:
        mock.send_signal(signal.SIGTERM)
        mock.wait(timeout=30)

    best_millrace = min(millrace_runs, key=lambda pair: pair[0].seconds)
    best_kcat = min(kcat_runs, key=lambda run: run.seconds)
    millrace_rate = args.messages / best_millrace[0].seconds
    kcat_rate = args.messages / best_kcat.seconds
    ratio = millrace_rate / kcat_rate
    peak_rss = max(run.peak_rss_mib for run, _ in millrace_runs)
    rows = [
        ("input", f"{args.messages} messages, {best_millrace[1]['bytes'] / 1e6:.0f} MB of values, "
                  f"{args.partitions} partitions, snappy batches"),
        ("millrace msg/s", f"{millrace_rate:,.0f} (process; {best_millrace[1]['msgPerSec']:,.0f} while draining)"),
        ("kcat msg/s", f"{kcat_rate:,.0f}"),
        ("ratio", f"{ratio:.2f}x kcat"),
        ("millrace peak RSS", f"{peak_rss:.1f} MiB"),
        ("runs", f"best of {args.runs}: millrace {[round(r.seconds, 2) for r, _ in millrace_runs]} s, "
                 f"kcat {[round(r.seconds, 2) for r in kcat_runs]} s"),
    ]
    ok = report("kafka_consume", rows, [
        ("consume rate >= 0.8x kcat", ratio >= 0.8),
        ("peak RSS <= 200 MiB", peak_rss <= 200),
    ])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
