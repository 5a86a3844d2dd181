#!/usr/bin/env bash
# Every test suite: install, build, then CTest (csharp, c_abi, python, r) and one tiny benchmark smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure
