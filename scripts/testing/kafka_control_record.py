#!/usr/bin/env python3
"""Appends a transaction control record (a COMMIT or ABORT marker) to one partition of a Kafka
broker, as a transaction coordinator writes it when a transaction ends, and prints the offset
the broker stored it at.

    python3 scripts/testing/kafka_control_record.py LEADER_HOST:PORT TOPIC PARTITION [commit|abort]

librdkafka 2.0.2's mock cluster serves transactions but never writes these markers (they came
to its mock in a later release), so tests that must see a log with markers, where offsets hold
no readable message, write them with this: a Produce request (v3) carrying one control batch
(RecordBatch v2, attributes transactional|control), sent to the partition's leader.

Kafka protocol: kafka.apache.org/protocol (Produce, RecordBatch); control records:
KIP-98 (key = version int16, type int16 with 0 = abort, 1 = commit; value = version int16,
coordinator epoch int32).
"""
import socket
import struct
import sys
import time


def crc32c(data):
    """CRC-32C (Castagnoli), the checksum of RecordBatch v2."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def varint(value):
    """A zig-zag varint, as records encode their lengths and deltas."""
    value = (value << 1) ^ (value >> 63)
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def control_batch(commit, producer_id, now_ms):
    key = struct.pack(">hh", 0, 1 if commit else 0)
    value = struct.pack(">hi", 0, 0)
    body = bytes([0]) + varint(0) + varint(0) + varint(len(key)) + key + varint(len(value)) + value + varint(0)
    record = varint(len(body)) + body
    # attributes .. records: what the CRC covers.
    after_crc = struct.pack(">hiqqqhii", 0x30, 0, now_ms, now_ms, producer_id, 0, -1, 1) + record
    after_length = struct.pack(">ibI", -1, 2, crc32c(after_crc)) + after_crc
    return struct.pack(">qi", 0, len(after_length)) + after_length


def string(text):
    encoded = text.encode()
    return struct.pack(">h", len(encoded)) + encoded


def produce(address, topic, partition, batch):
    header = struct.pack(">hhi", 0, 3, 1) + string("millrace-control-record")
    body = (struct.pack(">hhi", -1, -1, 10_000) + struct.pack(">i", 1) + string(topic)
            + struct.pack(">ii", 1, partition) + struct.pack(">i", len(batch)) + batch)
    request = header + body
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(struct.pack(">i", len(request)) + request)
        size = struct.unpack(">i", read(connection, 4))[0]
        response = read(connection, size)
    # correlation id, [topics] count, topic name, [partitions] count, partition, error, base offset
    offset = 4 + 4
    name_length = struct.unpack_from(">h", response, offset)[0]
    offset += 2 + name_length + 4
    _, error, base_offset = struct.unpack_from(">ihq", response, offset)
    if error != 0:
        sys.exit(f"kafka_control_record: the broker answered error {error}")
    return base_offset


def read(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            sys.exit("kafka_control_record: the broker closed the connection")
        data += chunk
    return data


def main():
    if len(sys.argv) not in (4, 5) or (len(sys.argv) == 5 and sys.argv[4] not in ("commit", "abort")):
        sys.exit(__doc__)
    address, topic, partition = sys.argv[1], sys.argv[2], int(sys.argv[3])
    commit = len(sys.argv) == 4 or sys.argv[4] == "commit"
    batch = control_batch(commit, producer_id=4242, now_ms=int(time.time() * 1000))
    print(produce(address, topic, partition, batch))


if __name__ == "__main__":
    main()
