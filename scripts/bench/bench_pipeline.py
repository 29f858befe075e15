#!/usr/bin/env python3
"""End to end from the mock cluster: `millrace run --dry-run --until-drained` against kcat.

    python3 scripts/bench/bench_pipeline.py --bin .build/release --work out/bench/pipeline

A `millrace mock-kafka` cluster holds N (default 2M) loadgen `entity_values_ts` messages (about
1.1 KB, schema-enabled Debezium JSON) in enough partitions for all of them (librdkafka's mock
keeps 5 MiB per partition: `max_size` in rdkafka_mock.c). Millrace consumes them in a consumer
group, decodes, deduplicates, enriches, writes Parquet and commits exactly once to a local
folder; kcat consumes the same topic in its own consumer group (`-G`, so both pay the group
join) and prints only each message's offset (`-f '%o\n'`, its fastest form: no value
formatting or output to speak of).

Figures, best of several runs:
- steady state: messages per second from the first message fetched to the exit (Millrace's
  first fetch from its "first records fetched" log line, kcat's from its first output byte), so
  the mock's group join (about 3 s for both) and the start-up are not counted; target >= 0.9x;
- whole process: the same, including start-up;
- start-up beyond the group join: the dimensions' load, then the first assignment to the first
  records fetched (the join itself is the coordinator's: the mock takes 3 s); target <= 1 s;
- Millrace's peak RSS, which must stay under 200 MiB.
At 2M messages the mock broker itself is the bottleneck for both (640 partitions; one broker is
faster than three on a 2-core machine, where the mock's broker threads compete with the
consumers), so the ratio says Millrace keeps up with the fastest plain consumer on the same
broker, not how fast either could go against a real cluster.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import built, measure, measure_first_output, report  # noqa: E402

TOPIC = "postgres.eav.entity_values_ts"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--messages", type=int, default=2_000_000)
    parser.add_argument("--partitions", type=int, default=640)
    parser.add_argument("--brokers", type=int, default=1)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--schemas", default="Schemas")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    millrace = built(args.bin, "millrace")
    mock = subprocess.Popen([millrace, "mock-kafka", "--brokers", str(args.brokers), "--topic", f"{TOPIC}:{args.partitions}"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        bootstrap = mock.stdout.readline().strip()
        if not bootstrap:
            raise SystemExit("bench: millrace mock-kafka printed no bootstrap servers")
        subprocess.run([millrace, "loadgen", "--schemas", args.schemas, "--bootstrap", bootstrap, "--topics", "entity_values_ts",
                        "--count", str(args.messages), "--partitions", str(args.partitions), "--rate", "100000000"],
                       check=True, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        millrace_runs, kcat_runs = [], []
        for run in range(args.runs):
            out = os.path.join(args.work, "out")
            shutil.rmtree(out, ignore_errors=True)
            config = os.path.join(args.work, "millrace.yaml")
            with open(config, "w") as f:
                f.write(f"kafka: {{bootstrap_servers: '{bootstrap}', group_id: bench-{run}, topics: [{TOPIC}]}}\n"
                        f"schemas: {{dir: '{os.path.abspath(args.schemas)}'}}\n"
                        "observability: {listen: '', log_level: info, log_format: json}\n")
            measurement = measure([millrace, "run", "--config", config, "--dry-run", "--output", out, "--until-drained"],
                                  stdout=subprocess.DEVNULL)
            measurement.startup = _startup(measurement.stderr)
            millrace_runs.append(measurement)
            kcat_runs.append(measure_first_output(
                ["kcat", "-C", "-b", bootstrap, "-G", f"kcat-bench-{run}", "-o", "beginning", "-e", "-q", "-f", "%o\n", TOPIC]))
        consumed = _consumed(os.path.join(args.work, "out"))
    finally:
        mock.send_signal(signal.SIGTERM)
        mock.wait(timeout=30)

    def millrace_steady(run):
        return run.seconds - run.startup["first_records_ms"] / 1000

    def kcat_steady(run):
        return run.seconds - run.first_output_seconds

    best_millrace = min(millrace_runs, key=millrace_steady)
    best_kcat = min(kcat_runs, key=kcat_steady)
    steady_ratio = kcat_steady(best_kcat) / millrace_steady(best_millrace)
    whole_millrace = min(run.seconds for run in millrace_runs)
    whole_kcat = min(run.seconds for run in kcat_runs)
    beyond_join = min(run.startup["beyond_join_ms"] for run in millrace_runs)
    peak_rss = max(run.peak_rss_mib for run in millrace_runs)
    n = args.messages
    rows = [
        ("input", f"{n:,} entity_values_ts messages in {args.partitions} partitions on {args.brokers} mock brokers"),
        ("millrace steady state (decode → Parquet, committed)",
         f"{millrace_steady(best_millrace):.2f} s, {n / millrace_steady(best_millrace):,.0f} msg/s"),
        ("kcat -G -f '%o\\n' steady state (consume only)", f"{kcat_steady(best_kcat):.2f} s, {n / kcat_steady(best_kcat):,.0f} msg/s"),
        ("ratio, steady state", f"{steady_ratio:.2f}x kcat"),
        ("ratio, whole process", f"{whole_kcat / whole_millrace:.2f}x kcat ({whole_millrace:.2f} s vs {whole_kcat:.2f} s)"),
        ("millrace start-up", ", ".join(f"{key} {best_millrace.startup[key]}" for key in sorted(best_millrace.startup))),
        ("start-up beyond the group join", f"{beyond_join} ms"),
        ("millrace peak RSS", f"{peak_rss:.1f} MiB"),
        ("millrace CPU time (best run)", f"{best_millrace.cpu_seconds:.2f} s of {best_millrace.seconds:.2f} s"),
        ("runs", f"millrace {[round(r.seconds, 2) for r in millrace_runs]} s, kcat {[round(r.seconds, 2) for r in kcat_runs]} s"),
    ]
    ok = report("pipeline", rows, [
        ("every message committed", consumed == n),
        ("steady state >= 0.9x kcat", steady_ratio >= 0.9),
        ("start-up beyond the group join <= 1 s", beyond_join <= 1000),
        ("peak RSS <= 200 MiB", peak_rss <= 200),
    ])
    sys.exit(0 if ok else 1)


def _startup(stderr):
    """The figures of Millrace's "first records fetched" log line (milliseconds by name)."""
    for line in stderr.decode(errors="replace").splitlines():
        if '"first records fetched"' in line:
            entry = json.loads(line)
            metadata = entry.get("metadata", entry)
            return {key: int(metadata[key]) for key in ("first_records_ms", "dimensions_loaded_ms", "group_joined_ms", "beyond_join_ms")
                    if key in metadata}
    raise SystemExit("bench: millrace logged no 'first records fetched' line")


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
