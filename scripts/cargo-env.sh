# Sourced by every script that runs cargo or reads its build (never run on its own): one place
# for the environment that decides what cargo builds, so that every script finds the artifacts
# the others made instead of compiling the workspace again.
#
# - CARGO_TARGET_DIR defaults to ~/.cache/havn/target, outside the clone, so later runs and CI
#   reuse the build.
# - The workspace's own crates are compiled through clippy-driver (cargo's
#   RUSTC_WORKSPACE_WRAPPER, which is what `cargo clippy` sets): the one build lints them as it
#   compiles them, with warnings denied, instead of a separate `cargo clippy` that checks every
#   dependency a second time. Dependencies are compiled by rustc as usual. HAVN_LINT=0 builds
#   without the lints (cargo then recompiles the workspace's crates once, not the dependencies).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/havn/target}"
if [[ "${HAVN_LINT:-1}" == 1 ]]; then
  if ! havn_clippy_driver="$(command -v clippy-driver)"; then
    echo "cargo-env: clippy-driver not found: run scripts/setup.sh (rustup component add clippy)" >&2
    exit 1
  fi
  export RUSTC_WORKSPACE_WRAPPER="$havn_clippy_driver"
  # cargo clippy's own encoding of `-- -D warnings`: each argument ends with the separator.
  export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
else
  unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS
fi
