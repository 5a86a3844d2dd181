#!/usr/bin/env bash
# Every test suite: install, build, then CTest (csharp, c_abi, python, r, torch) and one tiny benchmark smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every suite's temporary files (models, variances: over 100 MB per test run) go under one folder that goes with
# the run, so repeated runs cannot fill the disk.
export TMPDIR
TMPDIR=$(mktemp -d)
trap 'rm -rf "$TMPDIR"' EXIT
bash scripts/build.sh
# One tiny BenchmarkDotNet run (dry job) proves the benchmark project builds and runs; real benchmarks are perf/run.sh.
dotnet run --project perf/GloVeV.Bench -c Release -- smoke > build/bench-smoke.log 2>&1 || { tail -40 build/bench-smoke.log; exit 1; }
echo "benchmark smoke run: ok"
ctest --test-dir build --output-on-failure
