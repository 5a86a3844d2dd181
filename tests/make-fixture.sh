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

# Parity reference: the same five queries through the CLI, flattened to a plain text file that the C, C#, Python and
# R tests read back and compare with their own calls (to 1e-12).
m="$out/model"; w="$(dirname "$0")/data/weat"
{
  "$cli" show --model "$m" --word war --covariance --json
  echo "@@"
  "$cli" compare --model "$m" --pair war,peace --json
  echo "@@"
  "$cli" similar --model "$m" --word war --top 5 --samples 300 --seed 2 --json
  echo "@@"
  "$cli" bias --model "$m" --weat "$w/x.txt" "$w/y.txt" "$w/a.txt" "$w/b.txt" --method sample --permutations 1000 --samples 50 --seed 1 --json
} > "$out/parity.json.txt"
/usr/bin/python3 - "$out/parity.json.txt" "$out/parity.txt" <<'PY'
import json, sys
show, comp, sim, weat = [json.loads(p) for p in open(sys.argv[1]).read().split("@@")]
r = repr
lines = ["vector war " + " ".join(r(x) for x in show["vector"]),
         "covariance war " + " ".join(r(x) for x in show["covariance"])]
p = comp["pairs"][0]
assert p["status"] == "ok", p
lines.append("similarity war peace %s %s %s %s %s" % (r(p["estimate"]), r(p["plugin"]), r(p["sd"]), r(p["lower"]), r(p["upper"])))
for n in sim["neighbours"]:
    lines.append("neighbour war %d %s %s %s %s %s %s" % (n["rank"], n["word"], r(n["cosine"]), r(n["sd"]), r(n["ci"][0]), r(n["ci"][1]), r(n["p_top_k"])))
e = weat["effect_size_interval"]
lines.append("weat %s %s %s %s %s" % (r(weat["statistic"]), r(weat["effect_size"]), r(weat["p_value"]), r(e["ci"][0]), r(e["ci"][1])))
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
echo "parity reference in $out/parity.txt"
