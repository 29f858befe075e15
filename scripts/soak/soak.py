#!/usr/bin/env python3
"""Millrace's crash, fault and soak harness (`make soak`; its short mode runs in `make test`).

    python3 scripts/soak/soak.py --mode full      --bin .build/release/millrace   [--seed N]
    python3 scripts/soak/soak.py --mode freshness --bin .build/release/millrace   [--rate 1000]
    python3 scripts/soak/soak.py --mode short     --bin .build/debug/millrace

Real servers on loopback (docs/Soak.md): librdkafka's mock cluster as a process, moto with
SigV4 enforced behind an S3 fault proxy, PostgreSQL as the warehouse; two `millrace run`
replicas in one group and `millrace load`; `millrace loadgen` producing with duplicates,
key-only deletes and tombstones, a column added mid-run, malformed records and unchanged TOAST
placeholders. While it produces, a plan drawn from the seed kills workers and the loader with
SIGKILL, faults S3 requests, injects Kafka request errors and broker outages, terminates the
loader's PostgreSQL backend inside its transactions and storms the group with replicas joining
and leaving. Then the faults stop, everything drains, and the warehouse is compared with the
truth computed from what Kafka holds (kcat taps). Exit status 1 on any lost, duplicated or wrong
row (or any other broken guarantee, listed); the run's folder and logs are then kept.

Modes: full (100 kills), short (10 kills, about 2 minutes: for `make test`), freshness (the
time-scaled freshness soak: 3 s windows, 30 s loads, 5 minutes, no faults; warehouse lag against
the seed's 5 and 15 minute targets scaled alike, and "data as of" never ahead of the truth).
The last line of standard output is the report as JSON.
"""
import argparse
import json
import os
import random
import shutil
import sys
import tempfile
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg  # noqa: E402
import run as soak_run  # noqa: E402
import verdict  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MODES = {
    "full": dict(duration=720, rate=200, kills=100, kafka_every=12, broker_downs=6, pg_every=15, storms=6, partitions=8,
                 window="2s", load_interval="5s", s3_fault_rate=0.2, drain_timeout=1800, sweep_timeout=600, entities=5000),
    "short": dict(duration=80, rate=100, kills=10, kafka_every=15, broker_downs=1, pg_every=20, storms=1, partitions=4,
                  window="2s", load_interval="5s", s3_fault_rate=0.2, drain_timeout=900, sweep_timeout=0, entities=2000),
    "freshness": dict(duration=300, rate=1000, kills=0, kafka_every=0, broker_downs=0, pg_every=0, storms=0, partitions=8,
                      window="3s", load_interval="30s", s3_fault_rate=0.0, drain_timeout=900, sweep_timeout=0, entities=10000),
}
# The seed architecture's freshness targets (30 s windows, 5 min loads): typical lag 5 minutes, at most 15.
TARGET_SECONDS, MAXIMUM_SECONDS, SEED_WINDOW_SECONDS = 300, 900, 30


def settings(args):
    mode = dict(MODES[args.mode])
    for name in ("duration", "rate", "kills"):
        if getattr(args, name) is not None:
            mode[name] = getattr(args, name)
    return SimpleNamespace(**mode, mode=args.mode, seed=args.seed, self_check=args.self_check, bin=os.path.abspath(args.bin), schemas=os.path.join(ROOT, "Schemas"),
                           records=int(mode["rate"] * mode["duration"]), brokers=3, max_poll=10, sample_every=2.0,
                           malformed_rate=0.01)


def freshness_targets(s, sampled, per_row):
    """The sampled banner lag and the per-row warehouse lag against the seed's targets (typical
    lag 5 minutes, at most 15), as they are and scaled by this run's window."""
    scale = int(s.window.rstrip("s")) / SEED_WINDOW_SECONDS

    def verdict(target, maximum):
        lags = {"banner": sampled, "rows": per_row}
        met = {name: lag["p50"] is not None and lag["p50"] <= target and lag["max"] <= maximum for name, lag in lags.items()}
        return {"target_seconds": target, "maximum_seconds": maximum, "met": all(met.values()), "by": met}
    return {"scale": scale, "seed": verdict(TARGET_SECONDS, MAXIMUM_SECONDS),
            "scaled": verdict(TARGET_SECONDS * scale, MAXIMUM_SECONDS * scale)}


