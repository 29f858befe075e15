#!/usr/bin/env bash
# Fuzzes the CDC decoder with libFuzzer and AddressSanitizer for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]        (default 60; FUZZ_SECONDS also works)
#
# Builds the MillraceFuzz target with -sanitize=fuzzer,address into .build-fuzz/, copies the
# committed seed corpus (Tests/Fixtures/fuzz-corpus/) to a scratch folder so the committed one
# stays as it is, and runs. A crash, a trap or a memory error stops the run with a non-zero
# status and leaves the input in fuzz-artifacts/. Regenerate the seeds with
# scripts/make-fuzz-corpus.py.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${FUZZ_SECONDS:-60}}
${SWIFT:-swift} build -c release --product MillraceFuzz --build-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DMILLRACE_LIBFUZZER
corpus=$(mktemp -d -t millrace-fuzz-corpus.XXXXXX)
trap 'rm -rf "$corpus"' EXIT
cp -R Tests/Fixtures/fuzz-corpus/. "$corpus/"
mkdir -p fuzz-artifacts
echo "fuzz: ${seconds}s from $(ls "$corpus" | wc -l) seeds"
LSAN_OPTIONS="suppressions=$(pwd)/scripts/fuzz-lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
.build-fuzz/release/MillraceFuzz "$corpus" \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix=fuzz-artifacts/ -print_final_stats=1
