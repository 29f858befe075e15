#!/usr/bin/env python3
"""Compares a warehouse schema that Millrace's loader filled with the truth computed from the
source records, independently of Millrace (Tests/RuntimeTests/Warehouse, Tests/LoaderTests).

    python3 scripts/testing/warehouse_oracle.py --pg URL --schema S --kcat FILE [--facts-from MS --facts-to MS]

The truth is the newest change per key by LSN, deletes applied; the daily aggregate must agree
with a GROUP BY over the facts. Prints one JSON object: per table [expected, actual, wrong],
samples of differences, whether the aggregate matches, and the ledger and freshness row counts.
`fact_rows` compares every source column of the facts (ids, values, the decimal and the event
time), and `duplicates` counts, per table, the rows beyond one per merge key (the comparisons
by key would not see a key loaded twice). With `--facts-from/--facts-to` only the facts whose
event time (`ingested_at`, ms since the epoch) lies in [from, to) are expected: what a backfill
of that range alone must load.
"""
import argparse
import base64
import datetime
import decimal
import json
import subprocess


def psql(url, *args):
    result = subprocess.run(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"psql failed: {result.stderr[-2000:]}")
    return result


def query(url, sql):
    out = psql(url, "-A", "-t", "-F", "\t", "-c", sql).stdout
    return [line.split("\t") for line in out.splitlines() if line]


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


def instant(text):
    """A ZonedTimestamp (ISO-8601 with an offset) as UTC text with microseconds."""
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def millis(text):
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(moment.timestamp() * 1000)


def scaled(value, scale=5):
    """Connect's Decimal (base64 of a big-endian two's-complement unscaled value, Kafka's
    org.apache.kafka.connect.data.Decimal) or a plain number, as PostgreSQL prints numeric(20,5)."""
    if value is None:
        return None
    if isinstance(value, str):
        unscaled = int.from_bytes(base64.b64decode(value), "big", signed=True)
        return format(decimal.Decimal(unscaled).scaleb(-scale), "f")
    return format(decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-scale)), "f")


def fact_row(payload):
    return (str(payload["tenant_id"]), str(payload["attribute_id"]), payload.get("value"),
            None if payload.get("value_int") is None else str(payload["value_int"]), scaled(payload.get("value_decimal")),
            instant(payload["ingested_at"]))


def compare(expected, actual):
    return [len(expected), len(actual),
            sum(1 for k in expected if actual.get(k) != expected[k]) + len(set(actual) - set(expected))]


def samples(name, expected, actual):
    return [f"{name} {k}: expected {expected.get(k)}, got {actual.get(k)}"
            for k in sorted(set(expected) | set(actual)) if expected.get(k) != actual.get(k)][:3]


def tables(url, kcat, facts_from=None, facts_to=None):
    """Per compared table, (expected, actual): key -> the compared value, from the source
    records in `kcat` and from the warehouse at `url` (whose search_path names the schema).
    With `facts_from`/`facts_to` only the facts whose event time lies in [from, to) are expected."""
    entities, facts, hot = truth(kcat)
    if facts_from is not None and facts_to is not None:
        facts = {k: v for k, v in facts.items() if facts_from <= millis(v["ingested_at"]) < facts_to}
    actual_entities = {int(r[0]): (r[1], r[2], int(r[3])) for r in
                       query(url, "SELECT entity_id, entity_type, status, version FROM dim_entities")}
    expected_entities = {k: (v["entity_type"], v["status"], v["version"]) for k, v in entities.items()}
    actual_facts = {(int(r[0]), int(r[1])): r[2] for r in
                    query(url, "SELECT entity_id, version, coalesce(value, '<null>') FROM fact_entity_values")}
    expected_facts = {k: (v.get("value") if v.get("value") is not None else "<null>") for k, v in facts.items()}
    nulls = lambda row: [None if cell == "<null>" else cell for cell in row]  # noqa: E731
    actual_fact_rows = {(int(r[0]), int(r[1])): tuple(nulls(r[2:])) for r in query(url, """
        SELECT entity_id, version, tenant_id, attribute_id, coalesce(value, '<null>'), coalesce(value_int::text, '<null>'),
               coalesce(value_decimal::text, '<null>'), to_char(ingested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        FROM fact_entity_values""")}
    expected_fact_rows = {k: fact_row(v) for k, v in facts.items()}
    actual_hot = {int(r[0]): int(r[1]) for r in query(url, "SELECT entity_id, version FROM entity_attributes_hot")}
    expected_hot = {k: v["version"] for k, v in hot.items()}
    actual_documents = {int(r[0]): None if r[1] == "<null>" else json.loads(r[1]) for r in
                        query(url, "SELECT entity_id, coalesce(attributes::text, '<null>') FROM entity_attributes_hot")}
    expected_documents = {k: None if v.get("attributes") is None else json.loads(v["attributes"]) for k, v in hot.items()}
    return {"entities": (expected_entities, actual_entities), "facts": (expected_facts, actual_facts),
            "fact_rows": (expected_fact_rows, actual_fact_rows),
            "hot": (expected_hot, actual_hot), "hot_attributes": (expected_documents, actual_documents)}


