#!/usr/bin/env bash
# Executor benchmark, in one run, side by side on this machine:
#
#   1. MiniLM embeddings/s through havn-exec's `embed` executor (Engine::run, the call the
#      execute role makes; node-runtime/executors/examples/bench_executors.rs) against
#      sentence-transformers (PyTorch, CPU) on the same texts (scripts/bench_texts.py, seeded),
#      the same weights (models/all-MiniLM-L6-v2 from scripts/fetch-models.sh, loaded offline)
#      and the same thread count (all cores), runs alternating; plus the cosine between the two
#      implementations' embeddings of each text.
#   2. SmolLM2-135M-Instruct Q4_1 prefill and decode tokens/s (the `llm` executor, greedy).
#   3. havn-exec's overhead per job: a devnet (scripts/devnet.sh, on its own ports) runs real
#      embedding and LLM jobs submitted with the `havn` CLI, one at a time, each followed to
#      payout; the execute daemon logs each phase (node-runtime/src/execute.rs) and
#      scripts/bench_executors.py reports the p50s and overhead / compute.
#
#   scripts/bench-executors.sh           full: 1,000 texts (calls of 32 and of 250 texts, best
#                                        of 2), 128 new tokens (median of 3), 20 jobs
#   scripts/bench-executors.sh --quick   CI: 64 texts, 16 tokens, 2 jobs (each up to its
#                                        receipt, not followed to payout): same paths, end to end
#
# Builds in the dev profile the daemon ships in (candle and gemm at opt-level 3; root
# Cargo.toml). HAVN_BENCH_RELEASE=1 adds a `--release` row for the embedding benchmark.
# Python: a venv at $HOME/.cache/havn/bench-venv (HAVN_BENCH_VENV) with sentence-transformers
# and torch from PyPI, made once. PyPI's x86_64 torch wheel is CUDA-linked: `import torch`
# needs its nvidia-* libraries even on CPU (`pip install torch --no-deps` fails to import:
# libcublasLt, libcudnn, ... are NEEDED by libtorch_cuda.so), and the CPU-only index
# (download.pytorch.org) is not reachable here; the benchmark itself runs on the CPU.
# Env: HAVN_BENCH_OUT (append the tables to this file), HAVN_SKIP_BUILD=1,
# HAVN_BENCH_DIR (default .bench/executors), HAVN_BENCH_EXEC_RPC_PORT (9977),
# HAVN_BENCH_EXEC_API_PORT (8097), HAVN_BENCH_EXEC_P2P_PORT (30377).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
source scripts/cargo-env.sh
bin="$CARGO_TARGET_DIR/debug"
dir="${HAVN_BENCH_DIR:-$root/.bench/executors}"
venv="${HAVN_BENCH_VENV:-$HOME/.cache/havn/bench-venv}"
rpc_port="${HAVN_BENCH_EXEC_RPC_PORT:-9977}"
api_port="${HAVN_BENCH_EXEC_API_PORT:-8097}"
p2p_port="${HAVN_BENCH_EXEC_P2P_PORT:-30377}"

quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
if ((quick)); then
  mode=quick texts=64 job_sizes=(32) repeats=1 max_tokens=16 llm_repeats=1 prompts=2 jobs=1
  job_texts=8 follow=0
else
  mode=full texts=1000 job_sizes=(32 250) repeats=2 max_tokens=128 llm_repeats=3 prompts=4
  jobs=10 job_texts=32 follow=1
fi

step() { echo "== [${SECONDS}s] $*"; }
rm -rf "$dir/results" && mkdir -p "$dir/results"
results="$dir/results"
load() { cut -d' ' -f1-3 /proc/loadavg; }
python3 - "$results/meta.json" "$mode" "$repeats" "$(load)" <<'PY'
import json, os, platform, sys, datetime
json.dump({
    "mode": sys.argv[2], "repeats": int(sys.argv[3]), "load_start": sys.argv[4],
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "machine": f"{os.cpu_count()} cores, {platform.machine()}, "
               f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
}, open(sys.argv[1], "w"))
PY

