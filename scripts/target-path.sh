#!/usr/bin/env bash
# Prints the path of one executable of the workspace build (scripts/build.sh), building it first
# if needed: `scripts/target-path.sh test weight_report`, `scripts/target-path.sh bench routing`.
# The benchmarks' short modes run these directly, so that no `cargo test -p …` or `cargo bench`
# compiles the crates again under another feature set or profile.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cargo-env.sh
kind="$1" name="$2"
bash scripts/build.sh --message-format=json 2>/dev/null | python3 -c '
import json, sys
kind, name = sys.argv[1], sys.argv[2]
found = [m["executable"] for m in map(json.loads, sys.stdin)
         if m.get("reason") == "compiler-artifact" and m.get("executable")
         and m["target"]["name"] == name and kind in m["target"]["kind"]
         and (kind != "lib" and (m["profile"]["test"] or kind == "bench"))]
if not found:
    sys.exit(f"target-path: no {kind} target named {name} in the workspace build")
print(found[-1])
' "$kind" "$name"
