#!/usr/bin/env bash
# The weight report: how many full job lifecycles (submit, assign, receipt, quorum of
# attestations, payout) fit in one block against how many transfer_keep_alive calls, computed
# from the generated weights.rs files (runtime/tests/weight_report.rs). Regenerate the weights
# first with `PROFILE=release scripts/benchmark.sh` for figures of this machine.
#
#   scripts/bench-weights.sh [--quick]    (the same either way: it only reads the weights)
#
# With HAVN_BENCH_OUT=FILE the table is appended to FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cargo-env.sh
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# The report test of the workspace build (scripts/build.sh), run as it is.
report="$(bash scripts/target-path.sh test weight_report)"
"$report" --nocapture >"$out" 2>&1 || {
  echo "bench-weights: the weight report test failed" >&2
  cat "$out" >&2
  exit 1
}
{
  echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
  sed -n '/^Weight report/,/^binding/p' "$out"
} | tee -a "${HAVN_BENCH_OUT:-/dev/null}"
