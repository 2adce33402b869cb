#!/usr/bin/env bash
# The test command: installs what the build needs, then builds and checks everything Havn ships.
#
#   1. scripts/setup.sh (apt packages, wasm targets, rust-src)
#   2. cargo fmt --check
#   3. the workspace build, with the real runtime wasm (scripts/build.sh: the one build every
#      script shares, so each crate is compiled under one feature set)
#   4. every test: pallet unit and property tests, the runtime integration test, the node smoke
#      test (a real `havn-node --dev`), chain-spec tests, the metadata check, the executors on the
#      real models, the orchestrator, the CLI, and the end-to-end tests (e2e/: the devnet and the
#      demo with real models, an attestor back late through the lead's pool sweep, an orchestrator
#      killed and restarted mid-indexing, bad input)
#   5. the benchmark tests of every Havn pallet (--features runtime-benchmarks)
#   6. clippy -D warnings over every target with the build's features, then over the runtime and
#      the pallets with runtime-benchmarks and try-runtime together (their feature-gated code:
#      benchmarks, try_state; the node is left out of that pass: frame-benchmarking-cli pulls
#      pallet-staking, which does not build with try-runtime in stable2609)
#
# CARGO_TARGET_DIR defaults to ~/.cache/havn/target so later runs and CI reuse the build.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/havn/target}"
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

step "tests"
cargo test --locked --workspace

step "benchmark tests"
cargo test --locked "${pallets[@]}" --features runtime-benchmarks

step "clippy (every target, the build's features)"
SKIP_WASM_BUILD=1 cargo clippy --locked --workspace --all-targets -- -D warnings

step "clippy (runtime and pallets, runtime-benchmarks and try-runtime)"
SKIP_WASM_BUILD=1 cargo clippy --locked -p havn-runtime "${pallets[@]}" --all-targets \
  --features runtime-benchmarks,try-runtime -- -D warnings

step "all checks passed"
