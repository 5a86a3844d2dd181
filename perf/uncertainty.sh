#!/usr/bin/env bash
# How far to trust the intervals (README): glovev run, then the document bootstrap (+ seed-only replicates),
# compare-uncertainty and calibrate on one corpus. Prints the tables and the wall time of each step.
#   perf/uncertainty.sh kjv          tests/data/kjv.txt.gz (a few minutes)
#   perf/uncertainty.sh gutenberg    ../shared/data/corpora/gutenberg_10M (about half an hour on 2 cores)
# Settings: D100 (1: also train D = 100 and time calibrate on it), GLOVEV_BIN (build/bin/glovev), DIM (50), REPLICATES (8), SEED_REPLICATES (4), OUT (perf/out/uncertainty-<corpus>).
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-kjv}
case "$which" in
  kjv) corpus=tests/data/kjv.txt.gz ;;
  gutenberg) corpus=../shared/data/corpora/gutenberg_10M/gutenberg_10M.txt.gz
             [ -f "$corpus" ] || { echo "perf/uncertainty.sh: $corpus not found (skipped)"; exit 0; } ;;
  *) echo "usage: perf/uncertainty.sh kjv|gutenberg" >&2; exit 2 ;;
esac
[ -x build/bin/glovev ] || bash scripts/build.sh
dim=${DIM:-50}; reps=${REPLICATES:-8}; seeds=${SEED_REPLICATES:-4}
out=${OUT:-perf/out/uncertainty-$which}
mkdir -p "$out"
g=${GLOVEV_BIN:-build/bin/glovev}
# step NAME STDOUT-FILE COMMAND...: runs it, keeps its output, prints its wall time.
step() { local name=$1 log=$2; shift 2; local t0; t0=$(date +%s%N); "$@" > "$log"; echo "[$name: $(( ($(date +%s%N) - t0) / 1000000 )) ms wall]"; }
step run "$out/run.json" $g run --corpus "$corpus" --out "$out/run" --dim "$dim" --json
step bootstrap "$out/bootstrap.json" $g bootstrap --corpus "$corpus" --out "$out/bootstrap" --vocab "$out/run/vocab.txt" --dim "$dim" \
  --replicates "$reps" --seed-replicates "$seeds" --json
step compare-uncertainty "$out/compare-uncertainty.txt" $g compare-uncertainty --model "$out/run/model" --bootstrap "$out/bootstrap" \
  --tsv "$out/compare-uncertainty.tsv" --pairs-tsv "$out/compare-uncertainty-pairs.tsv" --plot "$out/compare-uncertainty.png"
cat "$out/compare-uncertainty.txt"
step calibrate "$out/calibrate.txt" $g calibrate --model "$out/run/model" --cooccur "$out/run/cooccur" --tsv "$out/calibrate.tsv" --plot "$out/calibrate.png"
cat "$out/calibrate.txt"
# The calibrate timing at D = 100 (README): a D = 100 model from the same counts, then calibrate with its defaults.
if [ "${D100:-1}" = "1" ]; then
  step train-d100 "$out/d100-train.json" $g train --cooccur "$out/run/cooccur" --vocab "$out/run/vocab.txt" --out "$out/d100" \
    --dim 100 --epochs 10 --als-sweeps 4 --ridge 0.3 --json
  step calibrate-d100 "$out/calibrate-d100.txt" $g calibrate --model "$out/d100" --cooccur "$out/run/cooccur" --tsv "$out/calibrate-d100.tsv"
  cat "$out/calibrate-d100.txt"
fi
