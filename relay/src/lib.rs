//! Qingfeng relay: a native server that speaks the automerge-repo sync
//! protocol over WebSocket (via `samod`), stores documents on the filesystem,
//! and serves the built web app.
//!
//! ```no_run
//! # async fn demo() -> Result<(), qingfeng_relay::RelayError> {
//! let config = qingfeng_relay::Config {
//!     addr: "127.0.0.1:0".parse().unwrap(),
//!     ..Default::default()
//! };
//! let relay = qingfeng_relay::Relay::start(config).await?;
//! println!("listening on {}", relay.local_addr());
//! relay.shutdown().await
//! # }
//! ```

#![warn(missing_docs)]

mod access;
mod admin;
mod config;
mod gate;
mod headers;
mod journal;
mod precompress;
mod routes;
mod server;
mod tls;

pub use admin::{Document, documents, documents_table, lock_unclaimed, revoke};
pub use config::{
    Command, Config, ConfigError, DEFAULT_ADDR, DEFAULT_DATA, DEFAULT_DIST, ENV_ADDR, ENV_DATA, ENV_DIST, ENV_TOKEN,
    Limits, TlsFiles, USAGE,
};
pub use precompress::precompress_dir;
pub use routes::{HEALTH_PATH, SYNC_PATH};
pub use server::{Relay, RelayError, run};
