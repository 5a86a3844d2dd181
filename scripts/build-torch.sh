#!/usr/bin/env bash
# Builds the optional TorchSharp training backend: glovev-torch (NativeAOT; the glovev CLI plus `train --backend torch`)
# with the native libraries it loads, into OUT_DIR (default build/torch). `glovev train --backend torch` finds it
# there (../torch beside build/bin/glovev) or through GLOVEV_TORCH. Nothing else in the project needs it.
#
# libtorch here is the CPU build from NuGet (libtorch-cpu-linux-x64 2.10.0). TorchSharp's libLibTorchSharp.so asks for
# GLIBCXX_3.4.32 which Debian 12 lacks; the publish step marks that need weak in the shipped copy
# (scripts/torch/weaken_glibcxx.py, wired in by src/Managed/GloVeV.Torch/TorchNative.targets).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-build/torch}")"
stage="$out.staging"
rm -rf "$stage"
dotnet publish src/Managed/TorchCli/TorchCli.csproj -c Release -r linux-x64 --nologo -v quiet -o "$stage"
# Only what glovev-torch loads: libLibTorchSharp -> libtorch, libtorch_cpu, libc10 -> libgomp; plus SkiaSharp for plots.
keep='^(glovev-torch|libLibTorchSharp\.so|libtorch\.so|libtorch_cpu\.so|libc10\.so|libgomp-[0-9a-f]+\.so\.1|libtorch_global_deps\.so|libSkiaSharp\.so|libHarfBuzzSharp\.so)$'
for f in "$stage"/*; do
  [[ "$(basename "$f")" =~ $keep ]] || rm -rf "$f"
done
rm -rf "$out"
mv "$stage" "$out"
echo "glovev-torch -> $out ($(du -sh "$out" | cut -f1))"
