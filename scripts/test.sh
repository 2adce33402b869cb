#!/usr/bin/env bash
# The test command: installs what the build needs, then builds and checks everything Havn ships.
#
#   1. scripts/setup.sh (apt packages, wasm targets, rust-src)
#   2. cargo fmt --check
#   3. the workspace build, with the real runtime wasm, linted by clippy as it compiles, warnings
#      denied (scripts/build.sh: the one build every script shares, so each crate is compiled
#      under one feature set; scripts/cargo-env.sh)
#   4. every test: pallet unit and property tests, the runtime's weight report, the node smoke
#      test (a real `havn-node --dev`), chain-spec tests, the metadata check, the executors on the
#      real models, the orchestrator, the CLI, and the end-to-end tests (e2e/: the devnet and the
#      demo with real models, an attestor back late through the lead's pool sweep, an orchestrator
#      killed and restarted mid-indexing, bad input)
#   5. the runtime and the pallets with runtime-benchmarks and try-runtime (their feature-gated
#      code, linted as it compiles; run beside step 4 at the lowest CPU priority, output after
#      it): the pallets' benchmark tests, and the runtime tests that check every pallet's
#      try_state after each step (runtime/tests/lifecycle.rs, the attacks of
#      runtime/tests/hardening.rs and runtime/tests/griefing.rs, and the money-path property
#      test, which need try-runtime).
#      The node, whose tests need neither, is left out of that pass, and the runtime is compiled
#      natively there (SKIP_WASM_BUILD=1):
#      the wasm with runtime-benchmarks is built only by scripts/benchmark.sh.
#
# CARGO_TARGET_DIR defaults to ~/.cache/havn/target so later runs and CI reuse the build.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
source scripts/cargo-env.sh
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
pallets=(-p pallet-workflow-registry -p pallet-stake-guard -p pallet-execution-log
         -p pallet-payout-router -p pallet-reputation -p pallet-faucet)

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "build (runtime wasm included)"
bash scripts/build.sh

step "models (PyPI wheels, hash-checked) for the executor and end-to-end tests"
bash scripts/fetch-models.sh

# The runtime and the pallets under runtime-benchmarks + try-runtime: built first (cargo builds one
# thing at a time in a target directory), then run beside the workspace's tests at the lowest CPU
# priority: the money-path property test is CPU-bound, the end-to-end tests mostly wait for
# blocks, and `nice` keeps the devnets' processes first in line for the CPU.
feature_test=(cargo test --locked -p havn-runtime "${pallets[@]}" --features runtime-benchmarks,try-runtime)
step "build: runtime and pallets with runtime-benchmarks and try-runtime"
SKIP_WASM_BUILD=1 "${feature_test[@]}" --no-run

step "tests (the runtime-benchmarks + try-runtime tests run beside them, niced; their output follows)"
feature_log="$(mktemp)"
SKIP_WASM_BUILD=1 nice -n 19 "${feature_test[@]}" >"$feature_log" 2>&1 &
feature_pid=$!
trap 'kill "$feature_pid" 2>/dev/null || true; rm -f "$feature_log"' EXIT
status=0
cargo test --locked --workspace || status=$?
feature_status=0
wait "$feature_pid" || feature_status=$?

step "runtime and pallets: runtime-benchmarks and try-runtime (benchmark tests, try_state after every step)"
cat "$feature_log"
if ((status != 0 || feature_status != 0)); then
  echo "test.sh: tests failed (workspace: exit $status; runtime-benchmarks + try-runtime: exit $feature_status)" >&2
  exit 1
fi

step "all checks passed"
