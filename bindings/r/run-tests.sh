#!/usr/bin/env bash
# Installs the R package into a fresh temporary library (R CMD INSTALL, as a user would) and runs its testthat tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lib=$(mktemp -d)
trap 'rm -rf "$lib"' EXIT
R CMD INSTALL --no-test-load --library="$lib" "$here" > "$lib/install.log" 2>&1 || { cat "$lib/install.log"; exit 1; }
cd "$here/tests"
# The installed copy must find its own libglovev.so: GLOVEV_LIB is unset for the run.
env -u GLOVEV_LIB R_LIBS="$lib" Rscript -e '
  library(testthat); library(glovev)
  r <- as.data.frame(test_dir("testthat", reporter = "summary", stop_on_failure = FALSE))
  cat(sprintf("%d passed, %d failed, %d skipped\n", sum(r$passed), sum(r$failed) + sum(r$error), sum(r$skipped)))
  if (sum(r$failed) + sum(r$error) > 0 || sum(r$skipped) > 0) quit(status = 1)'
