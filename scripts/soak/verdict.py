"""The verdict of a soak run: the warehouse against the truth computed from what Kafka really
holds (scripts/testing/warehouse_oracle.py over the tapped records, malformed ones left out),
the staging bucket's offset chains and staged rows, the dead letters against those injected,
staged and warehouse lag, and "data as of" against the newest source time actually loaded."""
import bisect
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "testing"))
import warehouse_oracle  # noqa: E402

# Warehouse table -> (oracle comparisons, key columns) for the topic-fed targets and the aggregate.
TABLES = {
    "dim_entities": (["entities"], "entity_id"),
    "fact_entity_values": (["facts", "fact_rows"], "entity_id, version"),
    "entity_attributes_hot": (["hot", "hot_attributes"], "entity_id"),
    "agg_daily_metrics": ([], "metric_date, tenant_id, attribute_id"),
}


def percentiles(values):
    """p50, p99 and max (nearest rank), in seconds, of millisecond values."""
    if not values:
        return {"p50": None, "p99": None, "max": None, "n": 0}
    ordered = sorted(values)
    rank = lambda q: ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))] / 1000.0  # noqa: E731
    return {"p50": round(rank(0.50), 1), "p99": round(rank(0.99), 1), "max": round(ordered[-1] / 1000.0, 1), "n": len(ordered)}


def warehouse(pg_url, schema, kcat):
    """Per target table: expected and actual rows, lost, duplicated, wrong (extra rows included)."""
    url = warehouse_oracle.schema_url(pg_url, schema)
    compared = warehouse_oracle.tables(url, kcat)
    result = {}
    for table, (names, key) in TABLES.items():
        duplicated = int(warehouse_oracle.query(url, f"SELECT count(*) - count(DISTINCT ({key})) FROM {table}")[0][0])
        if not names:
            result[table] = {"rows": int(warehouse_oracle.query(url, f"SELECT count(*) FROM {table}")[0][0]),
                             "duplicated": duplicated, "mismatched_days": warehouse_oracle.aggregate_mismatches(url)}
            continue
        expected, actual = compared[names[0]]
        wrong = set()
        for name in names:
            want, got = compared[name]
            wrong |= {k for k in want if k in got and got[k] != want[k]}
        extra = set(actual) - set(expected)
        lost = [k for k in expected if k not in actual]
        result[table] = {"expected": len(expected), "actual": len(actual), "lost": len(lost), "duplicated": duplicated,
                         "wrong": len(wrong) + len(extra), "extra": len(extra),
                         "samples": [f"lost {k}" for k in lost[:3]] + [f"wrong {k}" for k in sorted(wrong)[:3]]
                         + [f"extra {k}" for k in sorted(extra)[:3]]}
    return result


def dead_letters(source, letters, injected):
    """Dead letters against the records the truth calls malformed and against loadgen's report."""
    expected, got = set(source.malformed), set(letters)
    altered = [p for p in expected & got if letters[p][2] != source.malformed[p][1]]
    by_reason = {}
    for reason, _, _ in letters.values():
        by_reason[reason] = by_reason.get(reason, 0) + 1
    # A malformed record Kafka holds twice (a producer retry the mock stored again: same partition,
    # key and value) is two dead letters for one injected. (Equal values alone are not copies:
    # loadgen breaks different records into the same bytes, under different keys.)
    copies, first = {}, {}
    for position in sorted(source.malformed):
        record = (position[0], position[1], *source.malformed[position])
        if record in first and first[record] in letters:
            reason = letters[first[record]][0]
            copies[reason] = copies.get(reason, 0) + 1
        first.setdefault(record, position)
    reasons = {reason: {"injected": injected.get(reason, 0), "kafka_copies": copies.get(reason, 0),
                        "dead_lettered": by_reason.get(reason, 0)} for reason in sorted(set(injected) | set(by_reason))}
    mismatched = [r for r, c in reasons.items() if c["dead_lettered"] != c["injected"] + c["kafka_copies"]]
    return {"malformed_in_kafka": len(expected), "dead_lettered": len(got), "missing": len(expected - got),
            "unexpected": len(got - expected), "bytes_altered": len(altered), "reasons": reasons,
            "reasons_mismatched": mismatched,
            "samples": [f"missing {p}" for p in sorted(expected - got)[:3]] + [f"unexpected {p}: {letters[p][0]}" for p in sorted(got - expected)[:3]]}


def lags(source, staging, ledger):
    """Per row: when its batch was committed (staged lag) and loaded (warehouse lag), minus its source time."""
    ranges = staging.ranges()
    records = {r["batchID"]: r for r in staging.records}
    staged, loaded = [], []
    for (topic, partition), rows in source.rows.items():
        table = source.tables[topic][0]
        chain = ranges.get((topic, partition), [])
        starts = [start for start, _, _ in chain]
        for offset, ts in rows:
            index = bisect.bisect_right(starts, offset) - 1
            if index < 0 or not chain[index][0] <= offset < chain[index][1]:
                continue
            batch = chain[index][2]
            staged.append(records[batch]["_committed_ms"] - ts)
            entry = ledger.get((batch, table))
            if entry and entry[0] == "loaded":
                loaded.append(entry[1] - ts)
    return percentiles(staged), percentiles(loaded)


