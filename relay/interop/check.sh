#!/usr/bin/env bash
# Manual interop check (not part of `cargo test`): two standard JS
# @automerge/automerge-repo 2.5.6 peers sync through qingfeng-relay, live
# edits are forwarded, the document survives a relay restart, and a wrong
# token is refused. Needs node and npm (registry access on first run).
#
#   cargo build -p qingfeng-relay && relay/interop/check.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
relay="${RELAY_BIN:-$here/../../target/debug/qingfeng-relay}"
port="${PORT:-18181}"
work="$(mktemp -d)"
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cd "$here"
[[ -d node_modules ]] || npm install --no-audit --no-fund >/dev/null

start_relay() {
  "$relay" --addr "127.0.0.1:$port" --data "$work/data" --dist "$work/dist" --token tok \
    2>>"$work/relay.log" &
  pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && return; sleep 0.1; done
  echo "relay did not start; log:"; cat "$work/relay.log"; exit 1
}
stop_relay() { kill -TERM "$pid"; wait "$pid" || true; pid=""; }

export RELAY_URL="ws://127.0.0.1:$port/sync?token=tok"
start_relay
url="$(node check.mjs create)"
echo "created $url"
node check.mjs find "$url" | grep -q '清风 from JS' && echo "ok: second peer found the document"
node check.mjs watch "$url" "edited" & watcher=$!
sleep 1.5
node check.mjs edit "$url" "edited" >/dev/null
wait "$watcher" && echo "ok: live edit forwarded to the watching peer"
stop_relay
start_relay
node check.mjs find "$url" | grep -q '"edited"' && echo "ok: document survived the relay restart"
if RELAY_URL="ws://127.0.0.1:$port/sync?token=wrong" node check.mjs find "$url" 2>/dev/null; then
  echo "FAIL: wrong token accepted"; exit 1
fi
echo "ok: wrong token refused"
stop_relay
echo "interop check passed"
