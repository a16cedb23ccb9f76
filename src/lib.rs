//! Qingfeng (清风): a local-first register for the corruption-risk prevention work of a small
//! public unit. `model`, `rules` and `doc` are plain Rust; `ui` and the browser side of
//! `storage` only build for wasm32.

pub mod doc;
pub mod engine;
pub mod i18n;
pub mod model;
pub mod report;
pub mod rules;
pub mod storage;
pub mod sync;
#[cfg(target_arch = "wasm32")]
pub mod ui;
pub mod workload;
