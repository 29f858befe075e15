#!/usr/bin/env bash
# Debug build of every target, tests included. Fails when the compiler warns about our own code
# (Sources/ and Tests/); warnings from dependencies under .build/ are not ours to fix.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build
log=.build/build-checked.log
set +e
${SWIFT:-swift} build --build-tests 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || exit "$status"
root=$(pwd)
if grep -E "^${root}/(Sources|Tests)/.*: warning:" "$log" | sort -u | grep . ; then
  echo "build-checked: the warnings above are in our code; fix them (the project builds warning-free)" >&2
  exit 1
fi
