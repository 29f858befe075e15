#!/usr/bin/env python3
"""Snapshot dimension benchmark (issue 6): a dim_attributes snapshot file into typed columns.

    python3 scripts/bench/bench_snapshot.py --bin .build/release --work out/bench/snapshot [--rows 500000]

1. `millrace loadgen --attributes N --attributes-out` writes the dim_attributes snapshot as CSV
   and NDJSON; pyarrow rewrites the CSV as Parquet (Snappy). None of this is timed.
2. `millrace-bench snapshot` reads each file with SnapshotReader on one thread, every value
   checked against the declaration (types, NOT NULL, UTF-8, VARCHAR byte limits); the file is
   read into memory before the timed section. The process's peak RSS is measured from outside.
3. The peer, DuckDB with `SET threads=1`, runs `CREATE TABLE t AS SELECT * FROM read_csv(...)`
   (`read_json`, `read_parquet`) with the same column types on the same file in the same run.

Both sides run `--repeat` times (default 3) and the best run of each counts. Targets: every row
loaded and none rejected; at least 1M rows/s on one core for each format, so that a dimension
of a million rows refreshes in about a second, a small part of the 30 s window; peak RSS at most
200 MiB. The ratio to DuckDB is reported for each format (no target: DuckDB's CSV and Parquet
readers are vectorised C++, and ours checks every value against the declaration as the decoder
does). Exits 1 when a target is missed.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import bench_binary, measure, report  # noqa: E402

TARGET_ROWS_PER_SECOND = 1_000_000

COLUMNS = ("{'attribute_id': 'BIGINT', 'name': 'VARCHAR', 'data_type': 'VARCHAR', 'unit': 'VARCHAR', "
           "'description': 'VARCHAR', 'is_hot': 'BOOLEAN'}")

DUCKDB_SCRIPT = r"""
import json, sys, time, duckdb
path, kind, columns = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect()
con.execute("SET threads=1")
con.execute("SET enable_progress_bar=false")
source = {
    "csv": f"read_csv('{path}', header=true, columns={columns})",
    "ndjson": f"read_json('{path}', format='newline_delimited', columns={columns})",
    "parquet": f"read_parquet('{path}')",
}[kind]
start = time.perf_counter()
con.execute(f"CREATE TABLE t AS SELECT * FROM {source}")
seconds = time.perf_counter() - start
rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
print(json.dumps({"rows": rows, "seconds": seconds}))
"""

TO_PARQUET = r"""
import sys, pyarrow.csv as csv, pyarrow.parquet as pq
table = csv.read_csv(sys.argv[1], convert_options=csv.ConvertOptions(strings_can_be_null=True))
pq.write_table(table, sys.argv[2], compression="snappy")
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", default="out/bench/snapshot")
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--schemas", default="Schemas")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    millrace = os.path.join(args.bin, "millrace")
    bench = bench_binary(args.bin)
    files = {kind: os.path.join(args.work, f"dim_attributes.{kind}") for kind in ("csv", "ndjson", "parquet")}
    measure([millrace, "loadgen", "--schemas", args.schemas, "--attributes", str(args.rows),
             "--attributes-out", files["csv"], "--attributes-out", files["ndjson"]])
    measure([sys.executable, "-c", TO_PARQUET, files["csv"], files["parquet"]])

    rows, verdicts, peak = [], [], 0.0
    rows.append(("input", f"{args.rows:,} dim_attributes rows; best of {args.repeat} runs each, DuckDB threads=1"))
    for kind, path in files.items():
        ours_runs, peer_runs = [], []
        for _ in range(args.repeat):
            run = measure([bench, "snapshot", "--input", path, "--schemas", args.schemas])
            ours_runs.append((json.loads(run.stdout), run))
            run = measure([sys.executable, "-c", DUCKDB_SCRIPT, path, kind, COLUMNS])
            peer_runs.append((json.loads(run.stdout.decode().strip().splitlines()[-1]), run))
        figures, _ = min(ours_runs, key=lambda pair: pair[0]["seconds"])
        duck, _ = min(peer_runs, key=lambda pair: pair[0]["seconds"])
        peak = max([peak] + [run.peak_rss_mib for _, run in ours_runs])
        ours_rate = figures["rows"] / figures["seconds"]
        duck_rate = duck["rows"] / duck["seconds"]
        size = os.path.getsize(path)
        rows.append((f"{kind} ({size / 1e6:.0f} MB)",
                     f"millrace {ours_rate / 1e6:.2f}M rows/s ({figures['seconds']:.3f} s), "
                     f"duckdb {duck_rate / 1e6:.2f}M rows/s ({duck['seconds']:.3f} s): {ours_rate / duck_rate:.2f}x DuckDB"))
        verdicts.append((f"{kind}: every row loaded, none rejected",
                         figures["rows"] == args.rows and figures["rejected"] == 0 and duck["rows"] == args.rows))
        verdicts.append((f"{kind}: at least {TARGET_ROWS_PER_SECOND / 1e6:.0f}M rows/s on one core",
                         ours_rate >= TARGET_ROWS_PER_SECOND))
    rows.append(("millrace peak RSS", f"{peak:.0f} MiB (file bytes and columns both in memory)"))
    verdicts.append(("peak RSS at most 200 MiB", peak <= 200))
    ok = report("snapshot: dim_attributes file into typed columns", rows, verdicts)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
