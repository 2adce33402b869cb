#!/usr/bin/env bash
# Havn's performance harness, every part in one go; each part also runs on its own.
#
#   scripts/bench.sh            full figures (what docs/performance.md quotes; ~30 min, and a
#                               release havn-node build the first time)
#   scripts/bench.sh --quick    short modes: checks that every benchmark runs end to end (CI)
#
#   scripts/bench-weights.sh     job lifecycles per block against transfers, by weight
#   scripts/bench-chain.sh       the same, measured on a running node, plus payout latency,
#                                block fullness and the orchestrator's indexer lag
#   scripts/bench-routing.sh     the relay's routing decision with 10,000 registered nodes
#   scripts/bench-api.sh         the REST API at a fixed request rate over 1,000,000 jobs
#   scripts/bench-executors.sh   MiniLM against sentence-transformers, SmolLM2 tokens/s and the
#                                daemon's overhead per job
#
# Run the full mode on an otherwise idle machine: the figures are ratios and distributions
# measured side by side, and other work on the same cores skews them. With HAVN_BENCH_OUT=FILE
# every part appends its table to FILE.
#
# The quick mode runs the parts side by side (their figures are not the point there; each uses
# its own ports and directories), after one scripts/build.sh that all of them share, and prints
# each part's output in turn when all have ended.
set -euo pipefail
cd "$(dirname "$0")/.."
parts=(bench-weights bench-chain bench-routing bench-api bench-executors)
if [[ "${1:-}" != "--quick" ]]; then
  for part in "${parts[@]}"; do
    printf '\n==> scripts/%s.sh\n' "$part"
    bash "scripts/$part.sh"
  done
  exit 0
fi

bash scripts/build.sh
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
pids=()
for part in "${parts[@]}"; do
  HAVN_SKIP_BUILD=1 bash "scripts/$part.sh" --quick >"$logs/$part.log" 2>&1 &
  pids+=($!)
done
failed=()
for i in "${!parts[@]}"; do
  wait "${pids[$i]}" || failed+=("${parts[$i]}")
done
for part in "${parts[@]}"; do
  printf '\n==> scripts/%s.sh --quick\n' "$part"
  cat "$logs/$part.log"
done
if ((${#failed[@]})); then
  echo "bench: failed: ${failed[*]}" >&2
  exit 1
fi
