#!/usr/bin/env bash
# Runs every benchmark: the native criterion benches (`cargo bench`), then the browser bench
# (the core in wasm against @automerge/automerge, and the app on an R5k register) in headless
# Chromium. Long (the first run builds the registers: several minutes); not part of CI.
#   scripts/bench.sh            everything
#   scripts/bench.sh browser    only the browser bench
#   scripts/bench.sh relay      only the relay load test (50 clients x 100 edits on loopback)
#   scripts/bench.sh fuzz       only the import fuzzing, a million inputs (CI runs 10,000)
#   scripts/bench.sh sim        only the engine simulation, QINGFENG_SIM_SCHEDULES schedules
#                               (default 1,000,000; CI runs 2,000), optimised
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}

if [ "${1:-all}" = fuzz ]; then
  QINGFENG_FUZZ_INPUTS=${QINGFENG_FUZZ_INPUTS:-1000000} cargo test --quiet --release --test import_fuzz -- --nocapture
  exit
fi

if [ "${1:-all}" = sim ]; then
  QINGFENG_SIM_SCHEDULES=${QINGFENG_SIM_SCHEDULES:-1000000} \
    cargo test --quiet --profile bench --test engine_sim -- --nocapture
  exit
fi

if [ "${1:-all}" = relay ]; then
  cargo build --quiet --release -p qingfeng-relay
  QINGFENG_RELAY_BIN="$target_dir/release/qingfeng-relay" cargo run --quiet --release --example relay_load
  exit
fi

scripts/setup.sh --browser
source scripts/env.sh

if [ "${1:-all}" != browser ]; then
  cargo bench --bench register
fi

cargo run --quiet --profile bench --example bench_data -- target/bench-data
build_app
cargo fetch --quiet
trunk build --release=true --dist dist-bench bench.html
cargo build --quiet -p qingfeng-relay

data=$(mktemp -d)
"$target_dir/debug/qingfeng-relay" --addr 127.0.0.1:18081 --dist dist --data "$data/app" >"$data/app.log" 2>&1 &
app=$!
"$target_dir/debug/qingfeng-relay" --addr 127.0.0.1:18082 --dist dist-bench --data "$data/bench" >"$data/bench.log" 2>&1 &
bench=$!
trap 'kill $app $bench 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do
  curl -sf http://127.0.0.1:18081/health >/dev/null && curl -sf http://127.0.0.1:18082/health >/dev/null && break
  sleep 0.2
done
echo "release wasm: $(stat -c %s dist/*.wasm) bytes, $(gzip -9 -c dist/*.wasm | wc -c) gzip" >&2
node bench/run.mjs
