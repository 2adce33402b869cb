#!/usr/bin/env bash
# Refreshes artifacts/havn.scale, the runtime metadata the subxt codegen of `client/` reads, from
# a locally built havn-node: starts `havn-node --dev --tmp` on a spare port, asks it for metadata
# V16 (`Metadata_metadata_at_version`, falling back to V15) and writes the SCALE bytes.
#
# Run it after any runtime change that touches calls, events, storage, constants or runtime APIs;
# `cargo test -p havn-client --test metadata` fails until the committed file matches the runtime.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/cargo-env.sh
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  bash scripts/build.sh
fi
node="$CARGO_TARGET_DIR/debug/havn-node"
port="${METADATA_RPC_PORT:-19944}"
log="$(mktemp)"
"$node" --dev --tmp --rpc-port "$port" --no-prometheus --no-telemetry >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT

rpc() {
  curl -sf -H 'Content-Type: application/json' \
    -d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":$2}" "http://127.0.0.1:$port"
}
for _ in $(seq 1 120); do
  if rpc system_health '[]' >/dev/null 2>&1; then break; fi
  sleep 0.5
done

mkdir -p artifacts
for version in 16 15; do
  arg="0x$(printf '%02x000000' "$version")"
  if rpc state_call "[\"Metadata_metadata_at_version\", \"$arg\"]" >"$log.json" 2>/dev/null &&
    python3 - "$log.json" artifacts/havn.scale <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["result"]
raw = bytes.fromhex(res[2:])
# Option<OpaqueMetadata>: 0x01, then a compact length, then the metadata bytes.
if not raw or raw[0] != 1:
    sys.exit(1)
b = raw[1]
mode = b & 3
if mode == 0:
    n, off = b >> 2, 2
elif mode == 1:
    n, off = int.from_bytes(raw[1:3], "little") >> 2, 3
elif mode == 2:
    n, off = int.from_bytes(raw[1:5], "little") >> 2, 5
else:
    k = (b >> 2) + 4
    n, off = int.from_bytes(raw[2:2 + k], "little"), 2 + k
data = raw[off:off + n]
assert len(data) == n, "truncated metadata"
open(sys.argv[2], "wb").write(data)
PY
  then
    echo "artifacts/havn.scale: metadata V$version, $(wc -c <artifacts/havn.scale) bytes"
    rm -f "$log.json"
    exit 0
  fi
done
rm -f "$log.json"
echo "havn-node returned no metadata; its log:" >&2
cat "$log" >&2
exit 1