step "python venv"
# --- Python side: sentence-transformers and torch (CPU use) in a venv, once. The quick mode
# checks Havn's own paths only and installs no torch (several GB).
if ((quick)); then
  echo "quick mode: no sentence-transformers comparison (full mode only)"
elif ! "$venv/bin/python" -c 'import sentence_transformers, torch' 2>/dev/null; then
  echo "bench-executors: creating $venv (sentence-transformers, torch; several GB)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --no-cache-dir sentence-transformers torch
  # CUDA-only parts that `import torch` does not load, dropped to keep the disk use down
  # (about 1.3 GB; the venv keeps about 4.5 GB).
  "$venv/bin/pip" uninstall --quiet -y triton nvidia-cusolver nvidia-nvtx nvidia-cuda-cccl
fi
((quick)) || "$venv/bin/python" -c 'import torch; assert torch.ones(2).sum().item() == 2.0'

step "builds, models, corpus"
# --- Builds, models, corpus.
bash scripts/fetch-models.sh >/dev/null
if [[ "${HAVN_SKIP_BUILD:-0}" != 1 ]]; then
  # Binaries and the bench_executors example are the workspace build's (scripts/build.sh).
  bash scripts/build.sh
  if [[ "${HAVN_BENCH_RELEASE:-0}" == 1 ]]; then
    cargo build --locked --release -p havn-executors --example bench_executors
  fi
fi
python3 scripts/bench_texts.py "$texts" >"$results/texts.txt"
echo "corpus: $texts texts, sha256 $(sha256sum "$results/texts.txt" | cut -c1-16)…"

# The devnet runs on its own ports and directory, beside any other devnet of this machine.
devnet_dir="$dir/devnet"
export HAVN_DEVNET_DIR="$devnet_dir" HAVN_RPC_PORT="$rpc_port" HAVN_API_PORT="$api_port" \
  HAVN_PROMETHEUS_PORT="$((rpc_port + 1))" HAVN_P2P_PORT="$p2p_port"
devnet_pid=
start_devnet() {
  trap '[[ -n "$devnet_pid" ]] && kill "$devnet_pid" 2>/dev/null; bash scripts/devnet.sh stop >/dev/null' EXIT
  # The RPC client's trace shows the waits for RPC notifications (bench_executors.py).
  RUST_LOG="info,jsonrpsee-client=trace" HAVN_SKIP_BUILD=1 bash scripts/devnet.sh &
  devnet_pid=$!
}
step "1. MiniLM: havn executor and sentence-transformers"
# --- 1. MiniLM: havn executor and sentence-transformers, alternating, same texts.
examples=("$bin/examples/bench_executors")
[[ "${HAVN_BENCH_RELEASE:-0}" == 1 ]] && examples+=("$CARGO_TARGET_DIR/release/examples/bench_executors")
for job_size in "${job_sizes[@]}"; do
  for r in $(seq 1 "$repeats"); do
    for ex in "${examples[@]}"; do
      "$ex" embed workflows/text-embedding.json "$results/texts.txt" "$job_size" \
        "$results/havn-$job_size.f32" | tee -a "$results/embed.jsonl"
    done
    ((quick)) && continue
    "$venv/bin/python" scripts/bench_executors.py st "$results/texts.txt" "$job_size" \
      models/all-MiniLM-L6-v2 "$results/havn-$job_size.f32" "$results/st-$job_size-$r.json" \
      2>>"$results/st.log" | tee -a "$results/st.jsonl" ||
      { echo "bench-executors: sentence-transformers failed; see $results/st.log" >&2; exit 1; }
  done
done

step "2. SmolLM2 tokens/s"
# --- 2. SmolLM2 tokens/s.
"$bin/examples/bench_executors" llm "$max_tokens" "$llm_repeats" "$prompts" |
  tee "$results/llm.jsonl"

