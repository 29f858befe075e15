#!/usr/bin/env python3
"""Parquet writer: Millrace vs pyarrow's pq.write_table, one thread each, on the same data.

    python3 scripts/bench/bench_parquet_writer.py --bin .build/release --work out/bench/parquet_writer

1. `millrace-bench parquet-write --generate` writes 5M seeded rows shaped like
   fact_entity_values as raw column files (not timed).
2. Each writer runs in its own process, loads those files (not timed) and times only the
   write, with Snappy. pyarrow runs with `pa.set_cpu_count(1)` and one I/O thread. The two
   alternate, RUNS times each, and the best time of each counts (the machine is shared).
3. pyarrow reads both files back and checks they hold identical tables.
4. The memory run writes a file of about 2 GB from batches generated on the fly and reports
   Millrace's peak RSS.

Targets (issue 3): rows/s >= 1.0x pyarrow, file <= 1.05x pyarrow's, peak RSS < 200 MB while
writing a file that really reaches ~2 GB (at least 90 % of BIG_FILE_BYTES; checked too). Exits
non-zero when one is missed.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import bench_binary, measure, report  # noqa: E402

ROWS = 5_000_000
SEED = 42
RUNS = 3
BIG_FILE_BYTES = 2_000_000_000



def load_table(folder):
    """The raw column files as a pyarrow table with the same types Millrace writes."""
    import numpy as np
    import pyarrow as pa

    arrays, names = [], []
    with open(os.path.join(folder, "schema.tsv")) as f:
        columns = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for index, (name, kind, nullable) in enumerate(columns):
        base = os.path.join(folder, str(index))
        valid = np.fromfile(base + ".valid", dtype=np.uint8).astype(bool)
        n = len(valid)
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nullable == "1" else None
        if kind == "string":
            offsets = np.fromfile(base + ".offsets", dtype=np.int32)
            data = np.fromfile(base + ".data", dtype=np.uint8)
            array = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data), bitmap)
        elif kind == "decimal_20_5":
            unscaled = np.fromfile(base + ".data", dtype=np.int64)
            words = np.empty((n, 2), dtype=np.int64)
            words[:, 0] = unscaled
            words[:, 1] = unscaled >> 63
            array = pa.Array.from_buffers(pa.decimal128(20, 5), n, [bitmap, pa.py_buffer(words)])
        elif kind == "bool":
            values = np.fromfile(base + ".data", dtype=np.uint8).astype(bool)
            array = pa.array(values, pa.bool_(), mask=None if bitmap is None else ~valid)
        else:
            dtype = {"int64": np.int64, "int32": np.int32, "timestamp_us": np.int64}[kind]
            values = np.fromfile(base + ".data", dtype=dtype)
            arrow_type = {"int64": pa.int64(), "int32": pa.int32(), "timestamp_us": pa.timestamp("us", tz="UTC")}[kind]
            array = pa.array(values, arrow_type, mask=None if bitmap is None else ~valid)
        arrays.append(array)
        names.append(pa.field(name, array.type, nullable=nullable == "1"))
    return pa.Table.from_arrays(arrays, schema=pa.schema(names))


def pyarrow_child(folder, output):
    """Runs in its own process: load (untimed), then time pq.write_table alone."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    table = load_table(folder)
    start = time.perf_counter()
    pq.write_table(table, output, compression="snappy")
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rows": table.num_rows, "bytes": os.path.getsize(output)}))


def compare_child(first, second, rows):
    """Runs in its own process, so this one stays small: a child's peak RSS (wait4) starts
    from its parent's size at fork. Prints whether both files hold the same table, and whether
    `second` alone (the big file) has `rows` rows in its footer."""
    import pyarrow.parquet as pq

    if first == "-":
        print(json.dumps({"ok": pq.ParquetFile(second).metadata.num_rows == int(rows)}))
        return
    a = pq.read_table(first).replace_schema_metadata(None)
    b = pq.read_table(second).replace_schema_metadata(None)
    print(json.dumps({"ok": a.schema == b.schema and a.equals(b)}))


