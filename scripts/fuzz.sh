#!/usr/bin/env bash
# Fuzzes Millrace's parsers with libFuzzer and AddressSanitizer for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]                    the CDC decoder (default 60 s; FUZZ_SECONDS also works)
#   scripts/fuzz.sh --target NAME [SECONDS]      decoder, parquet, config or commit-record
#   scripts/fuzz.sh --all [SECONDS]              each target in turn, SECONDS each
#
# Builds the MillraceFuzz target with -sanitize=fuzzer,address into .build-fuzz/, copies the
# target's committed seed corpus (Tests/Fixtures/fuzz-corpus*/) to a scratch folder so the
# committed one stays as it is, and runs. A crash, a trap or a memory error stops the run with a
# non-zero status and leaves the input in fuzz-artifacts/. The Parquet target also starts from
# the parquet-testing files in ../shared/testdata (MILLRACE_SHARED_TESTDATA). Regenerate the seeds with
# scripts/make-fuzz-corpus.py (decoder) and scripts/make-fuzz-seeds.py (the others).
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(decoder)
case "${1:-}" in
  --target) targets=("$2"); shift 2 ;;
  --all) targets=(decoder parquet config commit-record); shift ;;
esac
seconds=${1:-${FUZZ_SECONDS:-60}}
${SWIFT:-swift} build -c release --product MillraceFuzz --build-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DMILLRACE_LIBFUZZER
mkdir -p fuzz-artifacts
shared=${MILLRACE_SHARED_TESTDATA:-../shared/testdata}
for target in "${targets[@]}"; do
  case "$target" in
    decoder) seeds=Tests/Fixtures/fuzz-corpus ;;
    parquet|config|commit-record) seeds=Tests/Fixtures/fuzz-corpus-$target ;;
    *) echo "fuzz: unknown target $target (decoder, parquet, config, commit-record)" >&2; exit 2 ;;
  esac
  corpus=$(mktemp -d -t "millrace-fuzz-$target.XXXXXX")
  cp -R "$seeds/." "$corpus/"
  # The Parquet reader also starts from apache/parquet-testing's files (other writers: parquet-mr,
  # parquet-cpp, checksums, decimals, NaN statistics), which ship beside the checkout.
  if [ "$target" = parquet ] && [ -d "$shared/parquet-testing" ]; then
    for file in "$shared"/parquet-testing/*.parquet; do cp "$file" "$corpus/parquet-testing-$(basename "$file")"; done
  fi
  echo "fuzz $target: ${seconds}s from $(ls "$corpus" | wc -l) seeds"
  MILLRACE_FUZZ_TARGET=$target \
  LSAN_OPTIONS="suppressions=$(pwd)/scripts/fuzz-lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
  .build-fuzz/release/MillraceFuzz "$corpus" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="fuzz-artifacts/$target-" -print_final_stats=1 || { status=$?; rm -rf "$corpus"; exit $status; }
  rm -rf "$corpus"
done