def judge(run, s, drained, loadgen_status, leftovers):
    """The report and the list of broken guarantees."""
    failures = list(drained)
    if run.fleet.unexpected:
        failures.append(f"{len(run.fleet.unexpected)} Millrace processes exited by themselves: "
                        + ", ".join(f"{name}#{incarnation} {status}" for name, incarnation, status in run.fleet.unexpected[:5]))
    if loadgen_status != 0:
        failures.append(f"loadgen exited {loadgen_status} (see {run.loadgen_log})")
    source, kcat = run.source()
    if source.gaps():
        failures.append(f"the taps missed records of {source.gaps()[:3]} (Kafka purged them before they were read)")
    tables = verdict.warehouse(run.warehouse.pg_url, run.schema, kcat)
    for table, counts in tables.items():
        for what in ("lost", "duplicated", "wrong"):
            if counts.get(what):
                failures.append(f"{table}: {counts[what]} rows {what}: {counts['samples']}")
        if counts.get("mismatched_days"):
            failures.append(f"{table}: {counts['mismatched_days']} days differ from a GROUP BY over the facts")
    chains = run.staging.chain_problems(source.end_offsets())
    failures += [f"staging: {problem}" for problem in chains[:5]]
    twice, staged_rows = run.staging.staged_twice(source.tables)
    if twice:
        failures.append(f"staging: {len(twice)} source records staged twice, e.g. {twice[:3]}")
    letters, letters_twice = run.staging.dead_letters()
    loadgen = verdict.loadgen_summary(run.loadgen_log)
    dead = verdict.dead_letters(source, letters, loadgen["malformed"])
    if dead["missing"] or dead["unexpected"] or dead["bytes_altered"] or letters_twice:
        failures.append(f"dead letters: {dead['missing']} missing, {dead['unexpected']} unexpected, {dead['bytes_altered']} altered, "
                        f"{letters_twice} twice; {dead['samples']}")
    # The reason is the decoder's first complaint about a record loadgen broke in one way; a
    # disagreement is reported, not failed (every malformed record is dead-lettered, bytes intact).
    notes = [f"dead-letter reasons differ from loadgen's for {dead['reasons_mismatched']}"] if dead["reasons_mismatched"] else []
    quarantined = sum(1 for state, _ in run.ledger.values() if state == "quarantined")
    if quarantined:
        failures.append(f"{quarantined} (batch, table) pairs quarantined")
    if leftovers:
        failures.append(f"{len(leftovers)} uncommitted objects left after the sweep, e.g. {leftovers[:3]}")
    staged_lag, warehouse_lag = verdict.lags(source, run.staging, run.ledger)
    freshness = verdict.data_as_of(source, run.staging, run.samples)
    if freshness["ahead_of_truth"]:
        failures.append(f"data as of was ahead of the truth in {freshness['ahead_of_truth']} samples: {freshness['violations'][:2]}")
    by_role, by_member = run.fleet.peaks()
    report = {
        "mode": s.mode, "seed": s.seed, "passed": not failures, "failures": failures, "notes": notes,
        "duration_seconds": round(run.elapsed()), "production_seconds": round(run.production_seconds),
        "produced": {"records": loadgen["records"], "in_kafka": sum(source.end_offsets().values()),
                     "rows": sum(len(r) for r in source.rows.values()), "repeats": source.duplicates,
                     "malformed": len(source.malformed), "rate": s.rate},
        "kills": run.chaos.counts["kills"], "s3": run.proxy_stats,
        "kafka": {"request_errors": run.chaos.counts["kafka_request_errors"], "broker_downs": run.chaos.counts["broker_downs"],
                  "refused": run.chaos.counts["kafka_commands_refused"]},
        "postgres_terminated": run.chaos.counts["pg_terminated"],
        "rebalances": {"storms": run.chaos.counts["storms"], "joins": run.chaos.counts["joins"], "leaves": run.chaos.counts["leaves"],
                       **verdict.log_counts(run.logs)},
        "tap_restarts": run.tap_restarts,
        "unexpected_exits": [f"{name}#{incarnation}: {status}" for name, incarnation, status in run.fleet.unexpected],
        "warehouse": tables, "staged_rows": staged_rows, "committed_batches": len(run.staging.records),
        "uncommitted_objects_left": len(leftovers) if s.sweep_timeout else None,
        "dead_letters": dead, "staged_lag": staged_lag, "warehouse_lag": warehouse_lag, "freshness": freshness,
        "peak_rss_mib": {**{role: round(mib, 1) for role, mib in by_role.items()}, **run.other_peaks},
        "peak_rss_by_process": by_member,
        "logs": run.logs,
    }
    if s.mode == "freshness":
        report["targets"] = freshness_targets(s, freshness["banner_lag"], warehouse_lag)
    if s.self_check:
        report["self_check"] = self_check(run)
        if report["self_check"] != {"lost": 1, "wrong": 1}:
            failures.append(f"the verdict missed damage done to the warehouse on purpose: {report['self_check']}")
            report["passed"] = False
    return report


def self_check(run):
    """Damages the warehouse on purpose (one fact deleted, one entity's version changed) and
    judges it again: the verdict must see exactly that one lost and one wrong row."""
    pg.run(run.warehouse.pg_url, f"DELETE FROM {run.schema}.fact_entity_values WHERE ctid = "
                                 f"(SELECT ctid FROM {run.schema}.fact_entity_values LIMIT 1)")
    pg.run(run.warehouse.pg_url, f"UPDATE {run.schema}.dim_entities SET version = version + 1000000 WHERE entity_id = "
                                 f"(SELECT min(entity_id) FROM {run.schema}.dim_entities)")
    damaged = verdict.warehouse(run.warehouse.pg_url, run.schema, os.path.join(run.work, "truth.kcat.jsonl"))
    return {"lost": sum(t.get("lost", 0) for t in damaged.values()), "wrong": sum(t.get("wrong", 0) for t in damaged.values())}


