#!/usr/bin/env bash
# Installs dependencies (idempotent) and builds everything into build/ (NativeAOT library + CLI, C tests, fixture).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j2
