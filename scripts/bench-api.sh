#!/usr/bin/env bash
# REST API latency at a fixed request rate over a large index (docs/performance.md).
#
# 1. Builds havn-orchestrator and havn-bench-seed (release profile; --quick uses the debug build
#    the test command already made, since it checks that the harness runs, not how fast), and
#    in full mode installs the `oha` load generator into ~/.cache/havn/tools if it is not on the
#    PATH (the quick mode drives the same requests with scripts/bench_api_quick.py instead, so a
#    fresh CI machine compiles no load generator).
# 2. Seeds a fresh SQLite database through the orchestrator's own migrations with a synthetic
#    history (havn-bench-seed: jobs with their nodes, receipts, attestations, payouts,
#    settlements and timeline events, workflows, 10,000 nodes, validators, totals, accounts).
# 3. Serves it with `havn-orchestrator --no-index` and drives it with oha at a fixed rate
#    (latency counted from each request's scheduled time: --latency-correction), with a mix of
#    the main read endpoints drawn as real traffic would be (docs/performance.md lists it).
# 4. Prints p50, p99, max and the success rate per endpoint and overall as a markdown table,
#    appended to $HAVN_BENCH_OUT when set.
#
#   scripts/bench-api.sh            1,000,000 jobs, 1,000 req/s for 30 s
#   scripts/bench-api.sh --quick    10,000 jobs, 300 requests at 100 req/s (CI)
#
# Environment: HAVN_BENCH_DIR (work directory, default ~/.cache/havn/bench-api),
# HAVN_BENCH_PORT (default 18080), HAVN_BENCH_REUSE=1 (keep a database seeded by an earlier
# run with the same size), HAVN_BENCH_KEEP=1 (keep the database afterwards), HAVN_BENCH_JOBS,
# HAVN_BENCH_RATE, HAVN_BENCH_DURATION (override the mode's figures), HAVN_SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cargo-env.sh

mode=full
profile=release
jobs=1000000
rate=1000
duration=30s
if [[ "${1:-}" == "--quick" ]]; then
  mode=quick
  profile=debug
  jobs=10000
  rate=100
  duration=3s
fi
jobs="${HAVN_BENCH_JOBS:-$jobs}"
rate="${HAVN_BENCH_RATE:-$rate}"
duration="${HAVN_BENCH_DURATION:-$duration}"
work="${HAVN_BENCH_DIR:-$HOME/.cache/havn/bench-api}"
port="${HAVN_BENCH_PORT:-18080}"
base="http://127.0.0.1:$port"

echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -m); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "mode: $mode ($jobs jobs, $rate req/s for $duration; $profile build)"

if [[ "${HAVN_SKIP_BUILD:-0}" == 1 ]]; then
  : # built by the caller (scripts/bench.sh --quick)
elif [[ $profile == release ]]; then
  cargo build --release --locked -p havn-orchestrator -p havn-bench --bins
else
  bash scripts/build.sh
fi
bin="$CARGO_TARGET_DIR/$profile"

tools="$HOME/.cache/havn/tools"
oha="$(command -v oha || true)"
if [[ $mode == quick ]]; then
  oha=""
elif [[ -z "$oha" ]]; then
  oha="$tools/bin/oha"
  if [[ ! -x "$oha" ]]; then
    started=$(date +%s)
    # A tool, not Havn's code: built without the workspace's lints (scripts/cargo-env.sh).
    env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS cargo install oha --locked --root "$tools"
    echo "installed oha in $(($(date +%s) - started)) s"
  fi
fi
if [[ -n "$oha" ]]; then
  echo "load generator: $("$oha" --version)"
else
  echo "load generator: scripts/bench_api_quick.py (quick mode)"
fi

mkdir -p "$work"
db="$work/havn.db"
marker="$work/seeded-$jobs"
if [[ "${HAVN_BENCH_REUSE:-0}" == 1 && -e "$marker" && -e "$db" ]]; then
  echo "reusing the database seeded with $jobs jobs in $work"
else
  rm -rf "$work/havn.db" "$work/havn.db-wal" "$work/havn.db-shm" "$work/artifacts" "$work"/seeded-* "$work/urls"
  "$bin/havn-bench-seed" --data-dir "$work" --jobs "$jobs" --urls "$work/urls" --base-url "$base" | tee "$work/seed.log"
  touch "$marker"
fi
echo "database: $(du -h "$db" | cut -f1)"

# The request mix (weights in percent; docs/performance.md).
mix=(job:40 workflow:15 jobs_by_payer:10 jobs_page:10 jobs_by_workflow:5 nodes:5 validators:5 workflows:5 dashboard:5)
urls="$work/mix.txt"
: >"$urls"
for entry in "${mix[@]}"; do
  name="${entry%%:*}"
  weight="${entry##*:}"
  # The URL files were written for the same base URL; oha picks lines at random.
  head -n $((weight * 200)) "$work/urls/$name.txt" | sed "s#^http://127.0.0.1:[0-9]*#$base#" >>"$urls"
