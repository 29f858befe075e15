#!/usr/bin/env python3
"""Runs Millrace's load plans on a real PostgreSQL server and compares the warehouse with the
truth computed from the source records (Tests/RuntimeTests/Warehouse/PostgresLoadTests).

    python3 scripts/testing/pg_load.py --pg URL --staging DIR --kcat FILE --bootstrap B.sql \
        --load L1.sql --load L2.sql --repeat L2.sql

PostgreSQL has no COPY from Parquet: each plan line
`-- the PostgreSQL loader inserts the rows of s3://BUCKET/KEY… into "stage_…"` becomes a psql
`\\copy` of those files, converted to CSV here with pyarrow (a test stand-in for the loader).
Everything else in the plan runs as Millrace wrote it. Prints one JSON object.
"""
import argparse
import json
import os
import re
import subprocess
import tempfile
import uuid

import pyarrow.parquet as pq

STAGE_LINE = re.compile(r'^-- the PostgreSQL loader inserts the rows of (s3://[^ ]+) into ("[^"]+")')


def psql(url, *args, stdin=None, check=True):
    result = subprocess.run(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", *args], input=stdin,
                            capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"psql failed: {result.stderr[-2000:]}")
    return result


def query(url, sql):
    out = psql(url, "-A", "-t", "-F", "\t", "-c", sql).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def csv_field(value):
    """One CSV field for PostgreSQL: NULL unquoted and empty, everything else quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes) and len(value) == 16:
        value = str(uuid.UUID(bytes=value))
    return '"' + str(value).replace('"', '""') + '"'


def rewrite(script, staging, work):
    """The plan with each Parquet insertion replaced by a \\copy of the manifest's files."""
    manifests, lines, current = {}, [], None
    for line in script.splitlines():
        header = re.match(r"^-- manifest (.+):$", line)
        if header:
            current = header.group(1)
            manifests[current] = []
            continue
        if current and line.startswith("--   "):
            manifests[current].append(line[5:])
            continue
        current = None
        stage = STAGE_LINE.match(line)
        if stage:
            manifest_key = stage.group(1).split("/", 3)[3]
            entries = json.loads("\n".join(manifests[manifest_key]))["entries"]
            path = os.path.join(work, f"{stage.group(2).strip(chr(34))}-{len(lines)}.csv")
            with open(path, "w") as f:
                for entry in entries:
                    key = entry["url"].split("/", 3)[3]
                    table = pq.read_table(os.path.join(staging, key))
                    for row in table.to_pylist():
                        f.write(",".join(csv_field(row[name]) for name in table.column_names) + "\n")
            lines.append(f"\\copy {stage.group(2)} FROM '{path}' WITH (FORMAT csv)")
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


PLACEHOLDER = "__debezium_unavailable_value"


