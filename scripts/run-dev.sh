#!/usr/bin/env bash
# The main job: builds everything, starts a devnet (scripts/devnet.sh: a dev chain, the
# orchestrator, an execution node and three attestors on loopback) and runs the demo
# (scripts/demo.sh: publish the starter pack, bond, run an embedding job and an LLM job with the
# real models, follow both to payout and print receipts, attestations, outputs and earnings).
#
# The devnet keeps running afterwards, for polkadot.js (ws://127.0.0.1:9944), the REST API
# (http://127.0.0.1:8080/v1/dashboard) and the `havn` CLI; stop it with `scripts/devnet.sh stop`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/devnet.sh
bash scripts/demo.sh