class Coverage:
    """The offsets of one partition loaded into one table, as merged intervals."""

    def __init__(self, rows):
        self.offsets = [offset for offset, _ in rows]
        self.ts = [ts for _, ts in rows]
        self.suffix_min = self.ts[:]
        for i in range(len(self.ts) - 2, -1, -1):
            self.suffix_min[i] = min(self.ts[i], self.suffix_min[i + 1])
        self.intervals = []

    def add(self, start, end):
        merged = []
        for a, b in sorted(self.intervals + [(start, end)]):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        self.intervals = merged

    def oldest_unloaded(self):
        """(source time, offset) of the oldest row not loaded, or None."""
        best, cursor = None, 0
        for a, b in self.intervals + [(None, None)]:
            lo = bisect.bisect_left(self.offsets, cursor)
            if a is None:
                if lo < len(self.ts):
                    candidate = (self.suffix_min[lo], self.offsets[lo])
                    best = candidate if best is None or candidate < best else best
                break
            hi = bisect.bisect_left(self.offsets, a)
            if lo < hi:
                i = min(range(lo, hi), key=self.ts.__getitem__)
                best = (self.ts[i], self.offsets[i]) if best is None or self.ts[i] < best[0] else best
            cursor = b
        return best


def data_as_of(source, staging, samples):
    """Samples where a table's "data as of" was later than the source time of a row it did not
    yet hold (ahead of the truth), and the sampled warehouse lag (server clock - data_as_of)."""
    topics = {table: topic for topic, (table, _) in source.tables.items()}
    batch_ranges = {}
    for record in staging.records:
        for s in record["sources"]:
            batch_ranges.setdefault(record["batchID"], []).append((s["source"]["topic"], s["source"]["partition"], s["startOffset"], s["endOffset"]))
    coverage = {(topic, p): Coverage(rows) for (topic, p), rows in source.rows.items()}
    seen, violations, ties, lag, banner = set(), [], 0, {}, []
    for sample in samples:
        for batch, table in sample["loaded"] - seen:
            for topic, partition, start, end in batch_ranges.get(batch, []):
                if topic == topics.get(table) and (topic, partition) in coverage:
                    coverage[(topic, partition)].add(start, end)
        seen |= sample["loaded"]
        for table, as_of in sample["as_of"].items():
            lag.setdefault(table, []).append(sample["now"] - as_of)
            topic = topics.get(table)
            if topic is None:
                continue
            candidates = []
            for (t, partition), c in coverage.items():
                unloaded = c.oldest_unloaded() if t == topic else None
                if unloaded:
                    candidates.append((*unloaded, partition))
            oldest = min(candidates, default=None)
            if oldest and oldest[0] < as_of:
                violations.append({"at_ms": sample["now"], "table": table, "data_as_of_ms": as_of, "unloaded_row_ts_ms": oldest[0],
                                   "partition": oldest[2], "offset": oldest[1]})
            elif oldest and oldest[0] == as_of:
                ties += 1
        if sample["as_of"]:
            banner.append(sample["now"] - min(sample["as_of"].values()))
    by_table = {}
    for violation in violations:
        entry = by_table.setdefault(violation["table"], {"count": 0, "partitions": set(), "first_at_ms": violation["at_ms"]})
        entry["count"] += 1
        entry["partitions"].add(violation["partition"])
        entry["last_at_ms"] = violation["at_ms"]
        entry["largest_ms"] = max(entry.get("largest_ms", 0), violation["data_as_of_ms"] - violation["unloaded_row_ts_ms"])
    for entry in by_table.values():
        entry["partitions"] = sorted(entry["partitions"])
    return {"samples": len(samples), "ahead_of_truth": len(violations), "violations": violations[:3] + violations[-3:],
            "ahead_by_table": by_table,
            "same_millisecond": ties, "lag": {table: percentiles(values) for table, values in sorted(lag.items())},
            "banner_lag": percentiles(banner)}


def loadgen_summary(path):
    """What loadgen says it produced: records and malformed records per reason."""
    text = open(path, errors="replace").read()
    injected = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+malformed (\S+): (\d+)$", text, re.M)}
    produced = re.search(r"loadgen: (\d+) records", text)
    return {"records": int(produced.group(1)) if produced else None, "malformed": injected}


def log_counts(logs):
    """Events the processes logged, over every incarnation."""
    patterns = {"partitions assigned": "assignments", "partitions revoked": "revocations", "partitions lost": "partitions_lost",
                "batch abandoned": "batches_abandoned", "committed batches left behind": "batches_recovered",
                "sweep resolved": "sweeps", "deferred committed record written": "deferred_records",
                "load cycle failed": "load_cycle_failures", "table loaded": "table_loads",
                "another loader holds the lease": "lease_waits"}
    counts = {name: 0 for name in patterns.values()}
    for name in sorted(os.listdir(logs)):
        if not (name.startswith("worker") or name.startswith("storm") or name.startswith("loader")):
            continue
        with open(os.path.join(logs, name), errors="replace") as handle:
            for line in handle:
                for pattern, key in patterns.items():
                    if pattern in line:
                        counts[key] += 1
    return counts