def truth(kcat):
    """The warehouse the source records imply: newest change per key by LSN, deletes applied.
    Tombstones only mark keys for compaction (the delete event before each carries the change),
    so they are skipped: a key deleted and then re-created must end up present. A column carrying
    Debezium's unavailable-value placeholder (an unchanged TOASTed value) keeps the key's previous
    value. A delete's other fields (under REPLICA IDENTITY DEFAULT only Debezium's stand-ins)
    are not read: only its key and LSN matter."""
    entities, facts, hot = {}, {}, {}
    with open(kcat) as f:
        for line in f:
            envelope = json.loads(line)
            topic, key = envelope["topic"], json.loads(envelope["key"]) if envelope.get("key") else {}
            if not envelope.get("payload"):
                continue
            payload = json.loads(envelope["payload"])["payload"]
            deleted = payload.get("__op") == "d" or str(payload.get("__deleted")).lower() == "true"
            lsn = payload.get("__lsn", 0)
            if topic == "postgres.eav.entities":
                target, ident = entities, key["entity_id"]
            elif topic == "postgres.eav.entity_values_ts":
                target, ident = facts, (key["entity_id"], key["version"])
            elif topic == "postgres.eav.entity_jsonb":
                target, ident = hot, key["entity_id"]
            else:
                continue
            if ident not in target or lsn >= target[ident][0]:
                previous = target.get(ident, (None, None))[1] or {}
                kept = {name: previous.get(name) for name, value in payload.items() if value == PLACEHOLDER}
                target[ident] = (lsn, None if deleted else {**payload, **kept})
    live = lambda rows: {k: v[1] for k, v in rows.items() if v[1] is not None}  # noqa: E731
    return live(entities), live(facts), live(hot)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", required=True)
    parser.add_argument("--staging", required=True)
    parser.add_argument("--kcat", required=True)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--load", action="append", default=[])
    parser.add_argument("--repeat")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="millrace-pg-load-")
    schema = f"load_{uuid.uuid4().hex[:8]}"
    url = args.pg + ("&" if "?" in args.pg else "?") + f"options=-csearch_path%3D{schema}"
    psql(args.pg, "-c", f"CREATE SCHEMA {schema}")
    bootstrap = open(args.bootstrap).read().replace('"public".', "")
    psql(url, stdin=bootstrap)
    for path in args.load:
        psql(url, stdin=rewrite(open(path).read().replace('"public".', ""), args.staging, work))
    before = query(url, "SELECT count(*) FROM fact_entity_values")
    repeat_refused = None
    if args.repeat:
        repeat_refused = psql(url, stdin=rewrite(open(args.repeat).read().replace('"public".', ""), args.staging, work),
                              check=False).returncode != 0
    after = query(url, "SELECT count(*) FROM fact_entity_values")

    entities, facts, hot = truth(args.kcat)
    actual_entities = {int(r[0]): (r[1], r[2], int(r[3])) for r in
                       query(url, "SELECT entity_id, entity_type, status, version FROM dim_entities")}
    expected_entities = {k: (v["entity_type"], v["status"], v["version"]) for k, v in entities.items()}
    actual_facts = {(int(r[0]), int(r[1])): r[2] for r in
                    query(url, "SELECT entity_id, version, coalesce(value, '<null>') FROM fact_entity_values")}
    expected_facts = {k: (v.get("value") if v.get("value") is not None else "<null>") for k, v in facts.items()}
    actual_hot = {int(r[0]): int(r[1]) for r in query(url, "SELECT entity_id, version FROM entity_attributes_hot")}
    expected_hot = {k: v["version"] for k, v in hot.items()}
    actual_documents = {int(r[0]): None if r[1] == "<null>" else json.loads(r[1]) for r in
                        query(url, "SELECT entity_id, coalesce(attributes::text, '<null>') FROM entity_attributes_hot")}
    expected_documents = {k: None if v.get("attributes") is None else json.loads(v["attributes"]) for k, v in hot.items()}
    aggregate = query(url, "SELECT coalesce(sum(sample_count), 0) FROM agg_daily_metrics")[0][0]
    dated = query(url, "SELECT count(*) FROM fact_entity_values WHERE ingested_at IS NOT NULL")[0][0]
    ledger = query(url, "SELECT count(*) FROM millrace_load_ledger")[0][0]
    freshness = query(url, "SELECT count(*) FROM millrace_freshness WHERE data_as_of IS NOT NULL")[0][0]
    print(json.dumps({
        "entities": [len(expected_entities), len(actual_entities),
                     sum(1 for k in expected_entities if actual_entities.get(k) != expected_entities[k]) +
                     len(set(actual_entities) - set(expected_entities))],
        "facts": [len(expected_facts), len(actual_facts),
                  sum(1 for k in expected_facts if actual_facts.get(k) != expected_facts[k]) +
                  len(set(actual_facts) - set(expected_facts))],
        "hot": [len(expected_hot), len(actual_hot), sum(1 for k in expected_hot if actual_hot.get(k) != expected_hot[k]) +
                len(set(actual_hot) - set(expected_hot))],
        "hot_attributes": [len(expected_documents), len(actual_documents),
                           sum(1 for k in expected_documents if actual_documents.get(k, "<absent>") != expected_documents[k]) +
                           len(set(actual_documents) - set(expected_documents))],
        "samples": [f"entity {k}: expected {expected_entities.get(k)}, got {actual_entities.get(k)}"
                    for k in sorted(set(expected_entities) | set(actual_entities))
                    if expected_entities.get(k) != actual_entities.get(k)][:3]
                   + [f"fact {k}: expected {expected_facts.get(k)}, got {actual_facts.get(k)}"
                      for k in sorted(set(expected_facts) | set(actual_facts))
                      if expected_facts.get(k) != actual_facts.get(k)][:3],
        "aggregate_matches": aggregate == dated and int(dated) > 0,
        "ledger_rows": int(ledger),
        "freshness_rows": int(freshness),
        "repeat_refused": repeat_refused,
        "unchanged_after_repeat": before == after,
    }))


if __name__ == "__main__":
    main()
