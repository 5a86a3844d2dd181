#!/usr/bin/env bash
# Runs the C ABI tests, then again under valgrind (memcheck) when it is installed: invalid reads/writes or definite
# leaks fail the suite.
set -euo pipefail
bin=$1; fixture=$2
"$bin" "$fixture"
if command -v valgrind >/dev/null 2>&1 && [ "${GLOVEV_SKIP_VALGRIND:-0}" != "1" ]; then
  log=$(mktemp)
  valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --undef-value-errors=no --log-file="$log" "$bin" "$fixture" > /dev/null || { cat "$log"; echo "valgrind found errors"; exit 1; }
  grep -E "ERROR SUMMARY|definitely lost" "$log" | sed 's/^==[0-9]*== /valgrind: /'
  rm -f "$log"
fi
