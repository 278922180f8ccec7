#!/usr/bin/env bash
# The whole test suite: unit tests of every crate, the integration tests (end-to-end runs,
# plugin loading, every capture of ../shared/pcaps when present), then the conformance gate
# against the original's output (when ../shared is present).
set -euo pipefail
cd "$(dirname "$0")"
shared="${T2_SHARED:-../shared}"
if [ ! -d "$shared/pcaps" ]; then
    echo "NOTE: $shared/pcaps not found: the every-capture test and the conformance run are skipped (set T2_SHARED to run them)"
fi
cargo test --workspace --release
if [ -d "$shared/conformance-basicflow" ]; then
    cargo xtask conformance --plugins basicFlow,txtSink --min-identical "${T2_MIN_IDENTICAL:-99}"
fi
