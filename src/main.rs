//! The browser entry point: mount only.

fn main() {
    #[cfg(target_arch = "wasm32")]
    qingfeng::ui::mount();
}
