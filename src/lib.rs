//! Qingfeng (清风): a local-first register for the corruption-risk prevention work of a small
//! public unit. `model`, `rules`, `doc` and `engine` are plain Rust; `ui`, `worker` (the engine
//! in a Web Worker) and the browser side of `storage` only build for wasm32.

pub mod doc;
pub mod engine;
pub mod i18n;
pub mod model;
pub mod report;
pub mod rules;
pub mod seal;
pub mod storage;
pub mod sync;
#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod worker;
pub mod workload;
