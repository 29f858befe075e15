#!/usr/bin/env python3
"""The staged rows a dry-run worker must have written, computed without Millrace's code.

Reads a request (JSON, path in argv[1]):
  root        the dry-run staging folder (commit records under _millrace/commits/)
  schemas     the Schemas/ folder (table declarations, read with PyYAML)
  produced    every record produced to Kafka: topic, partition, offset, kind
              ("change", "duplicate", "tombstone", "heartbeat", "malformed"), key and value
              (base64, or null)
  tables      the tables to check
  attributes  the dim_attributes snapshot (CSV) the worker enriched from, or null
  hour_in_key how a file's hour appears in its key, as a strftime pattern (default /%Y/%m/%d/%H/)
  ignore      columns not compared, as table.column (e.g. the dim_entities enrichment of a run whose entities
              change while facts are processed: its state at each flush is not known here)
  placeholder Debezium's unavailable.value.placeholder (default __debezium_unavailable_value)

For every committed batch and table, the expected rows are the batch's source records (its
committed offset ranges) that are neither malformed nor heartbeats, decoded from the Debezium
JSON here (a delete of a table whose source.replica_identity is default, the default, keeps only
its key columns; a column carrying the placeholder is null and named in _unchanged), deduplicated by the table's dedup key (newest version, then LSN, then partition,
then offset), and enriched: dim_entities from the entities topic's final state (newest LSN,
deletes remove), dim_attributes from the snapshot. They must equal the rows pyarrow reads from
the batch's files, column by column; every row must also lie in its file's event-time hour, and
DuckDB must count the same rows.

Prints {"checked": {table: rows}, "batches": n, "problems": [...]}.
"""
import base64
import csv
import datetime
import decimal
import glob
import json
import os
import sys

import duckdb
import pyarrow.parquet as pq
import yaml

UTC = datetime.timezone.utc


def load_versions(schemas, root, table):
    """The declared versions, and the evolved ones committed batches wrote to the staging store."""
    versions = {}
    paths = glob.glob(os.path.join(schemas, table, "v*.yaml")) + glob.glob(os.path.join(root, "_millrace", "schemas", table, "v*.yaml"))
    for path in paths:
        with open(path) as handle:
            doc = yaml.safe_load(handle)
        versions[doc["version"]] = doc
    return versions


