"""Shared helpers for the benchmarks: run a command, time it and read its peak RSS.

Every benchmark compares Millrace with a peer (kcat, pyarrow, DuckDB, aws s3 cp) on the same
input in the same run and reports the ratio, never a bare time.
"""
import os
import subprocess
import sys
import tempfile


class Measurement:
    """Wall time in seconds, peak resident set size in MiB and CPU time (user + system, seconds)
    of one child process."""

    def __init__(self, seconds, peak_rss_mib, stdout, cpu_seconds=0.0, stderr=b""):
        self.seconds = seconds
        self.peak_rss_mib = peak_rss_mib
        self.stdout = stdout
        self.cpu_seconds = cpu_seconds
        self.stderr = stderr




# Runs argv as its grandchild and reports the child's own wall time and peak RSS. On Linux a
# forked child's peak RSS starts at its parent's resident size (dup_mm sets the new mm's
# hiwater_rss to the copied RSS, and execve keeps the larger of it in signal->maxrss), so a
# benchmark process that holds pyarrow tables would lend its hundreds of MiB to every command
# it times. This launcher is a fresh `python3 -S` of a few MiB: the command forks from it,
# and its wait4 figures are the command's own. The time is taken around the fork and wait, so
# the launcher's start-up is not counted either.
_LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    out.write(f"{seconds} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def measure(argv, stdin=None, env=None, cwd=None, stdout=subprocess.PIPE):
    """Runs argv to completion, failing loudly on a non-zero exit; reports its wall time and
    its own peak RSS and CPU time (wait4 in a small launcher, not this process: see _LAUNCHER)."""
    fd, figures = tempfile.mkstemp(prefix="millrace-bench-", suffix=".txt")
    os.close(fd)
    try:
        proc = subprocess.Popen([sys.executable, "-S", "-c", _LAUNCHER, figures] + list(argv),
                                stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=cwd)
        out, err = proc.communicate()
        if proc.returncode != 0:
            sys.stderr.write(err.decode(errors="replace")[-4000:])
            raise SystemExit(f"bench: {' '.join(argv)} exited {proc.returncode}")
        with open(figures) as f:
            seconds, maxrss_kib, cpu = f.read().split()
    finally:
        os.remove(figures)
    return Measurement(float(seconds), int(maxrss_kib) / 1024.0, out or b"", float(cpu), err)


# As _LAUNCHER, with the command's standard output read through a pipe by the launcher, which
# also reports when the first byte arrived (seconds after the fork): a consumer's time to its
# first message, for a steady-state rate. Use it for commands whose output is small.
_FIRST_OUTPUT_LAUNCHER = """
import os, sys, time
start = time.perf_counter()
read_end, write_end = os.pipe()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(write_end, 1)
        os.close(read_end)
        os.close(write_end)
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
os.close(write_end)
first = None
while True:
    chunk = os.read(read_end, 1 << 16)
    if not chunk:
        break
    if first is None:
        first = time.perf_counter() - start
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    out.write(f"{seconds} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime} {first if first is not None else seconds}")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def measure_first_output(argv, env=None):
    """As measure(), for a command whose output is small: also the seconds until its first
    output byte (Measurement.first_output_seconds)."""
    fd, figures = tempfile.mkstemp(prefix="millrace-bench-", suffix=".txt")
    os.close(fd)
    try:
        proc = subprocess.Popen([sys.executable, "-S", "-c", _FIRST_OUTPUT_LAUNCHER, figures] + list(argv),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, err = proc.communicate()
        if proc.returncode != 0:
            sys.stderr.write(err.decode(errors="replace")[-4000:])
            raise SystemExit(f"bench: {' '.join(argv)} exited {proc.returncode}")
        with open(figures) as f:
            seconds, maxrss_kib, cpu, first = f.read().split()
    finally:
        os.remove(figures)
    measurement = Measurement(float(seconds), int(maxrss_kib) / 1024.0, b"", float(cpu), err)
    measurement.first_output_seconds = float(first)
    return measurement


# DuckDB's forms of reading Debezium JsonConverter values (one JSON envelope per line), for the
# benchmarks that give DuckDB the same messages: `inferred` lets read_json infer the whole
# envelope, `schema` included; `explicit` names the one column the job needs, `payload`, with
# its struct type written from the envelope's own Connect schema (what a user who knows the
# topic would write). Each benchmark runs both in the same run and compares with the faster.
_CONNECT_TO_DUCKDB = {"int8": "TINYINT", "int16": "SMALLINT", "int32": "INTEGER", "int64": "BIGINT", "float": "FLOAT",
                      "float32": "FLOAT", "double": "DOUBLE", "float64": "DOUBLE", "boolean": "BOOLEAN", "string": "VARCHAR",
                      "bytes": "VARCHAR"}
_CONNECT_NAMED = {"io.debezium.time.ZonedTimestamp": "TIMESTAMPTZ"}


def duckdb_payload_struct(values_path):
    """`STRUCT(…)` of the payload of the first message of `values_path`, from its Connect schema."""
    import json
    with open(values_path) as f:
        envelope = json.loads(f.readline())
    fields = next(field for field in envelope["schema"]["fields"] if field["field"] == "payload")["fields"] \
        if envelope["schema"].get("name", "").endswith("Envelope") else envelope["schema"]["fields"]
    columns = []
    for field in fields:
        kind = _CONNECT_NAMED.get(field.get("name"), _CONNECT_TO_DUCKDB[field["type"]])
        columns.append(f'"{field["field"]}" {kind}')
    return "STRUCT(" + ", ".join(columns) + ")"


def duckdb_json_forms(values_path):
    """The read_json sources DuckDB may use for `values_path`, by form name (see above)."""
    struct = duckdb_payload_struct(values_path).replace("'", "''")
    return {
        "inferred": f"read_json('{values_path}', format='newline_delimited')",
        "explicit": f"read_json('{values_path}', format='newline_delimited', columns={{'payload': '{struct}'}})",
    }


def fastest_form(runs_by_form, seconds=lambda run: run.seconds):
    """(form, best run, text) for the form with the fastest best run; the text says how it was chosen."""
    best = {form: min(runs, key=seconds) for form, runs in runs_by_form.items()}
    form = min(best, key=lambda name: seconds(best[name]))
    text = f"{form} (fastest best run of " + ", ".join(f"{name} {seconds(run):.2f} s" for name, run in sorted(best.items())) + ")"
    return form, best[form], text


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
