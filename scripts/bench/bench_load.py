#!/usr/bin/env python3
"""Warehouse load benchmark (issue 10): the loader's COPY path against `psql \\copy`, on one
PostgreSQL server started here, plus the cycle time of a realistic backlog.

    python3 scripts/bench/bench_load.py --bin .build/release --work out/bench/load

1. PostgreSQL is started by the `Postgres` class of scripts/test-servers.py (as `make test` does).
2. Input: `millrace loadgen` writes 1M postgres.eav.entity_values_ts values; `millrace replay`
   stages them (decode, dedup, enrich, Snappy Parquet) into a local folder. Not timed.
3. Millrace: `millrace-bench load-copy` streams every staged fact file into a fresh table with
   the staged columns, through the loader's own path: Parquet reader, COPY binary format (the
   loader's choice for these columns), postgres-nio's `COPY … FROM STDIN`, one transaction. The
   same with `--format text` (the loader's text format, its fallback) is measured alongside and
   reported, not targeted.
   Peer: the same rows, written beforehand as CSV by pyarrow, loaded by `psql -c "\\copy … FROM
   'rows.csv' WITH (FORMAT csv)"` into a table of the same definition. psql's client-side \\copy
   is the peer's fastest form for a file on the client's machine: a server-side COPY FROM a file
   would skip the client (and needs superuser), so it is not the same job; CSV is the format
   psql reads fastest besides the text format, which would need the same escaping Millrace does.
   Each side runs `--repeat` times, alternating; the best run of each counts.
4. The cycle: 10 batches of 30 s at 10K events/s (3M events over the three topics, staged with
   `pipeline.max_batch_rows: 300000`), loaded by `millrace load --once` (COPY, dedup, deletes,
   MERGE, the daily aggregate, ledger, freshness) into a fresh schema: its wall time and peak RSS.

Targets: Millrace's COPY ≥ 1.0× psql's rows/s; the loader's peak RSS ≤ 200 MB in both runs.
Exits 1 when a target is missed.
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from common import bench_binary, built, measure, report  # noqa: E402

ROWS = 1_000_000
RSS_LIMIT_MIB = 200
SCHEMAS = os.path.join(os.path.dirname(os.path.dirname(here)), "Schemas")


def load_test_servers():
    path = os.path.join(os.path.dirname(here), "test-servers.py")
    spec = importlib.util.spec_from_file_location("test_servers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stage(millrace, work, name, loadgen_args, max_batch_rows):
    """Generates traffic with loadgen and stages it with replay; returns the staging folder."""
    folder = os.path.join(work, name)
    staging = os.path.join(folder, "staging")
    marker = os.path.join(folder, "done")
    if os.path.exists(marker):
        return staging
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    dump = os.path.join(folder, "input.kcat.json")
    subprocess.run([millrace, "loadgen", "--output", dump, "--format", "kcat", "--schemas", SCHEMAS] + loadgen_args,
                   check=True, stdout=subprocess.DEVNULL)
    config = os.path.join(folder, "stage.yaml")
    with open(config, "w") as f:
        f.write(f"schemas: {{dir: '{SCHEMAS}'}}\npipeline: {{max_batch_rows: {max_batch_rows}, max_batch_bytes: 1GiB}}\n"
                "observability: {listen: '', log_level: error}\n")
    subprocess.run([millrace, "replay", "--config", config, "--input", dump, "--output", staging], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.remove(dump)
    open(marker, "w").close()
    return staging


def fact_csv(staging, path):
    """The staged fact rows as CSV, for psql (pyarrow; PostgreSQL's CSV NULL is an empty field)."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    files = []
    for root, _, names in os.walk(os.path.join(staging, "staging", "fact_entity_values")):
        files += [os.path.join(root, n) for n in names if n.endswith(".parquet")]
    rows = 0
    writer = None
    for file in sorted(files):
        table = pq.read_table(file)
        rows += table.num_rows
        if writer is None:
            writer = pacsv.CSVWriter(path, table.schema, write_options=pacsv.WriteOptions(include_header=False))
        writer.write_table(table)
    writer.close()
    return rows


def psql(url, sql):
    subprocess.run(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    millrace = built(args.bin, "millrace")
    bench = bench_binary(args.bin)
    facts = stage(millrace, args.work, "facts", ["--count", str(ROWS), "--topics", "entity_values_ts", "--duplicate-rate", "0",
                                                   "--delete-rate", "0", "--entities", "100000"], 1_000_000)
    cycle = stage(millrace, args.work, "cycle", ["--duration", "300", "--rate", "10000", "--entities", "100000"], 300_000)
    csv_path = os.path.join(args.work, "facts.csv")
    rows = fact_csv(facts, csv_path)

    servers = load_test_servers()
    root = tempfile.mkdtemp(prefix="millrace-bench-pg-")
    postgres = servers.Postgres(root)
    try:
        postgres.start()
        url = postgres.env()["MILLRACE_TEST_PG_URL"]
        create = subprocess.run([bench, "load-copy", "--help"], capture_output=True)  # the driver exists
        assert create.returncode == 0
        best_millrace = best_psql = best_text = None
        peak = 0.0
        for attempt in range(args.repeat):
            ours, theirs, text = f"copy_millrace_{attempt}", f"copy_psql_{attempt}", f"copy_text_{attempt}"
            m = measure([bench, "load-copy", "--staging", facts, "--pg", url, "--into", ours, "--schemas", SCHEMAS])
            figures = json.loads(m.stdout.decode().strip().splitlines()[-1])
            assert figures["rows"] == rows, f"millrace copied {figures['rows']} rows, the CSV has {rows}"
            peak = max(peak, m.peak_rss_mib)
            best_millrace = m.seconds if best_millrace is None else min(best_millrace, m.seconds)
            t = measure([bench, "load-copy", "--staging", facts, "--pg", url, "--into", text, "--schemas", SCHEMAS, "--format", "text"])
            best_text = t.seconds if best_text is None else min(best_text, t.seconds)
            peak = max(peak, t.peak_rss_mib)
            differing = subprocess.run(["psql", url, "-X", "-A", "-t", "-c",
                                        f"SELECT count(*) FROM ((TABLE {ours} EXCEPT ALL TABLE {text}) UNION ALL (TABLE {text} EXCEPT ALL TABLE {ours})) d"],
                                       capture_output=True, text=True, check=True).stdout.strip()
            assert differing == "0", f"the binary and text copies differ in {differing} rows"
            psql(url, f"DROP TABLE {text}")
            psql(url, f"CREATE TABLE {theirs} (LIKE {ours})")
            p = measure(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", f"\\copy {theirs} FROM '{csv_path}' WITH (FORMAT csv)"])
            best_psql = p.seconds if best_psql is None else min(best_psql, p.seconds)
            counts = subprocess.run(["psql", url, "-X", "-A", "-t", "-c",
                                     f"SELECT (SELECT count(*) FROM {ours}) || ' ' || (SELECT count(*) FROM {theirs})"],
                                    capture_output=True, text=True, check=True).stdout.split()
            assert counts == [str(rows), str(rows)], f"row counts differ: {counts}"
            psql(url, f"DROP TABLE {ours}, {theirs}")

        config = os.path.join(args.work, "load.yaml")
        with open(config, "w") as f:
            f.write(f"schemas: {{dir: '{SCHEMAS}'}}\nstaging: {{local_dir: '{cycle}'}}\n"
                    f"warehouse: {{dialect: postgres, url: '{url}', schema: bench_cycle}}\n"
                    "observability: {listen: '', log_level: error}\n")
        load = measure([millrace, "load", "--config", config, "--once"])
        batches = len([n for n in os.listdir(os.path.join(cycle, "_millrace")) if n == "commits"]) and sum(
            len(files) for _, _, files in os.walk(os.path.join(cycle, "_millrace", "commits")))
        loaded = subprocess.run(["psql", url, "-X", "-A", "-t", "-c", "SELECT sum(rows_staged) FROM bench_cycle.millrace_load_ledger"],
                                capture_output=True, text=True, check=True).stdout.strip()
    finally:
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)

    ratio = best_psql / best_millrace
    ok = report("warehouse load (PostgreSQL)", [
        ("rows", f"{rows:,} fact rows staged as Snappy Parquet, the same rows as CSV for psql"),
        ("millrace COPY", f"{best_millrace:.2f} s ({rows / best_millrace:,.0f} rows/s), peak RSS {peak:.0f} MiB"),
        ("psql \\copy (CSV)", f"{best_psql:.2f} s ({rows / best_psql:,.0f} rows/s)"),
        ("ratio", f"{ratio:.2f}x psql's rows/s (best of {args.repeat} each)"),
        ("millrace COPY (text)", f"{best_text:.2f} s ({rows / best_text:,.0f} rows/s), {best_psql / best_text:.2f}x psql's rows/s"),
        ("load cycle", f"{batches} batches of 30 s at 10K events/s ({int(loaded or 0):,} staged rows): "
                       f"{load.seconds:.1f} s, peak RSS {load.peak_rss_mib:.0f} MiB"),
    ], [
        ("Millrace's COPY ≥ 1.0× psql \\copy", ratio >= 1.0),
        (f"peak RSS ≤ {RSS_LIMIT_MIB} MB (COPY and the cycle)", max(peak, load.peak_rss_mib) <= RSS_LIMIT_MIB),
    ])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
