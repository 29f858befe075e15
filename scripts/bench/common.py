"""Shared helpers for the benchmarks: run a command, time it and read its peak RSS.

Every benchmark compares Millrace with a peer (kcat, pyarrow, DuckDB, aws s3 cp) on the same
input in the same run and reports the ratio, never a bare time.
"""
import os
import subprocess
import sys
import time


class Measurement:
    """Wall time in seconds, peak resident set size in MiB and CPU time (user + system, seconds)
    of one child process."""

    def __init__(self, seconds, peak_rss_mib, stdout, cpu_seconds=0.0, stderr=b""):
        self.seconds = seconds
        self.peak_rss_mib = peak_rss_mib
        self.stdout = stdout
        self.cpu_seconds = cpu_seconds
        self.stderr = stderr




def measure(argv, stdin=None, env=None, cwd=None, stdout=subprocess.PIPE):
    """Runs argv to completion, failing loudly on a non-zero exit; reports wall time and the child's own peak RSS (from wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=cwd)
    out = b""
    if stdout == subprocess.PIPE:
        out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace")[-4000:])
        raise SystemExit(f"bench: {' '.join(argv)} exited {proc.returncode}")
    return Measurement(seconds, usage.ru_maxrss / 1024.0, out, usage.ru_utime + usage.ru_stime, err)


def report(name, rows, verdicts):
    """Prints a benchmark's table and verdict lines in one format.

    rows: list of (label, value string); verdicts: list of (description, passed bool).
    Returns True when every verdict passed.
    """
    print(f"\n== {name}")
    width = max(len(label) for label, _ in rows) if rows else 0
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
    ok = True
    for description, passed in verdicts:
        print(f"  [{'PASS' if passed else 'MISS'}] {description}")
        ok = ok and passed
    sys.stdout.flush()
    return ok


def built(folder, name):
    """The executable `name` built in `folder`, or a clear failure."""
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        raise SystemExit(f"bench: no {name} in {folder}; run `make release`")
    return path


def bench_binary(folder):
    """The benchmark driver (the MillraceBench target, command name millrace-bench) in folder."""
    return built(folder, "MillraceBench")
