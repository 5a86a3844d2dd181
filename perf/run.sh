#!/usr/bin/env bash
# Builds in Release and prints the stage table: perf/run.sh --quick (kjv, < 5 min) or perf/run.sh (gutenberg_10M, then
# the GloVe C comparison of perf/glove_c.py).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
[ -x build/bin/glovev ] || bash scripts/build.sh
cmake --build build -j2 > /dev/null
dotnet build perf/GloVeV.Bench -c Release --nologo -v quiet > /dev/null
/usr/bin/python3 perf/stages.py "$@"
# Side by side with Stanford GloVe C, built from ../shared/baselines/glove-c when it is there (skipped cleanly when not);
# the full run only (it takes ~10 minutes on gutenberg_10M).
case " $* " in *" --quick "*) ;; *) /usr/bin/python3 perf/glove_c.py ;; esac