def describe(report):
    """The report for people."""
    s3, kafka, rb, dead = report["s3"], report["kafka"], report["rebalances"], report["dead_letters"]
    lines = [
        f"soak {report['mode']}: {'PASS' if report['passed'] else 'FAIL'} (seed {report['seed']}, {report['duration_seconds']} s, "
        f"{report['production_seconds']} s producing)",
        f"  produced: {report['produced']}",
        f"  kills: {sum(report['kills'].values())} {report['kills']}; unexpected exits: {len(report['unexpected_exits'])} "
        f"{report['unexpected_exits'][:6]}",
        f"  S3 faults: {sum(s3['faults'].values())} of {s3['requests']} requests {s3['faults']}",
        f"  Kafka faults: {sum(kafka['request_errors'].values())} request errors {kafka['request_errors']}; "
        f"{kafka['broker_downs']} broker outages",
        f"  PostgreSQL backends terminated: {report['postgres_terminated']}",
        f"  rebalances: {rb}",
    ]
    for table, counts in report["warehouse"].items():
        lines.append(f"  {table}: " + ", ".join(f"{k} {v}" for k, v in counts.items() if k != "samples"))
    lines += [
        f"  committed batches: {report['committed_batches']}; staged rows {report['staged_rows']}",
        f"  dead letters: {dead['dead_lettered']} of {dead['malformed_in_kafka']} malformed in Kafka; by reason "
        + ", ".join(f"{r} {c['dead_lettered']}/{c['injected']}+{c['kafka_copies']}" for r, c in dead["reasons"].items())
        + " (dead-lettered/injected+copies)",
        f"  staged lag (s): {report['staged_lag']}",
        f"  warehouse lag (s): {report['warehouse_lag']}",
        f"  data as of: {report['freshness']['samples']} samples, {report['freshness']['ahead_of_truth']} ahead of the truth, "
        f"sampled banner lag (s) {report['freshness']['banner_lag']}"
        + (f"; ahead by table: {report['freshness']['ahead_by_table']}" if report['freshness']['ahead_by_table'] else ""),
        f"  peak RSS (MiB): {report['peak_rss_mib']}",
    ]
    if "targets" in report:
        t = report["targets"]
        for name, label in (("seed", "the seed's targets"), ("scaled", f"the seed's targets scaled by {t['scale']:g}")):
            v = t[name]
            lines.append(f"  freshness against {label}: p50 <= {v['target_seconds']:.0f} s, max <= {v['maximum_seconds']:.0f} s: "
                         f"{'met' if v['met'] else 'MISSED'} (banner lag {'met' if v['by']['banner'] else 'missed'}, "
                         f"per-row warehouse lag {'met' if v['by']['rows'] else 'missed'})")
    lines += [f"  NOTE: {note}" for note in report["notes"]]
    lines += [f"  FAILED: {failure}" for failure in report["failures"]]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=sorted(MODES), default="full")
    parser.add_argument("--bin", required=True, help="the millrace executable")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SOAK_SEED", 0)) or random.SystemRandom().randrange(1, 1 << 31))
    parser.add_argument("--duration", type=float, help="seconds of production (overrides the mode's)")
    parser.add_argument("--rate", type=float, help="records per second (overrides the mode's)")
    parser.add_argument("--kills", type=int, help="kill -9 count (overrides the mode's)")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder even when it passes")
    parser.add_argument("--self-check", action="store_true",
                        help="after the verdict, damage the warehouse on purpose and check the verdict sees it (the test of the harness)")
    args = parser.parse_args()
    s = settings(args)
    work = tempfile.mkdtemp(prefix=f"millrace-soak-{s.mode}-")
    print(f"soak: {s.mode} run, seed {s.seed} (rerun with --seed {s.seed}), folder {work}", flush=True)
    run = soak_run.Run(s, work, lambda line: print(line, flush=True))
    report = None
    try:
        run.setup()
        status = run.abuse()
        drained = run.drain()
        leftovers = run.settle_sweep() if s.sweep_timeout and not drained else []
        run.shutdown()
        report = judge(run, s, drained, status, leftovers)
    finally:
        run.teardown(keep=report is None or not report["passed"] or args.keep)
    with open(os.path.join(work, "report.json"), "w") as f:
        json.dump(report, f, indent=1, default=str)
    print(describe(report), flush=True)
    if report["passed"] and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"soak: the run's folder (logs, plan, taps, report.json) is kept in {work}", flush=True)
    print(json.dumps(report, default=str), flush=True)
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
