"""PostgreSQL for the soak, through psql: the loader's own role (so its backends can be found
and terminated), the freshness sampler's snapshot query, and the final ledger."""
import re
import subprocess
import time


def run(url, sql, timeout=120):
    """Rows of `sql` (tab-separated columns), or raises with psql's message."""
    result = subprocess.run(["psql", url, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"psql: {result.stderr.strip()[-500:]}")
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def with_user(url, user):
    """`url` with its user replaced."""
    return re.sub(r"^(postgres(?:ql)?://)[^@/]*@", rf"\g<1>{user}@", url)


def create_role(url, role):
    run(url, f"CREATE ROLE {role} LOGIN SUPERUSER")


def drop_role(url, role, schema):
    try:
        run(url, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        run(url, f"DROP ROLE IF EXISTS {role}")
    except (RuntimeError, subprocess.TimeoutExpired):
        pass


def terminate_in_transaction(url, role, wait=8.0):
    """Terminates a backend of `role` while it is inside a transaction (waiting up to `wait` s
    for one to be); returns "in_transaction", "idle" (none was in one: an idle one was
    terminated) or "none" (the role had no backend)."""
    deadline = time.monotonic() + wait
    while True:
        rows = run(url, "SELECT pid, xact_start IS NOT NULL FROM pg_stat_activity "
                        f"WHERE usename = '{role}' AND pid <> pg_backend_pid()", timeout=20)
        busy = [pid for pid, in_xact in rows if in_xact == "t"]
        if busy:
            killed = run(url, f"SELECT count(*) FROM (SELECT pg_terminate_backend({busy[0]})) t", timeout=20)
            return "in_transaction" if killed else "none"
        if time.monotonic() >= deadline:
            if rows:
                run(url, f"SELECT pg_terminate_backend({rows[0][0]})", timeout=20)
                return "idle"
            return "none"
        time.sleep(0.05)


def freshness_snapshot(url, schema):
    """One consistent read: the server's clock (ms), data_as_of (ms) per table, and the loaded
    (batch, table) pairs of the ledger. None while the loader has not created its tables."""
    sql = (f"SELECT 'n', CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)::text, '' "
           f"UNION ALL SELECT 'f', table_name, CAST(EXTRACT(EPOCH FROM data_as_of) * 1000 AS BIGINT)::text "
           f"FROM {schema}.millrace_freshness WHERE data_as_of IS NOT NULL "
           f"UNION ALL SELECT 'l', batch_id, table_name FROM {schema}.millrace_load_ledger WHERE state = 'loaded'")
    try:
        rows = run(url, sql, timeout=60)
    except (RuntimeError, subprocess.TimeoutExpired):
        return None
    now = next(int(value) for tag, value, _ in rows if tag == "n")
    return {"now": now, "as_of": {name: int(value) for tag, name, value in rows if tag == "f"},
            "loaded": {(batch, table) for tag, batch, table in rows if tag == "l"}}


def ledger(url, schema):
    """Every ledger row: (batch, table) -> (state, recorded_at in ms)."""
    rows = run(url, f"SELECT batch_id, table_name, state, CAST(EXTRACT(EPOCH FROM recorded_at) * 1000 AS BIGINT) "
                    f"FROM {schema}.millrace_load_ledger")
    return {(batch, table): (state, int(at)) for batch, table, state, at in rows}
