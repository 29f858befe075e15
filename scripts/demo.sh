#!/usr/bin/env bash
# `make demo`: the whole pipeline, ending in a throwaway PostgreSQL that scripts/test-servers.py
# starts on loopback (as `make test` starts one) and stops afterwards. When PostgreSQL cannot be
# started here, the demo says so and runs without a warehouse, writing the loader's SQL instead.
#   scripts/demo.sh BINARY [OUTPUT]
set -u
bin=$1
out=${2:-out/demo}
started=$(mktemp -u)
python3 scripts/test-servers.py run -- bash -c 'touch "$0"; exec "$1" demo --output "$2" --warehouse-url "$MILLRACE_TEST_PG_URL"' \
  "$started" "$bin" "$out"
status=$?
if [ -e "$started" ]; then
  rm -f "$started"
  exit "$status"
fi
echo "demo: PostgreSQL could not be started here, so nothing is loaded; the loader's SQL goes to $out/load.sql instead" >&2
exec "$bin" demo --output "$out"
