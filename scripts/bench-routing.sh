#!/usr/bin/env bash
# Routing latency at 10,000 execution nodes (docs/performance.md): the relay's real path over a
# seeded SQLite index (bench/benches/routing.rs). Prints p50, p99 and max of individually
# timed decisions, candidate-list builds and one-job rounds as a markdown table (appended to
# $HAVN_BENCH_OUT when set), then criterion's means. Then the indexer's side of the same
# database: how long writing one block as busy as the chain benchmark's takes
# (bench/benches/indexer.rs), the database part of the indexer's lag.
#
#   scripts/bench-routing.sh            200,000 jobs of history, 10,000 timed decisions; 40 blocks
#   scripts/bench-routing.sh --quick    20,000 jobs, 2,000 decisions, criterion --quick; 8 blocks;
#                                       the dev profile (CI already built it: the quick mode
#                                       checks that the benches run, not how fast)
#
# The database goes to a temporary directory ($TMPDIR), or set HAVN_BENCH_DB to the sqlite://
# URL of a database seeded by havn-bench-seed (for example the one of scripts/bench-api.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cargo-env.sh
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -m); $(date -u '+%Y-%m-%d %H:%M UTC')"
if [[ "${1:-}" == "--quick" ]]; then
  # The debug bench binaries of the workspace build (scripts/build.sh), run as they are, with
  # their own criterion baselines so that debug timings are never compared with release ones.
  export CRITERION_HOME="$CARGO_TARGET_DIR/criterion-quick"
  for bench in routing indexer; do
    "$(bash scripts/target-path.sh bench "$bench")" --bench --quick
  done
else
  cargo bench --locked --workspace --bench routing
  cargo bench --locked --workspace --bench indexer
fi