def check(first, second, rows=0):
    result = measure([sys.executable, os.path.abspath(__file__), "--bin", "-", "--compare", first, second, str(rows)])
    return json.loads(result.stdout)["ok"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", default="out/bench/parquet_writer")
    parser.add_argument("--pyarrow-child", nargs=2, metavar=("DATA", "OUTPUT"), help=argparse.SUPPRESS)
    parser.add_argument("--compare", nargs=3, metavar=("A", "B", "ROWS"), help=argparse.SUPPRESS)
    parser.add_argument("--skip-memory-run", action="store_true")
    args = parser.parse_args()
    if args.pyarrow_child:
        pyarrow_child(*args.pyarrow_child)
        return
    if args.compare:
        compare_child(*args.compare)
        return
    binary = bench_binary(args.bin)
    os.makedirs(args.work, exist_ok=True)
    data = os.path.join(args.work, "data")
    ours = os.path.join(args.work, "millrace.parquet")
    theirs = os.path.join(args.work, "pyarrow.parquet")

    measure([binary, "parquet-write", "--generate", data, "--rows", str(ROWS), "--seed", str(SEED)])
    peers, mills = [], []
    for _ in range(RUNS):
        peers.append(measure([sys.executable, os.path.abspath(__file__), "--bin", args.bin, "--pyarrow-child", data, theirs]))
        mills.append(measure([binary, "parquet-write", "--input", data, "--output", ours]))
    peer_result = min((json.loads(m.stdout) for m in peers), key=lambda r: r["seconds"])
    mill_result = min((json.loads(m.stdout) for m in mills), key=lambda r: r["seconds"])
    peer_rss = max(m.peak_rss_mib for m in peers)
    mill_rss = max(m.peak_rss_mib for m in mills)
    identical = check(ours, theirs)

    mill_rate = mill_result["rows"] / mill_result["seconds"]
    peer_rate = peer_result["rows"] / peer_result["seconds"]
    speed = mill_rate / peer_rate
    size = mill_result["bytes"] / peer_result["bytes"]
    rows = [
        ("rows", f"{ROWS:,} (16 columns, fact_entity_values shape, seed {SEED}); best of {RUNS} runs each"),
        ("millrace write", f"{mill_result['seconds']:.3f} s  ({mill_rate / 1e6:.2f} M rows/s)"),
        ("pyarrow write", f"{peer_result['seconds']:.3f} s  ({peer_rate / 1e6:.2f} M rows/s)"),
        ("speed ratio", f"{speed:.2f}x pyarrow"),
        ("millrace file", f"{mill_result['bytes']:,} bytes"),
        ("pyarrow file", f"{peer_result['bytes']:,} bytes"),
        ("size ratio", f"{size:.3f}x pyarrow"),
        ("peak RSS", f"millrace {mill_rss:.0f} MiB, pyarrow {peer_rss:.0f} MiB (both hold the whole input in memory)"),
    ]
    verdicts = [
        ("pyarrow reads both files as identical tables", identical),
        ("rows/s >= 1.0x pyarrow", speed >= 1.0),
        ("file size <= 1.05x pyarrow", size <= 1.05),
    ]
    if not args.skip_memory_run:
        big = os.path.join(args.work, "big.parquet")
        big_rows = int(BIG_FILE_BYTES / (mill_result["bytes"] / ROWS)) + 1
        run = measure([binary, "parquet-write", "--synthetic-rows", str(big_rows), "--output", big])
        big_result = json.loads(run.stdout)
        readable = check("-", big, big_rows)
        rows.append(("memory run", f"{big_result['bytes'] / 1e9:.2f} GB, {big_rows:,} rows, peak RSS {run.peak_rss_mib:.0f} MiB"))
        # The memory verdict means something only if the file really reached the size it is about.
        verdicts.append((f"the memory run's file reached ~2 GB (>= {0.9 * BIG_FILE_BYTES / 1e9:.1f} GB)", big_result["bytes"] >= 0.9 * BIG_FILE_BYTES))
        verdicts.append(("peak RSS < 200 MB while writing ~2 GB", run.peak_rss_mib * 1.048576 < 200))
        verdicts.append(("pyarrow reads the big file's footer", readable))
        os.remove(big)
    ok = report("parquet_writer: Millrace vs pyarrow pq.write_table (1 thread, snappy)", rows, verdicts)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