step "3. havn-exec per-job phases on a devnet"
# --- 3. The daemon's overhead per job, on a devnet.
start_devnet
wait "$devnet_pid" || { echo "bench-executors: the devnet did not start" >&2; exit 1; }
export HAVN_CHAIN="ws://127.0.0.1:$rpc_port" HAVN_ORCHESTRATOR="http://127.0.0.1:$api_port"
havn() { "$bin/havn" "$@"; }
in_parallel() { # run each quoted command line in the background, fail if any failed
  local pids=() rc=0 n=0
  for c in "$@"; do n=$((n + 1)); eval "$c" >"$results/setup-$n.log" 2>&1 & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  ((rc == 0)) || { cat "$results"/setup-*.log >&2; return 1; }
}
step "fund and bond (in parallel)"
in_parallel "havn --suri //Creator faucet" "havn --suri //User faucet" \
  "havn --suri //Ferdie bond --role node --class S --amount 2000" \
  "havn --suri //Bob bond --role validator --amount 10000" \
  "havn --suri //Charlie bond --role validator --amount 10000" \
  "havn --suri //Dave bond --role validator --amount 10000" \
  "havn --suri //Eve bond --role relay --amount 1000"
step "publish the workflows"
emb=$(havn --suri //Creator --json publish workflows/text-embedding.json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["workflow_id"])')
agent=$(havn --suri //Creator --json publish workflows/llm-agent.json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["workflow_id"])')
questions=("What is the capital of France?" "Who gets paid when a Havn workflow runs?"
  "At what temperature does water boil?" "Which is the highest mountain?"
  "What is the capital of Germany?" "Where is Paris?" "What does the Havn chain pay?"
  "How high is Mount Everest?" "Is Berlin a capital city?" "When does water boil at sea level?")
exec_log="$devnet_dir/logs/exec-ferdie.log"
submit() { # workflow, input json -> job id
  # Full mode follows each job to payout, so that no attestor re-executes a job while the next
  # one runs; quick mode waits only for the executor's receipt.
  local wait=(--timeout 600) id
  ((follow)) || wait=(--no-wait)
  printf '%s' "$2" >"$results/input.json"
  id=$(havn --suri //User --json submit "$1" --input "$results/input.json" "${wait[@]}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])')
  for _ in $(seq 1 600); do
    grep -q "receipt submitted job_id=$id " "$exec_log" && break
    sleep 0.5
  done
  grep -q "receipt submitted job_id=$id " "$exec_log" ||
    { echo "bench-executors: no receipt for job $id; see $exec_log" >&2; return 1; }
  echo "$id"
}
step "jobs"
emb_jobs=() llm_jobs=()
for i in $(seq 0 $((jobs - 1))); do
  input=$(python3 -c 'import json,sys; t=open(sys.argv[1]).read().splitlines(); i=int(sys.argv[2]); n=int(sys.argv[3]); print(json.dumps({"texts": t[i*n:(i+1)*n]}))' \
    "$results/texts.txt" "$i" "$job_texts")
  emb_jobs+=("$(submit "$emb" "$input")")
  q="${questions[$((i % ${#questions[@]}))]}"
  llm_jobs+=("$(submit "$agent" "$(python3 -c 'import json,sys; print(json.dumps({"question": sys.argv[1]}))' "$q")")")
  echo "jobs: embedding #${emb_jobs[-1]} ($job_texts texts), llm-agent #${llm_jobs[-1]} done"
done
python3 -c 'import json,sys; json.dump({"embed": [int(x) for x in sys.argv[2].split()], "llm": [int(x) for x in sys.argv[3].split()]}, open(sys.argv[1], "w"))' \
  "$results/jobs.json" "${emb_jobs[*]}" "${llm_jobs[*]}"
python3 scripts/bench_executors.py daemon "$exec_log" "$results/jobs.json" "$results/daemon.json"
bash scripts/devnet.sh stop >/dev/null
trap - EXIT

step "tables"
# --- Tables.
load >"$results/load_end"
python3 scripts/bench_executors.py table "$results" | tee "$results/table.md"
echo "embedding job: $job_texts texts from the corpus; LLM job: llm-agent (retrieve over 5 notes, answer with max_tokens 48)" |
  tee -a "$results/table.md"
if [[ -n "${HAVN_BENCH_OUT:-}" ]]; then
  cat "$results/table.md" >>"$HAVN_BENCH_OUT"
fi
