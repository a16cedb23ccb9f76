//! The register engine's protocol: every change to a register as data, and what a view of the
//! register learns from it.
//!
//! A [`Command`] is what a form, a button or a file asks of the register; [`RegisterDoc::run`]
//! applies it as the member at this browser and answers with an [`Outcome`] and the
//! [`ViewPatch`]es that bring any copy of the view ([`Register`]) up to date, entity by entity.
//! Commands and patches are plain serde data, so the same protocol serves the page talking to
//! an engine on its own thread today and to one in a Web Worker.
//!
//! [`RegisterDoc::run`]: crate::doc::RegisterDoc::run
//! [`Register`]: crate::model::Register

mod command;
pub mod core;
pub mod hub;
pub mod protocol;
pub mod sealing;
mod view;
pub mod view_store;

pub use command::{AnyForm, Command, EntityForm, Outcome};
pub use view::{EntityValue, ViewPatch};
