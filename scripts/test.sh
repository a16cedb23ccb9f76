#!/usr/bin/env bash
# Command 2: set everything up and run every test: formatting and lints, the native tests
# (model, rules, document, storage, relay), then the browser tests in headless Chromium
# against the release build served by the relay.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
source scripts/env.sh

step() { printf '\n\033[1;34m== %s\033[0m\n' "$*" >&2; }

step "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo clippy -p qingfeng --target wasm32-unknown-unknown --quiet -- -D warnings

step "native tests"
cargo test --workspace --quiet

step "release build of the app"
build_app
node scripts/single-file.mjs dist dist-single
cargo build --quiet -p qingfeng-relay
# A school-sized register file (R500) for the import test; cached in target/bench-cache.
cargo run --quiet --example bench_data -- target/e2e-data R500 >/dev/null

step "browser tests"
data=$(mktemp -d)
port=${QINGFENG_TEST_PORT:-18080}
"${CARGO_TARGET_DIR:-target}/debug/qingfeng-relay" --addr "127.0.0.1:$port" --dist dist --data "$data" >"$data/relay.log" 2>&1 &
relay=$!
trap 'kill $relay 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { cat "$data/relay.log"; echo "the relay did not start" >&2; exit 1; }
# live.test.mjs starts (and kills) a relay of its own on another port, from the same binary.
QINGFENG_URL="http://127.0.0.1:$port" QINGFENG_E2E_DATA=target/e2e-data \
  QINGFENG_RELAY_BIN="${CARGO_TARGET_DIR:-target}/debug/qingfeng-relay" npm run --silent e2e
