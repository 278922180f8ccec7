#!/usr/bin/env bash
# The whole test suite: unit tests of every crate, the integration tests (end-to-end runs,
# plugin loading, every capture of ../shared/pcaps when present), then the conformance gate
# against the original's output (when ../shared is present).
set -euo pipefail
cd "$(dirname "$0")"
cargo test --workspace --release
if [ -d ../shared/conformance-basicflow ] || [ -n "${T2_SHARED:-}" ]; then
    cargo xtask conformance --plugins basicFlow,txtSink --min-identical "${T2_MIN_IDENTICAL:-0}"
else
    echo "conformance: skipped (../shared not found)"
fi
