#!/usr/bin/env bash
# Builds havn-node and runs a development chain: one authority (Alice), pre-funded dev
# accounts, 3 s blocks, GRANDPA finality, ParityDB in a temporary directory.
#
# RPC (HTTP and WebSocket): ws://127.0.0.1:9944  (polkadot.js apps: "Development" endpoint)
# Prometheus:               http://127.0.0.1:9615/metrics
#
# Extra arguments go to havn-node, e.g. `scripts/run-dev.sh --rpc-port 9955`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/havn/target}"
cargo build --locked -p havn-node
exec "$CARGO_TARGET_DIR/debug/havn-node" --dev --tmp --rpc-cors all --prometheus-external "$@"