# Warehouse table -> its merge key, for counting rows beyond one per key.
MERGE_KEYS = {"fact_entity_values": "entity_id, version", "dim_entities": "entity_id", "entity_attributes_hot": "entity_id"}


def duplicates(url):
    """Per table, the rows beyond one per merge key (the comparisons by key would not see a key loaded twice)."""
    return {table: int(query(url, f"SELECT count(*) - count(DISTINCT ({key})) FROM {table}")[0][0])
            for table, key in MERGE_KEYS.items()}


def aggregate_mismatches(url):
    """Days of agg_daily_metrics that disagree with a GROUP BY over the facts."""
    event_time = query(url, "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                            "AND table_name = 'agg_daily_metrics' AND column_name LIKE 'first\\_%'")[0][0][len("first_"):]
    return int(query(url, f"""
        SELECT count(*) FROM (
          SELECT CAST({event_time} AT TIME ZONE 'UTC' AS DATE) d, tenant_id, attribute_id, count(*) n,
                 sum(value_decimal) s FROM fact_entity_values GROUP BY 1, 2, 3) f
        FULL JOIN agg_daily_metrics a ON a.metric_date = f.d AND a.tenant_id = f.tenant_id AND a.attribute_id = f.attribute_id
        WHERE a.sample_count IS DISTINCT FROM f.n OR a.value_sum IS DISTINCT FROM f.s""")[0][0])


def schema_url(pg, schema):
    """`pg` with its search_path set to `schema`."""
    return pg + ("&" if "?" in pg else "?") + f"options=-csearch_path%3D{schema}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--kcat", required=True)
    parser.add_argument("--facts-from", type=int)
    parser.add_argument("--facts-to", type=int)
    args = parser.parse_args()
    url = schema_url(args.pg, args.schema)
    compared = tables(url, args.kcat, args.facts_from, args.facts_to)
    print(json.dumps({
        **{name: compare(*pair) for name, pair in compared.items()},
        "duplicates": duplicates(url),
        "samples": samples("entity", *compared["entities"]) + samples("fact", *compared["facts"])
                   + samples("fact row", *compared["fact_rows"])
                   + samples("hot", *compared["hot"]) + samples("hot document", *compared["hot_attributes"]),
        "aggregate_matches": aggregate_mismatches(url) == 0,
        "aggregate_rows": int(query(url, "SELECT count(*) FROM agg_daily_metrics")[0][0]),
        "ledger_rows": int(query(url, "SELECT count(*) FROM millrace_load_ledger")[0][0]),
        "freshness_rows": int(query(url, "SELECT count(*) FROM millrace_freshness WHERE data_as_of IS NOT NULL")[0][0]),
    }))


if __name__ == "__main__":
    main()
