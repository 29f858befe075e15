#!/usr/bin/env python3
"""The source database of the `--source postgres` backfill test (Tests/RuntimeTests/Backfill/
PostgresBackfillTests), on the real PostgreSQL server scripts/test-servers.py starts.

    python3 scripts/testing/pg_backfill_source.py fill --pg URL --relation S.T --staging DIR
    python3 scripts/testing/pg_backfill_source.py compare --live DIR --backfill DIR --from MS --to MS

`fill` creates the source table `S.T` as the seed's `entity_values_ts` holds its rows (the
columns `Schemas/fact_entity_values/v1.yaml` reads from it, named and typed as the seed's
ClickHouse section consumes them: 64-bit ids, `value_decimal` numeric(20,5), `ingested_at` the
event time) and inserts, with psql's \\copy, every `fact_entity_values` row the live path staged in
DIR (read with pyarrow): the rows the source database holds for those changes.
`compare` reads both staged folders and prints one JSON object: the (entity_id, version) keys
whose event time lies in [from, to) in the live output, those the backfill staged, and every
backfilled row whose source columns differ from the live row of the same key.
"""
import argparse
import csv
import glob
import io
import json
import os
import subprocess

import pyarrow.parquet as pq

SOURCE = ["tenant_id", "entity_id", "attribute_id", "version", "value", "value_int", "value_decimal", "ingested_at"]
DDL = """CREATE SCHEMA IF NOT EXISTS {schema};
DROP TABLE IF EXISTS {relation};
CREATE TABLE {relation} (
    tenant_id bigint NOT NULL,
    entity_id bigint NOT NULL,
    attribute_id bigint NOT NULL,
    version bigint NOT NULL,
    value text,
    value_int bigint,
    value_decimal numeric(20,5),
    ingested_at timestamptz NOT NULL,
    PRIMARY KEY (entity_id, version)
);
"""


def committed_rows(root, columns):
    rows = []
    for path in glob.glob(os.path.join(root, "_millrace", "commits", "**", "*.json"), recursive=True):
        with open(path) as f:
            record = json.load(f)
        for entry in record["files"]:
            if entry["table"] == "fact_entity_values":
                rows += pq.read_table(os.path.join(root, entry["key"]), columns=columns).to_pylist()
    return rows


def fill(args):
    schema = args.relation.split(".")[0]
    subprocess.run(["psql", args.pg, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", DDL.format(schema=schema, relation=args.relation)],
                   check=True, capture_output=True)
    rows = [r for r in committed_rows(args.staging, SOURCE + ["_deleted"]) if not r["_deleted"]]
    out = io.StringIO()
    writer = csv.writer(out)
    for r in rows:
        writer.writerow(["" if r[c] is None else (r[c].isoformat() if c == "ingested_at" else str(r[c])) for c in SOURCE])
    copy = f"\\copy {args.relation} ({', '.join(SOURCE)}) FROM STDIN WITH (FORMAT csv)"
    subprocess.run(["psql", args.pg, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", copy], input=out.getvalue(), text=True, check=True,
                   capture_output=True)
    print(json.dumps({"rows": len(rows)}))


def compare(args):
    columns = SOURCE + ["_op", "_lsn", "_deleted"]
    live = {(r["entity_id"], r["version"]): r for r in committed_rows(args.live, columns) if not r["_deleted"]}
    lower, upper = int(args.__dict__["from"]), int(args.to)
    expected = sorted(k for k, r in live.items() if lower <= int(r["ingested_at"].timestamp() * 1000) < upper)
    backfilled, different, ops, without_lsn = [], [], set(), 0
    for r in committed_rows(args.backfill, columns):
        key = (r["entity_id"], r["version"])
        backfilled.append(list(key))
        ops.add(r["_op"])
        without_lsn += r["_lsn"] is None
        other = live.get(key)
        if other is None or any(other[c] != r[c] for c in SOURCE):
            different.append(str((r, other)))
    print(json.dumps({"expected": [list(k) for k in expected], "backfilled": backfilled, "different": different[:10],
                      "ops": sorted(ops), "without_lsn": without_lsn}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["fill", "compare"])
    parser.add_argument("--pg")
    parser.add_argument("--relation")
    parser.add_argument("--staging")
    parser.add_argument("--live")
    parser.add_argument("--backfill")
    parser.add_argument("--from")
    parser.add_argument("--to")
    args = parser.parse_args()
    {"fill": fill, "compare": compare}[args.command](args)


if __name__ == "__main__":
    main()
