#!/usr/bin/env bash
# Runs Havn's main job on a running devnet (scripts/devnet.sh):
#
#   1. funds the creators and the user from the faucet;
#   2. publishes the starter pack (workflows/*.json; llm-agent depends on text-embedding, so the
#      upstream pool pays text-embedding's creator);
#   3. bonds the execution node (//Ferdie, class S), the validators (//Bob, //Charlie, //Dave)
#      and the orchestrator's relay account (//Eve);
#   4. submits an embedding job and an LLM job with real inputs (workflows/inputs/);
#   5. follows both to payout, then prints each job's receipt, attestations and outputs and every
#      party's balance change and workflow earnings, read back over RPC (HavnApi) and REST.
#
# With HAVN_DEMO_JSON=FILE it also writes a machine-readable summary (the end-to-end test reads
# it). Ports follow scripts/devnet.sh (HAVN_RPC_PORT, HAVN_API_PORT).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cargo-env.sh
havn_bin="$CARGO_TARGET_DIR/debug/havn"
export HAVN_CHAIN="ws://127.0.0.1:${HAVN_RPC_PORT:-9944}"
export HAVN_ORCHESTRATOR="http://127.0.0.1:${HAVN_API_PORT:-8080}"
summary="${HAVN_DEMO_JSON:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

havn() { "$havn_bin" "$@"; }
say() { printf '\n== %s\n' "$*"; }
json_get() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval("d"+sys.argv[2]))' "$@"; }

curl -sf "$HAVN_ORCHESTRATOR/health" >/dev/null ||
  { echo "no devnet answering on $HAVN_ORCHESTRATOR: run scripts/devnet.sh first" >&2; exit 1; }

say "1. faucet: fund the creators and the user (100 HAI each)"
for who in Creator Remixer User; do
  havn --suri "//$who" faucet
done

say "2. publish the starter pack"
publish() { # suri, file -> prints id
  havn --suri "$1" --json publish "$2" >"$work/pub.json"
  json_get "$work/pub.json" '["workflow_id"]'
}
emb=$(publish //Creator workflows/text-embedding.json)
audio=$(publish //Creator workflows/audio-synth.json)
diffusion=$(publish //Creator workflows/diffusion.json)
agent=$(publish //Remixer workflows/llm-agent.json)
echo "text-embedding #$emb, audio-synth #$audio, diffusion #$diffusion, llm-agent #$agent (depends on #$emb)"

say "3. bond the execution node, the validators and the relay"
bond() { # suri, args...
  local suri="$1"; shift
  if havn --suri "$suri" bond "$@" 2>"$work/bond.err"; then return 0; fi
  if grep -q AlreadyBonded "$work/bond.err"; then echo "$suri is already bonded"; return 0; fi
  cat "$work/bond.err" >&2; return 1
}
bond //Ferdie --role node --class S --amount 2000
for v in Bob Charlie Dave; do bond "//$v" --role validator --amount 10000; done
bond //Eve --role relay --amount 1000

parties=(//Creator //Remixer //User //Ferdie //Bob //Charlie //Dave)
balances() { # out file
  python3 - "$1" "${parties[@]}" <<'PY'
import json, subprocess, sys, os
out = {}
for who in sys.argv[2:]:
    r = subprocess.run([os.environ["HAVN_BIN"], "--suri", who, "--json", "earnings", "me"],
                       capture_output=True, text=True, check=True)
    out[who] = json.loads(r.stdout)
json.dump(out, open(sys.argv[1], "w"))
PY
}
export HAVN_BIN="$havn_bin"
balances "$work/before.json"

say "4. submit an embedding job and an LLM job (//User pays)"
havn --suri //User --json submit "$emb" --input workflows/inputs/embedding.json \
  --timeout 600 >"$work/job-emb.json"
emb_job=$(json_get "$work/job-emb.json" '["job_id"]')
havn --suri //User --json submit "$agent" --input workflows/inputs/llm-agent.json \
  --timeout 600 >"$work/job-llm.json"
llm_job=$(json_get "$work/job-llm.json" '["job_id"]')
echo "embedding job #$emb_job and LLM job #$llm_job are settled"
balances "$work/after.json"
# The orchestrator indexes finalized blocks: wait until it has caught up with the settlement.
python3 - "$HAVN_ORCHESTRATOR" <<'PY'
import json, sys, time, urllib.request
base = sys.argv[1]
health = lambda: json.load(urllib.request.urlopen(base + "/health"))
target = (health().get("finalized_block") or 0) + 2
for _ in range(240):
    h = health()
    if (h.get("indexed_block") or 0) >= target:
        break
    time.sleep(0.5)
else:
    sys.exit(f"the orchestrator did not index block {target} within 120 s: {h}")
PY

say "5. receipts, attestations and outputs"
for job in "$emb_job" "$llm_job"; do
  echo "--- job #$job"
  havn status "$job" --outputs
done

say "balance changes (HAI)"
python3 - "$work/before.json" "$work/after.json" <<'PY'
import json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:3])
print(f"{'party':<10} {'free before':>22} {'free after':>22} {'change':>20}")
for who in before:
    b = int(before[who]["free_balance"]["planck"]); a = int(after[who]["free_balance"]["planck"])
    print(f"{who:<10} {b/1e12:>22.12f} {a/1e12:>22.12f} {(a-b)/1e12:>+20.12f}")
PY

say "workflow earnings over RPC (HavnApi::workflow_earnings) and REST (/v1/workflows/{id})"
for wf in "$emb" "$agent"; do
  havn earnings "$wf"
  curl -sf "$HAVN_ORCHESTRATOR/v1/workflows/$wf" | python3 -c \
    'import json,sys; d=json.load(sys.stdin); print("REST:", json.dumps(d.get("earnings"), sort_keys=True))'
done

if [[ -n "$summary" ]]; then
  python3 - "$summary" "$work" "$emb" "$agent" "$emb_job" "$llm_job" <<'PY'
import json, sys
out, work, emb, agent, emb_job, llm_job = sys.argv[1:7]
json.dump({
    "workflows": {"text_embedding": int(emb), "llm_agent": int(agent)},
    "jobs": {"embedding": int(emb_job), "llm": int(llm_job)},
    "before": json.load(open(f"{work}/before.json")),
    "after": json.load(open(f"{work}/after.json")),
}, open(out, "w"), indent=1)
PY
fi
say "done: explore with 'havn status <job>', $HAVN_ORCHESTRATOR/v1/dashboard, or polkadot.js on $HAVN_CHAIN"
