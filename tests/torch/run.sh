#!/usr/bin/env bash
# The optional TorchSharp backend: its xunit suite (KJV acceptance against the CPU trainer, resume, errors), then the
# shipped binaries: lean glovev hands `--backend torch` to build/torch/glovev-torch, says clearly when it cannot, and
# neither libglovev.so nor the lean glovev links libtorch.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; repo="$(cd "$here/../.." && pwd)"
cli="${GLOVEV_CLI:?GLOVEV_CLI must point at build/bin/glovev}"
lib="${GLOVEV_LIB:?GLOVEV_LIB must point at libglovev.so}"
torch_cli="$(dirname "$cli")/../torch/glovev-torch"
[ -x "$torch_cli" ] || { echo "missing $torch_cli (scripts/build-torch.sh)"; exit 1; }

dotnet test "$repo/tests/GloVeV.Torch.Tests/GloVeV.Torch.Tests.csproj" -c Release --nologo --logger "console;verbosity=normal"

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$cli" vocab --corpus "$repo/tests/data/sotu_small.txt" --out "$work/vocab.txt" --min-count 3 > /dev/null
"$cli" cooccur --corpus "$repo/tests/data/sotu_small.txt" --vocab "$work/vocab.txt" --out "$work/cooc" > /dev/null

# 1. The lean CLI hands the command line to glovev-torch and the model records the torch backend.
"$cli" train --cooccur "$work/cooc" --vocab "$work/vocab.txt" --out "$work/m" --dim 10 --epochs 3 --threads 2 \
  --backend torch --device cpu --batch-size 4096 --json > "$work/train.json"
grep -q '"backend": "torch-cpu"' "$work/train.json" || fail "lean glovev did not run the torch backend: $(cat "$work/train.json")"
[ -f "$work/m/params.safetensors" ] && [ -f "$work/m/vectors.safetensors" ] || fail "torch run wrote no model"
"$cli" show --model "$work/m" --word "$(head -1 "$work/vocab.txt" | cut -d" " -f1)" > /dev/null || fail "the torch-trained model does not load"

# 2. No glovev-torch to hand over to: a clear error, exit code 2, no model folder left looking complete.
set +e
GLOVEV_TORCH="$work/nowhere" "$cli" train --cooccur "$work/cooc" --vocab "$work/vocab.txt" --out "$work/m2" --backend torch 2> "$work/err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "expected exit 2 without glovev-torch, got $rc"
grep -q "GLOVEV_TORCH" "$work/err" || fail "unclear error: $(cat "$work/err")"
[ ! -f "$work/m2/params.safetensors" ] || fail "a model was written without a backend"

# 3. CUDA asked for on a CPU-only libtorch: clear error.
set +e
"$torch_cli" train --cooccur "$work/cooc" --vocab "$work/vocab.txt" --out "$work/m3" --backend torch --device cuda 2> "$work/err"
rc=$?
set -e
if [ "$rc" = 0 ]; then echo "note: this machine has CUDA"; else grep -q "CUDA" "$work/err" || fail "unclear CUDA error: $(cat "$work/err")"; fi

# 4. The core stays free of libtorch.
for f in "$lib" "$cli"; do
  if objdump -p "$f" | grep -i -E "NEEDED.*(torch|c10)" > /dev/null; then fail "$f links libtorch"; fi
done
if ls "$(dirname "$cli")" | grep -i -E "torch|c10" > /dev/null; then fail "libtorch files next to the lean glovev"; fi
echo "torch backend: ok"
