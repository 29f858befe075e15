#!/usr/bin/env python3
"""Transform, single core: `millrace replay` against DuckDB (threads=1) on the same messages.

    python3 scripts/bench/bench_transform.py --bin .build/release --work out/bench/transform

Input: 1M schema-enabled Debezium values of `postgres.eav.entity_values_ts` (about 1.1 KB each)
from `millrace loadgen --format values`, plus the two dimensions as CSV: `dim_attributes` (from
loadgen) and `dim_entities` (written here for the same entity ids).

Both sides decode every message, keep the newest change per (entity_id, version), left-join
dim_entities and dim_attributes, and write Snappy Parquet to local disk:
  * Millrace: `millrace replay … --dry-run`, its own worker path (decode → dedup → enrich →
    hourly Parquet → commit records), on one pipeline thread;
  * DuckDB: `read_json` → `QUALIFY row_number()` → `LEFT JOIN` → `COPY … (FORMAT parquet,
    COMPRESSION snappy)` with `SET threads=1`, in its fastest form: read_json inferring the
    whole envelope, or given the one column it needs (`payload`, its struct typed from the
    messages' Connect schema); both run in every round and the faster one's best run counts.
Both processes are pinned to one core with taskset and timed whole (start-up included), best of
several alternating runs. Targets (MISSION.md, Performance): ratio >= 1.5x DuckDB, Millrace peak
RSS <= 200 MiB.
"""
import argparse
import csv
import glob
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import built, duckdb_json_forms, fastest_form, measure, report  # noqa: E402

TOPIC = "postgres.eav.entity_values_ts"

DUCKDB = """
import sys, duckdb
source, attributes, entities, out = sys.argv[1:5]
con = duckdb.connect()
con.execute("SET threads=1")
con.execute(f"CREATE TABLE attrs AS SELECT * FROM read_csv('{attributes}')")
con.execute(f"CREATE TABLE ents AS SELECT * FROM read_csv('{entities}')")
con.execute(f'''
COPY (
  SELECT v.*, e.entity_type, e.status AS entity_status,
         a.name AS attribute_name, a.data_type AS attribute_data_type, a.unit AS attribute_unit
  FROM (SELECT payload.* FROM {source}
        QUALIFY row_number() OVER (PARTITION BY payload.entity_id, payload.version ORDER BY payload.__lsn DESC) = 1) v
  LEFT JOIN ents e USING (entity_id)
  LEFT JOIN attrs a USING (attribute_id)
) TO '{out}' (FORMAT parquet, COMPRESSION snappy)''')
print(con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchall()[0][0])
"""


def write_entities(path, count):
    """dim_entities rows for entity ids 1…count (what loadgen's traffic references)."""
    types = ["device", "asset", "site", "sensor", "gateway"]
    statuses = ["active", "inactive", "archived"]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["entity_id", "tenant_id", "entity_type", "status", "name", "created_at", "updated_at", "version"])
        for entity in range(1, count + 1):
            writer.writerow([entity, entity % 50 + 1, types[entity % len(types)], statuses[entity % len(statuses)],
                             f"entity {entity}", "2026-01-01T00:00:00Z", "2026-11-01T00:00:00Z", 1])


def pinned(argv):
    return (["taskset", "-c", "0"] if shutil.which("taskset") else []) + argv


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--schemas", default="Schemas")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    millrace = built(args.bin, "millrace")
    values = os.path.join(args.work, f"values-{args.messages}.ndjson")
    attributes = os.path.join(args.work, "dim_attributes.csv")
    entities = os.path.join(args.work, "dim_entities.csv")
    if not os.path.exists(values):
        subprocess.run([millrace, "loadgen", "--schemas", args.schemas, "--output", values, "--format", "values",
                        "--topics", "entity_values_ts", "--count", str(args.messages), "--entities", str(args.entities),
                        "--attributes-out", attributes], check=True, stderr=subprocess.DEVNULL)
    write_entities(entities, args.entities)
    config = os.path.join(args.work, "millrace.yaml")
    with open(config, "w") as f:
        f.write(f"schemas: {{dir: '{os.path.abspath(args.schemas)}'}}\n"
                f"dimensions:\n  dim_attributes: {{snapshot: '{attributes}'}}\n  dim_entities: {{snapshot: '{entities}'}}\n"
                "observability: {log_level: warning}\n")
    size = os.path.getsize(values)

    forms = duckdb_json_forms(values)
    millrace_runs, duckdb_runs = [], {form: [] for form in forms}
    for _ in range(args.runs):
        out = os.path.join(args.work, "millrace-out")
        shutil.rmtree(out, ignore_errors=True)
        millrace_runs.append(measure(pinned([millrace, "replay", "--config", config, "--input", values, "--format", "values",
                                             "--topic", TOPIC, "--dry-run", "--output", out])))
        duck_out = os.path.join(args.work, "duckdb.parquet")
        for form, source in forms.items():
            duckdb_runs[form].append(measure(pinned([sys.executable, "-c", DUCKDB, source, attributes, entities, duck_out])))

    rows_millrace = sum(_parquet_rows(path) for path in glob.glob(os.path.join(args.work, "millrace-out", "staging", "**", "*.parquet"),
                                                                   recursive=True))
    form, best_duck_run, form_text = fastest_form(duckdb_runs)
    rows_duckdb = int(best_duck_run.stdout.decode().strip().splitlines()[-1])
    best_millrace = min(run.seconds for run in millrace_runs)
    best_duckdb = best_duck_run.seconds
    ratio = best_duckdb / best_millrace
    peak_rss = max(run.peak_rss_mib for run in millrace_runs)
    rows = [
        ("input", f"{args.messages:,} values, {size / 1e9:.2f} GB, dimensions {args.entities:,} entities"),
        ("millrace", f"{best_millrace:.2f} s, {args.messages / best_millrace:,.0f} msg/s, {rows_millrace:,} rows staged"),
        ("duckdb threads=1", f"{best_duckdb:.2f} s, {args.messages / best_duckdb:,.0f} msg/s, {rows_duckdb:,} rows"),
        ("duckdb form", form_text),
        ("ratio", f"{ratio:.2f}x DuckDB"),
        ("millrace peak RSS", f"{peak_rss:.1f} MiB"),
        ("runs", f"millrace {[round(r.seconds, 2) for r in millrace_runs]} s, duckdb {form} {[round(r.seconds, 2) for r in duckdb_runs[form]]} s"),
    ]
    # Millrace deduplicates within each batch (the loader's merge removes the rest), DuckDB over
    # the whole input, so Millrace may stage slightly more rows; never fewer.
    ok = report("transform", rows, [
        ("throughput >= 1.5x DuckDB (threads=1)", ratio >= 1.5),
        ("peak RSS <= 200 MiB", peak_rss <= 200),
        ("same rows up to cross-batch duplicates", rows_duckdb <= rows_millrace <= rows_duckdb * 1.02),
    ])
    sys.exit(0 if ok else 1)


def _parquet_rows(path):
    import pyarrow.parquet as pq
    return pq.ParquetFile(path).metadata.num_rows


if __name__ == "__main__":
    main()
