"""The staging bucket as the workers left it, read from moto directly (not through the fault
proxy) with boto3 and pyarrow, independently of Millrace's code: the committed records, their
offset chains against what Kafka holds, every staged row's source position, the dead letters,
and the objects no committed batch owns."""
import io
import json
from concurrent.futures import ThreadPoolExecutor

COMMITS = "_millrace/commits/"


def list_keys(s3, bucket, prefix):
    """(key, last_modified_ms) of every object under `prefix`."""
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [(item["Key"], int(item["LastModified"].timestamp() * 1000)) for item in page.get("Contents", [])]
    return keys


def get(s3, bucket, key):
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


class Staging:
    """The committed records (with the time each was written), read as they appear."""

    def __init__(self, s3, bucket):
        self.s3, self.bucket = s3, bucket
        self.by_key = {}

    def refresh(self):
        """Reads the records committed since the last call; returns how many there are."""
        listed = [item for item in list_keys(self.s3, self.bucket, COMMITS) if item[0] not in self.by_key]
        with ThreadPoolExecutor(16) as pool:
            bodies = list(pool.map(lambda item: get(self.s3, self.bucket, item[0]), listed))
        for (key, modified), body in zip(listed, bodies):
            record = json.loads(body)
            record["_committed_ms"] = modified
            self.by_key[key] = record
        return len(self.by_key)

    @property
    def records(self):
        return list(self.by_key.values())

    def pending(self):
        return len(list_keys(self.s3, self.bucket, "_millrace/pending/"))

    def ranges(self):
        """(topic, partition) -> sorted [(start, end, batch)] of the committed records."""
        chains = {}
        for record in self.records:
            for source in record["sources"]:
                key = (source["source"]["topic"], source["source"]["partition"])
                chains.setdefault(key, []).append((source["startOffset"], source["endOffset"], record["batchID"]))
        return {key: sorted(chain) for key, chain in chains.items()}

    def chain_problems(self, ends):
        """Where the committed ranges do not chain from 0 to Kafka's end with no gap and no overlap."""
        problems, chains = [], self.ranges()
        for key, end in sorted(ends.items()):
            chain = chains.get(key, [])
            if end and (not chain or chain[0][0] != 0 or chain[-1][1] != end):
                problems.append(f"{key[0]}[{key[1]}]: committed {chain[:1]}…{chain[-1:]} but Kafka ends at {end}")
            for (a, b, _), (c, d, _) in zip(chain, chain[1:]):
                if b != c:
                    problems.append(f"{key[0]}[{key[1]}]: {'gap' if b < c else 'overlap'} between {a}..{b} and {c}..{d}")
        return problems

    def staged_twice(self, topics):
        """Source positions staged in more than one row of a table, over every committed file
        (read with pyarrow), and the rows read per table."""
        import pyarrow.parquet as pq
        files = [f for record in self.records for f in record["files"]]
        with ThreadPoolExecutor(8) as pool:
            bodies = list(pool.map(lambda f: get(self.s3, self.bucket, f["key"]), files))
        seen, twice, rows = set(), [], {}
        for entry, body in zip(files, bodies):
            table = pq.read_table(io.BytesIO(body), columns=["_kafka_partition", "_kafka_offset"])
            rows[entry["table"]] = rows.get(entry["table"], 0) + table.num_rows
            for partition, offset in zip(table.column(0).to_pylist(), table.column(1).to_pylist()):
                position = (entry["table"], partition, offset)
                if position in seen:
                    twice.append(position)
                seen.add(position)
        return twice, rows

    def dead_letters(self):
        """(topic, partition, offset) -> (reason, key bytes, value bytes) of every committed
        dead letter, and the count of dead letters committed twice."""
        import base64
        keys = [r["deadLetters"]["key"] for r in self.records if r.get("deadLetters")]
        with ThreadPoolExecutor(16) as pool:
            bodies = list(pool.map(lambda key: get(self.s3, self.bucket, key), keys))
        letters, twice = {}, 0
        for body in bodies:
            for line in body.splitlines():
                if not line.strip():
                    continue
                letter = json.loads(line)
                position = (letter["topic"], letter["partition"], letter["offset"])
                twice += position in letters
                decode = lambda text: None if text is None else base64.b64decode(text)  # noqa: E731
                letters[position] = (letter["reason"], decode(letter["key_base64"]), decode(letter["value_base64"]))
        return letters, twice

    def leftovers(self):
        """Objects under staging/, dlq/ and _millrace/pending/ that no committed record lists."""
        owned = {f["key"] for r in self.records for f in r["files"]}
        owned |= {r["deadLetters"]["key"] for r in self.records if r.get("deadLetters")}
        found = []
        for prefix in ("staging/", "dlq/", "_millrace/pending/"):
            found += [key for key, _ in list_keys(self.s3, self.bucket, prefix) if key not in owned]
        return found