done

server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ "${HAVN_BENCH_KEEP:-0}" != 1 && "${HAVN_BENCH_REUSE:-0}" != 1 ]]; then
    rm -rf "$work/havn.db" "$work/havn.db-wal" "$work/havn.db-shm" "$work"/seeded-*
  fi
}
trap cleanup EXIT
if curl -fsS "$base/health" >/dev/null 2>&1; then
  echo "port $port is already serving; stop that process or set HAVN_BENCH_PORT" >&2
  exit 1
fi
"$bin/havn-orchestrator" --data-dir "$work" --no-index --listen "127.0.0.1:$port" \
  --log-filter warn >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  curl -fsS "$base/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$base/health"
echo
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }

rm -f "$work/requests.db" "$work/summary.json"
if [[ -n "$oha" ]]; then
  # Warm-up (connections, statement caches, page cache): 1,000 requests, 4 at a time.
  "$oha" -n 1000 -c 4 --urls-from-file "$urls" --no-tui --output-format quiet >/dev/null
  ticks_before=$(cpu_ticks)
  "$oha" -z "$duration" -q "$rate" --latency-correction -w -c 64 --urls-from-file "$urls" \
    --no-tui --output-format json -o "$work/summary.json" --db-url "$work/requests.db"
else
  ticks_before=$(cpu_ticks)
  shuf --random-source=<(yes) -n 300 "$urls" >"$work/quick-urls.txt"
  python3 scripts/bench_api_quick.py "$work/quick-urls.txt" "$rate" "$work/requests.db" \
    "$work/summary.json"
fi
ticks=$(($(cpu_ticks) - ticks_before))
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); server CPU time: $((ticks * 10)) ms"

python3 - "$work/requests.db" "$work/summary.json" "$mode" "$jobs" "$rate" "$duration" \
  "$((ticks * 10))" "$(cut -d' ' -f1 /proc/loadavg)" <<'EOF' | tee "$work/table.md"
import json, os, sqlite3, sys
from urllib.parse import urlsplit, parse_qs

requests_db, summary_json, mode, jobs, rate, duration, cpu_ms, load = sys.argv[1:]
rows = sqlite3.connect(requests_db).execute("SELECT url, duration, status FROM oha").fetchall()
summary = json.load(open(summary_json))
errors = sum(summary.get("errorDistribution", {}).values())

def endpoint(url):
    parts = urlsplit(url)
    path, query = parts.path, parse_qs(parts.query)
    if path.startswith("/v1/jobs/"):
        return "GET /v1/jobs/{id}"
    if path.startswith("/v1/workflows/"):
        return "GET /v1/workflows/{id} (earnings)"
    if path == "/v1/jobs":
        for key in ("payer", "workflow"):
            if key in query:
                return f"GET /v1/jobs?{key}="
        return "GET /v1/jobs (page)"
    return "GET " + path + (" (page)" if "offset" in query else "")

def pct(sorted_ms, q):
    if not sorted_ms:
        return float("nan")
    i = max(1, min(len(sorted_ms), int(-(-q * len(sorted_ms) // 1)))) - 1
    return sorted_ms[i]

groups = {}
for url, dur, status in rows:
    groups.setdefault(endpoint(url), []).append((dur * 1000.0, status))
print(f"REST API at {rate} req/s for {duration}, {int(jobs):,} jobs indexed ({mode})\n")
print("| endpoint | requests | success | p50 (ms) | p99 (ms) | max (ms) |")
print("|---|---|---|---|---|---|")
def line(name, items, extra_errors=0):
    ms = sorted(d for d, _ in items)
    ok = sum(1 for _, s in items if 200 <= s < 300)
    total = len(items) + extra_errors
    print(f"| {name} | {total} | {100.0 * ok / max(total, 1):.2f}% | {pct(ms, .5):.2f} | {pct(ms, .99):.2f} | {max(ms) if ms else float('nan'):.2f} |")
for name in sorted(groups, key=lambda n: -len(groups[n])):
    line(name, groups[name])
line("**all**", [i for g in groups.values() for i in g], errors)
achieved = summary.get("summary", {}).get("requestsPerSec", 0.0)
print(f"\nachieved rate {achieved:.0f} req/s; transport errors {errors}; latency from each request's scheduled send time")
print(f"server CPU {int(cpu_ms) / max(len(rows), 1):.2f} ms per request; machine load average {load} on {os.cpu_count()} cores")
EOF
if [[ -n "${HAVN_BENCH_OUT:-}" ]]; then
  cat "$work/table.md" >>"$HAVN_BENCH_OUT"
fi
