#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian 12 (bookworm) machine, as root. Idempotent.
set -euo pipefail

if [ "$(id -u)" != "0" ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive

# MKL lives in Debian's non-free component; add it in a file of our own so the system list stays untouched.
SRC=/etc/apt/sources.list.d/glovev-nonfree.sources
if [ ! -f "$SRC" ]; then
  $SUDO tee "$SRC" >/dev/null <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
fi

PKGS=(
  cmake g++ make pkg-config valgrind time binutils   # binutils: objdump in the torch checks
  libmkl-rt                        # Intel MKL 2020.4 (non-free): the preferred BLAS/LAPACK
  libopenblas0-pthread liblapacke   # fallback backend (main)
  python3 python3-numpy python3-pandas python3-pytest python3-scipy python3-distributed python3-pip python3-setuptools python3-wheel python3-venv python3-gensim
  r-base-core r-base-dev r-cran-testthat r-cran-roxygen2 r-cran-matrix
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  # MKL's debconf asks whether to make it the system BLAS; answer no so numpy keeps OpenBLAS.
  echo "libmkl-rt libmkl-rt/use-as-default-blas-lapack boolean false" | $SUDO debconf-set-selections
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "bootstrap: the .NET 10 SDK (dotnet) is required and was not found on PATH" >&2
  exit 1
fi
echo "bootstrap: all dependencies present"