def micros(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return int(value.timestamp()) * 1_000_000 + value.microsecond
    if isinstance(value, str):
        text = value.replace("Z", "+00:00")
        return micros(datetime.datetime.fromisoformat(text))
    return int(value)


def decimal_value(value, scale):
    if value is None:
        return None
    if isinstance(value, decimal.Decimal):
        return value.quantize(decimal.Decimal(1).scaleb(-scale))
    raw = base64.b64decode(value)
    unscaled = int.from_bytes(raw, "big", signed=True)
    return decimal.Decimal(unscaled).scaleb(-scale).quantize(decimal.Decimal(1).scaleb(-scale))


def normalise(column, value):
    kind = column["type"]
    if value is None:
        return None
    if kind.startswith("timestamptz") or kind.startswith("timestamp"):
        return micros(value)
    if kind.startswith("decimal"):
        scale = int(kind.split(",")[1].rstrip(")").strip())
        return decimal_value(value, scale)
    if kind == "json":
        return json.dumps(json.loads(value) if isinstance(value, str) else value, sort_keys=True)
    if kind == "boolean":
        return bool(value)
    return value


def entity_states(produced):
    """dim_entities as the worker's follower ends up: newest LSN per entity, deletes remove."""
    newest = {}
    for record in produced:
        if record["topic"] != "postgres.eav.entities" or record["kind"] in ("heartbeat", "malformed"):
            continue
        if record["value"] is None:
            entity = json.loads(base64.b64decode(record["key"]))["entity_id"]
            newest[entity] = (newest.get(entity, (-1, None))[0], None)
            continue
        payload = json.loads(base64.b64decode(record["value"]))["payload"]
        entity, lsn = payload["entity_id"], payload["__lsn"]
        deleted = payload.get("__op") == "d" or payload.get("__deleted") == "true"
        if lsn >= newest.get(entity, (-1, None))[0]:
            newest[entity] = (lsn, None if deleted else payload)
    return {entity: state for entity, (_, state) in newest.items() if state is not None}


def attribute_rows(path):
    if not path:
        return {}
    with open(path, newline="") as handle:
        return {int(row["attribute_id"]): row for row in csv.DictReader(handle)}


def expected_row(record, schema, dims, placeholder):
    """The staged row of one source record (before deduplication), keyed by column name."""
    columns = schema["columns"]
    keys = set(schema["source"]["key"])
    key_only_deletes = schema["source"].get("replica_identity", "default") == "default"
    if record["value"] is None:
        payload = json.loads(base64.b64decode(record["key"]))
        op, deleted, lsn, source_ts = "d", True, None, None
    else:
        payload = json.loads(base64.b64decode(record["value"]))["payload"]
        op = payload.get("__op") or "r"
        deleted = payload.get("__deleted") == "true" or op == "d"
        lsn, source_ts = payload.get("__lsn"), payload.get("__ts_ms")
    row = {"_op": op, "_deleted": deleted, "_lsn": lsn, "_kafka_partition": record["partition"],
           "_kafka_offset": record["offset"], "_source_ts": None if source_ts is None else source_ts * 1000}
    unchanged = []
    for column in columns:
        enrich = column.get("enrich")
        if enrich:
            on = enrich.get("on", enrich.get(True))  # YAML 1.1 (PyYAML) reads the key `on` as true
            key = row.get(on, payload.get(on))
            source = dims.get(enrich["dimension"], {}).get(key)
            value = None if source is None else source.get(enrich["column"])
            if value == "":
                value = None
        else:
            value = payload.get(column.get("source", column["name"]))
            if deleted and key_only_deletes and column["name"] not in keys:
                value = None  # REPLICA IDENTITY DEFAULT: the other fields are Debezium's stand-ins
            elif value == placeholder and not deleted:
                unchanged.append(column["name"])
                value = None
        row[column["name"]] = normalise(column, value)
    row["_unchanged"] = ",".join(unchanged) or None
    return row


def rank(row, version_column):
    """The deduplicator's order: version, then LSN (a null ranks below any value), partition, offset."""
    version, lsn = row.get(version_column) if version_column else 0, row["_lsn"]
    return (version is not None, version or 0, lsn is not None, lsn or 0, row["_kafka_partition"], row["_kafka_offset"])


def staged_row(raw, columns, schema_names):
    row = {}
    for name in schema_names:
        value = raw[name]
        column = columns.get(name)
        if name == "_source_ts":
            row[name] = micros(value)
        elif column is not None:
            row[name] = normalise(column, value)
        else:
            row[name] = value
    return row


def main():
    with open(sys.argv[1]) as handle:
        request = json.load(handle)
    root, produced = request["root"], request["produced"]
    by_position = {(r["topic"], r["partition"], r["offset"]): r for r in produced}
    dims = {"dim_entities": entity_states(produced), "dim_attributes": attribute_rows(request.get("attributes"))}
    records = []
    for path in glob.glob(os.path.join(root, "_millrace", "commits", "**", "*.json"), recursive=True):
        with open(path) as handle:
            records.append(json.load(handle))
    problems, checked = [], {}
    for table in request["tables"]:
        versions = load_versions(request["schemas"], root, table)
        first = versions[min(versions)]
        topic, dedup, version_column = first["source"]["topic"], first["keys"]["dedup"], first["keys"].get("version")
        checked[table] = 0
        for commit in records:
            files = [f for f in commit["files"] if f["table"] == table]
            versions_used = {f["schemaVersion"] for f in files}
            if len(versions_used) > 1:
                problems.append(f"{commit['batchID']}: {table} staged at versions {sorted(versions_used)}; churn must not split files")
            schema = versions[max(versions_used)] if versions_used else versions[max(versions)]
            columns = schema["columns"]
            placeholder = request.get("placeholder", "__debezium_unavailable_value")
            sources = [s for s in commit["sources"] if s["source"]["topic"] == topic]
            candidates = []
            for source in sources:
                for offset in range(source["startOffset"], source["endOffset"]):
                    record = by_position.get((topic, source["source"]["partition"], offset))
                    if record is None:
                        problems.append(f"{commit['batchID']}: no produced record at {topic}/{source['source']['partition']}@{offset}")
                    elif record["kind"] not in ("heartbeat", "malformed"):
                        candidates.append(expected_row(record, schema, dims, placeholder))
            survivors = {}
            for row in candidates:
                key = tuple(row[name] for name in dedup)
                if key not in survivors or rank(row, version_column) > rank(survivors[key], version_column):
                    survivors[key] = row
            by_column = {c["name"]: c for c in columns}
            staged = []
            for entry in files:
                path = os.path.join(root, entry["key"])
                table_data = pq.read_table(path)
                count = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
                if count != table_data.num_rows or count != entry["rows"]:
                    problems.append(f"{entry['key']}: pyarrow {table_data.num_rows}, DuckDB {count}, record {entry['rows']} rows")
                hour = datetime.datetime.strptime(entry["hour"][:13], "%Y-%m-%dT%H").replace(tzinfo=UTC)
                if hour.strftime(request.get("hour_in_key", "/%Y/%m/%d/%H/")) not in "/" + entry["key"]:
                    problems.append(f"{entry['key']}: not under its hour {entry['hour']}")
                event_time = schema.get("event_time")
                for raw in table_data.to_pylist():
                    row = staged_row(raw, by_column, table_data.schema.names)
                    at = row.get(event_time)
                    start = micros(hour)
                    if at is not None and not start <= at < start + 3_600_000_000:
                        problems.append(f"{entry['key']}: a row at {at} µs is outside the file's hour {entry['hour']}")
                    staged.append(row)
            checked[table] += len(staged)
            expected = list(survivors.values())
            ignored = {entry.split(".", 1)[1] for entry in request.get("ignore", []) if entry.startswith(table + ".")}
            names = sorted(set().union(*(r.keys() for r in staged)) - ignored if staged else [])
            def comparable(row, tombstone_blind):
                return tuple((n, None if (n == "_source_ts" and tombstone_blind(row)) else row.get(n)) for n in names)
            tombstone = lambda row: row.get("_lsn") is None
            left = sorted(map(repr, (comparable(r, tombstone) for r in expected)))
            right = sorted(map(repr, (comparable(r, tombstone) for r in staged)))
            if left != right:
                missing = sorted(set(left) - set(right))[:3]
                extra = sorted(set(right) - set(left))[:3]
                problems.append(f"{commit['batchID']} {table}: expected {len(left)} rows, staged {len(right)}; "
                                f"missing {missing}; unexpected {extra}")
    print(json.dumps({"checked": checked, "batches": len(records), "problems": problems[:50]}))


if __name__ == "__main__":
    main()
