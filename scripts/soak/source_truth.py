"""What was really produced, read back from Kafka by kcat taps, and which of it must become
warehouse rows: decided here from the Debezium JSON and the Schemas/ registry, without
Millrace's code.

A record is a *row* when its value is a JsonConverter envelope (schemas.enable=true) that the
registry's table accepts: valid UTF-8 and JSON, every payload field declared by the message's own
schema, each declared type compatible with the registry column of that name (Connect's types for
the column type), each value of its declared type (integers, strings, booleans, strict base64
decimals within their precision, valid ISO-8601 timestamps), no null where the schema or the
registry requires a value. Anything else on a table's topic is *malformed* and must be dead-lettered.
A tombstone (no value) only marks a key for compaction. Heartbeat topics carry no rows.
"""
import base64
import datetime
import glob
import hashlib
import json
import os
import re

import yaml

# Connect types the registry's column types accept (Schemas/README.md, "Types").
FAMILIES = {
    "bigint": {"int8", "int16", "int32", "int64"}, "integer": {"int8", "int16", "int32"}, "smallint": {"int8", "int16"},
    "varchar": {"string"}, "text": {"string"}, "char": {"string"}, "json": {"string"}, "jsonb": {"string"},
    "boolean": {"boolean"}, "double": {"float32", "float64"}, "real": {"float32", "float64"},
    "decimal": {"bytes", "string", "float64"}, "timestamptz": {"string", "int64"}, "timestamp": {"string", "int64"},
    "date": {"int32", "string"},
}
TIMESTAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
INT_RANGES = {"int8": 7, "int16": 15, "int32": 31, "int64": 63}


def registry(schemas):
    """topic -> (table, {column: (type, nullable, precision)}) for every topic-fed table."""
    tables = {}
    for path in sorted(glob.glob(os.path.join(schemas, "*", "v*.yaml"))):
        with open(path) as handle:
            doc = yaml.safe_load(handle)
        topic = (doc.get("source") or {}).get("topic")
        if not topic:
            continue
        columns = tables.setdefault(topic, (doc["table"], {}))[1]
        for column in doc.get("columns", []):
            kind = column["type"].split("(")[0].strip().lower()
            precision = re.search(r"\((\d+)", column["type"])
            columns[column["name"]] = (kind, column.get("nullable", True), int(precision.group(1)) if precision else None)
    return tables


def valid_timestamp(text):
    match = TIMESTAMP.match(text)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    try:
        datetime.datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return False
    return second <= 60


def value_ok(field, value, column):
    """Whether `value` is what `field` (a Connect field schema) declares, within `column`'s limits."""
    kind, name, params = field.get("type"), field.get("name"), field.get("parameters") or {}
    if value is None:
        return field.get("optional", False) and (column is None or column[1])
    if kind in INT_RANGES:
        bits = INT_RANGES[kind]
        return isinstance(value, int) and not isinstance(value, bool) and -(1 << bits) <= value < (1 << bits)
    if kind in ("float32", "float64"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string":
        if not isinstance(value, str):
            return False
        if name == "io.debezium.time.ZonedTimestamp" and value != "__debezium_unavailable_value":
            return valid_timestamp(value)
        return True
    if kind == "bytes":
        if not isinstance(value, str):
            return False
        try:
            raw = base64.b64decode(value, validate=True)
        except ValueError:
            return False
        if name == "org.apache.kafka.connect.data.Decimal":
            precision = int(params.get("connect.decimal.precision", 0)) or (column[2] if column else None)
            unscaled = int.from_bytes(raw, "big", signed=True)
            return precision is None or abs(unscaled) < 10 ** precision
        return True
    return True


def classify(value, columns):
    """"row", "tombstone" or "malformed" for a value (bytes or None) of a table's topic."""
    if value is None:
        return "tombstone", None
    try:
        message = json.loads(value.decode("utf-8"))
        schema, payload = message["schema"], message["payload"]
        fields = {field["field"]: field for field in schema["fields"]}
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return "malformed", None
    if not isinstance(payload, dict) or set(payload) - set(fields):
        return "malformed", None
    for name, field in fields.items():
        column = columns.get(name)
        if column and column[0] in FAMILIES and field.get("type") not in FAMILIES[column[0]]:
            return "malformed", None
        if not value_ok(field, payload.get(name), column):
            return "malformed", None
    return "row", payload


class Source:
    """The tapped records, classified, streamed once from the tap files.

    offsets[(topic, partition)] are the offsets tapped, in order; rows[(topic, partition)] are
    (offset, source_ts_ms) of the rows that repeat no earlier record (a redelivered duplicate
    changes nothing); malformed maps (topic, partition, offset) to the (key, value) bytes that
    must be dead-lettered. Every record of a table's topic that is not malformed is written to
    `kcat_out` as a kcat -J line: the input of scripts/testing/warehouse_oracle.py."""

    def __init__(self, tap_files, schemas, kcat_out):
        self.tables = registry(schemas)
        self.offsets, self.rows, self.malformed = {}, {}, {}
        self.duplicates = 0
        seen = set()
        with open(kcat_out, "w") as out:
            for path in tap_files:
                with open(path, "rb") as handle:
                    for line in handle:
                        line = line.strip()
                        if line.startswith(b"{"):
                            self.take(json.loads(line.decode("utf-8", "surrogateescape")), seen, out)

    def take(self, envelope, seen, out):
        topic, partition, offset = envelope["topic"], envelope["partition"], envelope["offset"]
        offsets = self.offsets.setdefault((topic, partition), [])
        if offsets and offset <= offsets[-1]:
            return  # read twice by the tap
        offsets.append(offset)
        if topic not in self.tables:
            return
        key, value = (None if text is None else text.encode("utf-8", "surrogateescape")
                      for text in (envelope.get("key"), envelope.get("payload")))
        kind, payload = classify(value, self.tables[topic][1])
        if kind == "malformed":
            self.malformed[(topic, partition, offset)] = (key, value)
            return
        out.write(json.dumps({"topic": topic, "partition": partition, "offset": offset, "ts": envelope.get("ts"),
                              "key": envelope.get("key"), "payload": envelope.get("payload")}) + "\n")
        if kind == "row":
            digest = hashlib.blake2b(topic.encode() + b"\0" + (key or b"") + b"\0" + value, digest_size=16).digest()
            if digest in seen:
                self.duplicates += 1
                return
            seen.add(digest)
            self.rows.setdefault((topic, partition), []).append((offset, payload.get("__ts_ms") or envelope.get("ts")))

    def end_offsets(self):
        """One past the last offset tapped, per (topic, partition)."""
        return {slot: offsets[-1] + 1 for slot, offsets in self.offsets.items() if offsets}

    def gaps(self):
        """Partitions whose tapped offsets are not 0 ... end - 1 (the tap missed records)."""
        return [slot for slot, offsets in self.offsets.items() if offsets != list(range(len(offsets)))]
