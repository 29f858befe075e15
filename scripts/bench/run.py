#!/usr/bin/env python3
"""Runs every benchmark (scripts/bench/bench_*.py) in turn and prints a summary.

    python3 scripts/bench/run.py --bin .build/release [--only NAME]

Each benchmark runs Millrace and its peer on the same input in the same run and prints the
ratio and Millrace's peak RSS. A benchmark that misses its target is reported, not hidden.
"""
import argparse
import glob
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="folder holding millrace and MillraceBench")
    parser.add_argument("--only", help="run only benchmarks whose file name contains this")
    parser.add_argument("--work", default="out/bench", help="scratch folder for inputs and outputs")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    results = {}
    for path in sorted(glob.glob(os.path.join(here, "bench_*.py"))):
        name = os.path.basename(path)[len("bench_"):-3]
        if args.only and args.only not in name:
            continue
        status = subprocess.call([sys.executable, path, "--bin", os.path.abspath(args.bin),
                                  "--work", os.path.abspath(os.path.join(args.work, name))])
        results[name] = status
    print("\n== summary")
    for name, status in results.items():
        print(f"  {name}: {'all targets met' if status == 0 else 'target missed or failed (see above)'}")
    sys.exit(0 if all(s == 0 for s in results.values()) else 1)


if __name__ == "__main__":
    main()
