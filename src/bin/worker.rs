//! The Web Worker entry point (Trunk `data-type="worker"`): starts the register engine.

fn main() {
    #[cfg(target_arch = "wasm32")]
    qingfeng::worker::start();
}
