#!/usr/bin/env bash
# Installs what building Qingfeng needs, skipping whatever is already there, so running it
# again costs seconds. With --browser it also installs Debian's Chromium for the browser tests.
# Facts behind each step: ../shared/TOOLCHAIN.md (wasm-opt, trunk and wasm-bindgen flags).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1;32m[setup]\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[1;31m[setup]\033[0m %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

with_browser=false
[ "${1:-}" = "--browser" ] && with_browser=true

command -v cargo >/dev/null || fail "cargo is missing: install Rust with rustup (https://rustup.rs) first."
command -v npm >/dev/null || fail "npm is missing: install Node.js 20 or newer first."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must be exactly the wasm-bindgen of Cargo.lock. Without --locked: its own lock
# file names a webpki-roots the registry no longer has.
bindgen_version=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

# trunk 0.22.1 declares rustc 1.96.1 but builds and runs on 1.95.
if ! trunk --version >/dev/null 2>&1; then
  say "installing trunk 0.22.1 (about 10 minutes)"
  cargo install trunk --version 0.22.1 --locked --ignore-rust-version
fi

# npm packages: binaryen 132's wasm-opt (Debian's binaryen 108 breaks the app) and playwright-core.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
fi
# A standard automerge-repo peer for the live-sync test (relay/interop/peer.mjs), kept apart:
# npm 11 writes a lock for it that `npm ci` then refuses (cbor-x's optional native builds).
if [ ! -d relay/interop/node_modules/@automerge/automerge-repo ] \
   || [ relay/interop/package-lock.json -nt relay/interop/node_modules/.package-lock.json ]; then
  say "installing the automerge-repo peer's npm packages"
  (cd relay/interop && npm install --no-audit --no-fund)
fi

# Chromium, and a Chinese font so screenshots of the headless browser show text, not boxes.
if $with_browser && { [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/wqy ]; }; then
  say "installing Debian's chromium and fonts-wqy-microhei for the browser tests"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi

say "tools ready: $(trunk --version), wasm-bindgen $bindgen_version, wasm-opt $(node_modules/.bin/wasm-opt --version | cut -d' ' -f3)"
