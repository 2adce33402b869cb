#!/usr/bin/env bash
# The one debug build of the workspace that every script shares: every crate, every target
# (tests, benches, examples), default features, the real runtime wasm. The test command
# (scripts/test.sh), the devnet, the benchmarks' short modes and scripts/update-metadata.sh all
# call this, so cargo resolves each crate's features once and builds it once: a `-p` build or a
# build without `--all-targets` would resolve other feature sets and compile crates again.
#
# It also lints the workspace's crates as it compiles them, warnings denied (clippy-driver as
# cargo's workspace wrapper; HAVN_LINT=0 skips it), and CARGO_TARGET_DIR defaults to
# ~/.cache/havn/target: scripts/cargo-env.sh. Extra arguments go to cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cargo-env.sh
cargo build --locked --workspace --all-targets "$@"
