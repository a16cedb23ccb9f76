# Sourced by the scripts: the PATH and settings every build step shares.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Trunk must not reach for GitHub: local wasm-bindgen and wasm-opt, cargo --offline after `cargo fetch`.
export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-auto}

# Builds the web app into dist/ (release wasm, wasm-opt -Oz).
build_app() {
  cargo fetch --quiet
  trunk build --release --dist dist
}
