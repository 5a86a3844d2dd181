#!/usr/bin/env bash
# Builds in Release and prints the stage table: perf/run.sh --quick (kjv, < 5 min) or perf/run.sh (gutenberg_10M).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
[ -x build/bin/glovev ] || bash scripts/build.sh
cmake --build build -j2 > /dev/null
dotnet build perf/GloVeV.Bench -c Release --nologo -v quiet > /dev/null
/usr/bin/python3 perf/stages.py "$@"
