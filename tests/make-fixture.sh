#!/usr/bin/env bash
# Builds the small deterministic fixture model the C, Python and R tests share: glovev CLI, corpus, output folder.
set -euo pipefail
cli=$1; corpus=$2; out=$3
rm -rf "$out"; mkdir -p "$out"
"$cli" vocab --corpus "$corpus" --out "$out/vocab.txt" --min-count 5 --lowercase --split-punctuation --threads 1 --json > /dev/null
"$cli" cooccur --corpus "$corpus" --vocab "$out/vocab.txt" --out "$out/cooccur" --window 5 --lowercase --split-punctuation --threads 1 --json > /dev/null
"$cli" train --cooccur "$out/cooccur" --vocab "$out/vocab.txt" --out "$out/model" --dim 10 --epochs 40 --threads 1 --seed 7 --json > /dev/null
"$cli" variance --model "$out/model" --cooccur "$out/cooccur" --threads 2 --chunk-words 500 --json > /dev/null
echo "fixture model in $out/model"
