#!/usr/bin/env bash
# Command 1: set everything up, build the app and serve it, with the relay, on
# http://127.0.0.1:8080 (QINGFENG_ADDR overrides). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
build_app
cargo build --profile relay -p qingfeng-relay
export QINGFENG_ADDR=${QINGFENG_ADDR:-127.0.0.1:8080}
export QINGFENG_DATA=${QINGFENG_DATA:-data/relay}
echo "Qingfeng: open http://$QINGFENG_ADDR" >&2
exec "${CARGO_TARGET_DIR:-target}/relay/qingfeng-relay" --dist dist
