#!/usr/bin/env python3
"""Regenerates the seed corpora of the Parquet, configuration and commit-record fuzz targets
(Sources/MillraceFuzz): Tests/Fixtures/fuzz-corpus-parquet/, fuzz-corpus-config/ and
fuzz-corpus-commit-record/. (The decoder's corpus is scripts/make-fuzz-corpus.py's.)

    python3 scripts/make-fuzz-seeds.py --bin .build/debug

Parquet: files Millrace's own writer staged (`millrace loadgen` records through `millrace replay`)
and files pyarrow writes with every physical type, nulls, dictionary and plain encodings, Snappy
and no compression, data page v1 and v2, several row groups. Commit records: the records that
replay committed. Configurations: deploy/millrace.yaml, and the shapes the tests and the soak
write. Each seed stays under the fuzzers' 64 KiB input limit.
"""
import argparse
import datetime
import decimal
import glob
import os
import shutil
import subprocess
import tempfile

LIMIT = 65536
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")

CONFIGS = {
    "empty.yaml": "{}\n",
    "process-test.yaml": (
        "pipeline: {window: 2s, max_batch_rows: 2000, sweep_grace: 32s, max_clock_skew: 0s}\n"
        "kafka:\n  bootstrap_servers: '127.0.0.1:9092'\n  group_id: process-test\n"
        "  topics: [postgres.eav.entities, postgres.eav.entity_values_ts]\n"
        "  properties: {session.timeout.ms: '6000', heartbeat.interval.ms: '500', max.poll.interval.ms: '6000', socket.timeout.ms: '5000'}\n"
        "schemas: {dir: Schemas}\nobservability: {listen: '', log_level: warning, log_format: text}\n"),
    "soak.yaml": (
        "pipeline: {window: 2s, max_batch_rows: 50000, sweep_grace: 90s, max_clock_skew: 0s, shutdown_grace: 20s}\n"
        "kafka:\n  bootstrap_servers: '127.0.0.1:1,127.0.0.1:2'\n  group_id: soak\n  topics: [\"postgres.eav.entities\"]\n"
        "  properties: {session.timeout.ms: '6000', max.poll.interval.ms: '10000', socket.timeout.ms: '5000'}\n"
        "dimensions: {dim_attributes: {snapshot: 'attributes.csv', format: csv, refresh: 5m}}\n"
        "staging: {bucket: soak, endpoint: 'http://127.0.0.1:9000', region: us-east-1, path_style: true}\n"
        "warehouse: {dialect: postgres, url: 'postgres://loader@127.0.0.1:5432/w', schema: soak, load_interval: 5s, lease_ttl: 10s}\n"
        "observability: {listen: '', log_level: info, log_format: json}\n"),
    "redshift.yaml": (
        "staging: {bucket: eav-olap, prefix: p/, region: us-west-2, key_template: 'staging/{table}/{yyyy}/{MM}/{dd}/{HH}/{file}.parquet'}\n"
        "dead_letter: {prefix: dlq/}\n"
        "warehouse:\n  dialect: redshift\n  redshift_data: {workgroup: wg, database: dev, secret_arn: 'arn:aws:secretsmanager:us-west-2:1:secret:x'}\n"
        "  max_batches_per_load: 3\n  max_bytes_per_load: 1GiB\n  delete_retention: 7d\n"),
    "refused.yaml": "pipeline:\n  windw: 30s\nkafka: {properties: {enable.auto.commit: 'true'}}\nschemas: {tables: [no_such_table]}\n",
    "anchors.yaml": "base: &b {window: 1s}\npipeline: *b\nkafka: {topics: [a, b, c], properties: {fetch.max.bytes: \"52428800\"}}\n",
}


