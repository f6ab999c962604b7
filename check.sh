#!/usr/bin/env bash
# What CI runs and what to run before a commit: formatting, lints (with and without the GUI),
# and every test.
set -euo pipefail
cd "$(dirname "$0")"
cargo fmt --all -- --check
cargo clippy --all-targets --no-default-features -- -D warnings
cargo clippy --all-targets -- -D warnings
cargo test
