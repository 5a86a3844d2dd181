#!/usr/bin/env bash
# GPU check of the torch training backend (issue 8): epoch time of `glovev train --backend torch --device cuda` on
# gutenberg_10M against the SIMD CPU trainer and against torch on the CPU, all on the same machine, in one run.
#
#   perf/gpu-check.sh prepare [CORPUS.gz]   # here (has dotnet): AOT builds + corpus -> perf/gpu-bundle (~40 MB, git-ignored)
#   perf/gpu-check.sh run                   # on the GPU machine (no dotnet, no network): uses only perf/gpu-bundle
#
# The NuGet mirror has only the CPU build of libtorch, and that (460 MB) does not fit the 64 MiB a device call carries,
# so the bundle carries no libtorch at all: on the GPU machine glovev-torch runs on the libtorch inside the machine's
# own PyTorch (python3 -c 'import torch'; CUDA build there), found at run time, or on GLOVEV_LIBTORCH_DIR. TorchSharp
# 0.107.0 was built against libtorch 2.10; another minor version may lack symbols it calls: the run reports that
# instead of a number. Every step has its own timeout so the whole run ends inside 8 minutes.
#
# Device call (from this repository's root, after `prepare`):  run(command="bash perf/gpu-check.sh run",
#   carry=["perf/gpu-bundle"], timeout_s=540)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; repo="$(cd "$here/.." && pwd)"
bundle="${GPU_BUNDLE:-$here/gpu-bundle}"
mode="${1:-run}"

if [ "$mode" = prepare ]; then
  set -e
  corpus="${2:-$repo/../shared/data/corpora/gutenberg_10M/gutenberg_10M.txt.gz}"
  [ -f "$corpus" ] || { echo "corpus not found: $corpus"; exit 1; }
  cmake -S "$repo" -B "$repo/build" -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$repo/build" -j2 --target glovev_native glovev_torch > /dev/null
  rm -rf "$bundle"; mkdir -p "$bundle"
  cp "$repo/build/bin/glovev" "$repo/build/bin/libSkiaSharp.so" "$repo/build/bin/libHarfBuzzSharp.so" "$bundle/"
  cp "$repo/build/torch/glovev-torch" "$repo/build/torch/libLibTorchSharp.so" "$bundle/"
  cp "$corpus" "$bundle/corpus.txt.gz"
  echo "bundle -> $bundle ($(du -sh "$bundle" | cut -f1)); carry perf/gpu-bundle and run: bash perf/gpu-check.sh run"
  exit 0
fi
[ "$mode" = run ] || { echo "usage: $0 prepare [CORPUS.gz] | run"; exit 2; }

start=$(date +%s)
out="${OUT:-/tmp/gpu-check}"; mkdir -p "$out"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
log() { echo "[$(( $(date +%s) - start ))s] $*"; }
[ -x "$bundle/glovev" ] && [ -x "$bundle/glovev-torch" ] || { echo "no bundle at $bundle: run '$0 prepare' on a build machine and carry it"; exit 1; }
threads="$(nproc)"; epochs="${GPU_CHECK_EPOCHS:-3}"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /' || log "nvidia-smi: none"

libtorch="${GLOVEV_LIBTORCH_DIR:-}"
if [ -z "$libtorch" ]; then
  for py in python3 /usr/bin/python3; do
    libtorch="$(timeout 60 "$py" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null)" && break
  done
  timeout 60 python3 -c 'import torch; print("machine pytorch:", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>/dev/null
fi
[ -n "$libtorch" ] && [ -f "$libtorch/libtorch.so" ] || { log "no libtorch found (set GLOVEV_LIBTORCH_DIR); only the CPU trainer can run"; libtorch=""; }
log "libtorch: ${libtorch:-none}; TorchSharp 0.107.0 expects 2.10"

G="$bundle/glovev"
log "vocab + cooccur on $(basename "$bundle/corpus.txt.gz") with $threads threads"
timeout 120 "$G" vocab --corpus "$bundle/corpus.txt.gz" --out "$work/vocab.txt" --lowercase --min-count 5 > /dev/null || { log "vocab failed"; exit 1; }
timeout 150 "$G" cooccur --corpus "$bundle/corpus.txt.gz" --vocab "$work/vocab.txt" --out "$work/cooc" --lowercase --threads "$threads" --json > "$out/cooccur.json" || { log "cooccur failed"; exit 1; }
log "$(tr -d '\n ' < "$out/cooccur.json" | head -c 300)"

train() { # name, timeout, program, extra args...
  local name="$1" limit="$2" prog="$3"; shift 3
  log "train: $name"
  if LD_LIBRARY_PATH="$libtorch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" timeout "$limit" "$prog" train --cooccur "$work/cooc" --vocab "$work/vocab.txt" \
      --out "$work/m-$name" --dim 100 --epochs "$epochs" --threads "$threads" --json "$@" > "$out/train-$name.json" 2> "$out/train-$name.err"; then
    echo "$name" >> "$work/done"
  else
    log "  $name failed (exit $?): $(tail -c 600 "$out/train-$name.err")"
  fi
}
train cpu-simd 150 "$G"
if [ -n "$libtorch" ]; then
  train torch-cuda 150 "$bundle/glovev-torch" --backend torch --device cuda
  GPU_CHECK_EPOCHS_SAVED="$epochs"; epochs=1   # torch on the CPU is the slow path: one epoch is enough for its time
  train torch-cpu 150 "$bundle/glovev-torch" --backend torch --device cpu
  epochs="$GPU_CHECK_EPOCHS_SAVED"
fi

python_bin="$(command -v python3 || echo /usr/bin/python3)"
"$python_bin" - "$out" <<'PY'
import json, os, statistics, sys
out = sys.argv[1]
rows = {}
for name in ("cpu-simd", "torch-cuda", "torch-cpu"):
    p = os.path.join(out, f"train-{name}.json")
    try:
        d = json.load(open(p))
    except Exception:
        continue
    ep = [e["seconds"] for e in d["epochs"]]
    # The first epoch includes CUDA context and kernel warm-up; the median of the rest is the steady state.
    steady = ep[1:] if len(ep) > 1 else ep
    rows[name] = (statistics.median(steady), d.get("final_cost"), len(ep), d["nonzeros"])
print(f"{'backend':<11} {'epoch s (median)':>17} {'non-zeros/s':>13} {'final cost':>11} epochs")
for k, (s, c, n, nnz) in rows.items():
    print(f"{k:<11} {s:>17.3f} {nnz / s:>13,.0f} {c:>11.5f} {n}")
if "torch-cuda" in rows:
    g = rows["torch-cuda"][0]
    if "cpu-simd" in rows: print(f"torch-cuda epoch vs CPU trainer: {rows['cpu-simd'][0] / g:.2f}x faster")
    if "torch-cpu" in rows: print(f"torch-cuda epoch vs torch on CPU: {rows['torch-cpu'][0] / g:.2f}x faster")
else:
    print("torch-cuda did not run: see train-torch-cuda.err")
PY
log "done"
