#!/usr/bin/env bash
# Long run of the seeded reader fuzzer (tests/GloVeV.Tests/ReaderFuzzTests.cs): each reader (vocabulary, corpus,
# .bin, CSR, params, variance chunks, chunk map, the authors' single files) for SECONDS (default 600) of damaged
# inputs. Any exception other than the engine's own errors, or a reader taking over 60 s, fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export GLOVEV_FUZZ_SECONDS=${1:-600}
dotnet test tests/GloVeV.Tests -c Release --filter "FullyQualifiedName~ReaderFuzzTests" --logger "console;verbosity=normal"
