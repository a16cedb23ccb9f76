# Sourced by the scripts: the PATH and settings every build step shares.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Trunk must not reach for GitHub: local wasm-bindgen and wasm-opt, cargo --offline after `cargo fetch`.
export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-auto}

# Builds the web app into dist/ (release wasm, wasm-opt -Oz), its service worker, and the
# brotli and gzip copies the relay serves.
build_app() {
  cargo fetch --quiet
  trunk build --release --dist dist
  node scripts/service-worker.mjs dist
  cargo run --quiet -p qingfeng-relay --bin qingfeng-precompress -- dist
}
