#!/usr/bin/env bash
# The weight report: how many full job lifecycles (submit, assign, receipt, quorum of
# attestations, payout) fit in one block against how many transfer_keep_alive calls, computed
# from the generated weights.rs files (runtime/tests/weight_report.rs). Regenerate the weights
# first with scripts/benchmark.sh for figures of this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/havn/target}"
echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
cargo test --locked -p havn-runtime --test weight_report -- --nocapture 2>/dev/null |
  sed -n '/^Weight report/,/^binding/p'
