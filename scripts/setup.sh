#!/usr/bin/env bash
# Installs what building Havn needs, idempotently: Debian packages (protobuf-compiler, clang,
# libclang-dev, and lld, the linker of .cargo/config.toml), the wasm32 targets and rust-src for
# the runtime's wasm build, clippy (the build lints the workspace as it compiles it:
# scripts/cargo-env.sh) and rustfmt, and the Python tooling that scripts/fetch-models.sh uses.
# Safe to run any number of times.
set -euo pipefail

need_apt=()
for pkg in protobuf-compiler clang libclang-dev lld; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

if ! command -v rustup >/dev/null 2>&1; then
  echo "setup: rustup is required (https://rustup.rs)" >&2
  exit 1
fi
installed_targets=$(rustup target list --installed)
for target in wasm32-unknown-unknown wasm32v1-none; do
  grep -qx "$target" <<<"$installed_targets" || rustup target add "$target"
done
installed_components=$(rustup component list --installed)
for component in rust-src clippy rustfmt; do
  grep -q "^$component" <<<"$installed_components" || rustup component add "$component"
done

echo "setup: protoc $(protoc --version | cut -d' ' -f2), clang $(clang --version | head -1 | grep -oE '[0-9]+\.[0-9.]+' | head -1), $(rustc --version)"
