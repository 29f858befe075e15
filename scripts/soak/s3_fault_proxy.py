#!/usr/bin/env python3
"""An HTTP/1.1 fault proxy in front of moto for the soak (a process of its own; the Swift
FaultProxy in Tests/MillraceTesting does the same inside test processes).

    python3 scripts/soak/s3_fault_proxy.py --upstream http://127.0.0.1:PORT --rate 0.2 --seed 7

Prints its endpoint (http://127.0.0.1:PORT) as the first line of standard output, then reads
commands on standard input, one per line, answering each on one line:
    rate 0.0      the share of requests faulted from now on      -> ok
    stats         counts so far                                 -> {"requests": n, "faults": {...}}

A faulted request gets one of (weights from --kinds):
    500       500 InternalError, not forwarded
    503       503 SlowDown, not forwarded
    reset     the TCP connection reset (RST), half the time after the request reached moto, so the
              client cannot know whether it took effect
    timeout   no answer at all: the request is held past the client's stall timeout, then closed
Every other request is forwarded on a fresh upstream connection and its answer relayed byte for
byte; the client connection is closed after each answer (`Connection: close`).
"""
import argparse
import json
import random
import socket
import socketserver
import struct
import sys
import threading
import time

ERROR_BODY = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'


def parse_kinds(text):
    kinds = {}
    for item in text.split(","):
        name, weight = item.split(":")
        if name not in ("500", "503", "reset", "timeout"):
            raise SystemExit(f"s3_fault_proxy: unknown fault kind {name}")
        kinds[name] = float(weight)
    return kinds


class Faults:
    """The seeded choice of faults and the counters, shared by the connection threads."""

    def __init__(self, rate, kinds, seed):
        self.rate, self.kinds, self.random = rate, kinds, random.Random(seed)
        self.lock = threading.Lock()
        self.requests, self.counts = 0, {kind: 0 for kind in kinds}

    def choose(self):
        with self.lock:
            self.requests += 1
            if self.random.random() >= self.rate:
                return None
            kind = self.random.choices(list(self.kinds), weights=list(self.kinds.values()))[0]
            self.counts[kind] += 1
            return kind, self.random.random() < 0.5

    def stats(self):
        with self.lock:
            return {"requests": self.requests, "faults": dict(self.counts), "rate": self.rate}


def read_request(reader):
    """One request as raw bytes (head and body, chunked bodies passed through), or None at EOF."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = reader.readline(65536)
        if not line:
            return None
        if head == b"" and line in (b"\r\n", b"\n"):
            continue
        head += line
    length, chunked = 0, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        elif name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    body = b""
    if chunked:
        while True:
            size_line = reader.readline(65536)
            body += size_line
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            body += reader.read(size + 2)
            if size == 0:
                break
    elif length:
        body = reader.read(length)
    return with_connection_close(head) + body


def with_connection_close(head):
    lines = [line for line in head.split(b"\r\n") if line and not line.lower().startswith(b"connection:")]
    return b"\r\n".join(lines + [b"Connection: close", b"", b""])


def forward(upstream, request, timeout=120):
    """Sends `request` to the upstream on a new connection; the whole answer, or None."""
    try:
        with socket.create_connection(upstream, timeout=timeout) as connection:
            connection.sendall(request)
            chunks = []
            while True:
                data = connection.recv(262144)
                if not data:
                    break
                chunks.append(data)
    except OSError:
        return None
    response = b"".join(chunks)
    head, separator, body = response.partition(b"\r\n\r\n")
    return with_connection_close(head + b"\r\n\r\n") + body if separator else response


def reset(connection):
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def error_response(status, reason, code, message):
    body = ERROR_BODY.format(code=code, message=message).encode()
    return (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n").encode() + body


def make_handler(upstream, faults, stall):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            connection = self.request
            request = read_request(connection.makefile("rb"))
            if request is None:
                return
            choice = faults.choose()
            kind, after = choice if choice else (None, False)
            if kind == "500":
                connection.sendall(error_response(500, "Internal Server Error", "InternalError",
                                                  "We encountered an internal error. Please try again."))
            elif kind == "503":
                connection.sendall(error_response(503, "Slow Down", "SlowDown", "Please reduce your request rate."))
            elif kind == "reset":
                if after:
                    forward(upstream, request)
                reset(connection)
                return
            elif kind == "timeout":
                time.sleep(stall)
            else:
                response = forward(upstream, request)
                if response is None:
                    reset(connection)
                    return
                connection.sendall(response)
            try:
                connection.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    return Handler


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT of moto")
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default="500:3,503:3,reset:3,timeout:1", help="kind:weight,...")
    parser.add_argument("--stall", type=float, default=35.0, help="seconds a timed-out request is held (past the client's 30 s)")
    args = parser.parse_args()
    host, port = args.upstream.split("//", 1)[1].rstrip("/").split(":")
    faults = Faults(args.rate, parse_kinds(args.kinds), args.seed)
    server = Server(("127.0.0.1", 0), make_handler((host, int(port)), faults, args.stall))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    for line in sys.stdin:
        words = line.split()
        if words[:1] == ["rate"] and len(words) == 2:
            with faults.lock:
                faults.rate = float(words[1])
            print("ok", flush=True)
        elif words == ["stats"]:
            print(json.dumps(faults.stats()), flush=True)
        elif words:
            print(f"error: unknown command {line.strip()!r}", flush=True)
    # Standard input closed: keep serving until killed.
    threading.Event().wait()


if __name__ == "__main__":
    main()
