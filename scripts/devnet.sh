#!/usr/bin/env bash
# Starts a local Havn devnet on loopback and returns once every service answers:
#
#   havn-node --dev          RPC ws://127.0.0.1:9944, Prometheus :9615 (Alice authors, sudo)
#   havn-orchestrator        REST + artifacts http://127.0.0.1:8080, relay account //Eve
#   havn-exec (execute)      execution node //Ferdie, compute class S, CPU, real models
#   havn-exec (attest) x3    validators //Bob, //Charlie, //Dave
#
# The devnet lowers the quorum to 3 (three attestors) and samples every job for re-execution
# (`havn dev set-params`), so every receipt is checked by re-running the models.
# Logs, the orchestrator's SQLite DB and artifacts go to $HAVN_DEVNET_DIR (default .devnet/).
#
#   scripts/devnet.sh          build, start, wait until ready
#   scripts/devnet.sh stop     stop every process started here
#
# Bonding is left to scripts/demo.sh (or `havn bond`): the daemons wait for their bond.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
dir="${HAVN_DEVNET_DIR:-$root/.devnet}"
source scripts/cargo-env.sh
bin="$CARGO_TARGET_DIR/debug"
rpc_port="${HAVN_RPC_PORT:-9944}"
api_port="${HAVN_API_PORT:-8080}"
prom_port="${HAVN_PROMETHEUS_PORT:-9615}"
p2p_port="${HAVN_P2P_PORT:-30333}"

stop() {
  if [[ -d "$dir/pids" ]]; then
    for f in "$dir"/pids/*.pid; do
      [[ -e "$f" ]] || continue
      kill "$(cat "$f")" 2>/dev/null || true
      rm -f "$f"
    done
  fi
}

if [[ "${1:-}" == "stop" ]]; then
  stop
  echo "devnet stopped"
  exit 0
fi

stop
rm -rf "$dir"
mkdir -p "$dir/logs" "$dir/pids" "$dir/orchestrator"

if [[ "${HAVN_SKIP_BUILD:-0}" != 1 ]]; then
  bash scripts/setup.sh
  bash scripts/build.sh
fi
bash scripts/fetch-models.sh

start() { # name, command...
  local name="$1"; shift
  "$@" >"$dir/logs/$name.log" 2>&1 &
  echo $! >"$dir/pids/$name.pid"
}

wait_for() { # what, seconds, command...
  local what="$1" secs="$2"; shift 2
  for _ in $(seq 1 $((secs * 2))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "devnet: $what did not come up within ${secs}s; see $dir/logs/" >&2
  exit 1
}

rpc_ready() {
  curl -sf -H 'Content-Type: application/json' \
    -d '{"id":1,"jsonrpc":"2.0","method":"chain_getFinalizedHead","params":[]}' \
    "http://127.0.0.1:$rpc_port" | grep -q result
}

# The RPC listens on loopback only (no --rpc-external) and serves the safe methods only: a web
# page the operator opens can reach loopback over a WebSocket whatever CORS says, so the unsafe
# ones (author_insertKey among them) are not served at all; nothing in the devnet calls them.
# Browsers accept its answers for polkadot.js apps and the orchestrator's own origin (`--dev`
# alone would allow every origin).
# The node keeps all history (archive state and blocks): the orchestrator indexes from block 1
# and reads each block's state, polkadot.js reads old events, and an orchestrator back from an
# outage picks up where it stopped (a pruning node keeps 256 blocks' state, 13 minutes).
rpc_cors="https://polkadot.js.org,http://127.0.0.1:$api_port,http://localhost:$api_port"
start node "$bin/havn-node" --dev --base-path "$dir/node" --rpc-port "$rpc_port" \
  --prometheus-port "$prom_port" --port "$p2p_port" --rpc-cors "$rpc_cors" --rpc-methods safe \
  --state-pruning archive --blocks-pruning archive \
  --no-telemetry
wait_for "havn-node" 120 rpc_ready
echo "havn-node: ws://127.0.0.1:$rpc_port"

chain="ws://127.0.0.1:$rpc_port"
api="http://127.0.0.1:$api_port"
if ! "$bin/havn" --chain "$chain" --orchestrator "$api" --suri //Alice dev set-params \
  --quorum-size 3 --committee-size 3 --reexecution-percent 100 >"$dir/logs/set-params.log" 2>&1; then
  echo "devnet: havn dev set-params failed:" >&2
  cat "$dir/logs/set-params.log" >&2
  exit 1
fi

start orchestrator "$bin/havn-orchestrator" --chain "$chain" --listen "127.0.0.1:$api_port" \
  --data-dir "$dir/orchestrator" --relay-suri //Eve --poll-ms 1000
wait_for "havn-orchestrator" 120 curl -sf "$api/health"
echo "havn-orchestrator: $api"

exec_common=(--chain "$chain" --orchestrator "$api" --models-dir "$root/models")
start exec-ferdie "$bin/havn-exec" "${exec_common[@]}" --role execute --suri //Ferdie \
  --compute-class S
for v in Bob Charlie Dave; do
  start "attest-${v,,}" "$bin/havn-exec" "${exec_common[@]}" --role attest --suri "//$v"
done
# The daemons load models lazily; give them a moment to connect and check their keys.
sleep 5
for f in "$dir"/pids/*.pid; do
  if ! kill -0 "$(cat "$f")" 2>/dev/null; then
    name="$(basename "$f" .pid)"
    echo "devnet: $name exited; its log:" >&2
    tail -20 "$dir/logs/$name.log" >&2
    exit 1
  fi
done
echo "havn-exec: execute //Ferdie; attest //Bob //Charlie //Dave (logs in $dir/logs)"
echo "devnet is up; stop it with: scripts/devnet.sh stop"
