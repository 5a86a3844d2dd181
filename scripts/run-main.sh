#!/usr/bin/env bash
# The main job: install, build, then run every stage on the embedded State of the Union corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/bin/glovev --version
./build/bin/glovev run --out "${1:-glovev-out}"   # no --corpus: the corpus built into the binary
