#!/usr/bin/env python3
"""Regenerates the fuzz seed corpus, Tests/Fixtures/fuzz-corpus/, from the load generator.

    python3 scripts/make-fuzz-corpus.py --bin .build/debug

Each file is one input in the layout of Sources/MillraceFuzz/FuzzTarget.swift: a selector
byte (topic in bits 0-2, tombstone in bit 3, key-length split in bit 4, batch render in bits 5-6)
and the record. The records are `millrace loadgen` output (every topic, with broken records of
every kind) plus hand-written values for the golden all-types table and the envelope form.
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile

TOPICS = ["postgres.eav.entity_values_ts", "postgres.eav.entities", "postgres.eav.entity_jsonb", "test.golden",
          "__debezium-heartbeat.postgres.eav", "postgres.eav._heartbeat", "fuzz.unknown"]

GOLDEN = [
    '{"id":1,"c_bool":true,"c_int8":-128,"c_int16":32767,"c_int32":-1,"c_int64":9223372036854775807,"c_float32":1.5,'
    '"c_float64":"NaN","c_dec38":"CUmw9vACMxPESZBQ3jjzTg==","c_dec9":"/2o=","c_dec18":"AbabS6Yw804=","c_dec_numeric":-12.3}',
    '{"id":2,"c_vsd":{"scale":3,"value":"MDk="},"c_vsd_text":{"value":"z8c=","scale":0},"c_dec_string":"1E+3",'
    '"c_text":"h\\u00e9llo \\ud83d\\ude00","c_short":"0123456789","c_bytes":"AAEC/w==","c_bits":"AQ8="}',
    '{"id":3,"c_date":-719162,"c_connect_date":11016,"c_time":45296789,"c_micro_time":86399999999,"c_nano_time":1,'
    '"c_zoned_time":"05:30:00+05:45","c_ts":-1,"c_micro_ts":0,"c_nano_ts":-1,"c_connect_ts":0,'
    '"c_zoned_ts":"2016-12-31T23:59:60Z"}',
    '{"id":4,"c_json":"{\\"a\\": [1, 2]}","c_uuid":"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11","c_enum":"b","c_enumset":"a,b",'
    '"c_array":[1,2,3],"c_map":{"k":"v"}}',
]

ENVELOPE = ('{"before":null,"after":{"tenant_id":1,"entity_id":9,"attribute_id":2,"version":3,"value":"x",'
            '"value_int":null,"value_decimal":"MDk=","ingested_at":"2026-11-20T00:00:00Z"},"source":{"ts_ms":1795132800000,'
            '"lsn":5},"op":"c","ts_ms":1795132800001,"transaction":null}')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/debug")
    parser.add_argument("--out", default="Tests/Fixtures/fuzz-corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        kcat = os.path.join(work, "load.kcat")
        subprocess.run([os.path.join(args.bin, "millrace"), "loadgen", "--output", kcat, "--format", "kcat", "--count", "400",
                        "--entities", "20", "--malformed-rate", "0.15", "--delete-rate", "0.05", "--add-column-at", "200",
                        "--start", "2026-11-20T00:00:00Z", "--seed", "11",
                        "--unchanged-toast-rate", "0.3"], check=True, stderr=subprocess.DEVNULL)
        inputs = []
        seen = {}
        with open(kcat, "rb") as handle:
            for line in handle:
                record = json.loads(line.decode("utf-8", "surrogateescape"))
                topic = TOPICS.index(record["topic"])
                payload = record["payload"]
                key = record["key"].encode("utf-8", "surrogateescape") if record["key"] else b""
                kind = "tombstone" if payload is None else "value"
                if payload is not None:
                    kind += "-" + ("broken" if b'"__op"' not in payload.encode("utf-8", "surrogateescape")[-80:] else "ok")
                slot = (topic, kind)
                seen[slot] = seen.get(slot, 0) + 1
                if seen[slot] > 6:
                    continue
                if payload is None:
                    inputs.append(bytes([topic | 8]) + key)
                else:
                    value = payload.encode("utf-8", "surrogateescape")
                    inputs.append(bytes([topic | 16 | 0x60, min(len(key), 255)]) + key[:255] + value)
        for text in GOLDEN:
            inputs.append(bytes([3 | 0x60]) + text.encode())
        inputs.append(bytes([0]) + ENVELOPE.encode())
        inputs.append(bytes([0]) + b'{"schema":null,"payload":null}')
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    for index, data in enumerate(inputs):
        with open(os.path.join(args.out, f"seed-{index:03d}"), "wb") as handle:
            handle.write(data)
    print(f"wrote {len(inputs)} seeds to {args.out}")


if __name__ == "__main__":
    main()