def replay(millrace, work):
    """Stages 1500 generated records (a column added, deletes, malformed ones) with `millrace replay`."""
    records = os.path.join(work, "records.kcat")
    subprocess.run([millrace, "loadgen", "--schemas", os.path.join(ROOT, "Schemas"), "--output", records, "--format", "kcat",
                    "--count", "1500", "--seed", "5", "--partitions", "2", "--delete-rate", "0.05", "--malformed-rate", "0.02",
                    "--unchanged-toast-rate", "0.3", "--add-column-at", "700", "--entities", "200", "--start", "2026-11-20T00:00:00Z"],
                   check=True, stderr=subprocess.DEVNULL)
    config = os.path.join(work, "millrace.yaml")
    with open(config, "w") as f:
        f.write(f"pipeline: {{max_batch_rows: 200}}\nschemas: {{dir: '{os.path.join(ROOT, 'Schemas')}'}}\n"
                "observability: {listen: '', log_level: error}\n")
    out = os.path.join(work, "out")
    subprocess.run([millrace, "replay", "--config", config, "--input", records, "--dry-run", "--output", out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def pyarrow_files(folder):
    import pyarrow as pa
    import pyarrow.parquet as pq
    rows = 40
    table = pa.table({
        "b": pa.array([i % 3 == 0 if i % 5 else None for i in range(rows)], pa.bool_()),
        "i32": pa.array([i * 7 - 100 for i in range(rows)], pa.int32()),
        "i64": pa.array([None if i % 4 == 0 else i << 40 for i in range(rows)], pa.int64()),
        "f32": pa.array([i / 3 for i in range(rows)], pa.float32()),
        "f64": pa.array([float("nan") if i == 3 else i * 1.5 for i in range(rows)], pa.float64()),
        "s": pa.array([None if i % 6 == 0 else f"value-{i % 5}" for i in range(rows)], pa.string()),
        "bin": pa.array([bytes([i, 255 - i]) for i in range(rows)], pa.binary()),
        "dec": pa.array([decimal.Decimal(i * 12345).scaleb(-5) for i in range(rows)], pa.decimal128(20, 5)),
        "ts": pa.array([datetime.datetime(2026, 11, 20, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=i) for i in range(rows)],
                       pa.timestamp("us", tz="UTC")),
        "d": pa.array([datetime.date(2026, 1, 1) + datetime.timedelta(days=i) for i in range(rows)], pa.date32()),
        "fixed": pa.array([bytes([i] * 4) for i in range(rows)], pa.binary(4)),
    })
    variants = {
        "pyarrow-snappy-dictionary.parquet": dict(compression="snappy", use_dictionary=True),
        "pyarrow-plain-uncompressed.parquet": dict(compression="none", use_dictionary=False),
        "pyarrow-page-v2.parquet": dict(compression="snappy", data_page_version="2.0"),
        "pyarrow-row-groups.parquet": dict(compression="snappy", row_group_size=7),
        "pyarrow-int96.parquet": dict(compression="none", use_deprecated_int96_timestamps=True),
    }
    for name, options in variants.items():
        pq.write_table(table, os.path.join(folder, name), **options)
    pq.write_table(table.slice(0, 0), os.path.join(folder, "pyarrow-empty.parquet"))
    pq.write_table(pa.table({"only": pa.array([None] * 5, pa.int64())}), os.path.join(folder, "pyarrow-all-null.parquet"))


def fresh(name):
    folder = os.path.join(FIXTURES, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    return folder


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug"))
    args = parser.parse_args()
    millrace = os.path.join(args.bin, "millrace")
    work = tempfile.mkdtemp(prefix="millrace-fuzz-seeds-")
    try:
        out = replay(millrace, work)
        parquet = fresh("fuzz-corpus-parquet")
        staged = sorted(glob.glob(os.path.join(out, "staging", "**", "*.parquet"), recursive=True), key=os.path.getsize)
        for index, path in enumerate([p for p in staged if os.path.getsize(p) <= LIMIT][:6]):
            shutil.copy(path, os.path.join(parquet, f"millrace-staged-{index}.parquet"))
        pyarrow_files(parquet)
        for name in os.listdir(parquet):
            if os.path.getsize(os.path.join(parquet, name)) > LIMIT:
                os.remove(os.path.join(parquet, name))
        records = fresh("fuzz-corpus-commit-record")
        committed = sorted(glob.glob(os.path.join(out, "_millrace", "commits", "**", "*.json"), recursive=True))
        for index, path in enumerate(committed[:8]):
            shutil.copy(path, os.path.join(records, f"committed-{index}.json"))
        configs = fresh("fuzz-corpus-config")
        shutil.copy(os.path.join(ROOT, "deploy", "millrace.yaml"), os.path.join(configs, "deploy-millrace.yaml"))
        for name, text in CONFIGS.items():
            with open(os.path.join(configs, name), "w") as f:
                f.write(text)
        for folder in (parquet, records, configs):
            print(f"{os.path.relpath(folder, ROOT)}: {len(os.listdir(folder))} seeds")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
