#!/usr/bin/env bash
# Installs the package into a fresh temporary target (as a user would, from this folder) and runs pytest on it.
set -euo pipefail
py=${1:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
target=$(mktemp -d)
# pytest 7.2 keeps its last three temporary trees (about 1 GB each here); this run's goes with it.
basetemp=$(mktemp -d)
trap 'rm -rf "$target" "$basetemp" "$here/build" "$here"/*.egg-info' EXIT
"$py" -m pip install --quiet --no-deps --no-build-isolation --no-index --target "$target" "$here" 2>&1 | grep -v "WARNING: Running pip as the 'root' user" || true
test -f "$target/glovev/libglovev.so" || { echo "install did not place libglovev.so in the package"; exit 1; }
cd "$here/tests"
# The installed copy is tested, not the source tree: GLOVEV_LIB is unset so the packaged library is found.
env -u GLOVEV_LIB PYTHONPATH="$target" GLOVEV_EXPECT_PACKAGE_LIB=1 "$py" -m pytest -q -p no:cacheprovider --basetemp "$basetemp/t" "$here/tests"
