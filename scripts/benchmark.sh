#!/usr/bin/env bash
# Regenerates every Havn pallet's weights.rs from its frame-benchmarking v2 benchmarks.
#
#   scripts/benchmark.sh            # all Havn pallets, 50 steps x 20 repeats
#   scripts/benchmark.sh --quick    # 2 steps x 1 repeat: checks the pipeline, not for commits
#   PALLETS="pallet_faucet" STEPS=20 REPEAT=5 scripts/benchmark.sh
#   PROFILE=release scripts/benchmark.sh   # how the committed weights are made
#
# It builds havn-node with `--features runtime-benchmarks` (the `benchmark` subcommands and a
# runtime wasm that carries the benchmarks; the default node has neither) and runs
# `havn-node benchmark pallet --runtime <that wasm>`. The runtime runs as wasm either way, but the
# host functions it calls (storage, hashing, signatures) are the node's native code: with
# PROFILE=release they run as a production node runs them. A debug node measures its own
# unoptimised storage layer and inflates every weight.
#
# That node is built in a target directory of its own ($HAVN_BENCH_TARGET_DIR, default
# $CARGO_TARGET_DIR-bench): its features differ from the workspace build's, and its runtime
# (which carries the benchmarks) must never replace the one the devnet's node embeds.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/cargo-env.sh
steps=${STEPS:-50}
repeat=${REPEAT:-20}
if [ "${1:-}" = "--quick" ]; then steps=2; repeat=1; fi
pallets=${PALLETS:-"pallet_workflow_registry pallet_stake_guard pallet_execution_log pallet_payout_router pallet_reputation pallet_faucet"}

bench_target="${HAVN_BENCH_TARGET_DIR:-$CARGO_TARGET_DIR-bench}"
profile="${PROFILE:-debug}"
# frame-benchmarking-cli's storage-access test runtime serves only `benchmark storage`, which
# Havn does not run; its wasm build cannot find the crate in this workspace's metadata (it is
# an optional dependency), so it is built as a stub.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
if [ "$profile" = release ]; then
  CARGO_TARGET_DIR="$bench_target" cargo build --locked --release -p havn-node --features runtime-benchmarks
else
  CARGO_TARGET_DIR="$bench_target" cargo build --locked -p havn-node --features runtime-benchmarks
fi
node="$bench_target/$profile/havn-node"
wasm="$bench_target/$profile/wbuild/havn-runtime/havn_runtime.compact.compressed.wasm"
[ -f "$wasm" ] || wasm="$bench_target/$profile/wbuild/havn-runtime/havn_runtime.wasm"
[ -f "$wasm" ] || { echo "benchmark: the benchmark runtime was not built" >&2; exit 1; }

for pallet in $pallets; do
  dir="pallets/$(echo "${pallet#pallet_}" | tr _ -)"
  echo "==> $pallet -> $dir/src/weights.rs"
  "$node" benchmark pallet \
    --runtime "$wasm" --genesis-builder=runtime --genesis-builder-preset=development \
    --pallet "$pallet" --extrinsic '*' --steps "$steps" --repeat "$repeat" \
    --wasm-execution=compiled --heap-pages=4096 \
    --template scripts/weight-template.hbs --header scripts/license-header.txt \
    --output "$dir/src/weights.rs"
done
