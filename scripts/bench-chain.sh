#!/usr/bin/env bash
# Chain benchmark: N full job lifecycles against N transfer_keep_alive calls on one node, in one
# run, with the orchestrator indexing alongside (its lag behind finality is sampled).
#
#   scripts/bench-chain.sh            release havn-node (dev chain spec, production block
#                                     weights), N = 3000 jobs and 3000 transfers
#   scripts/bench-chain.sh --quick    the debug node CI already built, N = 30 jobs, 300 transfers:
#                                     checks the harness runs end to end, not how fast
#   N=10000 IN_FLIGHT=3000 scripts/bench-chain.sh
#
# The load generator (bench/, `havn-bench-chain`) plays the relay, four execution nodes and nine
# validators with dev keys, batches every step the protocol allows (force_batch of submit_job,
# assign and submit_receipt; the lead aggregator's submit_attestations) and reads every figure
# from the chain: block timestamps, events and System::BlockWeight. See bench/src/main.rs.
#
# Env: HAVN_BENCH_DIR (default .bench/chain), HAVN_BENCH_OUT (append the table to this file),
# HAVN_RELEASE_TARGET_DIR (where the release node is built; default $CARGO_TARGET_DIR),
# HAVN_SKIP_BUILD=1, HAVN_BENCH_NODE=debug (the full run on the debug node: for before/after
# comparisons of runtime changes, whose job throughput is bound by weight, not by native speed),
# HAVN_BENCH_RPC_PORT (9966), HAVN_BENCH_API_PORT (8096).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
source scripts/cargo-env.sh
release_dir="${HAVN_RELEASE_TARGET_DIR:-$CARGO_TARGET_DIR}"
dir="${HAVN_BENCH_DIR:-$root/.bench/chain}"
rpc_port="${HAVN_BENCH_RPC_PORT:-9966}"
api_port="${HAVN_BENCH_API_PORT:-8096}"
p2p_port="${HAVN_BENCH_P2P_PORT:-30366}"

quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
if [[ $quick == 1 ]]; then
  n="${N:-30}"; transfers="${TRANSFERS:-300}"; in_flight="${IN_FLIGHT:-30}"; light="${LATENCY_JOBS:-10}"
  node="$CARGO_TARGET_DIR/debug/havn-node"; build="debug"
else
  n="${N:-3000}"; transfers="${TRANSFERS:-$n}"; in_flight="${IN_FLIGHT:-1500}"; light="${LATENCY_JOBS:-200}"
  node="$release_dir/release/havn-node"; build="release"
fi
if [[ "${HAVN_BENCH_NODE:-}" == debug ]]; then
  node="$CARGO_TARGET_DIR/debug/havn-node"; build="debug"
fi

if [[ "${HAVN_SKIP_BUILD:-0}" != 1 ]]; then
  # The debug binaries are the workspace build's (scripts/build.sh): no build of its own.
  bash scripts/build.sh
  if [[ $build == release ]]; then
    CARGO_TARGET_DIR="$release_dir" cargo build --locked --release -p havn-node
  fi
fi

rm -rf "$dir"
mkdir -p "$dir"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

"$node" --dev --base-path "$dir/node" --rpc-port "$rpc_port" --port "$p2p_port" \
  --no-prometheus --no-telemetry --pool-limit 200000 --pool-kbytes 2000000 \
  --rpc-max-connections 1000 >"$dir/node.log" 2>&1 &
pids+=($!)
"$CARGO_TARGET_DIR/debug/havn-orchestrator" --chain "ws://127.0.0.1:$rpc_port" \
  --listen "127.0.0.1:$api_port" --data-dir "$dir/orchestrator" >"$dir/orchestrator.log" 2>&1 &
pids+=($!)

machine="$(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -m)"
label="($build havn-node, N=$n jobs / $transfers transfers, $machine, $(date -u +%Y-%m-%dT%H:%MZ))"
"$CARGO_TARGET_DIR/debug/havn-bench-chain" --chain "ws://127.0.0.1:$rpc_port" \
  --jobs "$n" --transfers "$transfers" --in-flight "$in_flight" --latency-jobs "$light" \
  --indexer-metrics "http://127.0.0.1:$api_port/metrics" \
  --json-out "$dir/figures.json" --label "$label" 2>"$dir/bench.log" | tee "$dir/table.md"
if [[ -n "${HAVN_BENCH_OUT:-}" ]]; then
  { echo; cat "$dir/table.md"; } >>"$HAVN_BENCH_OUT"
fi
